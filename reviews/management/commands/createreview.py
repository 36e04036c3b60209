import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reviews.services import review_create


class Command(BaseCommand):
    help = (
        "Create a review led by an existing account and print its id (or JSON with --json), "
        "so a script can go on to importrecords without a shell."
    )

    def add_arguments(self, parser):
        parser.add_argument("title")
        parser.add_argument("--question", default="", help="The review question.")
        parser.add_argument(
            "--lead", required=True, help="Username of the lead (the account must exist)."
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, title: str, question: str, lead: str, **options):
        user = get_user_model().objects.filter(username=lead).first()
        if user is None:
            raise CommandError(f"There is no account “{lead}” (create it with adduser).")
        try:
            review = review_create(user=user, data={"title": title, "question": question})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            summary = {"id": review.pk, "title": review.title, "lead": user.username}
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(str(review.pk))
