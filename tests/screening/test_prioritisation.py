"""Prioritised screening in the app (screening/prioritisation.py, the ranking task, the order
of `selectors.next_for` and what the screening page says about it).

Records are 40 real ones of the Triptans set (tests/fixtures/screening/SOURCES.md)."""

import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

from reviews.jobs import job_create, job_run_here
from reviews.models import Job, Record
from reviews.tasks import run_job
from screening import prioritisation, selectors
from screening.models import Priority, Ranking, StageSettings
from screening.services import (
    conflict_resolve,
    decision_record,
    decision_withdraw,
    stage_settings_update,
)
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES

ROOT = Path(__file__).resolve().parents[2]
TRIPTANS = ROOT / "tests/fixtures/screening/triptans_40.csv"


@pytest.fixture
def records(review, lead) -> list[tuple[Record, int]]:
    """The 40 records in file order (30 excluded, then 10 included), with their true label."""
    with TRIPTANS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    made = make_import(review, lead, "pubmed", [(row["title"], "") for row in rows])
    for record, row in zip(made, rows, strict=True):
        record.abstract = row["abstract"]
        record.keywords = row["keywords"].split("; ")
        record.save(update_fields=["abstract", "keywords"])
    return [(record, int(row["label_included"])) for record, row in zip(made, rows, strict=True)]


@pytest.fixture
def one_reviewer(review):
    return StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)


def decide(user, review, record, decision, stage=TA):
    return decision_record(
        reviewer=user, review=review, record_id=record.pk, stage=stage, decision=decision
    )


def included(records):
    return [r for r, label in records if label]


def excluded(records):
    return [r for r, label in records if not label]


def scores(review, stage=TA):
    return dict(Priority.objects.filter(review=review, stage=stage).values_list("record", "score"))


def settle(reviewer, review, records, n_included, n_excluded):
    """With one reviewer required, each decision settles its record."""
    for record in included(records)[:n_included]:
        decide(reviewer, review, record, "include")
    for record in excluded(records)[:n_excluded]:
        decide(reviewer, review, record, "exclude")


# --- which decisions train the model ----------------------------------------------------------


def unsettled(review) -> int:
    """Records a refresh scores: every unit not yet settled."""
    units = selectors.screening_units(review, TA).count()
    return units - len(prioritisation.settled_labels(review, TA))


def test_only_settled_records_train(review, reviewer, reviewer2, records):
    inc, exc = included(records), excluded(records)
    for user in (reviewer, reviewer2):  # two required (the default): both settle these
        decide(user, review, inc[0], "include")
        decide(user, review, exc[0], "exclude")
    decide(reviewer, review, inc[1], "include")  # reviewer2 has not decided yet: pending

    assert prioritisation.settled_labels(review, TA) == {inc[0].pk: 1, exc[0].pk: 0}
    prioritisation.ranking_refresh(review=review, stage=TA)
    with_pending = scores(review)

    decision_withdraw(reviewer=reviewer, review=review, record_id=inc[1].pk, stage=TA)
    Ranking.objects.all().delete()
    prioritisation.ranking_refresh(review=review, stage=TA)

    assert scores(review) == with_pending


def test_pending_decisions_alone_start_no_ranking(review, reviewer, records):
    decide(reviewer, review, included(records)[0], "include")
    decide(reviewer, review, excluded(records)[0], "exclude")

    assert not prioritisation.ranking_due(review, TA)
    prioritisation.ranking_refresh(review=review, stage=TA)
    assert not Priority.objects.exists()


def test_a_resolved_conflict_trains(review, lead, reviewer, reviewer2, records):
    inc, exc = included(records), excluded(records)
    for user in (reviewer, reviewer2):
        decide(user, review, exc[0], "exclude")
    decide(reviewer, review, inc[0], "include")
    decide(reviewer2, review, inc[0], "maybe")
    assert not prioritisation.ranking_due(review, TA)

    conflict_resolve(
        resolver=lead, review=review, record_id=inc[0].pk, stage=TA, decision="include"
    )

    assert prioritisation.settled_labels(review, TA) == {inc[0].pk: 1, exc[0].pk: 0}
    assert prioritisation.ranking_due(review, TA)


# --- when a new model is due ------------------------------------------------------------------


def test_due_once_one_record_is_included_and_one_excluded(review, reviewer, records, one_reviewer):
    decide(reviewer, review, included(records)[0], "include")
    decide(reviewer, review, included(records)[1], "include")
    assert not prioritisation.ranking_due(review, TA)

    decide(reviewer, review, excluded(records)[0], "exclude")
    assert prioritisation.ranking_due(review, TA)


