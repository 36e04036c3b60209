from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from extraction.locking import extraction_unlock
from extraction.management.commands._common import review_and_lead


class Command(BaseCommand):
    help = "Unlock a review's extraction, with a reason the audit log keeps."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--user", required=True, help="A lead of the review.")
        parser.add_argument("--reason", required=True, help="Why it is unlocked.")

    def handle(self, *args, review_id: int, **options):
        review, lead = review_and_lead(review_id, options["user"])
        try:
            extraction_unlock(lead=lead, review=review, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError("Not unlocked: " + " ".join(exc.messages)) from None
        self.stdout.write(f"Unlocked extraction of review #{review.pk}.")
