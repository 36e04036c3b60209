from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.dedup.engine import AUTO_THRESHOLD, REVIEW_THRESHOLD

# What a review's members write about it (its details), and the settings a lead tunes once
# work has started: the one list the forms, the API and the services use.
REVIEW_DETAILS = (
    "title",
    "question",
    "population",
    "intervention",
    "comparator",
    "outcomes",
    "inclusion_criteria",
    "exclusion_criteria",
    "protocol_registration",
)
REVIEW_SETTINGS = ("dedup_auto_threshold", "dedup_review_threshold")


class Review(models.Model):
    """One systematic review: its question, PICO, eligibility criteria and protocol."""

    title = models.CharField(_("title"), max_length=300)
    question = models.TextField(_("question"), blank=True)
    population = models.TextField(_("population"), blank=True)
    intervention = models.TextField(_("intervention"), blank=True)
    comparator = models.TextField(_("comparator"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    inclusion_criteria = models.JSONField(_("inclusion criteria"), default=list, blank=True)
    exclusion_criteria = models.JSONField(_("exclusion criteria"), default=list, blank=True)
    protocol_registration = models.CharField(
        _("protocol registration"),
        max_length=200,
        blank=True,
        help_text=_("For example a PROSPERO ID: CRD42023123456."),
    )
    dedup_auto_threshold = models.FloatField(
        _("automatic merge threshold"),
        default=AUTO_THRESHOLD,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
        help_text=_("Candidate duplicates scoring at least this merge without a person."),
    )
    dedup_review_threshold = models.FloatField(
        _("review-queue threshold"),
        default=REVIEW_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "Candidates scoring at least this (and below the automatic threshold) go "
            "to the review queue."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("review", "user"),
        related_name="reviews",
    )
    # Not a field: the current user's membership, which `reviews.access.review_for_user`
    # attaches to the review it returns (the pages and `reviews.hooks.tabs_for` read it).
    membership: "Membership"

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.dedup_review_threshold >= self.dedup_auto_threshold:
            raise ValidationError(
                {
                    "dedup_review_threshold": _(
                        "The review-queue threshold must be below the automatic-merge threshold."
                    )
                }
            )


class Role(models.TextChoices):
    LEAD = "lead", _("Lead")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role in one review. Leads do everything, reviewers do the review work,
    viewers only read."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_membership_per_user"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"

    @property
    def can_write(self) -> bool:
        return self.role in (Role.LEAD, Role.REVIEWER)

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD
