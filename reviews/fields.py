"""The bibliographic fields of a record, in the order exports and the API list them: the one
list the model, the readers, the exports, the API and deduplication use. Plain Python, so the
readers and the dedup engine, which do not need Django, can import it too."""

BIBLIOGRAPHIC_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "other_ids",
    "keywords",
    "language",
    "publication_type",
    "translated_title",
)

# The fields that say which publication a record is: what the duplicates page sets side by side.
CITATION_FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid")
