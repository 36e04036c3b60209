from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reviews.models import Record, Review


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "title_abstract", _("Title/abstract")
    FULL_TEXT = "full_text", _("Full text")


# The stages in English, for object representations stored in the audit log.
STAGE_REPRS = {"Title/abstract": "title_abstract", "Full text": "full_text"}


class Choice(models.TextChoices):
    INCLUDE = "include", pgettext_lazy("screening decision", "Include")
    EXCLUDE = "exclude", pgettext_lazy("screening decision", "Exclude")
    MAYBE = "maybe", pgettext_lazy("screening decision", "Maybe")


# Stored in English (data: decisions keep the reason they were given, and PRISMA counts them);
# pages and the diagram show these defaults in the reader's language (`reason_label`).
DEFAULT_EXCLUSION_REASONS = [
    gettext_noop("Wrong population"),
    gettext_noop("Wrong intervention"),
    gettext_noop("Wrong comparator"),
    gettext_noop("Wrong outcome"),
    gettext_noop("Wrong study design"),
    gettext_noop("Duplicate"),
    gettext_noop("No full text"),
    gettext_noop("Not in the time frame"),
]


def default_exclusion_reasons() -> list[str]:
    return list(DEFAULT_EXCLUSION_REASONS)


def reason_label(reason: str) -> str:
    """An exclusion reason as people read it: a default one translated, a lead's own as written."""
    return gettext(reason) if reason in DEFAULT_EXCLUSION_REASONS else reason


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
    # Records most likely to be included come first once the model has examples of both.
    prioritise = models.BooleanField(default=True)
    # Records come in random order instead, for a random sample the stopping estimate can
    # rely on (screening/stopping.py); the relevance model waits until it is off again.
    random_order = models.BooleanField(default=False)
    # When random order was last switched on: records first decided since then are the sample.
    random_since = models.DateTimeField(null=True, blank=True)

    # The stopping estimate's recall target and confidence (screening/stopping.py).
    recall_target = models.FloatField(
        default=0.95, validators=[MinValueValidator(0.5), MaxValueValidator(0.999)]
    )
    stopping_confidence = models.FloatField(
        default=0.95, validators=[MinValueValidator(0.5), MaxValueValidator(0.999)]
    )
    # A reviewer the lead designates to resolve conflicts too (leads always can).
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="one_settings_per_stage"),
            models.CheckConstraint(
                condition=Q(reviewers_required__gte=1, reviewers_required__lte=3),
                name="reviewers_required_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        stage = next((k for k, v in STAGE_REPRS.items() if v == self.stage), self.stage)
        return f"{stage} settings of review {self.review_id}"

    @property
    def ranked(self) -> bool:
        """Whether the relevance model orders the records."""
        return self.prioritise and not self.random_order


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
        max_length=8,
        choices=[(Choice.INCLUDE, Choice.INCLUDE.label), (Choice.EXCLUDE, Choice.EXCLUDE.label)],
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


def full_text_path(full_text: "FullText", filename: str) -> str:
    return f"fulltext/review-{full_text.review_id}/record-{full_text.record_id}.pdf"


class FullText(models.Model):
    """The full-text report of a record for full-text screening: a PDF, or a note that it
    could not be retrieved (a PRISMA count)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="full_texts")
    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="full_text")
    file = models.FileField(upload_to=full_text_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    not_retrieved = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Either a file is there or the report is marked not retrieved, never both.
            models.CheckConstraint(
                condition=Q(not_retrieved=False) | Q(file=""),
                name="fulltext_file_or_not_retrieved",
            ),
        ]

    def __str__(self) -> str:
        state = "not retrieved" if self.not_retrieved else self.original_name
        return f"Full text of record {self.record_id}: {state}"


class Priority(models.Model):
    """How likely a record is to be included at a stage, from the latest ranking model."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="priorities")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="one_priority_per_stage")
        ]
        indexes = [models.Index(fields=["review", "stage", "-score"])]

    def __str__(self) -> str:
        return f"record {self.record_id} ({self.stage}): {self.score:.3f}"


class Ranking(models.Model):
    """The state of a stage's ranking model: what it was trained on and when."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    trained_at = models.DateTimeField(null=True, blank=True)
    n_included = models.PositiveIntegerField(default=0)
    n_excluded = models.PositiveIntegerField(default=0)
    n_scored = models.PositiveIntegerField(default=0)
    # Settled decisions when the model was last trained; a new run starts when enough
    # new ones have arrived.
    trained_on = models.PositiveIntegerField(default=0)
    # When a settling decision last counted the settled records to see whether a new model is
    # due (`prioritisation.ranking_maybe_start` counts at most every few seconds).
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="one_ranking_per_stage")
        ]

    def __str__(self) -> str:
        return f"ranking of review {self.review_id} ({self.stage})"


class Tally(models.Model):
    """A record's decisions at a stage, counted, and whether it still takes decisions.

    The screening services keep it in the same transaction as the decisions they change, so
    choosing the next record, listing conflicts and counting PRISMA boxes read one row per
    record rather than counting decisions: on PostgreSQL with 100,000 records, counting took
    2 s for the next record and 16 s for PRISMA (bench/RESULTS.md). Every title/abstract unit
    has a row from its import on (`screening.tallies`); a full-text row appears with the
    record's first full-text decision.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="tallies")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    n_decisions = models.PositiveSmallIntegerField(default=0)
    n_include = models.PositiveSmallIntegerField(default=0)
    n_exclude = models.PositiveSmallIntegerField(default=0)
    resolution = models.CharField(
        max_length=8,
        blank=True,
        choices=[(Choice.INCLUDE, Choice.INCLUDE.label), (Choice.EXCLUDE, Choice.EXCLUDE.label)],
    )
    # Fewer decisions than the stage requires and no resolution: it still takes decisions.
    open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="one_tally_per_stage"),
            models.CheckConstraint(
                condition=Q(n_include__lte=F("n_decisions"), n_exclude__lte=F("n_decisions")),
                name="tally_parts_within_total",
            ),
        ]
        indexes = [
            # The next record: open rows in record order, without touching settled ones.
            models.Index(
                fields=["review", "stage", "record"], condition=Q(open=True), name="tally_open"
            ),
            models.Index(fields=["review", "stage", "n_decisions"], name="tally_counts"),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id} ({self.stage}): {self.n_decisions} decisions"


class Claim(models.Model):
    """A record handed to a reviewer as their next one, for a while: the next-record query
    hands it to no more reviewers than the stage still needs, so twenty reviewers starting
    together do not all get (and race to decide) the same record."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="claims")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "stage", "reviewer"], name="one_claim_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id} ({self.stage}) for {self.reviewer_id} until {self.until}"


class StoppingDecision(models.Model):
    """A lead's decision that screening of a stage may stop, with the stopping estimate as it
    stood at that moment (the app never stops screening by itself)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    n_screened = models.PositiveIntegerField()
    n_total = models.PositiveIntegerField()
    includes_found = models.PositiveIntegerField()
    remaining_estimate = models.PositiveIntegerField()
    remaining_upper = models.PositiveIntegerField()
    recall_target = models.FloatField()
    confidence = models.FloatField()
    p_value = models.FloatField()
    reached = models.BooleanField()
    method = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="one_stop_per_stage"),
            models.CheckConstraint(
                condition=Q(n_screened__lte=F("n_total")), name="stop_screened_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"screening of review {self.review_id} ({self.stage}) stopped"