def test_not_due_when_prioritisation_is_off(review, lead, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)
    stage_settings_update(lead=lead, review=review, stage=TA, data={"prioritise": False})

    assert not prioritisation.ranking_due(review, TA)
    prioritisation.ranking_refresh(review=review, stage=TA)
    assert not Priority.objects.exists()


def test_due_again_after_ten_more_settled(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)
    prioritisation.ranking_refresh(review=review, stage=TA)
    assert not prioritisation.ranking_due(review, TA)
    Ranking.objects.update(trained_at=timezone.now() - timedelta(hours=1))

    settle(reviewer, review, records, 1, 10)  # nine more
    assert not prioritisation.ranking_due(review, TA)
    settle(reviewer, review, records, 1, 11)  # ten more
    assert prioritisation.ranking_due(review, TA)


def test_not_due_until_the_pause_after_a_large_ranking(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)
    prioritisation.ranking_refresh(review=review, stage=TA)
    settle(reviewer, review, records, 1, 20)
    # As if the last model had scored 100,000 records a moment ago.
    Ranking.objects.update(n_scored=100_000, trained_at=timezone.now())
    assert not prioritisation.ranking_due(review, TA)

    Ranking.objects.update(trained_at=timezone.now() - timedelta(seconds=201))
    assert prioritisation.ranking_due(review, TA)


# --- what a refresh writes --------------------------------------------------------------------


def test_refresh_scores_every_open_unit_and_replaces_old_scores(
    review, reviewer, records, one_reviewer
):
    stale = records[5][0]
    Priority.objects.create(review=review, record=stale, stage=TA, score=0.5)
    other_stage = Priority.objects.create(review=review, record=stale, stage=FT, score=0.25)
    settle(reviewer, review, records, 1, 1)

    current = prioritisation.ranking_refresh(review=review, stage=TA)

    units = set(selectors.screening_units(review, TA).values_list("pk", flat=True))
    settled = set(prioritisation.settled_labels(review, TA))
    # Settled records keep no score: the next-record query never steps over them.
    assert set(scores(review)) == units - settled and len(units) == 40 and len(settled) == 2
    assert all(0 <= s <= 1 for s in scores(review).values())
    assert scores(review)[stale.pk] != 0.5
    assert Priority.objects.get(pk=other_stage.pk).score == 0.25
    current.refresh_from_db()
    assert (current.n_included, current.n_excluded, current.n_scored) == (1, 1, 40)
    assert current.trained_on == 2 and current.trained_at is not None


def test_refresh_learns_the_topic(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 3, 10)

    prioritisation.ranking_refresh(review=review, stage=TA)

    settled = set(prioritisation.settled_labels(review, TA))
    rest = [(scores(review)[r.pk], label) for r, label in records if r.pk not in settled]
    best = sorted(rest, reverse=True)[:7]
    assert sum(label for _, label in best) >= 5  # of the 7 unsettled includes among 27


def test_a_later_refresh_replaces_the_scores(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)
    prioritisation.ranking_refresh(review=review, stage=TA)
    first = scores(review)
    Ranking.objects.update(trained_at=timezone.now() - timedelta(hours=1))
    settle(reviewer, review, records, 3, 10)

    current = prioritisation.ranking_refresh(review=review, stage=TA)

    assert (current.n_included, current.n_excluded, current.trained_on) == (3, 10, 13)
    assert Priority.objects.filter(review=review, stage=TA).count() == unsettled(review)
    assert scores(review) != first


def test_a_primary_record_is_ranked_by_its_merged_text(review, lead, reviewer, one_reviewer):
    from reviews.models import DuplicateCluster

    a, b, c = make_import(
        review, lead, "embase", [(TITLES[0], ""), (TITLES[0] + ".", ""), (TITLES[1], "")]
    )
    cluster = DuplicateCluster.objects.create(
        review=review,
        primary=a,
        merged={"title": TITLES[0], "abstract": "Fat grafting for acne scars."},
        field_sources={},
        automatic=True,
    )
    Record.objects.filter(pk__in=[a.pk, b.pk]).update(cluster=cluster)
    decide(reviewer, review, a, "include")
    decide(reviewer, review, c, "exclude")

    with mock.patch("screening.ranking.rank", wraps=prioritisation.ranking.rank) as rank:
        prioritisation.ranking_refresh(review=review, stage=TA)

    texts = rank.call_args.args[0]
    assert len(texts) == 2  # the duplicate is not a screening unit
    assert "Fat grafting for acne scars." in texts[0]


