from functools import partial

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from reviews import hooks
        from reviews.jobs import JobKind, job_kind_register
        from screening import receivers  # noqa: F401  (connects the signal receivers)
        from screening.cards import stage_card
        from screening.models import Decision, Stage
        from screening.selectors import audit_events_visible_to

        job_kind_register(JobKind("ranking", _("Relevance model"), _ranking_job, time_limit=600))
        job_kind_register(
            JobKind("stopping", _("Stopping estimate"), _stopping_job, time_limit=300)
        )
        for order, stage, tab in (
            (30, Stage.TITLE_ABSTRACT, _("Screen")),
            (40, Stage.FULL_TEXT, _("Full text")),
        ):
            hooks.stage_register(stage, order=order, card=partial(stage_card, stage=stage))
            hooks.tab_register(
                stage,
                hooks.NavTab(tab, order, partial(_screen_url, stage=stage), shown_to=_can_screen),
            )
        from screening import audit_phrases, record_facet

        audit_phrases.register()
        hooks.record_facet_register(record_facet.FACET)
        # Blinding reaches the audit log and the dashboard's feed, which `reviews` serves.
        hooks.audit_filter_register("screening-blinding", audit_events_visible_to)
        hooks.record_use_register(
            "screening",
            hooks.RecordUse(
                _("Screening of these records has started"),
                lambda review: Decision.objects.filter(review=review).values("record_id"),
            ),
        )


def _ranking_job(job):
    # Imported when a ranking job runs: the model's scipy and scikit-learn stack would add
    # a second to the start of every command and page process.
    from screening.prioritisation import ranking_job

    return ranking_job(job)


def _stopping_job(job):
    from screening.stopping_review import stopping_job

    return stopping_job(job)


def _screen_url(review, stage: str) -> str:
    return reverse("screening:screen", args=[review.pk, stage])


def _can_screen(membership) -> bool:
    return membership.can_write
