"""Screening reads (issue #5): what is screened at each stage and each reviewer's next record.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.audit import audit_record
from reviews.deduplication import cluster_undo, dedup_now
from reviews.imports import ImportRefused, import_file
from reviews.models import AuditEvent, SearchImport
from screening import selectors
from screening.models import StageSettings
from screening.services import conflict_resolve, decision_record
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES


@pytest.fixture
def recs(review, lead):
    return make_import(
        review, lead, "pubmed", [(TITLES[i], f"10.5555/synthetic.{i}") for i in range(4)]
    )


def decide(user, review, record, decision, stage=TA, **kw):
    return decision_record(
        reviewer=user, review=review, record_id=record.pk, stage=stage, decision=decision, **kw
    )


def pks(queryset):
    return list(queryset.values_list("pk", flat=True))


# --- next record ------------------------------------------------------------------------------


def test_next_is_the_reviewers_first_undecided_record_in_import_order(review, lead, reviewer):
    first = make_import(review, lead, "embase", [(TITLES[0], "10.5555/a"), (TITLES[1], "")])
    second = make_import(review, lead, "pubmed", [(TITLES[2], "10.5555/c")])
    assert selectors.next_for(reviewer, review, TA) == first[0]
    decide(reviewer, review, first[1], "include")  # out of order
    assert selectors.next_for(reviewer, review, TA) == first[0]
    decide(reviewer, review, first[0], "exclude")
    assert selectors.next_for(reviewer, review, TA) == second[0]
    decide(reviewer, review, second[0], "maybe")
    assert selectors.next_for(reviewer, review, TA) is None


def test_next_is_per_reviewer(review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    assert selectors.next_for(reviewer, review, TA) == recs[1]
    assert selectors.next_for(reviewer2, review, TA) == recs[0]


def test_records_with_all_required_decisions_are_skipped_for_a_third_reviewer(
    review, reviewer, reviewer2, reviewer3, recs
):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "exclude")  # a conflict: settled for reviewers
    decide(reviewer, review, recs[1], "include")
    decide(reviewer2, review, recs[1], "include")
    decide(reviewer, review, recs[2], "include")  # still needs one more
    assert selectors.next_for(reviewer3, review, TA) == recs[2]


def test_with_three_required_a_record_stays_open_until_the_third_decision(
    review, reviewer, reviewer2, reviewer3, recs
):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=3)
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")
    assert selectors.next_for(reviewer3, review, TA) == recs[0]
    decide(reviewer3, review, recs[0], "include")
    assert selectors.next_for(UserFactory(username="fourth"), review, TA) == recs[1]


def test_a_resolved_record_is_not_offered(review, lead, reviewer, recs):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    decide(reviewer, review, recs[0], "maybe")
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    assert selectors.next_for(lead, review, TA) == recs[1]


# --- full text --------------------------------------------------------------------------------


def test_full_text_screens_only_records_included_at_title_abstract(
    review, lead, reviewer, reviewer2, recs
):
    a, b, c, d = recs
    for record, first, second in [
        (a, "include", "include"),  # included
        (b, "exclude", "exclude"),  # excluded
        (c, "include", "exclude"),  # conflict, resolved to include below
        (d, "include", "maybe"),  # conflict, unresolved
    ]:
        decide(reviewer, review, record, first)
        decide(reviewer2, review, record, second)
    assert pks(selectors.screening_units(review, FT)) == [a.pk]
    conflict_resolve(resolver=lead, review=review, record_id=c.pk, stage=TA, decision="include")
    assert pks(selectors.screening_units(review, FT)) == [a.pk, c.pk]
    assert selectors.next_for(reviewer, review, FT) == a
    for record in (b, d):
        with pytest.raises(ValidationError) as err:
            decide(reviewer, review, record, "include", stage=FT)
        assert "record" in err.value.message_dict


def test_a_half_decided_record_is_not_at_full_text(review, reviewer, recs):
    decide(reviewer, review, recs[0], "include")
    assert pks(selectors.screening_units(review, FT)) == []
    assert selectors.next_for(reviewer, review, FT) is None


def test_full_text_has_its_own_required_reviewers(review, reviewer, reviewer2, recs):
    StageSettings.objects.create(review=review, stage=FT, reviewers_required=1)
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")
    decide(reviewer, review, recs[0], "include", stage=FT)
    assert pks(selectors.included(review, FT)) == [recs[0].pk]
    assert pks(selectors.included(review, TA)) == [recs[0].pk]


def test_merged_duplicates_are_screened_once(review, lead, reviewer, reviewer2):
    pubmed = make_import(
        review, lead, "pubmed", [(TITLES[0], "10.5555/shared"), (TITLES[1], "10.5555/b")]
    )
    embase = make_import(review, lead, "embase", [(TITLES[0], "10.5555/shared")])
    dedup_now(review=review, user=None)
    pubmed[0].refresh_from_db()
    cluster = pubmed[0].cluster
    assert cluster is not None and set(cluster.members.all()) == {pubmed[0], embase[0]}
    primary, secondary = (
        (pubmed[0], embase[0]) if cluster.primary_id == pubmed[0].pk else (embase[0], pubmed[0])
    )

    units = pks(selectors.screening_units(review, TA))
    assert sorted(units) == sorted([primary.pk, pubmed[1].pk])
    with pytest.raises(ValidationError) as err:
        decide(reviewer, review, secondary, "include")
    assert "record" in err.value.message_dict

    seen = []
    while (record := selectors.next_for(reviewer, review, TA)) is not None:
        seen.append(record.pk)
        decide(reviewer, review, record, "include")
        decide(reviewer2, review, record, "include")
    assert sorted(seen) == sorted(units)
    assert sorted(pks(selectors.screening_units(review, FT))) == sorted(units)
    assert selectors.included(review, TA).count() == 2


# --- blinding helper --------------------------------------------------------------------------


def test_visible_decisions_hide_others_until_settled(review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    assert list(selectors.decisions_visible_to(reviewer2, review, TA)) == []
    decide(reviewer2, review, recs[0], "exclude")
    visible = selectors.decisions_visible_to(reviewer2, review, TA)
    assert {d.reviewer.username for d in visible} == {"reviewer", "reviewer2"}


def test_visible_decisions_hide_nothing_on_an_unblinded_stage(review, reviewer, reviewer2, recs):
    StageSettings.objects.create(review=review, stage=TA, blinded=False)
    decide(reviewer, review, recs[0], "include")
    visible = selectors.decisions_visible_to(reviewer2, review, TA)
    assert [d.reviewer for d in visible] == [reviewer]


def test_a_failed_import_leaves_nothing_to_screen(review, lead, recs):
    # An import writes its records in the transaction that completes it, so screening needs
    # no check of its own for records of unfinished or failed imports.
    units = pks(selectors.screening_units(review, TA))
    broken = "TY  - JOUR\nTI  - Fine synthetic title\nER  - \nTY  - JOUR\nPY  - 2020\nER  - \n"
    with pytest.raises(ImportRefused, match=r"record 2 .* no title"):
        import_file(
            user=lead,
            review=review,
            upload=SimpleUploadedFile("broken.ris", broken.encode()),
            database="embase",
        )
    assert pks(selectors.screening_units(review, TA)) == units
    assert SearchImport.objects.get(database="embase").status == "failed"


def test_an_undone_merge_screens_both_records_again(review, lead, reviewer):
    (a,) = make_import(review, lead, "pubmed", [(TITLES[0], "10.5555/shared")])
    (b,) = make_import(review, lead, "embase", [(TITLES[0], "10.5555/shared")])
    dedup_now(review=review, user=None)
    a.refresh_from_db()
    assert selectors.screening_units(review, TA).count() == 1
    cluster_undo(user=lead, cluster=a.cluster)
    assert pks(selectors.screening_units(review, TA)) == [a.pk, b.pk]


def test_full_text_next_follows_import_order(review, lead, reviewer, reviewer2, recs):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    for record in reversed(recs):
        decide(reviewer, review, record, "include")
    assert pks(selectors.screening_units(review, FT)) == [r.pk for r in recs]
    decide(reviewer2, review, recs[0], "include", stage=FT)
    assert selectors.next_for(reviewer2, review, FT) == recs[1]


def test_an_undo_logged_before_undos_named_their_stage_is_blinded_too(
    review, lead, reviewer, reviewer2, recs
):
    decision = decide(reviewer, review, recs[0], "exclude")
    # As decision_withdraw logged an undo before it named the stage (the log is append-only,
    # so such events stay as they were written).
    audit_record(
        actor=reviewer,
        review=review,
        action="screening.withdrawn",
        obj=decision,
        changes={"decision": ["exclude", None], "record": [recs[0].pk, None]},
    )

    def seen_by(user):
        events = AuditEvent.objects.filter(review_id=review.pk)
        visible = selectors.audit_events_visible_to(events, review=review, viewer=user)
        return sorted(visible.values_list("action", flat=True))

    assert seen_by(lead) == []
    assert seen_by(reviewer) == ["screening.decided", "screening.withdrawn"]
    decide(reviewer2, review, recs[0], "include")
    assert seen_by(lead) == ["screening.decided", "screening.decided", "screening.withdrawn"]
