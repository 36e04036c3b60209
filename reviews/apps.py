from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Connects the receiver that ends API tokens when a password changes.
        from reviews import tokens  # noqa: F401
