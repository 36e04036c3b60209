"""The top of the house: composes the stage apps into the review's lifecycle (the dashboard,
the PRISMA page, the demo). Nothing imports it; it may import every app (STYLE.md §10)."""

from django.apps import AppConfig
from django.urls import reverse


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Review lifecycle"

    def ready(self) -> None:
        from reviews import hooks

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
