"""Invitation links: the sign-up form a link opens, or, for someone already logged in, a
button to join. Thin: parse, call `reviews.invitations`, render."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reviews.invitations import invitation_accept, invitation_for_token
from reviews.models import Role


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except ValidationError as exc:
        return render(
            request, "reviews/invitation.html", {"error": " ".join(exc.messages)}, status=410
        )
    form = SignUpForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        if request.user.is_authenticated:
            membership = invitation_accept(token=token, user=request.user)
            messages.success(
                request,
                _("You joined “%(title)s” as %(role)s.")
                % {"title": membership.review.title, "role": Role(membership.role).label.lower()},
            )
            return redirect("lifecycle:dashboard", review_id=membership.review_id)
        if form is not None and form.is_valid():
            with transaction.atomic():
                user = form.save(commit=False)
                user.email = invitation.email
                user.save()
                membership = invitation_accept(token=token, user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome, %(username)s: you joined as %(role)s.")
                % {"username": user.get_username(), "role": Role(membership.role).label.lower()},
            )
            return redirect("lifecycle:dashboard", review_id=membership.review_id)
    context = {"invitation": invitation, "form": form}
    return render(request, "reviews/invitation.html", context)
