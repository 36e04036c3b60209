import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from reviews.access import job_for_user, membership_for_user, review_for_user
from reviews.models import Job


def test_member_gets_review_with_their_membership(review, reviewer):
    found = review_for_user(reviewer, review.pk)
    assert found == review
    assert found.membership.user == reviewer
    assert found.membership.role == "reviewer"


def test_outsider_gets_404(review, outsider):
    with pytest.raises(Http404):
        review_for_user(outsider, review.pk)


def test_anonymous_gets_404(review):
    with pytest.raises(Http404):
        review_for_user(AnonymousUser(), review.pk)


@pytest.mark.parametrize("bad_id", ["abc", None, "", "1.5"])
def test_malformed_review_id_gets_404(lead, bad_id):
    with pytest.raises(Http404):
        review_for_user(lead, bad_id)


def test_unknown_review_gets_404(lead, review):
    with pytest.raises(Http404):
        review_for_user(lead, review.pk + 1000)


def test_viewer_cannot_write(review, viewer):
    with pytest.raises(PermissionDenied, match="needs the reviewer or lead role"):
        review_for_user(viewer, review.pk, write=True)


def test_reviewer_can_write_but_not_lead(review, reviewer):
    assert review_for_user(reviewer, review.pk, write=True) == review
    with pytest.raises(PermissionDenied, match="lead"):
        review_for_user(reviewer, review.pk, lead=True)


def test_lead_can_do_everything(review, lead):
    assert review_for_user(lead, review.pk, write=True, lead=True) == review


def test_membership_of_another_review_is_404(review, lead):
    from tests.factories import ReviewFactory

    other = ReviewFactory(created_by=lead)
    foreign = other.memberships.get()
    with pytest.raises(Http404):
        membership_for_user(lead, review.pk, foreign.pk)


def test_job_visible_to_review_members_only(review, viewer, outsider):
    job = Job.objects.create(review=review, kind="worker_check")
    assert job_for_user(viewer, job.pk) == job
    with pytest.raises(Http404):
        job_for_user(outsider, job.pk)


def test_job_without_review_visible_to_its_creator_only(lead, outsider):
    job = Job.objects.create(kind="worker_check", created_by=lead)
    assert job_for_user(lead, job.pk) == job
    with pytest.raises(Http404):
        job_for_user(outsider, job.pk)
