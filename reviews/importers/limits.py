"""The longest value an imported record keeps in each field: the one place these are set.

Real bibliographic fields are far shorter than these limits (titles rarely pass 500
characters, structured abstracts 10,000); a longer value is a broken export or a hostile
file, and stored whole it would make every page and comparison that shows it slow. A value
over its limit is cut, and the import counts a warning ("title shortened"); the record's
verbatim source (``Record.raw``) keeps it whole. The record model's character fields take
their ``max_length`` from here. README.md, "Importing search results", lists these limits.
"""

from django.utils.translation import gettext_noop

from reviews.importers.base import ParsedRecord

# Characters per text field.
FIELD_LIMITS: dict[str, int] = {
    "title": 2_000,
    "translated_title": 2_000,
    "abstract": 20_000,
    "journal": 500,
    "volume": 50,
    "issue": 50,
    "pages": 50,
    "doi": 255,
    "pmid": 20,
    "language": 50,
    "publication_type": 200,
}
# List fields: at most so many items, each of at most so many characters. Consortium papers
# list over a thousand authors; the first thousand are kept.
LIST_LIMITS: dict[str, tuple[int, int]] = {
    "authors": (1_000, 200),
    "keywords": (500, 200),
}
# Characters per identifier in other_ids (a URL is the longest real one).
ID_LIMIT = 2_000


# The warnings a cut gives, kept in English as keys (SearchImport.warnings); marked here so
# that pages can show them translated (reviews.templatetags.imports_text).
SHORTENED = (
    gettext_noop("title shortened"),
    gettext_noop("translated_title shortened"),
    gettext_noop("abstract shortened"),
    gettext_noop("journal shortened"),
    gettext_noop("volume shortened"),
    gettext_noop("issue shortened"),
    gettext_noop("pages shortened"),
    gettext_noop("doi shortened"),
    gettext_noop("pmid shortened"),
    gettext_noop("language shortened"),
    gettext_noop("publication_type shortened"),
    gettext_noop("authors shortened"),
    gettext_noop("keywords shortened"),
    gettext_noop("other_ids shortened"),
)


def shorten(record: ParsedRecord) -> list[str]:
    """Cut each field of `record` to its limit, in place; "<field> shortened" for each cut."""
    cut = []
    for name, limit in FIELD_LIMITS.items():
        value = getattr(record, name)
        if len(value) > limit:
            setattr(record, name, value[:limit])
            cut.append(f"{name} shortened")
    for name, (most, longest) in LIST_LIMITS.items():
        items = getattr(record, name)
        if len(items) > most or any(len(item) > longest for item in items):
            setattr(record, name, [item[:longest] for item in items[:most]])
            cut.append(f"{name} shortened")
    if any(len(value) > ID_LIMIT for value in record.other_ids.values()):
        record.other_ids = {key: value[:ID_LIMIT] for key, value in record.other_ids.items()}
        cut.append("other_ids shortened")
    return cut
