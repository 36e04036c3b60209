import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create a user account that leads can then invite into reviews. The password is asked "
        "for, or read from the environment variable named by --password-env."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="Read the password from this environment variable (for scripts).",
        )

    def handle(self, *args, username: str, email: str, password_env: str | None, **options):
        user_model = get_user_model()
        if user_model.objects.filter(username__iexact=username).exists():
            raise CommandError(f"An account named “{username}” already exists.")
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or unset.")
        else:
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The two passwords differ; no account was created.")
        user = user_model(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        self.stdout.write(f"Created account “{username}”.")
