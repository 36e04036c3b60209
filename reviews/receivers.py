"""The reviews app's answers to its own signals."""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from config.middleware import LANGUAGE_SESSION_KEY
from reviews.accounts import account_language
from reviews.deduplication import dedup_start
from reviews.models import SearchImport
from reviews.signals import records_imported


@receiver(records_imported)
def look_for_duplicates(sender, search_import: SearchImport, **kwargs) -> None:
    """New records may duplicate earlier ones: look again once they are committed."""
    transaction.on_commit(
        lambda: dedup_start(review=search_import.review, user=search_import.uploaded_by)
    )


@receiver(user_logged_in)
def use_chosen_language(sender, request, user, **kwargs) -> None:
    """Each new session starts in the language the person chose on any earlier one."""
    if request is not None and hasattr(request, "session"):
        request.session[LANGUAGE_SESSION_KEY] = account_language(user=user)
