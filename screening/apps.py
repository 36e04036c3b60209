from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from reviews.jobs import JobKind, job_kind_register
        from screening import receivers  # noqa: F401  (connects the signal receivers)
        from screening.prioritisation import ranking_job

        job_kind_register(JobKind("ranking", "Relevance model", ranking_job, time_limit=600))
