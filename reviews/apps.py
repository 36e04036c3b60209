from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from django.conf import settings

        from reviews import (
            receivers,  # noqa: F401  (connects the signal receivers)
            tasks,  # noqa: F401  (registers run_job, which reviews.jobs sends by name)
        )
        from reviews.deduplication import dedup_job
        from reviews.imports import import_job
        from reviews.jobs import JobKind, job_kind_register
        from reviews.services import worker_check

        job_kind_register(JobKind("worker_check", "Worker check", worker_check, time_limit=60))
        job_kind_register(
            JobKind("import", "Import", import_job, time_limit=settings.CELERY_TASK_TIME_LIMIT)
        )
        job_kind_register(
            JobKind(
                "dedup", "Finding duplicates", dedup_job, time_limit=settings.CELERY_TASK_TIME_LIMIT
            )
        )
