import time

from django.core.management.base import BaseCommand, CommandError

from reviews.jobs import job_create, job_send
from reviews.models import Job


class Command(BaseCommand):
    help = "Send a job through the Celery broker and wait until a worker has run it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait.")

    def handle(self, *args, timeout: float, **options):
        job = job_create(kind="worker_check", review=None, user=None)
        job_send(job)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(
                f"No worker ran job #{job.pk} within {timeout:g} s (status: {job.status}). "
                "Is `celery -A config worker` running against the same broker and database?"
            )
        self.stdout.write(
            f"Worker {job.result['hostname']} (pid {job.result['pid']}) ran job #{job.pk}."
        )
