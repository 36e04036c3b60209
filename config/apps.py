"""The project's own app: things every process needs once Django has its settings."""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def folders_in_use() -> list[Path]:
    """The local folders the configured storage, broker and cache write to."""
    folders = [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folders.append(Path(database["NAME"]).parent)
        if test_name := database.get("TEST", {}).get("NAME"):
            folders.append(Path(test_name).parent)
    broker_dir = getattr(settings, "CELERY_BROKER_DIR", None)
    if broker_dir is not None:
        folders += [Path(broker_dir), Path(broker_dir) / "control"]
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        folders.append(Path(cache["LOCATION"]))
    folders.append(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent)
    return folders


class EvidentConfig(AppConfig):
    name = "config"
    verbose_name = "Evident"

    def ready(self) -> None:
        # Made here rather than when the settings are read, so that importing settings (in a
        # check, a test, a tool) writes nothing; every server, worker and command passes here.
        for folder in folders_in_use():
            folder.mkdir(parents=True, exist_ok=True)
