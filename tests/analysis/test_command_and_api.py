"""`manage.py runanalysis` and the analysis API on the BCG trials."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from analysis.models import AnalysisPlan, AnalysisRun
from extraction import locking
from reviews.models import Job


@pytest.fixture
def unlocked_afterwards(lead):
    """A test that commits leaves the review unlocked, so the database can be flushed (the
    lock's triggers refuse deleting extraction data)."""
    yield
    from extraction.models import ExtractionLock

    for lock in ExtractionLock.objects.select_related("review"):
        locking.extraction_unlock(lead=lead, review=lock.review, reason="End of test")


@pytest.mark.django_db(transaction=True)
def test_runanalysis_waits_and_prints_the_metaanalyze_keys(unlocked_afterwards, locked):
    out = io.StringIO()
    # Real commits: Celery runs eagerly in tests, so the job runs when the command's
    # transaction commits, and --wait sees it finished.
    call_command(
        "runanalysis",
        str(locked.pk),
        "--outcome",
        "Tuberculosis",
        "--measure",
        "RR",
        "--method",
        "REML",
        "--subgroup",
        "allocation",
        "--bias",
        "--leave-one-out",
        "--wait",
        "--json",
        stdout=out,
    )
    results = json.loads(out.getvalue())
    run = AnalysisRun.objects.get()
    metaanalyze = io.StringIO()
    assert {"run", "snapshot", "snapshot_sha256", "engine_version"} <= set(results)
    assert results["run"] == run.pk
    assert results["snapshot_sha256"] == run.snapshot.sha256
    assert results["k"] == 13 and "egger_p" in results and "leave_one_out" in results
    assert results["subgroups"].keys() == {"random", "alternate", "systematic"}
    # Every key metaanalyze --format json prints for the same data is there too.
    from analysis.demo_bcg import BCG_CSV

    call_command(
        "metaanalyze",
        str(BCG_CSV),
        "--measure",
        "RR",
        "--subgroup",
        "allocation",
        "--bias",
        "--leave-one-out",
        "--format",
        "json",
        stdout=metaanalyze,
    )
    expected = json.loads(metaanalyze.getvalue())
    assert set(expected) <= set(results)
    assert results["estimate"] == pytest.approx(expected["estimate"], rel=1e-9)


def test_runanalysis_on_an_unlocked_review_exits_non_zero_and_queues_nothing(locked, lead):
    locking.extraction_unlock(lead=lead, review=locked, reason="Corrections")
    with pytest.raises(CommandError, match="not locked"):
        call_command(
            "runanalysis",
            str(locked.pk),
            "--outcome",
            "tuberculosis",
            "--measure",
            "RR",
            "--method",
            "REML",
            "--json",
            stdout=io.StringIO(),
        )
    assert not Job.objects.filter(kind="analysis").exists()
    # The plan made on the way is rolled back with the refused run.
    assert not AnalysisPlan.objects.exists()


def test_runanalysis_names_an_unknown_outcome(locked):
    with pytest.raises(CommandError, match=r"no outcome 'pain'.*tuberculosis"):
        call_command(
            "runanalysis",
            str(locked.pk),
            "--outcome",
            "pain",
            "--measure",
            "RR",
            stdout=io.StringIO(),
        )


def test_api_run_on_unlocked_data_answers_409(api_as, lead, plan):
    locking.extraction_unlock(lead=lead, review=plan.review, reason="Corrections")
    url = f"/api/v1/reviews/{plan.review_id}/analysis/runs/"
    response = api_as(lead).post(url, {"plan": plan.pk}, format="json")
    assert response.status_code == 409
    assert "not locked" in response.json()["detail"]
    assert not AnalysisRun.objects.exists()


def test_api_run_create_status_and_byte_identical_results(
    api_as, lead, plan, django_capture_on_commit_callbacks
):
    client = api_as(lead)
    base = f"/api/v1/reviews/{plan.review_id}/analysis/"
    bodies = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            created = client.post(base + "runs/", {"plan": plan.pk}, format="json")
        assert created.status_code == 202
        run_id = created.json()[0]["id"]
        state = client.get(f"{base}runs/{run_id}/").json()
        assert state["status"] == "succeeded" and state["progress"] == 100
        assert state["summary"].startswith("RR 0.49")
        bodies.append(client.get(f"{base}runs/{run_id}/results/").content)
    assert bodies[0] == bodies[1]


def test_api_plan_with_a_measure_that_does_not_fit_the_outcome_is_refused(api_as, lead, locked):
    url = f"/api/v1/reviews/{locked.pk}/analysis/plans/"
    response = api_as(lead).post(
        url,
        {"outcome": "tuberculosis", "timepoint": "end of follow-up", "measure": "SMD"},
        format="json",
    )
    assert response.status_code == 400
    assert "measure" in response.json()["errors"]
