"""The top of the house: composes the stage apps into the review's lifecycle (the dashboard,
the PRISMA page, the demo). Nothing imports it; it may import every app (STYLE.md §10)."""

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Review lifecycle")

    def ready(self) -> None:
        from reviews import hooks

        hooks.tab_register(
            "dashboard",
            hooks.NavTab(
                _("Dashboard"), 0, lambda review: reverse("lifecycle:dashboard", args=[review.pk])
            ),
        )
        hooks.tab_register(
            "prisma",
            hooks.NavTab(
                "PRISMA", 70, lambda review: reverse("lifecycle:prisma:page", args=[review.pk])
            ),
        )
