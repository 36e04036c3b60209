"""Handing out next records: a record goes to no more reviewers than it still needs, so
reviewers starting together do not race for the same record; claims lapse and are given
back.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Role
from screening.models import Claim, StageSettings
from screening.services import decision_record, next_record
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES


@pytest.fixture
def recs(review, lead):
    return make_import(
        review, lead, "pubmed", [(t, f"10.5555/claim.{i}") for i, t in enumerate(TITLES)]
    )


@pytest.fixture
def team(review):
    users = [UserFactory(username=f"screener{i}") for i in range(6)]
    for user in users:
        MembershipFactory(review=review, user=user, role=Role.REVIEWER)
    return users


def test_each_record_goes_to_as_many_reviewers_as_it_needs(review, recs, team):
    handed = [next_record(reviewer=user, review=review, stage=TA) for user in team]
    # Two reviewers per record (the default): six reviewers share three records.
    assert [r.pk for r in handed] == [recs[0].pk] * 2 + [recs[1].pk] * 2 + [recs[2].pk] * 2


def test_a_reviewer_holds_one_claim_and_deciding_gives_it_back(review, recs, reviewer):
    first = next_record(reviewer=reviewer, review=review, stage=TA)
    again = next_record(reviewer=reviewer, review=review, stage=TA)
    assert first == again and Claim.objects.filter(reviewer=reviewer).count() == 1
    decision_record(
        reviewer=reviewer, review=review, record_id=first.pk, stage=TA, decision="exclude"
    )
    assert not Claim.objects.filter(reviewer=reviewer).exists()


def test_a_lapsed_claim_no_longer_holds_a_record(review, recs, team):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    held = next_record(reviewer=team[0], review=review, stage=TA)
    assert next_record(reviewer=team[1], review=review, stage=TA) != held
    Claim.objects.filter(reviewer=team[0]).update(until=timezone.now() - timedelta(seconds=1))
    assert next_record(reviewer=team[2], review=review, stage=TA) == held


def test_when_every_open_record_is_claimed_one_is_shared(review, lead, team):
    only = make_import(review, lead, "embase", [("A single synthetic record", "")])
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    assert next_record(reviewer=team[0], review=review, stage=TA) == only[0]
    # Better two reviewers on one record than a reviewer told nothing is left.
    assert next_record(reviewer=team[1], review=review, stage=TA) == only[0]


def test_full_text_records_are_handed_out_the_same_way(review, recs, team, reviewer, reviewer2):
    for record in recs[:2]:
        for who in (reviewer, reviewer2):
            decision_record(
                reviewer=who, review=review, record_id=record.pk, stage=TA, decision="include"
            )
    handed = [next_record(reviewer=user, review=review, stage=FT).pk for user in team[:4]]
    assert handed == [recs[0].pk, recs[0].pk, recs[1].pk, recs[1].pk]


def test_the_api_next_claims_too(api_as, review, recs, team):
    url = f"/api/v1/reviews/{review.pk}/screening/{TA}/next/"
    ids = [api_as(user).get(url).json()["id"] for user in team[:3]]
    assert ids == [recs[0].pk, recs[0].pk, recs[1].pk]
