from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q

from reviews.models.review import Review


class Job(models.Model):
    """A long-running Celery task as the pages and the API see it: status and progress.

    Tasks claim a job by moving it from queued to running with a conditional update, so a
    redelivered message does nothing (STYLE.md section 4).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0 to 100.")
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
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

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @staticmethod
    def progress_key(job_id: int) -> str:
        return f"job-progress-{job_id}"

    @property
    def current_progress(self) -> int:
        """Percent done: live from the cache while running (see services.job_progress)."""
        if self.status == self.Status.RUNNING:
            return cache.get(self.progress_key(self.pk), self.progress)
        return self.progress

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
