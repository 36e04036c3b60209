from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lifecycle.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Create the demo reviews and their demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo even with DEBUG off (its passwords are public).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load the demo with DEBUG off: its accounts have a public password. "
                "Pass --allow-production if you really want it on this server."
            )
        reviews = demo_load()
        logins = ", ".join(f"{name} ({role})" for name, role in DEMO_USERS)
        numbers = " and ".join(f"#{review.pk}" for review in reviews)
        self.stdout.write(
            f"Demo reviews {numbers} ready. Logins: {logins}; password “{DEMO_PASSWORD}”."
        )
