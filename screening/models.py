from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from reviews.models import Record, Review


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "title_abstract", "Title/abstract"
    FULL_TEXT = "full_text", "Full text"


class Choice(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"
    MAYBE = "maybe", "Maybe"


DEFAULT_EXCLUSION_REASONS = [
    "Wrong population",
    "Wrong intervention",
    "Wrong comparator",
    "Wrong outcome",
    "Wrong study design",
    "Duplicate",
    "No full text",
    "Not in the time frame",
]


def default_exclusion_reasons() -> list[str]:
    return list(DEFAULT_EXCLUSION_REASONS)


class StageSettings(models.Model):
    """How one screening stage of a review works (leads change it)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_settings")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    reviewers_required = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    blinded = models.BooleanField(default=True)
    exclusion_reasons = models.JSONField(default=default_exclusion_reasons)
    include_terms = models.JSONField(default=list, blank=True)
    exclude_terms = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="one_settings_per_stage"),
            models.CheckConstraint(
                condition=Q(reviewers_required__gte=1, reviewers_required__lte=3),
                name="reviewers_required_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} settings of review {self.review_id}"


class Decision(models.Model):
    """One reviewer's decision on one record at one stage."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(max_length=8, choices=Choice.choices)
    reason = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # A double click or two tabs can never make two decisions.
            models.UniqueConstraint(
                fields=["record", "stage", "reviewer"], name="one_decision_per_reviewer"
            ),
        ]
        indexes = [models.Index(fields=["review", "stage", "reviewer"])]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.decision} record {self.record_id} ({self.stage})"


class Resolution(models.Model):
    """The final decision on a conflict, by a lead."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="resolutions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="resolutions")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    decision = models.CharField(
        max_length=8, choices=[(Choice.INCLUDE, "Include"), (Choice.EXCLUDE, "Exclude")]
    )
    reason = models.CharField(max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="one_resolution_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.decision} record {self.record_id} ({self.stage}), resolved"
