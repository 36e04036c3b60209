"""Data extraction: studies and their reports, the review's versioned form, each extractor's
values (study-level fields, arms, outcome data), the consensus, and the lock with its
snapshots.

Every table of extraction data carries `review_id`, so that one database trigger per table
(migration 0002) can refuse any INSERT, UPDATE or DELETE while the review's extraction is
locked (an `ExtractionLock` row exists), whatever code runs against the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reviews.models import Record, Review


class Design(models.TextChoices):
    PARALLEL = "parallel", _("Parallel-group RCT")
    WITHIN_PERSON = "within_person", _("Within-person / split-face")
    CROSSOVER = "crossover", _("Crossover")
    COHORT = "cohort", _("Cohort")
    CASE_CONTROL = "case_control", _("Case–control")
    BEFORE_AFTER = "before_after", _("Before–after")


# Designs whose arms are conditions of one group of participants (two sides or sites, two
# periods, before and after): their continuous outcomes are analysed as paired data, with the
# within-person correlation.
PAIRED_DESIGNS = frozenset({Design.WITHIN_PERSON, Design.CROSSOVER, Design.BEFORE_AFTER})


class Provenance(models.TextChoices):
    SCREENING = "screening", _("Included at full text")
    OTHER_METHODS = "other_methods", _("Found by other methods")
    IMPORTED = "imported_extraction", _("Imported extraction")


class ExtractionSettings(models.Model):
    """How a review's extraction works (leads change it)."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="extraction_settings"
    )
    extractors_required = models.PositiveSmallIntegerField(
        default=2, help_text="How many people extract each study independently (1 or 2)."
    )
    assumed_r = models.FloatField(
        default=0.5,
        help_text="The within-person correlation assumed for paired designs whose report "
        "gives none (between -1 and 1).",
    )
    # A reviewer the lead designates to build consensus too (leads always can).
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(extractors_required__gte=1, extractors_required__lte=2),
                name="extractors_required_1_or_2",
            ),
            models.CheckConstraint(
                condition=Q(assumed_r__gte=-1, assumed_r__lte=1), name="assumed_r_within_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Extraction settings of review {self.review_id}"


class Study(models.Model):
    """What is analysed. Its reports are records; a study added by hand has a citation."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="studies")
    label = models.CharField(max_length=100, help_text="How tables and plots name it.")
    design = models.CharField(max_length=16, choices=Design.choices, blank=True)
    citation = models.TextField(blank=True)
    provenance = models.CharField(max_length=24, choices=Provenance.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "label"], name="one_study_per_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_paired(self) -> bool:
        return self.design in PAIRED_DESIGNS


class StudyReport(models.Model):
    """A record reporting a study (a trial's protocol, main paper, follow-up …)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="reports")
    # A record reports at most one study.
    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="study_report")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "record_id"]

    def __str__(self) -> str:
        return f"record {self.record_id} reports {self.study}"


class FormVersion(models.Model):
    """One version of the review's extraction form. `definition` is checked by
    `extraction.definitions.definition_clean`::

        {"fields": [{"key", "label", "type", "required", "help", "choices"}],
         "outcomes": [{"key", "name", "type", "unit", "direction", "timepoints", "primary"}]}

    Once extraction has started, a change makes a new version; answers keep the version they
    were entered under."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="form_versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_form_version_number"),
        ]

    def __str__(self) -> str:
        return f"form v{self.number} of review {self.review_id}"


class Extraction(models.Model):
    """One extractor's data for a study, or the study's consensus (`extractor` empty)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="extractions")
    extractor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extractions",
    )
    # RESTRICT, not PROTECT: a form version goes only with its review, which takes its
    # extractions with it.
    form_version = models.ForeignKey(
        FormVersion,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="The form version of its latest change.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who marked it done, and when (for a consensus: who completed it).
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "extractor"],
                condition=Q(extractor__isnull=False),
                name="one_extraction_per_extractor",
            ),
            models.UniqueConstraint(
                fields=["study"], condition=Q(extractor__isnull=True), name="one_consensus"
            ),
        ]

    def __str__(self) -> str:
        who = self.extractor.get_username() if self.extractor_id else "consensus"
        return f"{self.study} ({who})"

    @property
    def is_consensus(self) -> bool:
        return self.extractor_id is None


