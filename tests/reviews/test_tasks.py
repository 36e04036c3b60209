from reviews.models import Job
from reviews.services import job_run
from reviews.tasks import check_worker


def test_check_worker_claims_and_finishes(review):
    job = Job.objects.create(review=review, kind="worker_check")
    check_worker(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.started_at <= job.finished_at
    assert set(job.result) == {"hostname", "pid"}


def test_redelivered_task_does_nothing(review):
    job = Job.objects.create(review=review, kind="worker_check")
    check_worker(job.pk)
    job.refresh_from_db()
    finished = job.finished_at
    check_worker(job.pk)
    job.refresh_from_db()
    assert job.finished_at == finished


def test_failing_work_marks_job_failed_with_message(review):
    import pytest

    job = Job.objects.create(review=review, kind="worker_check")

    def explode(job):
        raise ValueError("record 37 (line 1204): no title")

    with pytest.raises(ValueError):
        job_run(job.pk, explode)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "record 37 (line 1204): no title"
