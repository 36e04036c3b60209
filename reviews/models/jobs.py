from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.models.review import Review


class Job(models.Model):
    """Every piece of background work (an import, a deduplication run, a relevance model, an
    analysis run): its state, progress, outcome and timings, in one place.

    The rows a job works on (an import, a dedup run …) keep its results only; their status is
    this row's. `reviews.jobs` starts, runs and recovers jobs.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=64)
    params = models.JSONField(
        default=dict, blank=True, help_text="What the job works on (ids), for its handler."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0 to 100.")
    message = models.TextField(blank=True, help_text="The outcome, or why it failed, in words.")
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has started it."
    )
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of its last run.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")
        ]
        indexes = [models.Index(fields=["status"], name="job_status")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @staticmethod
    def progress_key(job_id: int) -> str:
        return f"job-progress-{job_id}"

    @property
    def current_progress(self) -> int:
        """Percent done: live from the cache while running (see jobs.job_progress)."""
        if self.status == self.Status.RUNNING:
            return cache.get(self.progress_key(self.pk), self.progress)
        return self.progress

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