# --- the order reviewers see ------------------------------------------------------------------


def test_next_follows_the_scores(review, reviewer, reviewer2, records):
    low, high = records[0][0], records[30][0]
    Priority.objects.bulk_create(
        Priority(review=review, record=r, stage=TA, score=0.1) for r, _ in records
    )
    Priority.objects.filter(record=high).update(score=0.9)
    Priority.objects.filter(record=records[20][0]).update(score=0.8)

    assert selectors.next_for(reviewer, review, TA) == high
    decide(reviewer, review, high, "include")
    assert selectors.next_for(reviewer, review, TA) == records[20][0]
    assert selectors.next_for(reviewer2, review, TA) == high
    decide(reviewer, review, records[20][0], "exclude")
    assert selectors.next_for(reviewer, review, TA) == low  # ties: import order


def test_records_without_a_score_come_after_scored_ones(review, lead, reviewer, records):
    scored = records[39][0]
    Priority.objects.create(review=review, record=scored, stage=TA, score=0.01)

    assert selectors.next_for(reviewer, review, TA) == scored
    decide(reviewer, review, scored, "exclude")
    assert selectors.next_for(reviewer, review, TA) == records[0][0]


def test_next_is_in_import_order_when_prioritisation_is_off(review, reviewer, records):
    StageSettings.objects.create(review=review, stage=TA, prioritise=False)
    Priority.objects.create(review=review, record=records[39][0], stage=TA, score=0.99)

    assert selectors.next_for(reviewer, review, TA) == records[0][0]


def test_next_is_one_query(review, reviewer, records, django_assert_num_queries):
    Priority.objects.create(review=review, record=records[39][0], stage=TA, score=0.99)
    with django_assert_num_queries(2):  # the stage's settings, then the record
        assert selectors.next_for(reviewer, review, TA) == records[39][0]


# --- the task and the hooks -------------------------------------------------------------------


def test_task_runs_twice_safely(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)

    job_run_here(kind="ranking", review=review, user=None, params={"stage": TA})
    first = list(Priority.objects.order_by("pk").values_list("pk", "record", "score"))
    trained_at = Ranking.objects.get().trained_at
    job_run_here(kind="ranking", review=review, user=None, params={"stage": TA})

    assert list(Priority.objects.order_by("pk").values_list("pk", "record", "score")) == first
    assert Ranking.objects.get().trained_at == trained_at


def test_of_two_runs_at_once_only_one_writes(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)
    real_labels = prioritisation.settled_labels
    other_run = []

    def labels_then_the_other_run_claims(review, stage):
        labels = real_labels(review, stage)
        if not other_run:  # another worker runs the same task meanwhile
            other_run.append(stage)
            prioritisation.ranking_refresh(review=review, stage=stage)
        return labels

    with (
        mock.patch.object(prioritisation, "settled_labels", labels_then_the_other_run_claims),
        mock.patch.object(prioritisation, "_save", wraps=prioritisation._save) as save,
    ):
        prioritisation.ranking_refresh(review=review, stage=TA)

    assert save.call_count == 1
    assert Priority.objects.count() == unsettled(review) == 38
    assert Ranking.objects.get().trained_on == 2


def test_a_failed_run_gives_its_claim_back(review, reviewer, records, one_reviewer):
    settle(reviewer, review, records, 1, 1)

    with (
        mock.patch("screening.ranking.rank", side_effect=RuntimeError("out of memory")),
        pytest.raises(RuntimeError),
    ):
        prioritisation.ranking_refresh(review=review, stage=TA)

    assert Ranking.objects.get().trained_on == 0
    assert prioritisation.ranking_due(review, TA)


def test_task_for_a_deleted_review_does_nothing(review):
    job = job_create(kind="ranking", review=review, user=None, params={"stage": TA})
    review.delete()  # its jobs go with it
    run_job(job.pk)
    assert not Ranking.objects.exists() and not Job.objects.exists()


