from dataclasses import replace

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from django.conf import settings

        from reviews import (
            receivers,  # noqa: F401  (connects the signal receivers)
            tasks,  # noqa: F401  (registers run_job, which reviews.jobs sends by name)
            tokens,  # noqa: F401  (ends API tokens when a password changes)
        )
        from reviews.jobs import JobKind, job_kind_register
        from reviews.services import worker_check

        _register_dashboard_and_tabs()

        job_kind_register(JobKind("worker_check", _("Worker check"), worker_check, time_limit=60))
        job_kind_register(
            JobKind("import", _("Import"), _import_job, time_limit=settings.CELERY_TASK_TIME_LIMIT)
        )
        job_kind_register(
            JobKind(
                "dedup",
                _("Finding duplicates"),
                _dedup_job,
                time_limit=settings.CELERY_TASK_TIME_LIMIT,
            )
        )


# The readers (lxml, charset detection) and the dedup engine are imported when a job runs,
# not while every command and process starts.
def _import_job(job):
    from reviews.imports import import_job

    return import_job(job)


def _dedup_job(job):
    from reviews.deduplication import dedup_job

    return dedup_job(job)


def _register_dashboard_and_tabs() -> None:
    from django.urls import reverse

    from reviews import hooks, selectors

    hooks.stage_register("import", order=10, card=selectors.import_card)
    hooks.stage_register("dedup", order=20, card=selectors.dedup_card)

    def page(name: str):
        return lambda review: reverse(f"reviews:{name}", args=[review.pk])

    def leads(membership) -> bool:
        return membership.is_lead

    for key, label, order, shown_to in (
        ("imports", _("Import"), 10, None),
        ("dedup", _("Duplicates"), 20, None),
        ("records", _("Records"), 60, None),
        ("members", _("Members"), 80, None),
        ("audit", _("Audit log"), 90, leads),
        ("edit", _("Settings"), 100, leads),
    ):
        tab = hooks.NavTab(label, order, page(key))
        hooks.tab_register(key, tab if shown_to is None else replace(tab, shown_to=shown_to))
