"""The "analysis" job kind: one run of one plan on its snapshot (registered in
`AnalysisConfig.ready`). `reviews.jobs` claims the job once (a redelivered message finds it
no longer queued and does nothing) and records its status, progress and timings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from analysis import engine, figures, selectors
from analysis.models import AnalysisRun, RunPlot
from analysis.stats.errors import StatsError
from extraction.snapshots import snapshot_verify
from reviews.jobs import job_progress
from reviews.models import Job


def analysis_job(job: Job) -> dict[str, Any]:
    run = AnalysisRun.objects.select_related("snapshot", "plan", "review").get(job=job)
    if not snapshot_verify(run.snapshot) or run.snapshot.sha256 != run.snapshot_sha256:
        raise ValidationError(
            f"Snapshot v{run.snapshot.version} no longer matches its SHA-256; nothing was run."
        )
    judgements = selectors.rob_by_label(run.review, run.snapshot)
    try:
        results, analysis = engine.run_analysis(
            run.snapshot,
            run.plan_spec,
            judgements,
            progress=lambda percent: job_progress(job.pk, percent),
        )
        plots = figures.draw_all(analysis, results)
    except (StatsError, ValueError, ArithmeticError) as exc:
        raise ValidationError(f"The analysis could not be run: {exc}.") from None
    job_progress(job.pk, 95)
    # All or nothing, and a second attempt after a dead worker replaces what a first one
    # might have left: the kind is repeatable.
    with transaction.atomic():
        run.results = engine.results_json(results)
        run.save(update_fields=["results"])
        RunPlot.objects.filter(run=run).delete()
        RunPlot.objects.bulk_create(
            RunPlot(run=run, name=name, svg=svg) for name, svg in plots.items()
        )
    return {"run": run.pk, "k": results["k"], "summary": results["plain_language"]}


def plot_png(plot: RunPlot) -> bytes:
    """The plot as PNG, drawn on first request from the run's own snapshot, plan and the
    risk-of-bias judgements it used (kept in its results), so it shows what the SVG shows."""
    if plot.png is not None:
        return bytes(plot.png)
    run = plot.run
    used = selectors.results(run) or {}
    judgements = {s: j for s, j in used.get("rob", {}).items() if j}
    results, analysis = engine.run_analysis(run.snapshot, run.plan_spec, judgements)
    png = figures.draw_png(analysis, results, plot.name)
    RunPlot.objects.filter(pk=plot.pk, png__isnull=True).update(png=png)
    return png
