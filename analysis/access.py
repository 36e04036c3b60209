"""Who may see and change analysis plans, runs and GRADE assessments: every member of the
review reads; only leads create, change and run (reviewers and viewers get 403); outsiders
get 404 (`reviews.access.review_for_user`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.utils.translation import gettext as _

from analysis.models import AnalysisPlan, AnalysisRun
from reviews.access import review_for_user
from reviews.models import Review


def analysis_review_for_user(
    user: User | AnonymousUser, review_id: int | str, *, write: bool = False
) -> Review:
    return review_for_user(user, review_id, lead=write)


def plan_for_user(
    user: User | AnonymousUser, review_id: int | str, plan_id: int | str, *, write: bool = False
) -> AnalysisPlan:
    review = analysis_review_for_user(user, review_id, write=write)
    try:
        plan = AnalysisPlan.objects.get(pk=int(plan_id), review=review)
    except (AnalysisPlan.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such analysis plan in this review.")) from None
    plan.review = review
    return plan


def run_for_user(
    user: User | AnonymousUser, review_id: int | str, run_id: int | str
) -> AnalysisRun:
    review = analysis_review_for_user(user, review_id)
    try:
        run = AnalysisRun.objects.select_related("plan", "job", "snapshot", "started_by").get(
            pk=int(run_id), review=review
        )
    except (AnalysisRun.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such analysis run in this review.")) from None
    run.review = review
    run.plan.review = review
    return run