class _Value(models.Model):
    """What every extracted value carries: the form version it was entered under, where it is
    in the report, a quote, a flag, who last changed it, and (in a consensus) which
    extraction it was accepted from."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    form_version = models.ForeignKey(FormVersion, on_delete=models.RESTRICT, related_name="+")
    source = models.CharField(max_length=200, blank=True, help_text="Page, table or figure.")
    quote = models.TextField(blank=True)
    flag = models.CharField(max_length=200, blank=True, help_text="e.g. estimated from figure 2")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    accepted_from = models.ForeignKey(
        Extraction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class StudyFieldValue(_Value):
    """The answer to one study-level field of the form; `value` None means not reported."""

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(max_length=64)
    value = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["extraction", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["extraction", "key"], name="one_value_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}"


class Arm(_Value):
    """A group of a study, in the order of the report's table (`position`). In a paired design
    an arm is a condition of the one group: a side or site, a period, before or after."""

    class Role(models.TextChoices):
        INTERVENTION = "intervention", _("Intervention")
        CONTROL = "control", _("Control")
        NOT_USED = "not_used", _("Not used")

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="arms")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    n = models.PositiveIntegerField(null=True, blank=True, help_text="Randomised (or enrolled).")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.INTERVENTION)

    class Meta:
        ordering = ["extraction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["extraction", "position"], name="one_arm_per_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="arm_position_from_1"),
        ]

    def __str__(self) -> str:
        return f"arm {self.position}: {self.label}"


class OutcomeValue(_Value):
    """An outcome at a time point for one arm, as the report gives it (`format` and the
    numbers as typed in `reported`), with the numbers an analysis uses, converted by
    `extraction.conversions` (`method` says how; `unconverted` says why not).

    The row without an arm belongs to paired designs: the within-person correlation `r`
    and, when the report gives it, the mean within-person difference (`mean`) with its SD
    (`sd`) over `n` participants."""

    class Basis(models.TextChoices):
        FINAL = "final", _("Final value")
        CHANGE = "change", _("Change from baseline")

    extraction = models.ForeignKey(
        Extraction, on_delete=models.CASCADE, related_name="outcome_values"
    )
    outcome = models.CharField(max_length=64)
    timepoint = models.CharField(max_length=100)
    arm = models.ForeignKey(
        Arm, on_delete=models.CASCADE, null=True, blank=True, related_name="outcome_values"
    )
    format = models.CharField(max_length=24)
    reported = models.JSONField(default=dict, blank=True)
    n = models.PositiveIntegerField(null=True, blank=True)
    mean = models.FloatField(null=True, blank=True)
    sd = models.FloatField(null=True, blank=True)
    events = models.PositiveIntegerField(null=True, blank=True)
    r = models.FloatField(null=True, blank=True)
    basis = models.CharField(max_length=8, choices=Basis.choices, default=Basis.FINAL)
    method = models.CharField(max_length=200, blank=True)
    unconverted = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["extraction", "outcome", "timepoint", "arm__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["extraction", "outcome", "timepoint", "arm"],
                condition=Q(arm__isnull=False),
                name="one_value_per_arm",
            ),
            models.UniqueConstraint(
                fields=["extraction", "outcome", "timepoint"],
                condition=Q(arm__isnull=True),
                name="one_paired_row",
            ),
            models.CheckConstraint(condition=Q(sd__isnull=True) | Q(sd__gt=0), name="sd_positive"),
            models.CheckConstraint(
                condition=Q(events__isnull=True) | Q(n__isnull=True) | Q(events__lte=F("n")),
                name="events_within_total",
            ),
            models.CheckConstraint(
                condition=Q(r__isnull=True) | Q(r__gte=-1, r__lte=1), name="r_within_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} at {self.timepoint} ({self.format})"


class ConsensusDecision(models.Model):
    """How one item of a study's consensus was settled, by whom and when: accepted from one
    extraction, typed, or agreed by every extractor. `item` names the field, arm or outcome
    value (`extraction.consensus.item_key`)."""

    class Choice(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted from an extractor")
        TYPED = "typed", _("Typed")
        AGREED = "agreed", _("Agreed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="decisions")
    item = models.CharField(max_length=300)
    choice = models.CharField(max_length=8, choices=Choice.choices)
    accepted_from = models.ForeignKey(
        Extraction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["study", "item"]
        constraints = [
            models.UniqueConstraint(fields=["study", "item"], name="one_decision_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.study}: {self.item} {self.choice}"


class Snapshot(models.Model):
    """The consensus data of every study at the moment a lead locked extraction, never changed
    afterwards (a trigger refuses UPDATE). `data` is hashed; `index` (database ids) is not.
    The format is documented in `extraction.snapshots`."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    index = models.JSONField(default=dict, help_text="Study label → study and record ids.")
    sha256 = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="one_snapshot_version"),
        ]

    def __str__(self) -> str:
        return f"snapshot v{self.version} of review {self.review_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A snapshot never changes once written.")
        super().save(*args, **kwargs)


class ExtractionLock(models.Model):
    """Present while a review's extraction is locked: the database triggers refuse every write
    to the review's extraction data meanwhile. Unlocking deletes it (the audit log keeps who,
    when and why)."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="extraction_lock")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.RESTRICT, related_name="+")
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"extraction of review {self.review_id} locked at snapshot v{self.snapshot.version}"


# The tables the lock guards, for the triggers, the admin and the tests.
GUARDED = (
    ExtractionSettings,
    Study,
    StudyReport,
    FormVersion,
    Extraction,
    StudyFieldValue,
    Arm,
    OutcomeValue,
    ConsensusDecision,
)
