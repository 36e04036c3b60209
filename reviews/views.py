"""Pages for reviews, their members and their audit log. Thin: parse, call, render."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import audit_text, invitations, selectors, services
from reviews.access import job_for_user, membership_for_user, review_for_user
from reviews.forms import MemberAddForm, MemberRoleForm, ReviewForm, ReviewSettingsForm
from reviews.models import Job, Role


def _form_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form field it names, or on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _role(value: str) -> str:
    """A role in a sentence: its label in the reader's language, lower case ("reviewer")."""
    return Role(value).label.lower()


@require_GET
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = selectors.reviews_for_user(request.user)
    return render(request, "reviews/review_list.html", {"reviews": reviews})


@require_http_methods(["GET", "POST"])
@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = services.review_create(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Review created. You are its lead."))
        return redirect("lifecycle:dashboard", review_id=review.pk)
    return render(request, "reviews/review_form.html", {"form": form, "review": None})


@require_http_methods(["GET", "POST"])
@login_required
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    # Not `instance=review`: validating would write the new values onto the review before
    # the service compares old and new for the audit log.
    form = ReviewSettingsForm(
        request.POST or None, initial=model_to_dict(review, ReviewSettingsForm.Meta.fields)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_update(user=request.user, review=review, data=form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Review details saved."))
            return redirect("lifecycle:dashboard", review_id=review.pk)
    return render(request, "reviews/review_form.html", {"form": form, "review": review})


@require_http_methods(["GET", "POST"])
@login_required
def review_delete(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() == review.title.strip():
            services.review_delete(user=request.user, review=review)
            messages.success(request, _("Review “%(title)s” deleted.") % {"title": review.title})
            return redirect("reviews:list")
        error = _("The title you typed does not match; nothing was deleted.")
    return render(request, "reviews/review_delete.html", {"review": review, "error": error})


@require_http_methods(["GET", "POST"])
@login_required
def member_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=request.method == "POST")
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier, role = form.cleaned_data["username"].strip(), form.cleaned_data["role"]
        try:
            if "@" in identifier and not services.account_exists(identifier):
                _invite(request, review, identifier, role)
            else:
                membership = services.member_add(
                    actor=request.user, review=review, identifier=identifier, role=role
                )
                messages.success(
                    request,
                    _("%(username)s joined as %(role)s.")
                    % {"username": membership.user.get_username(), "role": _role(membership.role)},
                )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect("reviews:members", review_id=review.pk)
    context = {
        "review": review,
        "members": selectors.review_members(review),
        "form": form,
        "roles": Role.choices,
        "invitations": selectors.review_invitations(review) if review.membership.is_lead else [],
        # Shown once, after the redirect: the link to copy for the invitation just made.
        "new_link": request.session.pop("invitation_link", None)
        if request.method == "GET"
        else None,
        "invitation_days": settings.INVITATION_VALID_DAYS,
        "now": timezone.now(),
    }
    return render(request, "reviews/members.html", context)


def _invite(request: HttpRequest, review, email: str, role: str) -> None:
    invitation, link = invitations.invitation_create(
        actor=request.user,
        review=review,
        email=email,
        role=role,
        link_for=lambda token: request.build_absolute_uri(
            reverse("reviews:invitation", args=[token])
        ),
    )
    request.session["invitation_link"] = {
        "email": email,
        "url": link,
        "emailed": invitation.emailed,
    }
    messages.success(
        request,
        _("%(email)s has no account yet: an invitation as %(role)s is ready.")
        % {"email": email, "role": _role(role)},
    )


@require_POST
@login_required
def member_role(request: HttpRequest, review_id: int, membership_id: int) -> HttpResponse:
    membership = membership_for_user(request.user, review_id, membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose lead, reviewer or viewer."))
    else:
        try:
            services.member_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(username)s is now %(role)s.")
                % {"username": membership.user.get_username(), "role": _role(membership.role)},
            )
    return redirect("reviews:members", review_id=membership.review_id)


@require_POST
@login_required
def member_remove(request: HttpRequest, review_id: int, membership_id: int) -> HttpResponse:
    membership = membership_for_user(request.user, review_id, membership_id)
    try:
        services.member_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(username)s left the review.") % {"username": membership.user.get_username()},
        )
    return redirect("reviews:members", review_id=membership.review_id)


@require_GET
@login_required
def audit_log(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    events = selectors.review_audit_events(review, viewer=request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"review": review, "page": page, "sentences": audit_text.sentences(page)}
    return render(request, "reviews/audit_log.html", context)


@require_POST
@login_required
def worker_check(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    job = services.worker_check_start(user=request.user, review=review)
    return render(request, "reviews/job.html", {"job": job})


# A running worker answers a check within a second or two; after this long it is not running.
WORKER_ANSWER_WAIT = timedelta(seconds=8)


@require_GET
@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_user(request.user, job_id)
    not_answering = (
        job.kind == "worker_check"
        and job.status == Job.Status.QUEUED
        and timezone.now() - job.created_at > WORKER_ANSWER_WAIT
    )
    return render(request, "reviews/job.html", {"job": job, "not_answering": not_answering})
