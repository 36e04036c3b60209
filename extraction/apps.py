from django.apps import AppConfig
from django.urls import reverse


class ExtractionConfig(AppConfig):
    name = "extraction"
    verbose_name = "Data extraction"

    def ready(self) -> None:
        from extraction import receivers  # noqa: F401  (connects the signal receivers)
        from extraction.cards import stage_card
        from extraction.models import StudyReport
        from extraction.selectors import included_counts
        from reviews import hooks

        hooks.stage_register("extraction", order=55, card=stage_card)
        hooks.tab_register(
            "extraction",
            hooks.NavTab(
                "Extraction", 50, lambda review: reverse("extraction:studies", args=[review.pk])
            ),
        )
        hooks.record_use_register(
            "extraction",
            hooks.RecordUse(
                "Extraction has linked these records to studies",
                lambda review: StudyReport.objects.filter(review=review).values("record_id"),
            ),
        )
        hooks.included_counter_register(included_counts)
