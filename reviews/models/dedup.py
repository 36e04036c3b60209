from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reviews.models.jobs import Job
from reviews.models.review import Review


class DedupRun(models.Model):
    """One run of the deduplication engine over a review's records, and what it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="dedup_runs")
    auto_only = models.BooleanField(default=False)
    auto_threshold = models.FloatField()
    review_threshold = models.FloatField()
    counts = models.JSONField(default=dict, blank=True)
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="dedup_run")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Deduplication run #{self.pk} ({self.status})"

    @property
    def status(self) -> str:
        """Its job's state, in the words of a run."""
        return _RUN_STATUS[self.job.status]

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def error(self) -> str:
        return self.job.message if self.status == self.Status.FAILED else ""


class DuplicateCluster(models.Model):
    """Records that are one publication. The merged record is `merged`; `field_sources` says
    which member supplied each field.

    A group is never changed in place: when records join it, a new group replaces it
    (`superseded_by`), so undoing the new group restores the old ones exactly, from
    `member_ids`. Undoing keeps the row for the audit trail and frees the members."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="clusters")
    primary = models.ForeignKey("reviews.Record", on_delete=models.CASCADE, related_name="+")
    merged = models.JSONField(default=dict)
    field_sources = models.JSONField(default=dict)
    member_ids = models.JSONField(default=list, help_text="The records it grouped, sorted.")
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded"
    )
    automatic = models.BooleanField(help_text="Formed by the engine without a person's decision.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Duplicate group #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class DuplicatePair(models.Model):
    """A candidate pair the engine scored, and what became of it."""

    class Status(models.TextChoices):
        AUTO = "auto", _("Merged automatically")
        PENDING = "pending", _("Needs review")
        DUPLICATE = "duplicate", _("Duplicate (decided)")
        NOT_DUPLICATE = "not_duplicate", _("Not duplicate (decided)")
        RELATED = "related", _("Related (preprint and published version)")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="duplicate_pairs")
    record_a = models.ForeignKey("reviews.Record", on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey("reviews.Record", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rule = models.CharField(max_length=16)
    fields = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    held = models.BooleanField(
        default=False, help_text="Its merge was undone: only a person may merge it again."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_row_per_pair"),
            models.CheckConstraint(condition=Q(record_a__lt=F("record_b")), name="pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"Records {self.record_a_id} and {self.record_b_id} ({self.status})"


_RUN_STATUS = {
    Job.Status.QUEUED: DedupRun.Status.QUEUED,
    Job.Status.RUNNING: DedupRun.Status.RUNNING,
    Job.Status.SUCCEEDED: DedupRun.Status.COMPLETE,
    Job.Status.FAILED: DedupRun.Status.FAILED,
}
