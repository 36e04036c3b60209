"""Analysis pages: defaults from the outcome types, a queued run's page following progress
with htmx, a failed run's message, downloads and two runs side by side."""

import csv
import json

from analysis import services
from analysis.demo_bcg import BCG_CSV, bcg_run_here
from analysis.models import AnalysisPlan
from reviews.jobs import job_execute
from reviews.models import Job


def test_set_up_defaults_makes_one_plan_per_outcome_from_its_type(web_as, lead, locked):
    response = web_as(lead).post(f"/reviews/{locked.pk}/analysis/defaults/")
    assert response.status_code == 302
    plan = AnalysisPlan.objects.get(review=locked)
    assert (plan.outcome, plan.measure, plan.method) == ("tuberculosis", "RR", "REML")
    # Again: nothing new.
    web_as(lead).post(f"/reviews/{locked.pk}/analysis/defaults/")
    assert AnalysisPlan.objects.filter(review=locked).count() == 1


def test_a_queued_run_page_polls_its_progress_and_then_shows_the_results(web_as, lead, plan):
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    client = web_as(lead)
    url = f"/reviews/{plan.review_id}/analysis/runs/{run.pk}/"
    page = client.get(url).content.decode()
    assert 'hx-trigger="load delay:1s"' in page and "Queued" in page
    job_execute(run.job_id)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="run-body"')
    assert "hx-trigger" not in partial
    assert "RR 0.49, 95% CI 0.34 to 0.70" in partial
    assert "<html" not in partial


def test_a_failed_run_shows_why_in_plain_words(web_as, lead, plan):
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    plan.review.analysis_runs.filter(pk=run.pk).update(snapshot_sha256="f" * 64)
    job_execute(run.job_id)
    assert Job.objects.get(pk=run.job_id).status == Job.Status.FAILED
    page = web_as(lead).get(f"/reviews/{plan.review_id}/analysis/runs/{run.pk}/").content.decode()
    assert "The run failed" in page and "no longer matches its SHA-256" in page


def test_downloads_and_compare(web_as, viewer, lead, plan):
    first = bcg_run_here(lead=lead, plan=plan)
    services.plan_update(lead=lead, plan=plan, data={"method": "DL"})
    second = bcg_run_here(lead=lead, plan=plan)
    client = web_as(viewer)
    base = f"/reviews/{plan.review_id}/analysis/"
    body = client.get(f"{base}runs/{first.pk}/results.json").content
    assert body == first.results.encode()
    csv_text = client.get(f"{base}runs/{first.pk}/results.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("study,events_t,n_t,events_c,n_c,effect")
    assert "Pooled" in csv_text
    page = client.get(f"{base}compare/?a={first.pk}&b={second.pk}").content.decode()
    assert "REML" in page and "DL" in page and 'class="differs"' in page
    assert json.loads(second.results)["method"] == "DL"


def test_the_summary_of_findings_counts_participants_as_grade_tables_write_them(
    web_as, viewer, lead, plan
):
    bcg_run_here(lead=lead, plan=plan)
    with open(BCG_CSV, newline="") as handle:
        trials = list(csv.DictReader(handle))
    participants = sum(int(t["n_t"]) + int(t["n_c"]) for t in trials)
    page = web_as(viewer).get(f"/reviews/{plan.review_id}/analysis/summary-of-findings/")
    assert f"{participants:,} ({len(trials)} studies)" in page.content.decode()


def test_the_plan_form_sets_the_study_filter_and_the_run_keeps_only_those_studies(
    web_as, lead, locked
):
    from analysis.demo_bcg import TIMEPOINT

    with BCG_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = {r["study"] for r in rows if r["allocation"] in ("random", "systematic")}
    client = web_as(lead)
    url = f"/reviews/{locked.pk}/analysis/plans/new/"
    form = {
        "outcome_timepoint": f"tuberculosis|{TIMEPOINT}",
        "name": "Random or systematic only",
        "measure": "RR",
        "method": "REML",
        "test": "z",
        "filter_field": "allocation",
        "filter_values": "random, systematic",
    }
    refused = client.post(url, {**form, "filter_values": " "})
    assert refused.status_code == 200
    assert "Give the values of the studies to keep." in refused.content.decode()
    assert not AnalysisPlan.objects.filter(review=locked).exists()

    assert client.post(url, form).status_code == 302
    plan = AnalysisPlan.objects.get(review=locked)
    assert plan.study_filter == {"allocation": ["random", "systematic"]}
    edit = client.get(f"/reviews/{locked.pk}/analysis/plans/{plan.pk}/").content.decode()
    assert 'value="random, systematic"' in edit
    results = json.loads(bcg_run_here(lead=lead, plan=plan).results)
    assert {s["study"] for s in results["studies"]} == kept
    assert results["outcome"] == "tuberculosis"


def test_seed_style_plans_follow_each_outcomes_type_and_unit(web_as, lead, review):
    from extraction import services as extraction_services
    from tests.extraction.conftest import FORM

    form = {**FORM, "outcomes": [*FORM["outcomes"]]}
    form["outcomes"].append(
        {
            "key": "scar_depth",
            "name": "Scar depth",
            "type": "continuous",
            "unit": "mm",
            "direction": "lower_better",
            "timepoints": ["6 months"],
        }
    )
    extraction_services.form_save(lead=lead, review=review, definition=form)
    url = f"/reviews/{review.pk}/analysis/seed-style/"
    assert web_as(lead).post(url).status_code == 302
    plans = {
        (p.outcome, p.timepoint): (p.name, p.measure, p.method, p.subgroup)
        for p in AnalysisPlan.objects.filter(review=review)
    }
    smd = ("Seed style: SMD by intervention type", "SMD", "REML", "field:intervention_type")
    assert plans == {
        ("scar_score", "3 months"): smd,
        ("scar_score", "6 months"): smd,
        ("response", "6 months"): ("Seed style: RR", "RR", "REML", ""),
        ("scar_depth", "6 months"): ("Seed style: MD in mm", "MD", "REML", ""),
    }
    web_as(lead).post(url)  # again: nothing new
    assert AnalysisPlan.objects.filter(review=review).count() == 4
    page = web_as(lead).get(f"/reviews/{review.pk}/analysis/").content.decode()
    assert "Set up seed-style plans" in page