def test_the_decision_that_makes_it_due_queues_a_ranking(
    review, reviewer, records, one_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(reviewer, review, included(records)[0], "include")
    assert callbacks == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(reviewer, review, excluded(records)[0], "exclude")
    assert len(callbacks) == 1
    assert Priority.objects.filter(review=review, stage=TA).count() == unsettled(review)


def test_resolving_a_conflict_can_queue_a_ranking(
    review, lead, reviewer, reviewer2, records, django_capture_on_commit_callbacks
):
    inc, exc = included(records), excluded(records)
    for user in (reviewer, reviewer2):
        decide(user, review, exc[0], "exclude")
    decide(reviewer, review, inc[0], "include")
    decide(reviewer2, review, inc[0], "exclude")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        conflict_resolve(
            resolver=lead, review=review, record_id=inc[0].pk, stage=TA, decision="include"
        )

    assert len(callbacks) == 1
    assert Ranking.objects.get().n_included == 1


def test_a_decision_that_settles_nothing_does_not_check(review, reviewer, records):
    # Two reviewers required: the first decision leaves the record open, so whether a model
    # is due cannot have changed and nothing is counted.
    with mock.patch.object(prioritisation, "ranking_due") as due:
        decide(reviewer, review, excluded(records)[0], "exclude")
    due.assert_not_called()


def retrain_pending(reviewer, review, records):
    """A model on 2 settled records, its pause over, and 10 more settled records: due."""
    settle(reviewer, review, records, 1, 1)
    prioritisation.ranking_refresh(review=review, stage=TA)
    Ranking.objects.update(trained_at=timezone.now() - timedelta(hours=1))
    settle(reviewer, review, records, 1, 11)


def test_after_a_model_the_count_runs_at_most_every_few_seconds(
    review, reviewer, records, one_reviewer, django_capture_on_commit_callbacks
):
    retrain_pending(reviewer, review, records)
    checked = Ranking.objects.get().checked_at
    assert checked is not None  # the settling decisions above counted once, then waited
    assert prioritisation.ranking_due(review, TA)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(reviewer, review, excluded(records)[11], "exclude")
    assert callbacks == []  # counted less than CHECK_EVERY ago
    assert Ranking.objects.get().checked_at == checked

    Ranking.objects.update(checked_at=checked - prioritisation.CHECK_EVERY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(reviewer, review, excluded(records)[12], "exclude")
    assert len(callbacks) == 1
    assert Ranking.objects.get().checked_at > checked


def test_no_count_while_the_model_pauses(
    review, reviewer, records, one_reviewer, django_capture_on_commit_callbacks
):
    retrain_pending(reviewer, review, records)
    Ranking.objects.update(trained_at=timezone.now(), n_scored=100_000, checked_at=None)

    with (
        mock.patch.object(selectors, "settled_counts") as count,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        decide(reviewer, review, excluded(records)[11], "exclude")
    count.assert_not_called()
    assert callbacks == []
    assert Ranking.objects.get().checked_at is None


# --- what the page says -----------------------------------------------------------------------


def test_status_before_and_after_a_ranking(review, reviewer, records, one_reviewer):
    assert selectors.ranking_status(review, TA) == {
        "failed_at": None,
        "active": False,
        "random": False,
        "trained_at": None,
        "n_included": 0,
        "n_excluded": 0,
        "n_scored": 0,
    }
    settle(reviewer, review, records, 2, 5)
    prioritisation.ranking_refresh(review=review, stage=TA)

    status = selectors.ranking_status(review, TA)
    assert status["active"] and status["trained_at"] is not None
    assert (status["n_included"], status["n_excluded"], status["n_scored"]) == (2, 5, 40)


def test_screening_page_says_how_records_are_ordered(
    review, lead, reviewer, records, one_reviewer, web_as
):
    url = f"/reviews/{review.pk}/screening/title_abstract/"
    page = web_as(reviewer).get(url).content.decode()
    assert "In import order (relevance ranking starts once" in page

    settle(reviewer, review, records, 2, 5)
    prioritisation.ranking_refresh(review=review, stage=TA)
    page = web_as(reviewer).get(url).content.decode()
    assert "Ordered by relevance — model trained on 2 included, 5 excluded" in page

    stage_settings_update(lead=lead, review=review, stage=TA, data={"prioritise": False})
    page = web_as(reviewer).get(url).content.decode()
    assert "In import order (relevance ranking is off" in page


def test_lead_turns_prioritisation_off_in_the_settings(review, lead, web_as):
    response = web_as(lead).post(
        f"/reviews/{review.pk}/screening/title_abstract/settings/",
        {"reviewers_required": "2", "blinded": "on", "exclusion_reasons": "Wrong population"},
    )

    assert response.status_code == 302
    assert not selectors.stage_settings(review, TA).prioritise


def test_web_processes_do_not_load_scikit_learn():
    """Only the worker trains; scikit-learn would cost every web process ~100 MB."""
    check = (
        "import sys, django; django.setup(); import config.urls, screening.services; "
        "sys.exit('sklearn' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run([sys.executable, "-c", check], check=True, env=env, cwd=ROOT)
