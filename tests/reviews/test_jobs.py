"""One job model for every background task (reviews/jobs.py): claimed once, outcome in plain
words, and recovered by the sweeper when its worker dies. Handlers run in-process here
(Celery eager); tests/integration kills a real worker."""

import time
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from reviews import jobs
from reviews.jobs import JobKind, job_create, job_execute, job_start, jobs_sweep
from reviews.models import Job


@pytest.fixture
def kind(monkeypatch):
    """Register a job kind whose handler the test chooses."""

    def register(handler, *, name="test_kind", repeatable=True, time_limit=60):
        monkeypatch.setitem(
            jobs._KINDS, name, JobKind(name, "Test work", handler, time_limit, repeatable)
        )
        return name

    return register


def test_worker_check_claims_and_finishes(review, lead):
    job = job_create(kind="worker_check", review=review, user=lead)
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.started_at <= job.finished_at
    assert set(job.result) == {"hostname", "pid"}
    assert job.attempts == 1 and job.worker


def test_a_redelivered_message_does_nothing(review, kind):
    calls = []
    name = kind(lambda job: calls.append(job.pk) or {})
    job = job_create(kind=name, review=review, user=None)
    job_execute(job.pk)
    job.refresh_from_db()
    finished = job.finished_at

    assert job_execute(job.pk) is None
    job.refresh_from_db()
    assert job.finished_at == finished and calls == [job.pk] and job.attempts == 1


def test_job_start_sends_the_job_when_the_transaction_commits(
    review, kind, django_capture_on_commit_callbacks
):
    name = kind(lambda job: {"seen": job.params["x"]})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start(kind=name, review=review, user=None, params={"x": 7})
    assert job.status == Job.Status.QUEUED and len(callbacks) == 1
    callbacks[0]()  # Celery runs eagerly in unit tests
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"seen": 7}


def test_an_unknown_kind_is_refused_before_anything_is_queued(review):
    with pytest.raises(LookupError, match="No job kind “nonsense”"):
        job_create(kind="nonsense", review=review, user=None)
    assert not Job.objects.exists()


def test_bad_input_fails_the_job_with_its_message(review, kind):
    def refuse(job):
        raise ValidationError("x.ris: record 37 (line 1204): no title")

    job = job_create(kind=kind(refuse), review=review, user=None)
    job_execute(job.pk)  # handled: the job failed, the worker did not
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "x.ris: record 37 (line 1204): no title"


def test_bad_input_is_raised_to_a_caller_running_the_job_itself(review, kind):
    def refuse(job):
        raise ValidationError("no records were found")

    with pytest.raises(ValidationError, match="no records were found"):
        jobs.job_run_here(kind=kind(refuse), review=review, user=None)
    assert Job.objects.get().status == Job.Status.FAILED


def test_a_bug_fails_the_job_without_showing_its_details(review, kind):
    def explode(job):
        raise KeyError("reviews_record.secret_column")

    job = job_create(kind=kind(explode), review=review, user=None)
    with pytest.raises(KeyError):
        job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "secret_column" not in job.message
    assert job.message.startswith("An internal error stopped this job")


def test_a_job_over_its_time_limit_says_so(review, kind):
    def slow(job):
        raise SoftTimeLimitExceeded()

    job = job_create(kind=kind(slow, time_limit=600), review=review, user=None)
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("This job was stopped after its time limit of 10 minutes")


def test_a_running_job_beats_and_stops_beating_when_done(review, kind):
    beats = []

    def work(job):
        beats.append(cache.get(jobs._heartbeat_key(job.pk)))
        return {}

    job = job_create(kind=kind(work), review=review, user=None)
    job_execute(job.pk)
    assert beats[0] is not None and beats[0] <= time.time()
    assert cache.get(jobs._heartbeat_key(job.pk)) is None


def _running(job: Job, *, seconds_ago: float, beat: bool) -> Job:
    """A job claimed `seconds_ago` by a worker that has (beat) or has not beaten since."""
    started = timezone.now() - timedelta(seconds=seconds_ago)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=started, attempts=1)
    if beat:
        cache.set(jobs._heartbeat_key(job.pk), time.time())
    else:
        cache.delete(jobs._heartbeat_key(job.pk))
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_run_again_if_repeatable(review, kind, settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    name = kind(lambda job: {"ran": True})
    job = _running(job_create(kind=name, review=review, user=None), seconds_ago=120, beat=False)

    assert jobs_sweep()["requeued"] == 1  # sent again; Celery eager runs it at once
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"ran": True}
    assert job.attempts == 2


def test_a_job_whose_worker_died_fails_when_not_repeatable(review, kind):
    job = job_create(kind=kind(lambda job: {}, repeatable=False), review=review, user=None)
    job = _running(job, seconds_ago=120, beat=False)

    assert jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.message.startswith("The worker running this job stopped before it finished")


def test_a_job_is_not_run_again_forever(review, kind, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = _running(
        job_create(kind=kind(lambda job: {}), review=review, user=None), seconds_ago=120, beat=False
    )
    Job.objects.filter(pk=job.pk).update(attempts=2)

    assert jobs_sweep() == {"requeued": 0, "failed": 1, "resent": 0}
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


def test_a_job_with_a_live_worker_is_left_alone(review, kind):
    job = _running(
        job_create(kind=kind(lambda job: {}), review=review, user=None), seconds_ago=600, beat=True
    )
    assert jobs_sweep() == {"requeued": 0, "failed": 0, "resent": 0}
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_a_just_claimed_job_is_not_taken_for_dead_before_its_first_beat(review, kind):
    job = _running(
        job_create(kind=kind(lambda job: {}), review=review, user=None), seconds_ago=1, beat=False
    )
    assert jobs_sweep()["failed"] == 0
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_a_late_finish_of_a_swept_attempt_does_not_overwrite_the_new_one(review, kind):
    job = _running(
        job_create(kind=kind(lambda job: {}), review=review, user=None), seconds_ago=120, beat=False
    )
    # The sweeper re-queued it and a second worker claimed it (attempt 2) …
    Job.objects.filter(pk=job.pk).update(attempts=2)
    # … when the first worker, thought dead, finishes after all.
    jobs._finish(job.pk, 1, status=Job.Status.FAILED, message="from attempt 1")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.message == ""


def test_a_long_queued_job_is_sent_again_once_per_interval(review, kind, settings):
    settings.JOB_QUEUED_RESEND_SECONDS = 600
    name = kind(lambda job: {"ran": True})
    with_a_lost_message = job_create(kind=name, review=review, user=None)
    Job.objects.filter(pk=with_a_lost_message.pk).update(
        created_at=timezone.now() - timedelta(seconds=900)
    )
    cache.delete(f"job-resent-{with_a_lost_message.pk}")

    assert jobs_sweep()["resent"] == 1
    assert Job.objects.get(pk=with_a_lost_message.pk).status == Job.Status.SUCCEEDED


def test_a_queued_job_is_not_resent_twice_in_one_interval(review, kind, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "job_send", sent.append)
    job = job_create(kind=kind(lambda job: {}), review=review, user=None)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=1))
    cache.delete(f"job-resent-{job.pk}")
    jobs_sweep()
    jobs_sweep()
    assert [j.pk for j in sent] == [job.pk]
