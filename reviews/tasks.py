import os
import socket

from celery import shared_task

from reviews.services import job_run


@shared_task
def check_worker(job_id: int) -> None:
    """Prove that a worker picked the job from the broker and wrote to the database."""
    job_run(job_id, lambda job: {"hostname": socket.gethostname(), "pid": os.getpid()})
