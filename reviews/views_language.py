"""Choosing the interface language: the switch in every page's header and the account page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.middleware import LANGUAGE_SESSION_KEY
from reviews.accounts import account_language, account_language_set


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("As my browser asks")), *settings.LANGUAGES],
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The header's switch. Signed in, the choice is stored on the account; before signing
    in it is kept in Django's language cookie."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            _("Choose one of the listed languages."), status=400, content_type="text/plain"
        )
    language = form.cleaned_data["language"]
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    _remember(request, response, language)
    return response


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            response = redirect("account_settings")
            _remember(request, response, language)
            with translation.override(language or translation.get_language()):
                messages.success(request, _("Your language is saved."))
            return response
    else:
        form = LanguageForm(initial={"language": account_language(user=request.user)})
    return render(request, "account/settings.html", {"form": form})


def _remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    if request.user.is_authenticated:
        account_language_set(user=request.user, language=language)
        request.session[LANGUAGE_SESSION_KEY] = language
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
