"""Who sees whose extraction: blinded like screening. An extractor sees their own; another
extractor's values only once blinding lifts (leads and the arbiter when every required
extraction is done, everyone once the consensus is complete)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from extraction import services
from extraction.access import (
    consensus_study_for_user,
    extraction_for_user,
    snapshot_for_user,
    study_for_user,
)
from tests.extraction.conftest import agree, extract


def test_an_outsider_gets_404_for_every_object(review, outsider, reviewer, study):
    mine = services.extraction_start(extractor=reviewer, study=study)
    for attempt in (
        lambda: study_for_user(outsider, review.pk, study.pk),
        lambda: extraction_for_user(outsider, review.pk, mine.pk),
        lambda: snapshot_for_user(outsider, review.pk, 1),
    ):
        with pytest.raises(Http404):
            attempt()


def test_a_study_of_another_review_is_not_found(review, lead, study):
    from tests.factories import ReviewFactory

    other = ReviewFactory(created_by=lead)
    with pytest.raises(Http404):
        study_for_user(lead, other.pk, study.pk)


def test_an_extractor_never_sees_the_other_extraction_before_consensus(
    review, lead, reviewer, reviewer2, viewer, study
):
    mine = extract(reviewer, study)
    theirs = extract(reviewer2, study, done=False)
    assert extraction_for_user(reviewer, review.pk, mine.pk) == mine
    for user in (reviewer, lead, viewer):
        with pytest.raises(Http404):
            extraction_for_user(user, review.pk, theirs.pk)
    services.extraction_done(user=reviewer2, extraction=theirs)
    # Every required extraction is done: the lead compares; the other extractor still not.
    assert extraction_for_user(lead, review.pk, theirs.pk) == theirs
    with pytest.raises(Http404):
        extraction_for_user(reviewer, review.pk, theirs.pk)
    agree(lead, study)
    assert extraction_for_user(reviewer, review.pk, theirs.pk) == theirs
    assert extraction_for_user(viewer, review.pk, theirs.pk) == theirs


def test_only_its_extractor_writes_an_extraction(review, lead, reviewer, reviewer2, study):
    mine = extract(reviewer, study, done=False)
    with pytest.raises(PermissionDenied):
        extraction_for_user(reviewer2, review.pk, mine.pk, write=True)


def test_the_arbiter_builds_consensus_other_reviewers_do_not(
    review, lead, reviewer, reviewer2, study
):
    with pytest.raises(PermissionDenied, match="lead or the designated arbiter"):
        consensus_study_for_user(reviewer, review.pk, study.pk)
    services.settings_update(lead=lead, review=review, data={"arbiter": reviewer})
    assert consensus_study_for_user(reviewer, review.pk, study.pk) == study
