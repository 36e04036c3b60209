"""Writes of the analysis app: plans, runs (enqueued as jobs on the locked snapshot) and
GRADE judgements. Leads only; the access helpers check it before these are called."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analysis import selectors
from analysis.engine import ENGINE_VERSION
from analysis.models import MEASURES, METHODS, AnalysisPlan, AnalysisRun, GradeAssessment
from extraction import selectors as extraction_selectors
from extraction.snapshots import snapshot_verify
from reviews.audit import audit_record
from reviews.jobs import job_create, job_enqueue
from reviews.models import Review

RATIO = ("RR", "OR")
DEFAULT_MEASURE = {"continuous": "SMD", "dichotomous": "RR"}
SUBGROUP_FIXED = ("", "design", "rob")
GRADE_DOMAINS = (
    ("risk_of_bias", gettext_lazy("Risk of bias")),
    ("inconsistency", gettext_lazy("Inconsistency")),
    ("indirectness", gettext_lazy("Indirectness")),
    ("imprecision", gettext_lazy("Imprecision")),
    ("publication_bias", gettext_lazy("Publication bias")),
)
# Rated up (0 none, 1 or 2 levels) only for evidence that starts low (non-randomised).
GRADE_UPGRADES = (
    ("large_effect", gettext_lazy("Large effect")),
    ("dose_response", gettext_lazy("Dose–response gradient")),
    ("plausible_confounding", gettext_lazy("Plausible confounding would reduce the effect")),
)
FIELDS = (
    "outcome",
    "timepoint",
    "name",
    "measure",
    "method",
    "test",
    "study_filter",
    "subgroup",
    "leave_one_out",
    "exclude_high_rob",
    "compare_models",
    "r_values",
    "small_study",
)


def _clean(review: Review, data: dict[str, Any]) -> dict[str, Any]:
    """Checked plan values; every problem names its field."""
    errors: dict[str, str] = {}
    outcomes = {o.key: o for o in selectors.outcomes(review)}
    outcome = outcomes.get(str(data.get("outcome", "")))
    if outcome is None:
        errors["outcome"] = _("“%(outcome)s” is not an outcome of the form (known: %(known)s).") % {
            "outcome": data.get("outcome", ""),
            "known": ", ".join(outcomes) or _("none"),
        }
    elif data.get("timepoint", "") not in outcome.timepoints:
        errors["timepoint"] = _(
            "“%(timepoint)s” is not a time point of %(outcome)s (known: %(known)s)."
        ) % {
            "timepoint": data.get("timepoint", ""),
            "outcome": outcome.key,
            "known": ", ".join(t or _("(none)") for t in outcome.timepoints),
        }
    measure = str(data.get("measure", "")).upper()
    if measure not in MEASURES:
        errors["measure"] = _("Choose one of %(choices)s.") % {"choices": ", ".join(MEASURES)}
    elif outcome is not None and (measure in ("MD", "SMD")) != (outcome.type == "continuous"):
        # Translators: the type is "continuous" or "dichotomous".
        errors["measure"] = _("%(measure)s does not fit a %(type)s outcome.") % {
            "measure": measure,
            "type": _outcome_type(outcome.type),
        }
    method = str(data.get("method", "REML")).upper()
    if method not in METHODS:
        errors["method"] = _("Choose one of %(choices)s.") % {"choices": ", ".join(METHODS)}
    elif method in ("MH", "PETO") and measure in ("MD", "SMD"):
        errors["method"] = _("%(method)s pools dichotomous outcomes only.") % {"method": method}
    elif method == "PETO" and measure != "OR":
        errors["method"] = _("Peto's method pools odds ratios (OR) only.")
    test = str(data.get("test", "z")).lower()
    if test not in AnalysisPlan.Test.values:
        errors["test"] = _("Choose z or knha.")
    elif test == "knha" and method in ("MH", "PETO"):
        errors["test"] = _("%(method)s uses the z test only.") % {"method": method}
    subgroup = str(data.get("subgroup", "") or "")
    field_keys = {f["key"] for f in extraction_selectors.form_definition(review).get("fields", [])}
    if subgroup not in SUBGROUP_FIXED and subgroup.removeprefix("field:") not in field_keys:
        errors["subgroup"] = _(
            "“%(subgroup)s” is neither design, rob nor field:<key> of a study field."
        ) % {"subgroup": subgroup}
    study_filter = data.get("study_filter") or {}
    if not isinstance(study_filter, dict) or not all(
        isinstance(v, list) and k in field_keys for k, v in study_filter.items()
    ):
        errors["study_filter"] = _("Give {field key: [values kept]} with keys of study fields.")
    r_values = data.get("r_values") or []
    try:
        r_values = [float(r) for r in r_values]
    except (TypeError, ValueError):
        r_values = [2.0]
    if not all(-1 <= r <= 1 for r in r_values):
        errors["r_values"] = _("Correlations lie between -1 and 1.")
    if errors:
        raise ValidationError(errors)
    assert outcome is not None
    return {
        "outcome": outcome.key,
        "timepoint": str(data.get("timepoint", "")),
        "name": str(data.get("name") or "Main analysis").strip()[:100] or "Main analysis",
        "measure": measure,
        "method": method,
        "test": test,
        "study_filter": study_filter,
        "subgroup": subgroup
        if subgroup in SUBGROUP_FIXED
        else f"field:{subgroup.removeprefix('field:')}",
        "leave_one_out": bool(data.get("leave_one_out", True)),
        "exclude_high_rob": bool(data.get("exclude_high_rob", False)),
        "compare_models": bool(data.get("compare_models", True)),
        "r_values": r_values,
        "small_study": bool(data.get("small_study", True)),
    }


def _outcome_type(kind: str) -> str:
    names = {"continuous": _("continuous"), "dichotomous": _("dichotomous")}
    return names.get(kind, kind)


def _save(plan: AnalysisPlan) -> AnalysisPlan:
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(
            {
                "name": _("This outcome and time point already have a plan named “%(name)s”.")
                % {"name": plan.name}
            }
        ) from None
    return plan


@transaction.atomic
def plan_create(*, lead: User, review: Review, data: dict[str, Any]) -> AnalysisPlan:
    values = _clean(review, data)
    plan = _save(AnalysisPlan(review=review, created_by=lead, **values))
    audit_record(actor=lead, review=review, action="analysis.plan_created", obj=plan)
    return plan


@transaction.atomic
def plan_update(*, lead: User, plan: AnalysisPlan, data: dict[str, Any]) -> AnalysisPlan:
    current = {key: getattr(plan, key) for key in FIELDS}
    values = _clean(plan.review, {**current, **data})
    changes = {k: [current[k], v] for k, v in values.items() if current[k] != v}
    for key, value in values.items():
        setattr(plan, key, value)
    _save(plan)
    if changes:
        audit_record(
            actor=lead,
            review=plan.review,
            action="analysis.plan_updated",
            obj=plan,
            changes=changes,
        )
    return plan


@transaction.atomic
def plans_set_up_defaults(*, lead: User, review: Review) -> list[AnalysisPlan]:
    """One plan per outcome and time point that has none: SMD (continuous) or RR
    (dichotomous), random effects (REML), with leave-one-out and small-study checks."""
    made = []
    for outcome in selectors.outcomes(review):
        for timepoint in outcome.timepoints:
            if AnalysisPlan.objects.filter(
                review=review, outcome=outcome.key, timepoint=timepoint
            ).exists():
                continue
            made.append(
                plan_create(
                    lead=lead,
                    review=review,
                    data={
                        "outcome": outcome.key,
                        "timepoint": timepoint,
                        "measure": DEFAULT_MEASURE.get(outcome.type, "SMD"),
                        "method": "REML",
                    },
                )
            )
    return made


# Units that mean "a score on some scale": different studies' scales are pooled as SMD.
SCALE_UNITS = {"", "point", "points", "score", "scores"}


def _intervention_type_field(review: Review) -> str:
    """The key of a study field naming the type of intervention, or ""."""
    for field in extraction_selectors.form_definition(review).get("fields", []):
        words = f"{field['key']} {field.get('label', '')}".lower().replace("_", " ")
        if "intervention" in words and "type" in words:
            return field["key"]
    return ""


def seed_style_data(review: Review, outcome: selectors.Outcome, timepoint: str) -> dict[str, Any]:
    """The plan the seed review used for an outcome of this type: RR for a dichotomous
    outcome; MD in the outcome's unit for a measured one (mm, days); SMD for a continuous
    outcome scored on a scale (no unit, or "points": scales differ between studies), with
    subgroups by the type
    of intervention when a study field records it. All random effects (REML)."""
    data: dict[str, Any] = {"outcome": outcome.key, "timepoint": timepoint, "method": "REML"}
    if outcome.type == "dichotomous":
        return data | {"measure": "RR", "name": "Seed style: RR"}
    if outcome.unit.strip().lower() not in SCALE_UNITS:
        return data | {"measure": "MD", "name": f"Seed style: MD in {outcome.unit}"[:100]}
    field = _intervention_type_field(review)
    if field:
        return data | {
            "measure": "SMD",
            "subgroup": f"field:{field}",
            "name": "Seed style: SMD by intervention type",
        }
    return data | {"measure": "SMD", "name": "Seed style: SMD"}


@transaction.atomic
def plans_set_up_seed_style(*, lead: User, review: Review) -> list[AnalysisPlan]:
    """One seed-style plan (:func:`seed_style_data`) per outcome and time point that has
    none yet; pressing it again makes nothing new."""
    made = []
    for outcome in selectors.outcomes(review):
        for timepoint in outcome.timepoints:
            data = seed_style_data(review, outcome, timepoint)
            if AnalysisPlan.objects.filter(
                review=review, outcome=outcome.key, timepoint=timepoint, name=data["name"]
            ).exists():
                continue
            made.append(plan_create(lead=lead, review=review, data=data))
    return made


def _locked_snapshot(review: Review):
    lock = extraction_selectors.lock_of(review)
    if lock is None:
        raise ValidationError(
            _(
                "Extraction of this review is not locked: a lead locks it (which writes a "
                "snapshot) before analyses run."
            ),
            code="not_locked",
        )
    if not snapshot_verify(lock.snapshot):
        raise ValidationError(
            _("Snapshot v%(version)s no longer matches its SHA-256; nothing was run.")
            % {"version": lock.snapshot.version}
        )
    return lock.snapshot


@transaction.atomic
def run_enqueue(*, lead: User, plan: AnalysisPlan, send: bool = True) -> AnalysisRun:
    """Queue a run of the plan on the locked snapshot (sent to the workers on commit;
    ``send=False`` leaves it for the caller to execute here). Refused, with nothing queued,
    while extraction is unlocked."""
    snapshot = _locked_snapshot(plan.review)
    job = job_create(kind="analysis", review=plan.review, user=lead, params={})
    run = AnalysisRun.objects.create(
        plan=plan,
        review=plan.review,
        snapshot=snapshot,
        snapshot_sha256=snapshot.sha256,
        plan_spec=plan.spec(),
        engine_version=ENGINE_VERSION,
        started_by=lead,
        job=job,
    )
    # The job draws the plots in the language of the person starting the run.
    job.params = {"run": run.pk, "language": translation.get_language()}
    job.save(update_fields=["params"])
    audit_record(
        actor=lead,
        review=plan.review,
        action="analysis.run_started",
        obj=run,
        changes={"snapshot": [None, snapshot.version], "plan": [None, str(plan)]},
    )
    if send:
        job_enqueue(job)
    return run


@transaction.atomic
def runs_enqueue_all(*, lead: User, review: Review) -> list[AnalysisRun]:
    _locked_snapshot(review)
    return [run_enqueue(lead=lead, plan=plan) for plan in selectors.plans(review)]


@transaction.atomic
def grade_update(*, lead: User, plan: AnalysisPlan, data: dict[str, Any]) -> GradeAssessment:
    """The lead's GRADE judgements: per domain a rating (0 not serious, 1 serious, 2 very
    serious) and, when it departs from the proposal, a reason."""
    from analysis.grade import grade_proposals

    grade = selectors.grade_of(plan)
    errors: dict[str, str] = {}
    for key in ("mid", "assumed_control_risk"):
        if key in data:
            value = data[key]
            try:
                value = None if value in (None, "") else float(value)
            except (TypeError, ValueError):
                errors[key] = _("Give a number.")
                continue
            if key == "assumed_control_risk" and value is not None and not 0 <= value <= 1:
                errors[key] = _("Give a proportion between 0 and 1.")
                continue
            setattr(grade, key, value)
    run = selectors.latest_finished_run(plan)
    proposals = grade_proposals(
        selectors.results(run) if run else None,
        mid=grade.mid,
        designs=selectors.study_designs(run) if run else None,
    )
    domains = dict(grade.domains)
    for key, _label in (*GRADE_DOMAINS, *GRADE_UPGRADES):
        given = (data.get("domains") or {}).get(key)
        if given is None:
            continue
        try:
            rating = int(given.get("rating"))
        except (TypeError, ValueError, AttributeError):
            errors[key] = _("Give a rating: 0, 1 or 2 (levels down, or up for upgrading domains).")
            continue
        if rating not in (0, 1, 2):
            errors[key] = _("Give a rating: 0, 1 or 2 (levels down, or up for upgrading domains).")
            continue
        reason = str(given.get("reason", "")).strip()
        proposed = proposals[key]["rating"] if key in proposals else None
        if proposed is not None and rating != proposed and not reason:
            errors[key] = _("Say why you depart from the proposed judgement.")
            continue
        domains[key] = {"rating": rating, "reason": reason}
    if errors:
        raise ValidationError(errors)
    grade.domains = domains
    if "comments" in data:
        grade.comments = str(data["comments"])
    grade.updated_by = lead
    grade.save()
    audit_record(actor=lead, review=plan.review, action="analysis.grade_updated", obj=grade)
    return grade
