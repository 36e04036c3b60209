"""The registry of export formats: detection order, labels and readers.

Every reader module has ``NAME``, ``LABEL``, ``sniff(head: str) -> bool`` (``head`` is the
decoded start of the file) and ``parse(source) -> Iterator[ParsedRecord | Skipped]``, where
``source`` is the numbered lines of the file (``Iterable[tuple[int, str]]``) for text formats,
or the file's path for XML formats (``XML = True``), which decode themselves.

No reader drops input without a word: each record-shaped part of the file is yielded as a
record (with ``warnings`` if it was damaged), refused with ``ImportFailure`` naming its line,
or yielded as ``Skipped`` with its lines. tests/reviews/importers/ feeds every reader a
damaged file to check this.
"""

from types import ModuleType

from django.utils.translation import gettext as _

from reviews.importers import (
    cnki,
    cochrane,
    embase_csv,
    endnote_refer,
    endnote_xml,
    generic_csv,
    medline,
    noteexpress,
    pubmed_xml,
    refworks,
    ris,
    scopus_csv,
    wos,
)
from reviews.importers.base import ImportFailure
from reviews.importers.csv_exports import header_of

# Most specific first. Every sniff was checked against every fixture file: each file is
# claimed by exactly one reader. The generic CSV reader never claims a file by sniffing;
# it is the fallback for any other table with a header row.
FORMATS: tuple[ModuleType, ...] = (
    noteexpress,
    cnki,
    endnote_refer,
    refworks,
    cochrane,
    medline,
    wos,
    ris,
    pubmed_xml,
    endnote_xml,
    scopus_csv,
    embase_csv,
    generic_csv,
)

BY_NAME = {module.NAME: module for module in FORMATS}


def format_choices() -> list[tuple[str, str]]:
    return [(module.NAME, module.LABEL) for module in FORMATS]


def detect_format(head: str) -> ModuleType:
    for module in FORMATS:
        if module.sniff(head):
            return module
    columns = header_of(head)
    if len(columns) >= 2 and all(columns):  # a header row: named columns, none empty
        return generic_csv
    names = ", ".join(str(module.LABEL) for module in FORMATS)
    raise ImportFailure(
        _("the format was not recognised; Evident reads %(formats)s") % {"formats": names}
    )


def format_named(name: str) -> ModuleType:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ImportFailure(
            _("“%(format)s” is not a format Evident knows; choose one of %(formats)s")
            % {"format": name, "formats": ", ".join(BY_NAME)}
        ) from None
