"""API tokens (DRF's authtoken, one per user): they end API_TOKEN_DAYS after they were issued,
and as soon as the password that got them changes, wherever it is changed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

EXPIRED_MESSAGE = _("Your API token has expired; get a new one from POST /api/v1/auth/token/")


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with a 401 saying why once the token is too old."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            raise AuthenticationFailed(str(EXPIRED_MESSAGE))
        return user, token


def token_for_user(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's token: the current one while it lasts, a fresh one once it has expired."""
    cutoff = timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)
    Token.objects.filter(user=user, created__lte=cutoff).delete()
    token, _ = Token.objects.get_or_create(user=user)
    return token


def tokens_revoke(*, user: User) -> int:
    """End every API token of the user; the token endpoint issues a new one on the next login."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.tokens.password_changed")
def revoke_tokens_on_new_password(sender, instance, update_fields=None, **kwargs) -> None:
    """A token must not outlive the password that got it: whoever changes the password (the
    password page, the admin, `changepassword`, `set_password` in a shell) ends the tokens.

    Compares the stored hash rather than hooking each of those paths, so none is missed. The
    tokens go before the save: should the save fail, the user only has to get a new token. A
    hash upgraded by Django at login (a new hasher or iteration count) counts as a change too,
    as it does for Django's own sessions: it happens once per upgrade.
    """
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old_hash = stored.first()
    if old_hash is not None and old_hash != instance.password:
        tokens_revoke(user=instance)
