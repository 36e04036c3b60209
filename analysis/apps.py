from django.apps import AppConfig
from django.urls import reverse


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        from analysis.cards import stage_card
        from analysis.jobs import analysis_job
        from reviews import hooks
        from reviews.jobs import JobKind, job_kind_register

        # Repeatable: the handler writes its results and plots in one transaction, replacing
        # any earlier attempt's, so a run re-queued after its worker died cannot write twice.
        job_kind_register(JobKind("analysis", "Analysis run", analysis_job, time_limit=600))
        hooks.stage_register("analysis", order=60, card=stage_card)
        hooks.tab_register(
            "analysis",
            hooks.NavTab(
                "Analysis", 65, lambda review: reverse("analysis:plans", args=[review.pk])
            ),
        )
