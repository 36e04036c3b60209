"""The stopping estimate in the app (screening/stopping_review.py): what it counts (blinding),
a lead's recorded decision to stop, and where it shows (screening page panel, dashboard,
PRISMA methods text). The statistics themselves: tests/screening/test_stopping.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.jobs import job_create, job_execute
from reviews.models import AuditEvent, Job
from screening import prioritisation, selectors, stopping
from screening.models import Priority, StageSettings, StoppingDecision
from screening.prisma import prisma_diagram_counts
from screening.prisma_diagram import prisma_svg
from screening.services import decision_record, stage_settings_update
from screening.stopping_review import (
    random_order_set,
    screened_labels,
    stage_stopping,
    stage_stopping_cached,
    stopping_record,
    stopping_withdraw,
)
from tests.reviews.dedup_data import make_import
from tests.screening.data import TA
from tests.screening.test_prisma_diagram import boxes

# Synthetic: 30 made-up titles.
N = 30


@pytest.fixture
def records(review, lead):
    titles = [(f"Made-up trial number {i}", "") for i in range(N)]
    return make_import(review, lead, "pubmed", titles)


def decide(user, review, record, decision):
    return decision_record(
        reviewer=user, review=review, record_id=record.pk, stage=TA, decision=decision
    )


def one_reviewer(review):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)


def test_blinded_stage_counts_settled_records_only(review, lead, reviewer, reviewer2, records):
    decide(reviewer, review, records[0], "include")  # pending: reviewer2 has not decided
    decide(reviewer, review, records[1], "exclude")
    decide(reviewer2, review, records[1], "exclude")  # settled
    assert screened_labels(review, TA) == ([0], N, None)

    stage_settings_update(lead=lead, review=review, stage=TA, data={"blinded": False})
    # Unblinded, a record counts from its first decision, an include if anyone said include.
    labels, total, _ = screened_labels(review, TA)
    assert sorted(labels) == [0, 1] and total == N


def test_records_count_in_the_order_they_settled(review, reviewer, records):
    one_reviewer(review)
    for record, decision in zip(
        records[5:9], ["exclude", "include", "exclude", "exclude"], strict=True
    ):
        decide(reviewer, review, record, decision)
    assert screened_labels(review, TA) == ([0, 1, 0, 0], N, None)
    found = stage_stopping(review, TA)
    assert found.n_screened == 4 and found.includes_found == 1 and found.n_total == N
    assert found == stopping.stopping_estimate([0, 1, 0, 0], N)


def test_lead_records_the_stop_with_the_estimate_of_that_moment(review, lead, reviewer, records):
    one_reviewer(review)
    decide(reviewer, review, records[0], "include")
    for record in records[1:25]:
        decide(reviewer, review, record, "exclude")
    now = stage_stopping(review, TA)

    stop = stopping_record(lead=lead, review=review, stage=TA)

    assert (stop.n_screened, stop.n_total, stop.includes_found) == (25, N, 1)
    assert stop.remaining_upper == now.remaining_upper
    assert stop.p_value == pytest.approx(now.p_value) and stop.reached == now.reached
    event = AuditEvent.objects.get(action="screening.stopped")
    assert event.actor == lead and event.changes["screened"] == [None, 25]
    assert event.changes["p_value"][1] == pytest.approx(now.p_value)
    with pytest.raises(ValidationError, match="already recorded as stopped"):
        stopping_record(lead=lead, review=review, stage=TA)

    stopping_withdraw(lead=lead, review=review, stage=TA)
    assert not StoppingDecision.objects.exists()
    assert AuditEvent.objects.filter(action="screening.stop_withdrawn").count() == 1


def test_only_a_lead_records_a_stop(review, reviewer, records):
    with pytest.raises(PermissionDenied):
        stopping_record(lead=reviewer, review=review, stage=TA)


def test_panel_shows_the_estimate_and_names_the_method(review, lead, reviewer, records, web_as):
    one_reviewer(review)
    decide(reviewer, review, records[0], "include")
    decide(reviewer, review, records[1], "exclude")
    page = web_as(lead).get(f"/reviews/{review.pk}/screening/{TA}/").content.decode()
    assert f"/reviews/{review.pk}/screening/{TA}/stopping/" in page  # loads the panel
    panel = web_as(lead).get(f"/reviews/{review.pk}/screening/{TA}/stopping/").content.decode()
    assert "2 of 30" in panel and "Includes found" in panel
    assert "Callaghan MW, Müller-Hansen F." in panel and "not reached" in panel
    assert "Recall target 95% at 95% confidence" in panel


def test_reviewer_and_outsider_cannot_see_or_stop(review, reviewer, outsider, viewer, web_as):
    url = f"/reviews/{review.pk}/screening/{TA}/stopping/"
    assert web_as(reviewer).get(url).status_code == 403
    assert web_as(reviewer).post(url + "stop/").status_code == 403
    assert web_as(viewer).post(url + "stop/").status_code == 403
    assert web_as(outsider).get(url).status_code == 404
    assert web_as(outsider).post(url + "stop/").status_code == 404
    page = web_as(reviewer).get(f"/reviews/{review.pk}/screening/{TA}/").content.decode()
    assert url not in page


def test_stop_shows_on_prisma_page_and_dashboard(review, lead, reviewer, records, web_as):
    one_reviewer(review)
    for i, record in enumerate(records[:20]):
        decide(reviewer, review, record, "include" if i < 2 else "exclude")
    stage_stopping(review, TA)  # counted, as the panel or the job does
    dashboard = web_as(lead).get(f"/reviews/{review.pk}/").content.decode()
    assert "Includes left (est.)" in dashboard and "95% recall" in dashboard

    response = web_as(lead).post(f"/reviews/{review.pk}/screening/{TA}/stopping/stop/")
    assert response.status_code == 302
    prisma = web_as(lead).get(f"/reviews/{review.pk}/prisma/").content.decode()
    assert "Title/abstract screening stopped after 20 of 30 records" in prisma
    assert "Callaghan and Müller-Hansen" in prisma
    assert prisma_diagram_counts(review)["stopped"] == {TA: {"screened": 20, "not_screened": 10}}
    diagram = boxes(prisma_svg(prisma_diagram_counts(review)))
    assert " ".join(diagram["records-screened"]) == (
        "Records screened (n = 20) Not screened: stopped early (n = 10)"
    )
    dashboard = web_as(lead).get(f"/reviews/{review.pk}/").content.decode()
    assert "after 20 of 30" in dashboard


def test_dashboard_never_counts_the_estimate_itself(review, lead, reviewer, records, web_as):
    one_reviewer(review)
    for i, record in enumerate(records[:20]):
        decide(reviewer, review, record, "include" if i < 2 else "exclude")
    for _ in range(2):  # a refresh neither counts it nor queues a second job
        dashboard = web_as(lead).get(f"/reviews/{review.pk}/").content.decode()
        assert "estimate being computed" in dashboard and "95% recall" not in dashboard
    jobs = Job.objects.filter(review=review, kind="stopping")
    assert jobs.count() == 1 and jobs.get().status == "queued"
    assert stage_stopping_cached(review, TA) is None  # nothing was counted into the cache

    job_execute(jobs.get().pk)
    dashboard = web_as(lead).get(f"/reviews/{review.pk}/").content.decode()
    assert "95% recall" in dashboard and "estimate being computed" not in dashboard
    assert stage_stopping_cached(review, TA) == stopping.stopping_estimate([1, 1] + [0] * 18, N)
    # A new decision is a new state: the dashboard waits for a new count again.
    decide(reviewer, review, records[20], "exclude")
    dashboard = web_as(lead).get(f"/reviews/{review.pk}/").content.decode()
    assert "estimate being computed" in dashboard
    assert jobs.count() == 2


def test_lead_sets_target_and_confidence(review, lead, records):
    stage_settings_update(
        lead=lead, review=review, stage=TA, data={"recall_target": 0.9, "stopping_confidence": 0.8}
    )
    found = stage_stopping(review, TA)
    assert (found.target, found.confidence) == (0.9, 0.8)


def test_a_model_failure_leaves_import_order_with_a_notice(review, lead, reviewer, web_as):
    # Records with no word of two letters or more: the model finds no vocabulary and fails,
    # a real failure of the ranking job.
    made = make_import(review, lead, "pubmed", [(f"{i} x", "") for i in range(6)])
    one_reviewer(review)
    decide(reviewer, review, made[0], "include")
    decide(reviewer, review, made[1], "exclude")
    job = job_create(kind="ranking", review=review, user=None, params={"stage": TA})
    with pytest.raises(ValueError, match="vocabulary"):
        job_execute(job.pk)

    assert selectors.ranking_status(review, TA)["failed_at"] is not None
    assert selectors.next_for(reviewer, review, TA) == made[2]  # import order
    page = web_as(reviewer).get(f"/reviews/{review.pk}/screening/{TA}/").content.decode()
    assert "The relevance model could not be trained" in page and "in import order" in page


def test_random_order_gives_open_records_random_scores_and_back(
    review, lead, reviewer, records, django_capture_on_commit_callbacks
):
    one_reviewer(review)
    decide(reviewer, review, records[0], "include")
    decide(reviewer, review, records[1], "exclude")

    random_order_set(lead=lead, review=review, stage=TA, on=True)

    scored = set(Priority.objects.filter(review=review, stage=TA).values_list("record", flat=True))
    assert scored == {r.pk for r in records[2:]}  # every open record, none settled
    assert selectors.ranking_status(review, TA)["random"]
    assert not prioritisation.ranking_due(review, TA)  # the model waits
    first = selectors.next_for(reviewer, review, TA)
    best = Priority.objects.filter(review=review, stage=TA).order_by("-score").first()
    assert first.pk == best.record_id
    assert AuditEvent.objects.filter(action="screening.random_order").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        random_order_set(lead=lead, review=review, stage=TA, on=False)
    assert not StageSettings.objects.get(review=review, stage=TA).random_order
    # A new model was queued at once (Celery runs eagerly here): relevance scores again.
    assert selectors.ranking_status(review, TA)["active"]


def test_panel_offers_the_random_sample_with_its_size(review, lead, reviewer, records, web_as):
    one_reviewer(review)
    decide(reviewer, review, records[0], "include")
    decide(reviewer, review, records[1], "exclude")
    needed = stage_stopping(review, TA).sample_needed
    url = f"/reviews/{review.pk}/screening/{TA}/stopping/"
    panel = web_as(lead).get(url).content.decode()
    assert f"A random sample of <strong>{needed}</strong> of the 28 unscreened" in panel

    panel = web_as(lead).post(url + "order/", {"order": "random"}, HTTP_HX_REQUEST="true")
    assert "Back to relevance order" in panel.content.decode()
    assert web_as(reviewer).post(url + "order/", {"order": "random"}).status_code == 403
