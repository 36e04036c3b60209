"""Tallies (a record's decisions at a stage, counted) always agree with the decisions they
count, whatever reviewers and leads do, and every imported record has one.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import importlib
from pathlib import Path

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.imports import import_file
from screening.models import Decision, Priority, Resolution, Tally
from screening.services import (
    conflict_resolve,
    decision_record,
    decision_withdraw,
    stage_settings_update,
)
from screening.tallies import tallies_rebuild
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES

RIS = Path(__file__).resolve().parents[1] / "fixtures/imports/ris/synthesisr_Ovid_ris_example.ris"


def recounted(review) -> dict:
    """What every tally must say, counted from the decisions and resolutions."""
    expected = {}
    for row in (
        Decision.objects.filter(review=review)
        .values("record_id", "stage")
        .annotate(
            n=Count("pk"),
            inc=Count("pk", filter=Q(decision="include")),
            exc=Count("pk", filter=Q(decision="exclude")),
        )
    ):
        expected[(row["record_id"], row["stage"])] = (row["n"], row["inc"], row["exc"], "")
    for r in Resolution.objects.filter(review=review):
        n, inc, exc, _ = expected.get((r.record_id, r.stage), (0, 0, 0, ""))
        expected[(r.record_id, r.stage)] = (n, inc, exc, r.decision)
    return expected


def tallied(review) -> dict:
    return {
        (t.record_id, t.stage): (t.n_decisions, t.n_include, t.n_exclude, t.resolution)
        for t in Tally.objects.filter(review=review)
        if t.n_decisions or t.resolution
    }


def test_a_real_import_gives_every_record_a_title_abstract_tally(review, lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    done = import_file(
        user=lead,
        review=review,
        upload=SimpleUploadedFile(RIS.name, RIS.read_bytes()),
        database="other",
    )
    tallies = Tally.objects.filter(review=review, stage=TA)
    assert tallies.count() == done.records.count() > 0
    assert set(tallies.values_list("open", "n_decisions").distinct()) == {(True, 0)}


def test_lowering_and_raising_the_reviewers_needed_reopens_records(
    review, lead, reviewer, reviewer2
):
    recs = make_import(review, lead, "pubmed", [(TITLES[0], "10.5555/t.0")])
    decision_record(
        reviewer=reviewer, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    assert Tally.objects.get(record=recs[0], stage=TA).open
    stage_settings_update(lead=lead, review=review, stage=TA, data={"reviewers_required": 1})
    assert not Tally.objects.get(record=recs[0], stage=TA).open
    stage_settings_update(lead=lead, review=review, stage=TA, data={"reviewers_required": 3})
    assert Tally.objects.get(record=recs[0], stage=TA).open


def test_a_settled_record_loses_its_relevance_score(review, lead, reviewer, reviewer2):
    recs = make_import(review, lead, "pubmed", [(TITLES[0], "10.5555/t.0")])
    Priority.objects.create(review=review, record=recs[0], stage=TA, score=0.9)
    for who in (reviewer, reviewer2):
        decision_record(
            reviewer=who, review=review, record_id=recs[0].pk, stage=TA, decision="exclude"
        )
    assert not Priority.objects.exists()


def test_the_migration_counts_decisions_made_before_tallies(review, lead, reviewer, reviewer2):
    recs = make_import(review, lead, "pubmed", [(t, "") for t in TITLES[:3]])
    for who, decision in ((reviewer, "include"), (reviewer2, "exclude")):
        decision_record(
            reviewer=who, review=review, record_id=recs[0].pk, stage=TA, decision=decision
        )
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    decision_record(
        reviewer=reviewer, review=review, record_id=recs[1].pk, stage=TA, decision="maybe"
    )
    before = list(
        Tally.objects.order_by("record_id", "stage").values(
            "record_id", "stage", "n_decisions", "n_include", "n_exclude", "resolution", "open"
        )
    )
    Tally.objects.all().delete()
    migration = importlib.import_module("screening.migrations.0003_tally")
    migration.count_existing_decisions(django_apps, None)
    after = list(
        Tally.objects.order_by("record_id", "stage").values(
            "record_id", "stage", "n_decisions", "n_include", "n_exclude", "resolution", "open"
        )
    )
    assert after == before and len(after) == 3


# Steps: (kind, who, record index, choice); kinds chosen so most sequences settle records.
STEP = st.tuples(
    st.sampled_from(["decide", "decide", "decide", "withdraw", "resolve", "require"]),
    st.integers(0, 2),
    st.integers(0, 2),
    st.sampled_from(["include", "exclude", "maybe"]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_tallies_always_match_the_decisions(review, lead, reviewer, reviewer2, steps):
    Tally.objects.filter(review=review).delete()
    Decision.objects.filter(review=review).delete()
    Resolution.objects.filter(review=review).delete()
    recs = make_import(review, lead, "pubmed", [(t, "") for t in TITLES[:3]])
    people = [lead, reviewer, reviewer2]
    for kind, who, index, choice in steps:
        record_id = recs[index].pk
        try:
            if kind == "decide":
                decision_record(
                    reviewer=people[who],
                    review=review,
                    record_id=record_id,
                    stage=TA,
                    decision=choice,
                )
            elif kind == "withdraw":
                decision_withdraw(
                    reviewer=people[who], review=review, record_id=record_id, stage=TA
                )
            elif kind == "resolve":
                conflict_resolve(
                    resolver=lead,
                    review=review,
                    record_id=record_id,
                    stage=TA,
                    decision="exclude" if choice == "exclude" else "include",
                )
            else:
                stage_settings_update(
                    lead=lead, review=review, stage=TA, data={"reviewers_required": who + 1}
                )
        except (ValidationError, PermissionDenied):
            pass
        assert tallied(review) == recounted(review)
        required = (
            review.stage_settings.get(stage=TA).reviewers_required
            if (review.stage_settings.filter(stage=TA).exists())
            else 2
        )
        for tally in Tally.objects.filter(review=review, stage=TA):
            assert tally.open == (tally.n_decisions < required and not tally.resolution)
    assert not Tally.objects.filter(review=review, stage=FT).exclude(n_decisions__gt=0).exists()


def test_a_rebuild_counts_what_the_services_counted(review, lead, reviewer, reviewer2):
    recs = make_import(review, lead, "pubmed", [(t, "") for t in TITLES[:3]])
    for who, decision in ((reviewer, "include"), (reviewer2, "maybe")):
        decision_record(
            reviewer=who, review=review, record_id=recs[0].pk, stage=TA, decision=decision
        )
    conflict_resolve(
        resolver=lead, review=review, record_id=recs[0].pk, stage=TA, decision="include"
    )
    decision_record(
        reviewer=reviewer, review=review, record_id=recs[0].pk, stage=FT, decision="include"
    )
    fields = ("record_id", "stage", "n_decisions", "n_include", "n_exclude", "resolution", "open")
    before = list(Tally.objects.order_by("record_id", "stage").values(*fields))
    tallies_rebuild(review)
    assert list(Tally.objects.order_by("record_id", "stage").values(*fields)) == before
    assert len(before) == 4
