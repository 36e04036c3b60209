import json

from django.core.management.base import BaseCommand, CommandError

from reviews.deduplication import dedup_now
from reviews.models import Review


class Command(BaseCommand):
    # A scripting command skips the system checks: they import every view (and with them
    # the plotting and statistics stack) to check the URLs, about a second per call;
    # `manage.py check`, `migrate` and the servers still run them.
    requires_system_checks: list[str] = []

    help = (
        "Find and merge duplicate records in a review now (not through a worker). Prints "
        '{"records", "clusters", "auto_merged", "needs_review", "unique_after"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument(
            "--auto-only",
            action="store_true",
            help="Only merge what is certain; put nothing in the review queue.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, review_id: int, auto_only: bool, **options):
        try:
            review = Review.objects.get(pk=review_id)
        except Review.DoesNotExist:
            raise CommandError(f"There is no review #{review_id}.") from None
        counts = dedup_now(review=review, user=None, auto_only=auto_only).counts
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(
                f"{counts['records']} records: {counts['clusters']} duplicate groups, "
                f"{counts['auto_merged']} duplicates merged automatically, "
                f"{counts['needs_review']} pairs to review; {counts['unique_after']} unique."
            )
