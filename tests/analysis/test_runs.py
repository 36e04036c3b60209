"""Runs on the locked snapshot: refused on unlocked data, the engine's numbers, byte-identical
results, one execution per job however often its message is delivered."""

import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from analysis import engine, services
from analysis.demo_bcg import BCG_CSV, bcg_run_here
from analysis.jobs import plot_png
from analysis.models import AnalysisRun, RunPlot
from analysis.stats.summary import analyse, to_dict
from analysis.stats.tabular import read_table, validate
from extraction import locking
from extraction.snapshots import snapshot_latest
from reviews.jobs import job_execute
from reviews.models import Job


def test_run_is_refused_while_extraction_is_unlocked(plan, lead):
    locking.extraction_unlock(lead=lead, review=plan.review, reason="Corrections")
    with pytest.raises(ValidationError, match="not locked"):
        services.run_enqueue(lead=lead, plan=plan)
    assert AnalysisRun.objects.count() == 0
    assert not Job.objects.filter(kind="analysis").exists()


def test_results_equal_the_engine_on_the_same_data(plan, lead):
    run = bcg_run_here(lead=lead, plan=plan)
    results = json.loads(run.results)
    # The engine directly on the published table (analysis/demo/bcg.csv), as metaanalyze does.
    table = validate(read_table(BCG_CSV), "RR", subgroup="allocation")
    expected = to_dict(analyse(table, measure="RR", method="REML", bias=True, loo=True))
    for key in (
        "k",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "tau2",
        "i2",
        "q",
        "pi_low",
        "pi_high",
        "egger_p",
        "begg_p",
        "trimfill_k0",
        "q_between",
        "q_between_p",
    ):
        assert results[key] == pytest.approx(expected[key], rel=1e-9), key
    by_study = {s["study"]: s for s in expected["studies"]}
    for row in results["studies"]:
        assert row["yi"] == pytest.approx(by_study[row["study"]]["yi"], rel=1e-9)
        assert row["weight"] == pytest.approx(by_study[row["study"]]["weight"], rel=1e-9)
    assert set(results["subgroups"]) == {"random", "alternate", "systematic"}
    # Published for dat.bcg (metafor, REML): RR 0.49 [0.34, 0.70].
    assert np.exp(results["estimate"]) == pytest.approx(0.4894, abs=5e-4)
    assert results["plain_language"].startswith("RR 0.49, 95% CI 0.34 to 0.70; 13 studies")


def test_same_plan_on_the_same_snapshot_gives_byte_identical_results(plan, lead):
    first = bcg_run_here(lead=lead, plan=plan)
    second = bcg_run_here(lead=lead, plan=plan)
    assert first.pk != second.pk
    assert first.results.encode() == second.results.encode()
    assert first.snapshot_sha256 == second.snapshot_sha256 == first.snapshot.sha256
    assert json.loads(first.results)["snapshot_sha256"] == first.snapshot.sha256


def test_a_redelivered_message_does_not_run_the_plan_twice(plan, lead):
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    assert job_execute(run.job_id) is not None
    run.refresh_from_db()
    results, plots = run.results, list(RunPlot.objects.filter(run=run).values_list("pk", flat=True))
    # The same message delivered again: the job is no longer queued, so nothing runs.
    assert job_execute(run.job_id) is None
    run.refresh_from_db()
    run.job.refresh_from_db()
    assert run.job.attempts == 1
    assert run.job.status == Job.Status.SUCCEEDED
    assert run.results == results
    assert list(RunPlot.objects.filter(run=run).values_list("pk", flat=True)) == plots


def test_the_run_draws_every_plot_as_svg_and_png(plan, lead):
    run = bcg_run_here(lead=lead, plan=plan)
    plots = {p.name: p for p in run.plots.all()}
    assert set(plots) == {"forest", "subgroups", "funnel", "leave_one_out"}
    for plot in plots.values():
        assert plot.svg.lstrip().startswith("<?xml")
        # PNGs are drawn on first request, from the run's own snapshot and plan, then kept.
        assert plot.png is None
        assert plot_png(plot).startswith(b"\x89PNG")
        plot.refresh_from_db()
        assert bytes(plot.png).startswith(b"\x89PNG")
    assert "Aronson 1948" in plots["forest"].svg


def test_a_run_on_a_tampered_snapshot_fails_in_plain_words(plan, lead):
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    # The run names another hash than the snapshot's (the snapshot itself cannot change: a
    # database trigger refuses it).
    AnalysisRun.objects.filter(pk=run.pk).update(snapshot_sha256="0" * 64)
    job = job_execute(run.job_id)
    assert job.status == Job.Status.FAILED
    assert "no longer matches its SHA-256" in job.message


