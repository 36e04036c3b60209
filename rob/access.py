"""Who may see and change risk-of-bias assignments and assessments: one helper per object on
top of `reviews.access.review_for_user` (outsiders 404, roles too low 403).

Blinding, as in screening and extraction: an assessment is visible to its assessor; another
assessor's only to a lead or the RoB arbiter once the required assessments are done (for the
comparison and consensus), and to every member once the consensus is complete. Until then it
does not exist for them (404).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from reviews.access import review_for_user
from rob import selectors
from rob.models import Assessment, Assignment


def assignment_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    assignment_id: int | str,
    *,
    write: bool = False,
    lead: bool = False,
) -> Assignment:
    review = review_for_user(user, review_id, write=write, lead=lead)
    try:
        assignment = Assignment.objects.select_related("study").get(
            pk=int(assignment_id), review=review
        )
    except (Assignment.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such risk-of-bias assignment in this review.")) from None
    assignment.review = review
    assignment.study.review = review
    return assignment


def comparison_for_user(
    user: User | AnonymousUser, review_id: int | str, assignment_id: int | str
) -> Assignment:
    """An assignment whose assessments the user may compare: a lead or the arbiter once the
    required assessments are done; every member once the consensus is complete."""
    assignment = assignment_for_user(user, review_id, assignment_id)
    if selectors.consensus_done(assignment):
        return assignment
    settings = selectors.rob_settings(assignment.review)
    if not selectors.can_build_consensus(assignment.review.membership, settings):
        raise PermissionDenied(
            _("Only a lead or the RoB arbiter compares assessments before the consensus.")
        )
    if not selectors.is_ready(assignment, settings):
        raise PermissionDenied(_("The comparison opens once the required assessments are done."))
    return assignment


def consensus_assignment_for_user(
    user: User | AnonymousUser, review_id: int | str, assignment_id: int | str
) -> Assignment:
    """An assignment whose consensus the user may build."""
    assignment = assignment_for_user(user, review_id, assignment_id, write=True)
    settings = selectors.rob_settings(assignment.review)
    if not selectors.can_build_consensus(assignment.review.membership, settings):
        raise PermissionDenied(_("Only a lead or the RoB arbiter builds the consensus."))
    if not selectors.is_ready(assignment, settings):
        raise PermissionDenied(_("The consensus opens once the required assessments are done."))
    return assignment


def assessment_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    assessment_id: int | str,
    *,
    write: bool = False,
) -> Assessment:
    review = review_for_user(user, review_id, write=write)
    try:
        assessment = Assessment.objects.select_related("assignment__study", "assessor").get(
            pk=int(assessment_id), review=review
        )
    except (Assessment.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such assessment in this review.")) from None
    assessment.review = review
    assessment.assignment.review = review
    if assessment.assessor_id is not None and assessment.assessor_id == user.pk:
        return assessment
    membership = review.membership
    settings = selectors.rob_settings(review)
    builds = selectors.can_build_consensus(membership, settings)
    ready = selectors.is_ready(assessment.assignment, settings)
    finished = selectors.consensus_done(assessment.assignment)
    if assessment.is_consensus:
        if builds and ready:
            return assessment
        if write:
            raise PermissionDenied(_("Only a lead or the RoB arbiter builds the consensus."))
        if finished:
            return assessment
        raise Http404(_("No such assessment in this review."))
    if write:
        raise PermissionDenied(_("Only its assessor changes an assessment."))
    if finished or (builds and ready):
        return assessment
    raise Http404(_("No such assessment in this review."))
