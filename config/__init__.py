"""The project package. Its Celery app (config/celery.py) is loaded on first use, not here:
importing Celery costs about 0.2 s, which every management command paid before doing
anything. `celery -A config worker` finds it in config.celery; reviews.jobs loads it before
sending a job."""


def __getattr__(name: str):
    if name == "celery_app":
        from config.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
