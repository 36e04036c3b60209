"""The bibliographic fields of a record, in the order exports and the API list them: the one
list the model, the readers, the exports, the API and deduplication use. It imports nothing of
Django but its lazy translations (labels for people), so the readers and the dedup engine can
import it too."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

# What people read for each field (column mapping, the duplicates comparison). Lazy, so the
# readers and the dedup engine, which never show a label, need no Django settings.
FIELD_LABELS = {
    "title": _("Title"),
    "abstract": _("Abstract"),
    "authors": _("Authors"),
    "year": _("Year"),
    "journal": _("Journal"),
    "volume": _("Volume"),
    "issue": _("Issue"),
    "pages": _("Pages"),
    "doi": "DOI",
    "pmid": "PMID",
    "other_ids": _("Other identifiers"),
    "keywords": _("Keywords"),
    "language": pgettext_lazy("record field", "Language"),
    "publication_type": _("Publication type"),
    "translated_title": _("Translated title"),
}
