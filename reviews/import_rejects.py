"""Unusable records in an import: every one named at once, and the explicit choice to import
the valid records and skip them.

An import stays all or nothing by default: one unusable record refuses the file. The refusal
lists every unusable record (all of them on the import, ``SearchImport.rejected``; the first
ones in the message), so a user fixes the file once, not once per record. The user may
instead choose, knowing how many, to import the valid records and skip these; the skipped
records and their reasons stay on the import and are shown with it and in PRISMA's notes.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from reviews.jobs import job_start
from reviews.models import Job, SearchImport

# How many unusable records a refusal's message names; all of them are kept on the import.
NAMED_IN_MESSAGE = 10
# How many the import page lists, with the count of the rest.
LISTED_ON_PAGE = 50


def rejected_text(item: dict[str, Any]) -> str:
    """``record 2 (line 3): no title``"""
    return _("record %(record)s (line %(line)s): %(message)s") % item


class ImportRefused(ValidationError):
    """An import refused with a message naming the file, record, line and problem."""


class RecordsRefused(ImportRefused):
    """A file refused for its unusable records, carrying all of them."""

    def __init__(self, file_name: str, rejected: list[dict[str, Any]], found: int):
        self.rejected = rejected
        named = pgettext("import list separator", "; ").join(
            rejected_text(item) for item in rejected[:NAMED_IN_MESSAGE]
        )
        more = len(rejected) - NAMED_IN_MESSAGE
        if more > 0:
            named = _("%(named)s; and %(more)s more") % {"named": named, "more": more}
        count = len(rejected)
        valid = found - count
        choice = (
            ngettext(
                "Correct the file, or import the %(valid)s valid records and skip this %(count)s.",
                "Correct the file, or import the %(valid)s valid records and skip these %(count)s.",
                count,
            )
            % {"valid": valid, "count": count}
            if valid
            else _("No record of the file can be imported.")
        )
        # The file name first, as in every refusal: pages that name the file beside the
        # message leave it out (imports_text.without_file_name).
        problem = _(
            "%(named)s. %(count)s of %(found)s records cannot be imported, so nothing was "
            "imported. %(choice)s"
        ) % {"named": named, "count": count, "found": found, "choice": choice}
        super().__init__(f"{file_name}: {problem}")


def import_skip_invalid(*, user: User, search_import: SearchImport, skip: int) -> Job:
    """Run a refused import again, importing its valid records and skipping the unusable
    ones. ``skip`` is the number of records the user agreed to skip: it must be the number
    the refusal named, so that nobody skips records they were not shown."""
    with transaction.atomic():
        search_import = (
            # of=self: PostgreSQL cannot lock the nullable side of the outer join to the job.
            SearchImport.objects.select_for_update(of=("self",))
            .select_related("review", "job")
            .get(pk=search_import.pk)
        )
        if search_import.status != SearchImport.Status.FAILED or not search_import.rejected_count:
            raise ValidationError(
                _("%(file)s was not refused for unusable records, so there is nothing to skip.")
                % {"file": search_import.file_name}
            )
        if skip != search_import.rejected_count:
            raise ValidationError(
                _(
                    "%(file)s has %(count)s unusable records, not %(skip)s; review the list and "
                    "confirm its number."
                )
                % {
                    "file": search_import.file_name,
                    "count": search_import.rejected_count,
                    "skip": skip,
                }
            )
        search_import.skip_invalid = True
        search_import.job = job_start(
            kind="import",
            review=search_import.review,
            user=user,
            params={"search_import": search_import.pk, "language": translation.get_language()},
        )
        search_import.save(update_fields=["skip_invalid", "job"])
    return search_import.job
