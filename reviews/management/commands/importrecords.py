import argparse
import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from reviews.import_rejects import RecordsRefused, rejected_text
from reviews.importers import generic_csv
from reviews.importers.base import Skipped
from reviews.importers.formats import BY_NAME
from reviews.imports import import_file
from reviews.models import Database, Membership, Review, Role


class Command(BaseCommand):
    # A scripting command skips the system checks: they import every view (and with them
    # the plotting and statistics stack) to check the URLs, about a second per call;
    # `manage.py check`, `migrate` and the servers still run them.
    requires_system_checks: list[str] = []

    help = (
        "Import one search export into a review, all records or none. Prints a summary line, "
        "or JSON with --json; exits non-zero with the reason on bad input."
    )

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            choices=Database.values,
            help="The bibliographic database the file was exported from (required).",
        )
        # Django's own --database names a database alias; kept only so old scripts run.
        parser.add_argument(
            "--database", dest="old_database", choices=Database.values, help=argparse.SUPPRESS
        )
        parser.add_argument("--format", dest="format_name", default="", choices=sorted(BY_NAME))
        parser.add_argument(
            "--encoding",
            default="",
            help="e.g. gb18030; detected if omitted. Lines it does not decode are listed.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Read a CSV through this column for this field (repeat; e.g. --map "
            f"title=Title). Fields: {', '.join(generic_csv.FIELDS)}. Implies --format "
            "generic_csv; unmapped fields are guessed from the header.",
        )
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
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid records and skip the unusable ones (each is listed, and "
            "kept with the import). Without it one unusable record refuses the whole file.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, review_id: int, file: Path, **options):
        try:
            review = Review.objects.get(pk=review_id)
        except Review.DoesNotExist:
            raise CommandError(f"There is no review #{review_id}.") from None
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        source = self._source(options["source"], options["old_database"])
        mapping = _mapping(options["map"])
        if mapping:
            if options["format_name"] not in ("", generic_csv.NAME):
                raise CommandError(f"--map reads a CSV as {generic_csv.NAME}, not as --format.")
            options["format_name"] = generic_csv.NAME
        user = self._uploader(review, options["user"])
        try:
            with open(file, "rb") as handle:
                search_import = import_file(
                    user=user,
                    review=review,
                    upload=File(handle, name=file.name),
                    database=source,
                    interface=options["interface"],
                    search_date=options["search_date"],
                    search_string=options["search_string"],
                    format_name=options["format_name"],
                    encoding=options["encoding"],
                    confirm_duplicate=options["confirm_duplicate"],
                    skip_invalid=options["skip_invalid"],
                    column_mapping=mapping,
                )
        except RecordsRefused as refusal:
            if options["json"]:
                # Every unusable record, for a script to act on; the exit status says refused.
                self.stdout.write(json.dumps({"refused": True, "rejected": refusal.rejected}))
            raise CommandError(
                " ".join(refusal.messages) + " (--skip-invalid imports the valid records.)"
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        summary = {
            "records": search_import.record_count,
            "format": search_import.format,
            "encoding": search_import.encoding,
            "warnings": search_import.warning_count,
            "skipped": search_import.skipped_count,
            "rejected": search_import.rejected,
            # Lines read in another encoding than the file's (mixed or a chosen encoding).
            "decoding": search_import.preview.get("decoding"),
            "warnings_of_every_record": search_import.warnings_of_every_record,
        }
        if "mapping" in search_import.preview:
            # The columns read for each field, given with --map or guessed from the header.
            summary["mapping"] = search_import.column_mapping
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            gaps = ", ".join(
                f"{n} {what}" for what, n in search_import.warnings_of_some_records.items()
            )
            self.stdout.write(
                f"Imported {summary['records']} records from {search_import.file_name} "
                f"({search_import.format}, {search_import.encoding}) into review #{review.pk}; "
                f"{summary['warnings']} with warnings" + (f" ({gaps})." if gaps else ".")
            )
            for what in search_import.warnings_of_every_record:
                self.stdout.write(f"Every record: {what}.")
            if "mapping" in search_import.preview:
                columns = ", ".join(f"{f}={c}" for f, c in search_import.column_mapping.items())
                self.stdout.write(f"Columns read: {columns}.")
            if decoding := search_import.preview.get("decoding"):
                self.stdout.write(decoding["note"])
            if search_import.rejected_count:
                self.stdout.write(
                    f"{search_import.rejected_count} unusable record"
                    f"{'s' if search_import.rejected_count > 1 else ''} skipped: "
                    + "; ".join(rejected_text(item) for item in search_import.rejected)
                    + "."
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

    def _source(self, source: str | None, old_database: str | None) -> str:
        if old_database:
            self.stderr.write(
                "Warning: --database is deprecated (Django uses it for a database alias); "
                "use --source."
            )
            if source and source != old_database:
                raise CommandError(f"--source {source} and --database {old_database} differ.")
        if not (source or old_database):
            raise CommandError("--source is required (e.g. --source pubmed).")
        return source or old_database or ""

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


def _mapping(pairs: list[str]) -> dict[str, str]:
    """{field: column} from --map FIELD=COLUMN options, refusing unknown fields."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not equals or not field or not column:
            raise CommandError(f"--map {pair}: write FIELD=COLUMN, e.g. --map title=Title.")
        if field not in generic_csv.FIELDS:
            raise CommandError(
                f"--map {pair}: “{field}” is not a field; the fields are "
                f"{', '.join(generic_csv.FIELDS)}."
            )
        mapping[field] = column
    return mapping
