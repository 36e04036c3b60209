"""The "analysis" job kind: one run of one plan on its snapshot (registered in
`AnalysisConfig.ready`). `reviews.jobs` claims the job once (a redelivered message finds it
no longer queued and does nothing) and records its status, progress and timings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from analysis import engine, figures, selectors
from analysis.models import AnalysisRun, RunPlot
from analysis.stats.errors import StatsError
from extraction.snapshots import snapshot_verify
from reviews.jobs import job_progress
from reviews.models import Job


def analysis_job(job: Job) -> dict[str, Any]:
    run = AnalysisRun.objects.select_related("snapshot", "plan", "review").get(job=job)
    # The plots' labels are drawn in the language of the person who started the run (the
    # likeliest reader); `plot_for` draws them in another language when one is asked for.
    language = job.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _analysis_job(job, run, language)


def _analysis_job(job: Job, run: AnalysisRun, language: str) -> dict[str, Any]:
    if not snapshot_verify(run.snapshot) or run.snapshot.sha256 != run.snapshot_sha256:
        raise ValidationError(
            _("Snapshot v%(version)s no longer matches its SHA-256; nothing was run.")
            % {"version": run.snapshot.version}
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
        raise ValidationError(
            _("The analysis could not be run: %(error)s.") % {"error": exc}
        ) from None
    job_progress(job.pk, 95)
    # All or nothing, and a second attempt after a dead worker replaces what a first one
    # might have left: the kind is repeatable.
    with transaction.atomic():
        run.results = engine.results_json(results)
        run.save(update_fields=["results"])
        RunPlot.objects.filter(run=run).delete()
        RunPlot.objects.bulk_create(
            RunPlot(run=run, name=name, svg=svg, language=language) for name, svg in plots.items()
        )
    summary = engine.plain_language(results, results["participants"])
    return {"run": run.pk, "k": results["k"], "summary": summary}


def _rerun(run: AnalysisRun):
    """The run's results and analysis again, from its own snapshot, plan and the
    risk-of-bias judgements it used (kept in its results), so a plot drawn now shows what
    the job's plots show."""
    used = selectors.results(run) or {}
    judgements = {s: j for s, j in used.get("rob", {}).items() if j}
    return engine.run_analysis(run.snapshot, run.plan_spec, judgements)


def plot_for(run: AnalysisRun, name: str, language: str) -> RunPlot | None:
    """The run's plot ``name`` with its labels in ``language``; None if the run has no such
    plot. The job drew each plot in one language; another is drawn on first request and
    kept (as PNGs are), so a reader sees the plots in the language they read the page in."""
    language = language or settings.LANGUAGE_CODE  # None where translation is deactivated
    drawn = {p.language: p for p in RunPlot.objects.filter(run=run, name=name)}
    if not drawn:
        return None
    if language in drawn:
        return drawn[language]
    results, analysis = _rerun(run)
    with translation.override(language):
        svg = figures.draw_svg(analysis, results, name)
    try:
        with transaction.atomic():
            return RunPlot.objects.create(run=run, name=name, language=language, svg=svg)
    except IntegrityError:  # drawn meanwhile by another request
        return RunPlot.objects.get(run=run, name=name, language=language)


def plot_png(plot: RunPlot) -> bytes:
    """The plot as PNG, in the language of its SVG, drawn on first request (see `_rerun`)."""
    if plot.png is not None:
        return bytes(plot.png)
    results, analysis = _rerun(plot.run)
    with translation.override(plot.language):
        png = figures.draw_png(analysis, results, plot.name)
    RunPlot.objects.filter(pk=plot.pk, png__isnull=True).update(png=png)
    return png
