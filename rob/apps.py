from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RobConfig(AppConfig):
    name = "rob"
    verbose_name = _("Risk of bias")

    def ready(self) -> None:
        from reviews import hooks
        from rob import audit_phrases
        from rob.cards import stage_card

        audit_phrases.register()
        hooks.stage_register("risk_of_bias", order=58, card=stage_card)
        hooks.tab_register(
            "rob",
            hooks.NavTab(
                _("Risk of bias"), 55, lambda review: reverse("rob:assignments", args=[review.pk])
            ),
        )
