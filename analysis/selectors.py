"""Reads for the analysis pages, the API and the command."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from analysis.models import AnalysisPlan, AnalysisRun, GradeAssessment
from extraction import selectors as extraction_selectors
from extraction.models import Snapshot
from reviews.models import Job, Review
from rob.selectors import study_judgements


def rob_judgements(review: Review) -> dict[int, str]:
    """Overall consensus risk-of-bias judgement per study (Study.pk -> "low", "some_concerns",
    "high", or the tool's own words: "serious", "unclear", "poor" …), from the rob app; studies
    without a finished consensus have none."""
    return {pk: judged["overall"] for pk, judged in study_judgements(review).items()}


def rob_by_label(review: Review, snapshot: Snapshot) -> dict[str, str]:
    """The judgements keyed by the snapshot's study labels (its index maps them to ids)."""
    by_pk = rob_judgements(review)
    out = {}
    for label, entry in (snapshot.index or {}).items():
        judgement = by_pk.get(entry.get("study"))
        if judgement:
            out[label] = judgement
    return out


@dataclass(frozen=True)
class Outcome:
    key: str
    name: str
    type: str
    timepoints: tuple[str, ...]
    unit: str = ""


def outcomes(review: Review) -> list[Outcome]:
    """The outcomes of the review's extraction form, in its order."""
    definition = extraction_selectors.form_definition(review)
    return [
        Outcome(
            o["key"],
            o.get("name") or o["key"],
            o["type"],
            tuple(o.get("timepoints") or ("",)),
            o.get("unit") or "",
        )
        for o in definition.get("outcomes", [])
    ]


def plans(review: Review) -> QuerySet[AnalysisPlan]:
    return AnalysisPlan.objects.filter(review=review)


def runs(review: Review) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.filter(review=review).select_related(
        "plan", "job", "snapshot", "started_by"
    )


def latest_runs(review: Review) -> dict[int, AnalysisRun]:
    """The latest run of each plan."""
    latest: dict[int, AnalysisRun] = {}
    for run in runs(review).order_by("plan_id", "-created_at", "-pk"):
        latest.setdefault(run.plan_id, run)
    return latest


def latest_finished_run(plan: AnalysisPlan) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(plan=plan, job__status=Job.Status.SUCCEEDED)
        .select_related("job", "snapshot")
        .order_by("-created_at", "-pk")
        .first()
    )


def results(run: AnalysisRun) -> dict[str, Any] | None:
    return json.loads(run.results) if run.results else None


def grade_of(plan: AnalysisPlan) -> GradeAssessment:
    found = GradeAssessment.objects.filter(plan=plan).first()
    return found or GradeAssessment(plan=plan)


def analysis_card_counts(review: Review) -> dict[str, int]:
    all_runs = AnalysisRun.objects.filter(review=review)
    return {
        "plans": AnalysisPlan.objects.filter(review=review).count(),
        "runs": all_runs.count(),
        "finished": all_runs.filter(job__status=Job.Status.SUCCEEDED).count(),
    }


def study_designs(run: AnalysisRun) -> dict[str, str]:
    """The design of each study the run pooled, from its snapshot (for where GRADE starts)."""
    pooled = {row["study"] for row in (results(run) or {}).get("studies", [])}
    return {
        s["label"]: s.get("design") or ""
        for s in run.snapshot.data["studies"]
        if s["label"] in pooled
    }
