"""A person's own settings: writes and reads (one small model, so one module)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reviews.models import AccountSettings


def account_language(*, user: AbstractBaseUser) -> str:
    """The language the person chose, or "" to follow their browser."""
    return (
        AccountSettings.objects.filter(user=user).values_list("language", flat=True).first() or ""
    )


def account_language_set(*, user: AbstractBaseUser, language: str) -> AccountSettings:
    """Store the person's language; "" goes back to following the browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("%(language)s is not a language Evident speaks; choose one of: %(choices)s.")
            % {"language": language, "choices": ", ".join(dict(settings.LANGUAGES))}
        )
    with transaction.atomic():
        account, _created = AccountSettings.objects.update_or_create(
            user=user, defaults={"language": language}
        )
    return account
