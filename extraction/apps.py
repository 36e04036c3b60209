from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExtractionConfig(AppConfig):
    name = "extraction"
    verbose_name = _("Data extraction")

    def ready(self) -> None:
        from extraction import (
            audit_phrases,
            receivers,  # noqa: F401  (connects the signal receivers)
        )
        from extraction.models import StudyReport
        from reviews import hooks

        audit_phrases.register()
        hooks.stage_register("extraction", order=55, card=_stage_card)
        hooks.tab_register(
            "extraction",
            hooks.NavTab(
                _("Extraction"), 50, lambda review: reverse("extraction:studies", args=[review.pk])
            ),
        )
        hooks.record_use_register(
            "extraction",
            hooks.RecordUse(
                _("Extraction has linked these records to studies"),
                lambda review: StudyReport.objects.filter(review=review).values("record_id"),
            ),
        )
        hooks.included_counter_register(_included_counts)


# The selectors reach the statistics library (numpy) through the conversions: imported when
# first used, not while every command and process starts.
def _stage_card(*args, **kwargs):
    from extraction.cards import stage_card

    return stage_card(*args, **kwargs)


def _included_counts(*args, **kwargs):
    from extraction.selectors import included_counts

    return included_counts(*args, **kwargs)
