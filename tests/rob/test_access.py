import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rob import exports, services
from rob.access import assessment_for_user, comparison_for_user, consensus_assignment_for_user
from tests.rob.conftest import ALL_LOW, answers_for, assess


def test_outsider_gets_404_for_everything(assignment, lead, outsider):
    mine = services.assessment_start(assessor=lead, assignment=assignment)
    with pytest.raises(Http404):
        assessment_for_user(outsider, assignment.review_id, mine.pk)
    with pytest.raises(Http404):
        comparison_for_user(outsider, assignment.review_id, assignment.pk)


def test_an_assessment_is_hidden_from_the_other_assessor_until_consensus(
    both_done, assignment, lead, reviewer, viewer
):
    lead_own, reviewer_own = both_done
    for user, other in ((reviewer, lead_own), (viewer, lead_own), (viewer, reviewer_own)):
        with pytest.raises(Http404):
            assessment_for_user(user, assignment.review_id, other.pk)
    # The lead builds the consensus, so sees both once they are done.
    assert assessment_for_user(lead, assignment.review_id, reviewer_own.pk) == reviewer_own
    with pytest.raises(PermissionDenied):
        assessment_for_user(lead, assignment.review_id, reviewer_own.pk, write=True)
    consensus = services.consensus_start(user=lead, assignment=assignment)
    with pytest.raises(Http404):
        assessment_for_user(reviewer, assignment.review_id, consensus.pk)
    services.domain_save(
        user=lead,
        assessment=consensus,
        domain_id="D2",
        answers=answers_for(assignment.tool, "D2", "low"),
    )
    services.assessment_done(user=lead, assessment=consensus)
    # Once the consensus is complete every member reads every assessment, and no one writes.
    assert assessment_for_user(viewer, assignment.review_id, lead_own.pk) == lead_own
    assert assessment_for_user(reviewer, assignment.review_id, consensus.pk) == consensus
    with pytest.raises(PermissionDenied):
        assessment_for_user(reviewer, assignment.review_id, consensus.pk, write=True)


def test_the_named_arbiter_builds_the_consensus_and_others_do_not(
    both_done, assignment, lead, reviewer
):
    with pytest.raises(PermissionDenied):
        consensus_assignment_for_user(reviewer, assignment.review_id, assignment.pk)
    services.settings_update(lead=lead, review=assignment.review, arbiter=reviewer)
    assert consensus_assignment_for_user(reviewer, assignment.review_id, assignment.pk)


def test_the_lead_waits_for_both_assessments_before_comparing(assignment, lead, reviewer):
    assess(lead, services.assessment_start(assessor=lead, assignment=assignment), ALL_LOW)
    with pytest.raises(PermissionDenied, match="required assessments"):
        comparison_for_user(lead, assignment.review_id, assignment.pk)
    reviewer_own = services.assessment_start(assessor=reviewer, assignment=assignment)
    assess(reviewer, reviewer_own, {"D1": "high"}, done=False)
    review = assignment.review
    review.membership = review.memberships.get(user=lead)
    # The export follows the same rule: the lead's own rows, not the reviewer's yet.
    assessors = {row["assessor"] for row in exports.rows(review, lead)}
    assert assessors == {"lead"}
