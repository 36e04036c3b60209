"""The review dashboard: every stage's card, the question, the team and recent activity."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews import audit_text, hooks, selectors
from reviews.access import review_for_user


@require_GET
@login_required
def dashboard(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    context = {
        "review": review,
        "stages": [hook.card(review) for hook in hooks.stages()],
        "members": selectors.review_members(review),
        "recent_events": audit_text.sentences(
            selectors.review_audit_events(review, viewer=request.user)[:5]
        )
        if review.membership.is_lead
        else [],
    }
    if request.htmx:
        return render(request, "lifecycle/dashboard.html#stages", context)
    return render(request, "lifecycle/dashboard.html", context)
