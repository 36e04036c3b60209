"""An analysis run whose worker is killed mid-run (SIGKILL to its process group) never stays
"running": when a worker starts again, the sweeper runs it again (the kind is repeatable) and
its results and plots are written once, equal to the engine's for the snapshot.

Real worker processes, the real broker and the test database (SQLite and the filesystem
broker on the embedded default; PostgreSQL and Redis in CI's second pass). Data: SYNTHETIC,
made here with a fixed seed (600 two-arm trials in the BCG demo's import format), so the
run lasts seconds and can be killed in the middle."""

import csv
import io
import random
import time

import pytest

from analysis import engine, selectors, services
from analysis.demo_bcg import FORM, HEADER, OUTCOME, TIMEPOINT
from analysis.models import AnalysisRun, RunPlot
from extraction import locking
from extraction import services as extraction_services
from extraction.importer import extraction_import
from reviews.models import Job
from tests.analysis.test_command_and_api import unlocked_afterwards  # noqa: F401 (fixture)
from tests.integration.test_dead_worker import FAST_SWEEP, wait_for

STUDIES = 600


def synthetic_trials(studies: int, seed: int = 14) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for s in range(studies):
        label = f"Synthetic trial {s + 1:03d} {1950 + s % 70}"
        fields = (rng.randint(10, 60), rng.choice(["random", "alternate"]), 1950 + s % 70)
        common = ("parallel", OUTCOME, "dichotomous", TIMEPOINT)
        for arm, role, risk in (("BCG", "intervention", 0.05), ("No vaccine", "control", 0.1)):
            n = rng.randint(50, 500)
            events = sum(rng.random() < risk for _ in range(n))
            writer.writerow((label, *common, arm, role, n, events, *fields))
    return out.getvalue().encode("utf-8")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlocked_afterwards")  # the lock refuses the flush after the test
def test_an_analysis_run_killed_mid_way_is_run_again_and_written_once(workers, review, lead):
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    extraction_import(
        lead=lead, review=review, file_name="trials.csv", content=synthetic_trials(STUDIES)
    )
    locking.extraction_lock(lead=lead, review=review)
    outcome = next(o for o in selectors.outcomes(review) if o.name == OUTCOME)
    plan = services.plan_create(
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
    first = workers.start(**FAST_SWEEP)
    run = services.run_enqueue(lead=lead, plan=plan)  # sent when it commits: at once here

    job = wait_for(run.job, Job.Status.RUNNING)
    time.sleep(0.3)  # into the engine or the plots of 600 rows
    workers.kill(first)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # what nobody would fix without the sweeper
    run.refresh_from_db()
    assert run.results == ""
    assert not RunPlot.objects.filter(run=run).exists()

    time.sleep(5)  # longer than JOB_DEAD_AFTER_SECONDS without a heartbeat
    workers.start(**FAST_SWEEP)  # sweeps when it starts: the run is queued again
    deadline = time.monotonic() + 300
    while job.status not in (Job.Status.SUCCEEDED, Job.Status.FAILED):
        assert time.monotonic() < deadline, f"job #{job.pk} is still {job.status}"
        time.sleep(0.1)
        job.refresh_from_db()
    run = AnalysisRun.objects.select_related("snapshot").get(pk=run.pk)
    if job.status == Job.Status.FAILED:  # the other allowed end: failed in words, nothing kept
        assert job.message
        assert run.results == "" and not run.plots.exists()
        return
    assert job.attempts == 2
    names = sorted(run.plots.values_list("name", flat=True))
    assert names == ["forest", "funnel", "leave_one_out", "subgroups"]  # once each
    expected, _ = engine.run_analysis(
        run.snapshot, run.plan_spec, selectors.rob_by_label(review, run.snapshot)
    )
    assert run.results.encode() == engine.results_json(expected).encode()
    assert expected["k"] == STUDIES
