"""Risk-of-bias assessments: which tool each study is assessed with (and, for RoB 2, which
result), each assessor's answers and judgements, and the consensus.

The consensus is an `Assessment` without an assessor, built by a lead or the review's RoB
arbiter once the required assessments are done, so answers, proposals and overrides have one
shape whoever records them. A judgement keeps both the algorithm's proposal and the
assessor's override, and the database refuses an override without a justification.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from extraction.models import Study
from reviews.models import Review

ROB2_PREFIX = "rob2-"


class RobSettings(models.Model):
    """How a review's risk-of-bias assessment works (leads change it)."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="rob_settings")
    assessors_required = models.PositiveSmallIntegerField(
        default=2, help_text="How many people assess each study independently (1 or 2)."
    )
    # A reviewer the lead names to build consensus too (leads always can).
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(assessors_required__gte=1, assessors_required__lte=2),
                name="rob_assessors_one_or_two",
            )
        ]

    def __str__(self) -> str:
        return f"RoB settings of {self.review_id}"


class Assignment(models.Model):
    """A study to assess with a tool; RoB 2 assesses one result (an outcome at a time point),
    so a RoB 2 assignment names it, and a study has one assignment per result."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="rob_assignments")
    tool = models.CharField(max_length=40)
    result = models.CharField(
        max_length=200, blank=True, help_text="RoB 2: the result assessed (outcome, time point)."
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study__label", "tool", "result", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "tool", "result"], name="rob_one_assignment_per_result"
            ),
            models.CheckConstraint(
                condition=~Q(tool__startswith=ROB2_PREFIX) | ~Q(result=""),
                name="rob2_assignment_names_its_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} · {self.tool}" + (f" · {self.result}" if self.result else "")

    @property
    def is_rob2(self) -> bool:
        return self.tool.startswith(ROB2_PREFIX)


class Assessment(models.Model):
    """One assessor's assessment of an assignment, or (no assessor) the consensus."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Null for the consensus.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    overall_proposed = models.CharField(max_length=24, blank=True)
    overall_judgement = models.CharField(max_length=24, blank=True)
    overall_overridden = models.BooleanField(default=False)
    overall_justification = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["assignment", "assessor__username", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "assessor"],
                condition=Q(assessor__isnull=False),
                name="rob_one_assessment_per_assessor",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(assessor__isnull=True),
                name="rob_one_consensus_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(overall_overridden=False) | ~Q(overall_justification=""),
                name="rob_overall_override_justified",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | ~Q(overall_judgement=""),
                name="rob_done_assessment_has_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.assessor or 'consensus'}"

    @property
    def is_consensus(self) -> bool:
        return self.assessor_id is None


class DomainJudgement(models.Model):
    """A domain's proposed judgement (from the tool's algorithm, when it has one; for the
    Newcastle-Ottawa scales the number of stars) and the judgement recorded: the proposal
    unless the assessor overrode it, with a justification (RoB 1: the support text)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=24)
    proposed = models.CharField(max_length=24, blank=True)
    judgement = models.CharField(max_length=24, blank=True)
    overridden = models.BooleanField(default=False)
    justification = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="rob_one_judgement"),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(justification=""),
                name="rob_domain_override_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.judgement or '—'}"


class Answer(models.Model):
    """The answer to one signalling question (or NOS item), with the quote and page that
    support it. Questions that are not asked have no row (their answer is NA)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    domain = models.CharField(max_length=24)
    question = models.CharField(max_length=24)
    answer = models.CharField(max_length=24)
    quote = models.TextField(blank=True)
    page = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain", "question"], name="rob_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"
