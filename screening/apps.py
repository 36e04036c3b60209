from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from reviews.hooks import register_audit_event_filter
        from screening import receivers  # noqa: F401  (connects the signal receivers)
        from screening.selectors import audit_events_visible_to

        # Blinding reaches the audit log and the dashboard's feed, which `reviews` serves.
        register_audit_event_filter(audit_events_visible_to)
