"""The BCG demo's extraction and analysis: metafor's dat.bcg (analysis/demo/bcg.csv, with its
source in analysis/demo/SOURCES.md) as the consensus extraction of 13 studies, locked, with a
plan (RR, random effects, subgroups by allocation) run once in this process."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib.auth.models import User

from analysis import services
from analysis.models import AnalysisPlan, AnalysisRun
from extraction import locking, selectors
from extraction import services as services_extraction
from extraction.importer import extraction_import
from reviews.jobs import job_execute
from reviews.models import Review

BCG_CSV = Path(__file__).resolve().parent / "demo" / "bcg.csv"
OUTCOME = "Tuberculosis"
TIMEPOINT = "end of follow-up"
FORM = {
    "fields": [
        {"key": "latitude", "label": "Absolute latitude (degrees)", "type": "number"},
        {
            "key": "allocation",
            "label": "Allocation",
            "type": "choice",
            "choices": ["random", "alternate", "systematic"],
        },
        {"key": "year", "label": "Year", "type": "integer"},
    ],
    "outcomes": [
        {
            "key": "tuberculosis",
            "name": OUTCOME,
            "type": "dichotomous",
            "direction": "lower_better",
            "timepoints": [TIMEPOINT],
            "primary": True,
        }
    ],
}
HEADER = (
    "study",
    "design",
    "outcome",
    "outcome_type",
    "timepoint",
    "arm",
    "role",
    "n",
    "events",
    "field:latitude",
    "field:allocation",
    "field:year",
    "citation",
)
# dat.bcg names each trial by author and year only; the demo does not make up the rest of a
# reference, it points at the meta-analysis that compiled the trials.
CITATION = (
    "{study}: trial as compiled in Colditz GA, Brewer TF, Berkey CS, et al. Efficacy of BCG "
    "vaccine in the prevention of tuberculosis: meta-analysis of the published literature. "
    "JAMA 1994;271(9):698-702 (author and year as in metafor's dat.bcg)."
)


def bcg_extraction_csv() -> bytes:
    """dat.bcg in the long format of the extraction import: two arms per trial."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    with BCG_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year = row["study"].rsplit(" ", 1)[-1]
            common = ("parallel", OUTCOME, "dichotomous", TIMEPOINT)
            fields = (row["latitude"], row["allocation"], year, CITATION.format(study=row["study"]))
            writer.writerow(
                (row["study"], *common, "BCG", "intervention", row["n_t"], row["events_t"], *fields)
            )
            writer.writerow(
                (
                    row["study"],
                    *common,
                    "No vaccine",
                    "control",
                    row["n_c"],
                    row["events_c"],
                    *fields,
                )
            )
    return out.getvalue().encode("utf-8")


def bcg_extract_and_lock(*, lead: User, review: Review) -> None:
    """Import the 13 trials' data as consensus and lock (nothing happens once locked)."""
    if selectors.is_locked(review):
        return
    services_extraction.form_save(lead=lead, review=review, definition=FORM)
    extraction_import(
        lead=lead, review=review, file_name="bcg.csv", content=bcg_extraction_csv(), replace=True
    )
    locking.extraction_lock(lead=lead, review=review, reason="Demo: dat.bcg as extracted.")


def bcg_plan(*, lead: User, review: Review) -> AnalysisPlan:
    outcome = next(o for o in services.selectors.outcomes(review) if o.name == OUTCOME)
    found = AnalysisPlan.objects.filter(review=review, outcome=outcome.key).first()
    if found is not None:
        return found
    return services.plan_create(
        lead=lead,
        review=review,
        data={
            "outcome": outcome.key,
            "timepoint": TIMEPOINT,
            "measure": "RR",
            "method": "REML",
            "subgroup": "field:allocation",
        },
    )


def bcg_run_here(*, lead: User, plan: AnalysisPlan) -> AnalysisRun:
    """A run of the plan executed in this process (the same job row and claim as a worker's)."""
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    job_execute(run.job_id, reraise=True)
    run.refresh_from_db()
    return run


def bcg_demo(*, lead: User, review: Review) -> AnalysisRun | None:
    bcg_extract_and_lock(lead=lead, review=review)
    plan = bcg_plan(lead=lead, review=review)
    if plan.runs.exists():
        return None
    return bcg_run_here(lead=lead, plan=plan)