def test_judgements_reach_the_results_and_the_high_risk_sensitivity(plan, lead, locked):
    snap = snapshot_latest(locked)
    spec = {**plan.spec(), "exclude_high_rob": True}
    judgements = {
        "Aronson 1948": "high",
        "TPT Madras 1980": "high",
        "Hart & Sutherland 1977": "low",
    }
    results, _ = engine.run_analysis(snap, spec, judgements)
    assert results["rob"]["Aronson 1948"] == "high"
    assert results["rob"]["Comstock et al 1974"] is None
    excluded = results["sensitivity"]["excluding_high_rob"]
    assert excluded["excluded"] == ["Aronson 1948", "TPT Madras 1980"]
    assert excluded["k"] == 11


def test_a_run_whose_worker_died_is_run_again_never_left_running(plan, lead):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.jobs import jobs_sweep

    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    # As a worker leaves it when killed mid-run: claimed, no heartbeat for an hour.
    Job.objects.filter(pk=run.job_id).update(
        status=Job.Status.RUNNING, attempts=1, started_at=timezone.now() - timedelta(hours=1)
    )
    counts = jobs_sweep()
    assert counts["requeued"] == 1
    job = Job.objects.get(pk=run.job_id)
    # Celery runs eagerly in tests: the re-sent job ran at once, as a second attempt.
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    run.refresh_from_db()
    assert json.loads(run.results)["k"] == 13
    assert run.plots.count() == 4


def test_the_forest_plot_marks_each_studys_risk_of_bias_when_judged(plan, locked):
    from analysis import figures

    snap = snapshot_latest(locked)
    judged = {"Aronson 1948": "high", "TPT Madras 1980": "low"}
    results, analysis = engine.run_analysis(snap, plan.spec(), judged)
    with_rob = figures.draw_all(analysis, results)["forest"]
    results, analysis = engine.run_analysis(snap, plan.spec(), {})
    without = figures.draw_all(analysis, results)["forest"]
    assert "Overall" in with_rob and "Overall" not in without


def test_consensus_judgements_of_the_rob_app_reach_a_run(plan, lead, reviewer):
    """A finished RoB 1 consensus judging Aronson 1948 at high risk shows in the run's results,
    and the high-risk sensitivity analysis leaves that trial out."""
    from extraction.models import Study
    from rob import services as rob_services

    plan.exclude_high_rob = True
    plan.save(update_fields=["exclude_high_rob"])
    study = Study.objects.get(review=plan.review, label="Aronson 1948")
    assignment = rob_services.assignment_create(lead=lead, study=study, tool="rob1")
    judged = {f"D{i}": "low" for i in range(1, 8)} | {"D1": "high"}
    for user in (lead, reviewer):
        mine = rob_services.assessment_start(assessor=user, assignment=assignment)
        for domain, judgement in judged.items():
            rob_services.domain_save(
                user=user, assessment=mine, domain_id=domain, answers={}, judgement=judgement
            )
        rob_services.assessment_done(user=user, assessment=mine)
    before_consensus = json.loads(bcg_run_here(lead=lead, plan=plan).results)
    assert before_consensus["rob"]["Aronson 1948"] is None
    consensus = rob_services.consensus_start(user=lead, assignment=assignment)
    rob_services.assessment_done(user=lead, assessment=consensus)

    results = json.loads(bcg_run_here(lead=lead, plan=plan).results)
    assert results["rob"]["Aronson 1948"] == "high"
    assert results["rob"]["Hart & Sutherland 1977"] is None
    assert results["sensitivity"]["excluding_high_rob"]["excluded"] == ["Aronson 1948"]


def _keys_reversed(value):
    """The same JSON with every object's keys in reverse order (PostgreSQL's jsonb gives keys
    back in its own order, SQLite in the order written)."""
    if isinstance(value, dict):
        return {k: _keys_reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_keys_reversed(v) for v in value]
    return value


def test_results_bytes_are_the_engines_on_the_snapshot_as_stored_whatever_its_key_order(plan, lead):
    from analysis import selectors
    from extraction.models import Snapshot
    from extraction.snapshots import sha256_of

    run = bcg_run_here(lead=lead, plan=plan)
    stored = Snapshot.objects.get(pk=run.snapshot_id)  # as this database gives it back
    spec = AnalysisRun.objects.get(pk=run.pk).plan_spec
    judgements = selectors.rob_by_label(plan.review, stored)
    expected, _ = engine.run_analysis(stored, spec, judgements)
    assert run.results.encode() == engine.results_json(expected).encode()

    reordered = Snapshot(
        pk=stored.pk, data=_keys_reversed(stored.data), index={}, sha256=stored.sha256, version=1
    )
    assert list(reordered.data) != list(stored.data)
    assert sha256_of(reordered.data) == stored.sha256 == run.snapshot_sha256
    again, _ = engine.run_analysis(reordered, _keys_reversed(spec), judgements)
    assert engine.results_json(again).encode() == run.results.encode()
