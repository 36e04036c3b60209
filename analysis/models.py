"""Analysis plans (what to pool for one outcome and time point, and how), their runs on a
locked extraction snapshot (one background job each), the plots of a run, and the GRADE
assessment of a plan's outcome."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from extraction.models import Snapshot
from reviews.models import Job, Review

MEASURES = ("MD", "SMD", "RR", "OR", "RD")
METHODS = ("FE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB", "MH", "PETO")


class AnalysisPlan(models.Model):
    """How one outcome (at one time point) is pooled. A lead sets it up; runs freeze a copy
    of it (`AnalysisRun.plan_spec`), so changing a plan never changes a finished run."""

    class Test(models.TextChoices):
        Z = "z", _("Wald (z)")
        KNHA = "knha", _("Hartung–Knapp")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="analysis_plans")
    outcome = models.CharField(
        _("outcome"), max_length=100, help_text=_("The outcome's key in the form.")
    )
    timepoint = models.CharField(_("time point"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=100, default="Main analysis")
    measure = models.CharField(
        _("effect measure"), max_length=8, choices=[(m, m) for m in MEASURES]
    )
    method = models.CharField(
        _("method"), max_length=8, choices=[(m, m) for m in METHODS], default="REML"
    )
    test = models.CharField(_("test"), max_length=8, choices=Test.choices, default=Test.Z)
    # {field key: [values kept]}; empty: every study with data.
    study_filter = models.JSONField(default=dict, blank=True)
    # "" (none), "design", "rob", or "field:<key>" (a study-level field of the form).
    subgroup = models.CharField(_("subgroup"), max_length=110, blank=True)
    leave_one_out = models.BooleanField(_("leave-one-out"), default=True)
    exclude_high_rob = models.BooleanField(_("excluding high risk of bias"), default=False)
    compare_models = models.BooleanField(
        _("common vs random effects"),
        default=True,
        help_text=_("Also fit the other model (common vs random effects)."),
    )
    r_values = models.JSONField(
        _("other within-person correlations"),
        default=list,
        blank=True,
        help_text=_("Other within-person correlations to try."),
    )
    small_study = models.BooleanField(
        _("small-study checks"),
        default=True,
        help_text=_("Funnel plot; Egger and Begg tests and trim-and-fill (k ≥ 10)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "outcome", "timepoint", "name", "pk"]
        verbose_name = _("analysis plan")
        verbose_name_plural = _("analysis plans")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "outcome", "timepoint", "name"], name="one_plan_per_name"
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.timepoint}" if self.timepoint else ""
        return f"{self.name}: {self.outcome}{where} ({self.measure}, {self.method})"

    def spec(self) -> dict:
        """The settings a run uses, as plain JSON (frozen into the run)."""
        return {
            "outcome": self.outcome,
            "timepoint": self.timepoint,
            "name": self.name,
            "measure": self.measure,
            "method": self.method,
            "test": self.test,
            "study_filter": {k: sorted(v) for k, v in sorted(self.study_filter.items())},
            "subgroup": self.subgroup,
            "leave_one_out": self.leave_one_out,
            "exclude_high_rob": self.exclude_high_rob,
            "compare_models": self.compare_models,
            "r_values": sorted(float(r) for r in self.r_values),
            "small_study": self.small_study,
        }


class AnalysisRun(models.Model):
    """One run of a plan on one snapshot. Its status, progress and timings are its job's."""

    plan = models.ForeignKey(AnalysisPlan, on_delete=models.CASCADE, related_name="runs")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="analysis_runs")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    snapshot_sha256 = models.CharField(max_length=64)
    plan_spec = models.JSONField()
    engine_version = models.CharField(max_length=100)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="analysis_run")
    # Canonical JSON text (sorted keys, fixed float digits), kept as text so its bytes are
    # the same on every database (PostgreSQL's jsonb would reorder keys).
    results = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")

    def __str__(self) -> str:
        return f"run {self.pk} of {self.plan}"

    @property
    def status(self) -> str:
        return self.job.status

    @property
    def progress(self) -> int:
        return self.job.current_progress

    @property
    def seconds(self) -> float | None:
        if self.job.started_at and self.job.finished_at:
            return (self.job.finished_at - self.job.started_at).total_seconds()
        return None


class RunPlot(models.Model):
    """A plot of a run in one language: SVG text drawn by the job in the language of the
    person who started the run; the same plot in another language is drawn when someone
    reading in it first asks for it (`analysis.jobs.plot_for`); PNG bytes are drawn on first
    request."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="plots")
    name = models.CharField(max_length=40)
    # The language code the labels are drawn in (settings.LANGUAGES).
    language = models.CharField(max_length=16, default="en-gb")
    svg = models.TextField()
    png = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "name", "language"], name="one_plot_per_name_and_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} of run {self.run_id}"


class GradeAssessment(models.Model):
    """The certainty of the evidence for one plan's outcome. `domains` holds, per GRADE
    domain, the lead's judgement (`rating`: 0 not serious, 1 serious, 2 very serious) and
    reason; the proposals are computed from the latest run and never stored."""

    plan = models.OneToOneField(AnalysisPlan, on_delete=models.CASCADE, related_name="grade")
    mid = models.FloatField(
        _("minimal important difference"),
        null=True,
        blank=True,
        help_text=_("Minimal important difference, on the effect scale."),
    )
    assumed_control_risk = models.FloatField(
        _("assumed control risk"),
        null=True,
        blank=True,
        help_text=_("The control group's risk for absolute effects, between 0 and 1."),
    )
    domains = models.JSONField(default=dict, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("GRADE assessment")
        verbose_name_plural = _("GRADE assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(assumed_control_risk__isnull=True)
                | Q(assumed_control_risk__gte=0, assumed_control_risk__lte=1),
                name="grade_control_risk_proportion",
            ),
        ]

    def __str__(self) -> str:
        return f"GRADE of {self.plan}"
