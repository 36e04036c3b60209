import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews import exporters
from reviews.models import Review
from reviews.selectors import review_records, unique_records

WRITERS = {"ris": exporters.as_ris, "csv": exporters.as_csv, "json": exporters.as_json}


class Command(BaseCommand):
    # A scripting command skips the system checks: they import every view (and with them
    # the plotting and statistics stack) to check the URLs, about a second per call;
    # `manage.py check`, `migrate` and the servers still run them.
    requires_system_checks: list[str] = []

    help = "Write every record of a review, in import order, as RIS, CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--format", dest="format_name", choices=sorted(WRITERS), default="ris")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output)")
        parser.add_argument(
            "--include-duplicates",
            action="store_true",
            help="Every source record, merged ones too, each with its duplicate group "
            "(`cluster`). Without it: one record per publication (merged groups as merged).",
        )

    def handle(self, *args, review_id: int, format_name: str, output: Path | None, **options):
        include_duplicates = options["include_duplicates"]
        try:
            review = Review.objects.get(pk=review_id)
        except Review.DoesNotExist:
            raise CommandError(f"There is no review #{review_id}.") from None
        records = review_records(review)
        if not include_duplicates:
            records = unique_records(records)
        chunks = WRITERS[format_name](records.iterator(chunk_size=2000))
        if output is None:
            try:
                for chunk in chunks:
                    sys.stdout.write(chunk)
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader (`head`, a pager) stopped early: that is not an error.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        with open(output, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
