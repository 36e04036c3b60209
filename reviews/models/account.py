from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSettings(models.Model):
    """A person's own settings, kept beside Django's user rather than in a custom user model."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    # Empty: follow the browser's Accept-Language.
    language = models.CharField(
        _("language"), max_length=16, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"
