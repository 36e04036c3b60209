from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from reviews import hooks
        from reviews.jobs import JobKind, job_kind_register

        # Repeatable: the handler writes its results and plots in one transaction, replacing
        # any earlier attempt's, so a run re-queued after its worker died cannot write twice.
        job_kind_register(JobKind("analysis", _("Analysis run"), _analysis_job, time_limit=600))
        from analysis import audit_phrases

        audit_phrases.register()
        hooks.stage_register("analysis", order=60, card=_stage_card)
        hooks.tab_register(
            "analysis",
            hooks.NavTab(
                _("Analysis"), 65, lambda review: reverse("analysis:plans", args=[review.pk])
            ),
        )


def _analysis_job(job):
    # Imported when a run starts: pandas, scipy and matplotlib would add a second to the
    # start of every command and page process.
    from analysis.jobs import analysis_job

    return analysis_job(job)


def _stage_card(review):
    # Imported when a dashboard is drawn: the card reads the extraction selectors, whose
    # conversions bring numpy into every command's start otherwise.
    from analysis.cards import stage_card

    return stage_card(review)
