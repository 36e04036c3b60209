import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from reviews.importers.base import Skipped
from reviews.importers.formats import BY_NAME
from reviews.imports import import_file
from reviews.models import Database, Membership, Review, Role


class Command(BaseCommand):
    help = (
        "Import one search export into a review, all records or none. Prints a summary line, "
        "or JSON with --json; exits non-zero with the reason on bad input."
    )

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", required=True, choices=Database.values)
        parser.add_argument("--format", dest="format_name", default="", choices=sorted(BY_NAME))
        parser.add_argument("--encoding", default="", help="e.g. gb18030; detected if omitted")
        parser.add_argument("--interface", default="", help="e.g. Ovid, Embase.com")
        parser.add_argument("--search-date", type=date.fromisoformat, default=None)
        parser.add_argument("--search-string", default="")
        parser.add_argument(
            "--user", default="", help="Account recorded as the uploader (default: a lead)."
        )
        parser.add_argument(
            "--confirm-duplicate",
            action="store_true",
            help="Import even if the same file was imported into this review before.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, review_id: int, file: Path, **options):
        try:
            review = Review.objects.get(pk=review_id)
        except Review.DoesNotExist:
            raise CommandError(f"There is no review #{review_id}.") from None
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        user = self._uploader(review, options["user"])
        try:
            with open(file, "rb") as handle:
                search_import = import_file(
                    user=user,
                    review=review,
                    upload=File(handle, name=file.name),
                    database=options["database"],
                    interface=options["interface"],
                    search_date=options["search_date"],
                    search_string=options["search_string"],
                    format_name=options["format_name"],
                    encoding=options["encoding"],
                    confirm_duplicate=options["confirm_duplicate"],
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        summary = {
            "records": search_import.record_count,
            "format": search_import.format,
            "encoding": search_import.encoding,
            "warnings": search_import.warning_count,
            "skipped": search_import.skipped_count,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            gaps = ", ".join(f"{n} {what}" for what, n in search_import.warnings.items())
            self.stdout.write(
                f"Imported {summary['records']} records from {search_import.file_name} "
                f"({search_import.format}, {search_import.encoding}) into review #{review.pk}; "
                f"{summary['warnings']} with warnings" + (f" ({gaps})." if gaps else ".")
            )
            if search_import.skipped_count:
                where = "; ".join(
                    str(Skipped(**{k: v for k, v in item.items() if k != "after_record"}))
                    for item in search_import.skipped
                )
                self.stdout.write(
                    f"{search_import.skipped_count} part"
                    f"{'s' if search_import.skipped_count > 1 else ''} of the file skipped: "
                    f"{where}."
                )

    def _uploader(self, review: Review, username: str):
        if username:
            membership = Membership.objects.filter(
                review=review, user__username=username, role__in=[Role.LEAD, Role.REVIEWER]
            ).first()
            if membership is None:
                raise CommandError(f"{username} is not a lead or reviewer of review #{review.pk}.")
            return membership.user
        lead = review.memberships.filter(role=Role.LEAD).select_related("user").first()
        if lead is None:
            return get_user_model().objects.get(pk=review.created_by_id)
        return lead.user
