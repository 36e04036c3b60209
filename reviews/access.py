"""The one place that decides who may see and change a review and the objects inside it.

Views, API endpoints and services all call these helpers, so each permission rule lives
here once. Outsiders get 404 (a review's existence is not disclosed); members whose role
is too low for the action get 403.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from reviews.models import (
    DuplicateCluster,
    DuplicatePair,
    Job,
    Membership,
    Review,
    Role,
    SearchImport,
)


def review_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    *,
    write: bool = False,
    lead: bool = False,
) -> Review:
    """Return the review with the user's membership attached as ``review.membership``.

    ``write`` needs a reviewer or lead; ``lead`` needs a lead.
    """
    try:
        review_pk = int(review_id)
    except (TypeError, ValueError):
        raise Http404(_("No such review.")) from None
    if not user.is_authenticated:
        raise Http404(_("No such review."))
    membership = (
        Membership.objects.select_related("review").filter(review_id=review_pk, user=user).first()
    )
    if membership is None:
        raise Http404(_("No such review."))
    if lead and not membership.is_lead:
        raise PermissionDenied(refusal(membership, needed="lead"))
    if write and not membership.can_write:
        raise PermissionDenied(refusal(membership, needed="reviewer or lead"))
    review = membership.review
    review.membership = membership
    return review


def refusal(membership: Membership, *, needed: str) -> str:
    """Why a member is refused and who can change that: the role needed ("lead" or "reviewer
    or lead"), the member's own role and the leads to ask (a refused page is otherwise a dead
    end)."""
    leads = sorted(
        Membership.objects.filter(review_id=membership.review_id, role=Role.LEAD)
        .exclude(user_id=membership.user_id)
        .values_list("user__username", flat=True)
    )
    role = membership.get_role_display().lower()
    if needed == "lead":
        text = _("This needs the lead role in this review; you are a %(role)s.") % {"role": role}
    else:
        text = _("This needs the reviewer or lead role in this review; you are a %(role)s.") % {
            "role": role
        }
    if leads:
        # Translators: %(refusal)s is the sentence saying which role is needed; %(leads)s
        # lists usernames.
        text = _("%(refusal)s Ask a lead of the review (%(leads)s) to change your role.") % {
            "refusal": text,
            "leads": _(", ").join(leads),
        }
    return text


def membership_for_user(user: User, review_id: int | str, membership_id: int | str) -> Membership:
    """A membership of a review the user leads (only leads manage members)."""
    review = review_for_user(user, review_id, lead=True)
    try:
        return Membership.objects.select_related("user").get(pk=int(membership_id), review=review)
    except (Membership.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such member in this review.")) from None


def job_for_user(user: User | AnonymousUser, job_id: int | str) -> Job:
    """A job is visible to the members of its review, or to its creator when it has none.

    Anyone else gets the same answer as for an id that does not exist, so job ids tell an
    outsider nothing."""
    try:
        job = Job.objects.get(pk=int(job_id))
    except (Job.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such job.")) from None
    if job.review_id is not None:
        try:
            review_for_user(user, job.review_id)
        except Http404:
            raise Http404(_("No such job.")) from None
    elif not user.is_authenticated or job.created_by_id != user.pk:
        raise Http404(_("No such job."))
    return job


def import_for_user(
    user: User, review_id: int | str, import_id: int | str, *, write: bool = False
) -> SearchImport:
    """A search import of a review the user belongs to (reviewers and leads to change it)."""
    review = review_for_user(user, review_id, write=write)
    try:
        search_import = SearchImport.objects.select_related("uploaded_by", "job").get(
            pk=int(import_id), review=review
        )
    except (SearchImport.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such import in this review.")) from None
    search_import.review = review
    return search_import


def pair_for_user(
    user: User, review_id: int | str, pair_id: int | str, *, write: bool = False
) -> DuplicatePair:
    """A candidate duplicate pair of a review the user belongs to."""
    review = review_for_user(user, review_id, write=write)
    try:
        pair = DuplicatePair.objects.select_related("record_a", "record_b").get(
            pk=int(pair_id), review=review
        )
    except (DuplicatePair.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such candidate pair in this review.")) from None
    pair.review = review
    return pair


def cluster_for_user(
    user: User, review_id: int | str, cluster_id: int | str, *, write: bool = False
) -> DuplicateCluster:
    """A duplicate group of a review the user belongs to."""
    review = review_for_user(user, review_id, write=write)
    try:
        cluster = DuplicateCluster.objects.get(pk=int(cluster_id), review=review)
    except (DuplicateCluster.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such duplicate group in this review.")) from None
    cluster.review = review
    return cluster
