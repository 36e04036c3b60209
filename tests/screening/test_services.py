"""Screening services (issue #5): decisions, changes, settlement and conflict resolution.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import AuditEvent
from screening import selectors
from screening.models import Decision, Resolution, StageSettings
from screening.services import conflict_resolve, decision_record, stage_settings_update
from tests.factories import ReviewFactory, UserFactory
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES


def synthetic_records(review, user, n=3, database="pubmed"):
    return make_import(
        review, user, database, [(TITLES[i], f"10.5555/synthetic.{i}") for i in range(n)]
    )


@pytest.fixture
def recs(review, lead):
    return synthetic_records(review, lead)


def decide(user, review, record, decision, stage=TA, **kw):
    return decision_record(
        reviewer=user, review=review, record_id=record.pk, stage=stage, decision=decision, **kw
    )


def decided_events(review):
    return AuditEvent.objects.filter(review_id=review.pk, action="screening.decided").order_by("pk")


def require(review, stage, n):
    StageSettings.objects.update_or_create(
        review=review, stage=stage, defaults={"reviewers_required": n}
    )


def include_at_title_abstract(review, records, *users):
    for record in records:
        for user in users:
            decide(user, review, record, "include")


# --- decisions are recorded and audited -------------------------------------------------------


@pytest.mark.parametrize("choice", ["include", "exclude", "maybe"])
def test_each_decision_is_recorded_and_audited(review, reviewer, recs, choice):
    decision = decide(reviewer, review, recs[0], choice, note="synthetic note")
    stored = Decision.objects.get()
    assert stored.pk == decision.pk
    assert (stored.reviewer, stored.record, stored.stage, stored.decision, stored.note) == (
        reviewer,
        recs[0],
        TA,
        choice,
        "synthetic note",
    )
    event = decided_events(review).get()
    assert event.actor == reviewer
    assert event.object_type == "screening.Decision"
    assert event.object_id == str(decision.pk)
    assert event.changes == {
        "stage": [None, TA],
        "record": [None, recs[0].pk],
        "decision": [None, choice],
        "note": [None, "synthetic note"],
    }


def test_the_same_input_twice_changes_nothing_and_is_audited_once(review, reviewer, recs):
    first = decide(reviewer, review, recs[0], "exclude", note="n")
    updated_at = first.updated_at
    again = decide(reviewer, review, recs[0], "exclude", note="n")
    assert again.pk == first.pk
    assert Decision.objects.count() == 1
    assert Decision.objects.get().updated_at == updated_at
    assert decided_events(review).count() == 1


def test_changing_a_decision_before_settlement_is_audited_with_old_and_new(review, reviewer, recs):
    first = decide(reviewer, review, recs[0], "include")
    changed = decide(reviewer, review, recs[0], "maybe", note="unsure about the population")
    assert changed.pk == first.pk
    assert Decision.objects.get().decision == "maybe"
    events = list(decided_events(review))
    assert len(events) == 2
    assert events[1].changes == {
        "stage": [None, TA],
        "record": [None, recs[0].pk],
        "decision": ["include", "maybe"],
        "note": ["", "unsure about the population"],
    }


def test_changing_is_refused_once_all_required_decisions_are_in(review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "exclude")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        decide(reviewer, review, recs[0], "exclude")
    assert Decision.objects.get(reviewer=reviewer).decision == "include"
    assert decided_events(review).count() == 2


def test_the_same_input_after_settlement_is_accepted_without_change(
    review, reviewer, reviewer2, recs
):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")
    decide(reviewer, review, recs[0], "include")
    assert decided_events(review).count() == 2


def test_a_third_reviewer_cannot_decide_a_record_with_all_its_decisions(
    review, reviewer, reviewer2, reviewer3, recs
):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")
    with pytest.raises(ValidationError, match="already has all its decisions"):
        decide(reviewer3, review, recs[0], "exclude")
    assert Decision.objects.count() == 2


def test_a_resolved_record_takes_no_more_decisions_even_if_more_are_required_later(
    review, lead, reviewer, reviewer2, reviewer3, recs
):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "maybe")
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    stage_settings_update(lead=lead, review=review, stage=TA, data={"reviewers_required": 3})
    with pytest.raises(ValidationError, match="already has all its decisions"):
        decide(reviewer3, review, recs[0], "exclude")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        decide(reviewer, review, recs[0], "exclude")
    assert selectors.next_for(reviewer3, review, TA) == recs[1]
    assert states(review)["included"] == {recs[0].pk}


# --- unknown input ------------------------------------------------------------------------------


def test_unknown_decision_is_refused_naming_the_field(review, reviewer, recs):
    with pytest.raises(ValidationError) as err:
        decide(reviewer, review, recs[0], "probably")
    assert "decision" in err.value.message_dict
    assert not Decision.objects.exists()


def test_unknown_stage_is_refused_naming_the_field(review, reviewer, recs):
    with pytest.raises(ValidationError) as err:
        decide(reviewer, review, recs[0], "include", stage="abstract_only")
    assert "stage" in err.value.message_dict


def test_unknown_record_is_refused_naming_the_field(review, reviewer, recs):
    with pytest.raises(ValidationError) as err:
        decision_record(
            reviewer=reviewer, review=review, record_id=987654, stage=TA, decision="include"
        )
    assert "record" in err.value.message_dict


def test_a_record_of_another_review_is_refused(review, reviewer, recs):
    other_lead = UserFactory(username="otherlead")
    other = ReviewFactory(created_by=other_lead)
    (foreign,) = synthetic_records(other, other_lead, n=1)
    with pytest.raises(ValidationError) as err:
        decide(reviewer, review, foreign, "include")
    assert "record" in err.value.message_dict
    assert not Decision.objects.exists()


def test_full_text_exclusion_without_a_listed_reason_is_refused_naming_the_reasons(
    review, reviewer, reviewer2, recs
):
    include_at_title_abstract(review, recs[:1], reviewer, reviewer2)
    for reason in ["", "I did not like it"]:
        with pytest.raises(ValidationError) as err:
            decide(reviewer, review, recs[0], "exclude", stage=FT, reason=reason)
        (message,) = err.value.message_dict["reason"]
        assert "Wrong population" in message and "Not in the time frame" in message
    decide(reviewer, review, recs[0], "exclude", stage=FT, reason="Wrong outcome")
    assert Decision.objects.get(stage=FT).reason == "Wrong outcome"


def test_full_text_exclusion_uses_the_reviews_own_reason_list(review, lead, reviewer, recs):
    require(review, TA, 1)
    stage_settings_update(
        lead=lead, review=review, stage=FT, data={"exclusion_reasons": ["Animal study"]}
    )
    decide(reviewer, review, recs[0], "include")
    with pytest.raises(ValidationError, match="Animal study"):
        decide(reviewer, review, recs[0], "exclude", stage=FT, reason="Wrong population")
    decide(reviewer, review, recs[0], "exclude", stage=FT, reason="Animal study")


def test_the_database_allows_one_decision_per_reviewer_record_and_stage(review, reviewer, recs):
    decide(reviewer, review, recs[0], "include")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            review=review, record=recs[0], stage=TA, reviewer=reviewer, decision="exclude"
        )
    # The other stage is a different decision.
    Decision.objects.create(
        review=review, record=recs[0], stage=FT, reviewer=reviewer, decision="include"
    )


# --- state ------------------------------------------------------------------------------------


def states(review, stage=TA):
    return {
        "included": set(selectors.included(review, stage).values_list("pk", flat=True)),
        "excluded": set(selectors.excluded(review, stage).values_list("pk", flat=True)),
        "conflicts": set(selectors.conflicts(review, stage).values_list("pk", flat=True)),
    }


def test_a_record_stays_pending_until_the_required_decisions_are_in(review, reviewer, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer, review, recs[1], "exclude")
    assert states(review) == {"included": set(), "excluded": set(), "conflicts": set()}


def test_agreeing_decisions_include_or_exclude_and_disagreement_or_maybe_is_a_conflict(
    review, reviewer, reviewer2
):
    a, b, c, d, e = synthetic_records(review, reviewer, n=5)
    for record, first, second in [
        (a, "include", "include"),
        (b, "exclude", "exclude"),
        (c, "include", "exclude"),
        (d, "maybe", "maybe"),
        (e, "include", "maybe"),
    ]:
        decide(reviewer, review, record, first)
        decide(reviewer2, review, record, second)
    assert states(review) == {
        "included": {a.pk},
        "excluded": {b.pk},
        "conflicts": {c.pk, d.pk, e.pk},
    }


def test_one_required_reviewer_settles_a_record_alone(review, reviewer, recs):
    require(review, TA, 1)
    decide(reviewer, review, recs[0], "include")
    decide(reviewer, review, recs[1], "exclude")
    decide(reviewer, review, recs[2], "maybe")
    assert states(review) == {
        "included": {recs[0].pk},
        "excluded": {recs[1].pk},
        "conflicts": {recs[2].pk},
    }


def test_three_required_reviewers(review, reviewer, reviewer2, reviewer3, recs):
    require(review, TA, 3)
    for user in (reviewer, reviewer2):
        decide(user, review, recs[0], "include")
        decide(user, review, recs[1], "include")
    assert states(review) == {"included": set(), "excluded": set(), "conflicts": set()}
    decide(reviewer3, review, recs[0], "include")
    decide(reviewer3, review, recs[1], "exclude")
    assert states(review) == {
        "included": {recs[0].pk},
        "excluded": set(),
        "conflicts": {recs[1].pk},
    }


def test_lowering_the_required_reviewers_keeps_agreed_records_agreed(
    review, lead, reviewer, reviewer2, reviewer3, recs
):
    # Three reviewers all included a record; the lead then needs only two per record.
    require(review, TA, 3)
    for user in (reviewer, reviewer2, reviewer3):
        decide(user, review, recs[0], "include")
    stage_settings_update(lead=lead, review=review, stage=TA, data={"reviewers_required": 2})
    assert states(review) == {"included": {recs[0].pk}, "excluded": set(), "conflicts": set()}


# --- resolution -------------------------------------------------------------------------------


def make_conflict(review, record, reviewer, reviewer2, stage=TA):
    decide(reviewer, review, record, "include", stage=stage)
    reason = "Wrong outcome" if stage == FT else ""
    decide(reviewer2, review, record, "exclude", stage=stage, reason=reason)


def test_a_leads_resolution_ends_the_conflict_and_is_audited(
    review, lead, reviewer, reviewer2, recs
):
    make_conflict(review, recs[0], reviewer, reviewer2)
    resolution = conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="exclude"
    )
    assert (resolution.resolved_by, resolution.decision) == (lead, "exclude")
    assert states(review) == {"included": set(), "excluded": {recs[0].pk}, "conflicts": set()}
    event = AuditEvent.objects.get(review_id=review.pk, action="screening.resolved")
    assert event.actor == lead
    assert event.object_id == str(resolution.pk)
    assert event.changes == {
        "stage": [None, TA],
        "record": [None, recs[0].pk],
        "decision": [None, "exclude"],
    }


def test_a_resolution_to_include_includes(review, lead, reviewer, reviewer2, recs):
    make_conflict(review, recs[0], reviewer, reviewer2)
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    assert states(review)["included"] == {recs[0].pk}


def test_only_conflicts_can_be_resolved(review, lead, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")  # agreed
    decide(reviewer, review, recs[1], "include")  # pending
    for record in recs[:2]:
        with pytest.raises(ValidationError) as err:
            conflict_resolve(
                resolver=lead, review=review, record_id=record.pk, stage=TA, decision="exclude"
            )
        assert "record" in err.value.message_dict
    assert not Resolution.objects.exists()


def test_a_conflict_is_resolved_once(review, lead, reviewer, reviewer2, recs):
    make_conflict(review, recs[0], reviewer, reviewer2)
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    with pytest.raises(ValidationError):
        conflict_resolve(
            resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="exclude"
        )
    assert Resolution.objects.get().decision == "include"


@pytest.mark.parametrize("choice", ["maybe", "unsure", ""])
def test_a_conflict_is_resolved_with_include_or_exclude_only(
    review, lead, reviewer, reviewer2, recs, choice
):
    make_conflict(review, recs[0], reviewer, reviewer2)
    with pytest.raises(ValidationError) as err:
        conflict_resolve(
            resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision=choice
        )
    assert "decision" in err.value.message_dict
    assert not Resolution.objects.exists()


def test_full_text_resolution_to_exclude_needs_a_listed_reason(
    review, lead, reviewer, reviewer2, recs
):
    include_at_title_abstract(review, recs[:1], reviewer, reviewer2)
    make_conflict(review, recs[0], reviewer, reviewer2, stage=FT)
    with pytest.raises(ValidationError) as err:
        conflict_resolve(
            resolver=lead, review=review, record_id=recs[0].pk, stage=FT, decision="exclude"
        )
    assert "reason" in err.value.message_dict
    conflict_resolve(
        resolver=lead,
        review=review,
        record_id=recs[0].pk,
        stage=FT,
        decision="exclude",
        reason="Wrong comparator",
    )
    assert states(review, FT)["excluded"] == {recs[0].pk}


# --- settings ---------------------------------------------------------------------------------


def test_stage_settings_are_audited_and_validated(review, lead):
    settings = stage_settings_update(
        lead=lead, review=review, stage=TA, data={"reviewers_required": 3}
    )
    assert settings.reviewers_required == 3
    event = AuditEvent.objects.get(review_id=review.pk, action="screening.settings_changed")
    assert event.changes == {"reviewers_required": [2, 3]}
    with pytest.raises(ValidationError):
        stage_settings_update(lead=lead, review=review, stage=TA, data={"reviewers_required": 4})
    assert selectors.stage_settings(review, TA).reviewers_required == 3
