"""The top of the house: composes the stage apps into the review's lifecycle (the dashboard,
the PRISMA page, the demo). Nothing imports it; it may import every app (STYLE.md §10)."""

from django.apps import AppConfig
from django.urls import reverse

# Stages whose apps have not landed yet: shown as not started, in their place in the order.
PLANNED = (
    ("risk_of_bias", 50, "Risk of bias", "RoB 2, ROBINS-I, RoB 1 or NOS, dual with consensus."),
)


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Review lifecycle"

    def ready(self) -> None:
        from reviews import hooks

        registered = {hook.key for hook in hooks.stages()}
        for key, order, label, description in PLANNED:
            if key not in registered:
                card = hooks.StageCard(key=key, label=label, description=description)
                hooks.stage_register(key, order=order, card=lambda review, card=card: card)
        hooks.tab_register(
            "dashboard",
            hooks.NavTab(
                "Dashboard", 0, lambda review: reverse("lifecycle:dashboard", args=[review.pk])
            ),
        )
        hooks.tab_register(
            "prisma",
            hooks.NavTab(
                "PRISMA", 70, lambda review: reverse("lifecycle:prisma:page", args=[review.pk])
            ),
        )
