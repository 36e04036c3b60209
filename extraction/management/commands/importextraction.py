import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from extraction.importer import extraction_import
from extraction.management.commands._common import review_and_lead


class Command(BaseCommand):
    help = (
        "Import extraction data from a CSV or XLSX file (long format: one row per study × "
        "outcome × time point × arm), all rows or none, into the studies' consensus. Exits "
        "non-zero naming the row and column of the first problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="A lead of the review.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the consensus data of studies that already have some.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, review_id: int, file: Path, **options):
        review, lead = review_and_lead(review_id, options["user"])
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            summary = extraction_import(
                lead=lead,
                review=review,
                file_name=file.name,
                content=file.read_bytes(),
                replace=options["replace"],
            )
        except ValidationError as exc:
            raise CommandError(f"{file.name}: nothing imported. {' '.join(exc.messages)}") from None
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"Imported {summary.rows} rows into review #{review.pk}: "
            f"{len(summary.studies_added)} studies added, {len(summary.studies_replaced)} "
            f"replaced, {summary.values} values; form v{summary.form_version}."
        )
        for label, problems in summary.incomplete.items():
            self.stdout.write(f"{label}: consensus left open — {'; '.join(problems)}")
