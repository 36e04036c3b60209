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


def test_bad_input_marks_job_failed_with_its_message(review):
    from django.core.exceptions import ValidationError

    job = Job.objects.create(review=review, kind="worker_check")

    def refuse(job):
        raise ValidationError("x.ris: record 37 (line 1204): no title")

    job_run(job.pk, refuse)  # handled: the job failed, the worker did not
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "x.ris: record 37 (line 1204): no title"


def test_a_bug_marks_job_failed_without_showing_its_details(review):
    import pytest

    job = Job.objects.create(review=review, kind="worker_check")

    def explode(job):
        raise KeyError("reviews_record.secret_column")

    with pytest.raises(KeyError):
        job_run(job.pk, explode)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "secret_column" not in job.message
    assert job.message.startswith("An internal error stopped this job")
