import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from extraction.locking import extraction_lock
from extraction.management.commands._common import review_and_lead


class Command(BaseCommand):
    help = (
        "Lock a review's extraction and write the next snapshot of its consensus data; prints "
        "the snapshot's id, version and SHA-256. Refused, listing what is missing, until every "
        "study's consensus is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--user", required=True, help="A lead of the review.")
        parser.add_argument("--reason", default="", help="A note kept with the snapshot.")
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, review_id: int, **options):
        review, lead = review_and_lead(review_id, options["user"])
        try:
            snapshot = extraction_lock(lead=lead, review=review, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError("Not locked: " + " ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "snapshot": snapshot.pk,
                        "version": snapshot.version,
                        "sha256": snapshot.sha256,
                    }
                )
            )
            return
        self.stdout.write(
            f"Locked review #{review.pk}: snapshot {snapshot.pk} (v{snapshot.version}), "
            f"SHA-256 {snapshot.sha256}"
        )
