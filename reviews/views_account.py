"""Account pages beside Django's own: the password page also shows and ends API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews.tokens import token_expires_at, token_for_user, tokens_revoke


class PasswordChangeView(auth_views.PasswordChangeView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = token_for_user(self.request.user)
        context["token_expires_at"] = token_expires_at(token) if token else None
        context["now"] = timezone.now()
        return context


@require_POST
@login_required
def api_tokens_revoke(request: HttpRequest) -> HttpResponse:
    tokens_revoke(user=request.user)
    messages.success(
        request,
        _(
            "Your API tokens were revoked: scripts using them now get 401. "
            "Get a new token from POST /api/v1/auth/token/."
        ),
    )
    return redirect("password_change")


class LogoutView(auth_views.LogoutView):
    """Logging out stays a POST (a link must not log anyone out), but a GET, such as a
    typed or bookmarked /accounts/logout/, shows a page with the button instead of a 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return render(request, "registration/logout_confirm.html")
