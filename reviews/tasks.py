import os
import socket

from celery import shared_task

from reviews.deduplication import dedup_run
from reviews.imports import import_run
from reviews.services import job_progress, job_run


@shared_task
def check_worker(job_id: int) -> None:
    """Prove that a worker picked the job from the broker and wrote to the database."""
    job_run(job_id, lambda job: {"hostname": socket.gethostname(), "pid": os.getpid()})


@shared_task
def run_import(job_id: int, search_import_id: int) -> None:
    def work(job):
        search_import = import_run(
            search_import_id, on_progress=lambda percent: job_progress(job.pk, percent)
        )
        return {"import": search_import.pk, "records": search_import.record_count}

    job_run(job_id, work)


@shared_task
def run_dedup(job_id: int, run_id: int) -> None:
    job_run(job_id, lambda job: dedup_run(run_id).counts)
