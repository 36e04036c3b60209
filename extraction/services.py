"""Every change to studies, the form, the settings and extracted values. Atomic and audited.

Each write first takes the review's extraction settings row FOR UPDATE (`extraction_guard`)
and refuses while extraction is locked: locking takes the same row, so no write slips in
between a lock and its snapshot. The database triggers refuse what gets past this.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from extraction import selectors
from extraction.conversions import PAIRED_FORMAT
from extraction.definitions import default_definition, definition_clean, field_of, outcome_of
from extraction.models import (
    Arm,
    ConsensusDecision,
    Design,
    Extraction,
    ExtractionLock,
    ExtractionSettings,
    FormVersion,
    OutcomeValue,
    Provenance,
    Study,
    StudyFieldValue,
    StudyReport,
)
from extraction.values import CleanRow, Where, field_value_clean, number, outcome_row_clean
from reviews.audit import audit_record, field_changes
from reviews.models import Membership, Review


class ExtractionLocked(ValidationError):
    """Extraction of the review is locked; the API answers 409."""


class ExtractionNotLocked(ValidationError):
    """Unlocking a review that is not locked: a state conflict, so the API answers 409."""


def extraction_guard(review: Review) -> ExtractionSettings:
    """The review's extraction settings, locked for this transaction; refuses while locked."""
    settings = ExtractionSettings.objects.select_for_update().filter(review=review).first()
    lock = ExtractionLock.objects.select_related("snapshot", "locked_by").filter(review=review)
    found = lock.first()
    if found is not None:
        raise ExtractionLocked(
            _(
                "Extraction of this review is locked (snapshot v%(version)s, by %(user)s on "
                "%(when)s). A lead must unlock it, with a reason, before extraction data can "
                "change."
            )
            % {
                "version": found.snapshot.version,
                "user": found.locked_by.get_username(),
                "when": f"{found.locked_at:%Y-%m-%d %H:%M}",
            }
        )
    if settings is None:
        settings, _created = ExtractionSettings.objects.get_or_create(review=review)
        settings = ExtractionSettings.objects.select_for_update().get(pk=settings.pk)
    return settings


# Settings -----------------------------------------------------------------------------------

SETTINGS_FIELDS = ("extractors_required", "assumed_r", "arbiter")


def _settings_values(settings: ExtractionSettings) -> dict[str, Any]:
    values = {f: getattr(settings, f) for f in SETTINGS_FIELDS}
    values["arbiter"] = settings.arbiter.get_username() if settings.arbiter else None
    return values


@transaction.atomic
def settings_update(*, lead: User, review: Review, data: dict[str, Any]) -> ExtractionSettings:
    settings = extraction_guard(review)
    before = _settings_values(settings)
    if data.get("arbiter") is not None:
        membership = Membership.objects.filter(review=review, user=data["arbiter"]).first()
        if membership is None or not membership.can_write:
            raise ValidationError(
                {
                    "arbiter": _("%(user)s is not a reviewer of this review.")
                    % {"user": data["arbiter"].get_username()}
                }
            )
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    if settings.extractors_required not in (1, 2):
        raise ValidationError(
            {"extractors_required": _("Each study is extracted by 1 or 2 people.")}
        )
    if settings.assumed_r is None or not -1 <= settings.assumed_r <= 1:
        raise ValidationError({"assumed_r": _("A correlation lies between -1 and 1.")})
    settings.save()
    changes = field_changes(before, _settings_values(settings))
    if changes:
        audit_record(
            actor=lead,
            review=review,
            action="extraction.settings_changed",
            obj=settings,
            changes=changes,
        )
    return settings


# Studies and their reports -------------------------------------------------------------------


def studies_sync(*, review: Review) -> int:
    """Make a study of every record included at full text that reports none yet (its own
    study, labelled from its first author and year). Returns how many were made. Nothing
    happens while extraction is locked (the lock page lists records waiting for a study);
    studies whose reports are no longer included are flagged by `selectors.study_rows`, never
    deleted here."""
    if selectors.is_locked(review):
        return 0
    waiting = list(selectors.records_without_study(review))
    if not waiting:
        return 0
    try:
        with transaction.atomic():
            extraction_guard(review)
            taken = set(Study.objects.filter(review=review).values_list("label", flat=True))
            made = []
            for record in waiting:
                label = _free_label(selectors.study_label_for(record), taken)
                study = Study.objects.create(
                    review=review, label=label, provenance=Provenance.SCREENING
                )
                StudyReport.objects.create(review=review, study=study, record=record)
                made.append(study)
            audit_record(
                actor=None,
                review=review,
                action="extraction.studies_synced",
                obj=review,
                changes={"studies": [None, [s.label for s in made]]},
            )
    except (IntegrityError, ExtractionLocked):
        # Another request made them first, or a lead locked extraction meanwhile.
        return 0
    return len(made)


def _free_label(label: str, taken: set[str]) -> str:
    """The label, or with a, b, c … appended when another study has it (Smith 2020a)."""
    candidate, suffix = label, 0
    while candidate in taken:
        suffix += 1
        candidate = f"{label}{_letters(suffix)}"
    taken.add(candidate)
    return candidate


def _letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _check_label(review: Review, label: str, study: Study | None = None) -> str:
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("A study needs a label, e.g. Smith 2020.")})
    if len(label) > 100:
        raise ValidationError({"label": _("A label has at most 100 characters.")})
    clash = Study.objects.filter(review=review, label=label)
    if study is not None:
        clash = clash.exclude(pk=study.pk)
    if clash.exists():
        raise ValidationError(
            {"label": _("Another study of this review is labelled “%(label)s”.") % {"label": label}}
        )
    return label


def _check_design(design: str) -> str:
    if design and design not in Design.values:
        raise ValidationError(
            {
                "design": _("“%(design)s” is not a design; use one of %(designs)s.")
                % {"design": design, "designs": ", ".join(Design.values)}
            }
        )
    return design


@transaction.atomic
def study_create(
    *,
    lead: User,
    review: Review,
    label: str,
    citation: str = "",
    design: str = "",
    provenance: str = Provenance.OTHER_METHODS,
) -> Study:
    """A study added by hand (found in a reference list: PRISMA's “other methods”)."""
    extraction_guard(review)
    if provenance == Provenance.OTHER_METHODS and not citation.strip():
        raise ValidationError({"citation": _("Give the citation of a study added by hand.")})
    study = Study.objects.create(
        review=review,
        label=_check_label(review, label),
        citation=citation.strip(),
        design=_check_design(design),
        provenance=provenance,
        created_by=lead,
    )
    audit_record(
        actor=lead,
        review=review,
        action="extraction.study_added",
        obj=study,
        changes={"label": [None, study.label], "provenance": [None, provenance]},
    )
    return study


STUDY_FIELDS = ("label", "design", "citation")


@transaction.atomic
def study_update(*, lead: User, study: Study, data: dict[str, str]) -> Study:
    extraction_guard(study.review)
    before = {f: getattr(study, f) for f in STUDY_FIELDS}
    if "label" in data:
        study.label = _check_label(study.review, data["label"], study)
    if "design" in data:
        study.design = _check_design(data["design"])
    if "citation" in data:
        study.citation = data["citation"].strip()
    study.save(update_fields=list(STUDY_FIELDS))
    changes = field_changes(before, {f: getattr(study, f) for f in STUDY_FIELDS})
    if changes:
        audit_record(
            actor=lead,
            review=study.review,
            action="extraction.study_changed",
            obj=study,
            changes=changes,
        )
    return study


@transaction.atomic
def study_delete(*, lead: User, study: Study) -> None:
    """Remove a study (added by mistake, or whose reports are no longer included) with its
    extractions. Its reports, if still included, become studies of their own again."""
    review = study.review
    extraction_guard(review)
    audit_record(
        actor=lead,
        review=review,
        action="extraction.study_deleted",
        obj=study,
        changes={"label": [study.label, None], "extractions": [study.extractions.count(), 0]},
    )
    study.delete()


@transaction.atomic
def report_link(*, lead: User, study: Study, record_id: int) -> StudyReport:
    """Make an included record a report of `study` (a trial's protocol, main paper and
    follow-up are one study). The study the record came from goes if that leaves it with no
    report and no extraction; otherwise it stays, flagged, for the lead to settle."""
    review = study.review
    extraction_guard(review)
    record = selectors.included_records(review).filter(pk=record_id).first()
    if record is None:
        raise ValidationError(
            {
                "record": _("Record %(id)s is not a report included at full text in this review.")
                % {"id": record_id}
            }
        )
    link = StudyReport.objects.select_related("study").filter(record=record).first()
    if link is not None and link.study_id == study.pk:
        return link
    before = link.study.label if link is not None else None
    if link is not None:
        previous = link.study
        link.delete()
        if not previous.reports.exists() and not previous.extractions.exists():
            previous.delete()
    link = StudyReport.objects.create(review=review, study=study, record=record, linked_by=lead)
    audit_record(
        actor=lead,
        review=review,
        action="extraction.report_linked",
        obj=link,
        changes={"record": [None, record.pk], "study": [before, study.label]},
    )
    return link


@transaction.atomic
def report_unlink(*, lead: User, study: Study, record_id: int) -> Study:
    """Separate a report from its study: it becomes a study of its own."""
    review = study.review
    extraction_guard(review)
    link = StudyReport.objects.select_related("record").filter(study=study, record_id=record_id)
    found = link.first()
    if found is None:
        raise ValidationError(
            {
                "record": _("Record %(id)s is not a report of %(study)s.")
                % {"id": record_id, "study": study.label}
            }
        )
    if study.reports.count() == 1 and study.provenance == Provenance.SCREENING:
        raise ValidationError(
            {
                "record": _(
                    "Record %(id)s is the only report of %(study)s: delete the study instead, "
                    "or link another report first."
                )
                % {"id": record_id, "study": study.label}
            }
        )
    record = found.record
    found.delete()
    taken = set(Study.objects.filter(review=review).values_list("label", flat=True))
    own = Study.objects.create(
        review=review,
        label=_free_label(selectors.study_label_for(record), taken),
        provenance=Provenance.SCREENING,
        created_by=lead,
    )
    StudyReport.objects.create(review=review, study=own, record=record, linked_by=lead)
    audit_record(
        actor=lead,
        review=review,
        action="extraction.report_unlinked",
        obj=study,
        changes={"record": [record.pk, None], "new_study": [None, own.label]},
    )
    return own


# The form -----------------------------------------------------------------------------------


def form_current_or_create(review: Review) -> FormVersion:
    """The review's latest form version; version 1 from the default template when there is
    none yet. Call inside a guarded transaction."""
    latest = selectors.form_current(review)
    if latest is not None:
        return latest
    return FormVersion.objects.create(review=review, number=1, definition=default_definition())


@transaction.atomic
def form_save(*, lead: User, review: Review, definition: Any) -> FormVersion:
    """Save the form. Before anyone has started extracting, the latest version changes in
    place; afterwards every change is a new version, so answers keep the version they were
    entered under."""
    extraction_guard(review)
    clean = definition_clean(definition)
    latest = selectors.form_current(review)
    if latest is not None and latest.definition == clean:
        return latest
    started = Extraction.objects.filter(review=review).exists()
    if latest is not None and not started:
        before = latest.definition
        latest.definition = clean
        latest.created_by = lead
        latest.save(update_fields=["definition", "created_by"])
        version = latest
    else:
        before = latest.definition if latest is not None else None
        number = latest.number + 1 if latest is not None else 1
        version = FormVersion.objects.create(
            review=review, number=number, definition=clean, created_by=lead
        )
    audit_record(
        actor=lead,
        review=review,
        action="extraction.form_saved",
        obj=version,
        changes={"version": [None, version.number], **_form_changes(before, clean)},
    )
    return version


def _form_changes(before: dict | None, after: dict) -> dict[str, list]:
    def keys(definition: dict | None, part: str) -> list[str]:
        return [item["key"] for item in (definition or {"fields": [], "outcomes": []})[part]]

    return {
        part: [keys(before, part), keys(after, part)]
        for part in ("fields", "outcomes")
        if keys(before, part) != keys(after, part)
    }


# Extractions ---------------------------------------------------------------------------------


@transaction.atomic
def extraction_start(*, extractor: User, study: Study) -> Extraction:
    """The extractor's extraction of the study, started now if it was not. Refused when the
    study already has as many extractors as the review asks for."""
    review = study.review
    settings = extraction_guard(review)
    mine = Extraction.objects.filter(study=study, extractor=extractor).first()
    if mine is not None:
        return mine
    others = Extraction.objects.filter(study=study, extractor__isnull=False).count()
    if others >= settings.extractors_required:
        raise ValidationError(
            ngettext(
                "%(study)s already has its %(n)s extractor.",
                "%(study)s already has its %(n)s extractors.",
                settings.extractors_required,
            )
            % {"study": study.label, "n": settings.extractors_required}
        )
    extraction = Extraction.objects.create(
        review=review, study=study, extractor=extractor, form_version=form_current_or_create(review)
    )
    audit_record(
        actor=extractor,
        review=review,
        action="extraction.started",
        obj=extraction,
        changes={"study": [None, study.label]},
    )
    return extraction


def consensus_of(study: Study) -> Extraction:
    """The study's consensus extraction, made when first needed (inside a guarded
    transaction)."""
    found = Extraction.objects.filter(study=study, extractor__isnull=True).first()
    if found is not None:
        return found
    return Extraction.objects.create(
        review=study.review,
        study=study,
        extractor=None,
        form_version=form_current_or_create(study.review),
    )


def _editable(extraction: Extraction) -> FormVersion:
    """Refuse changes to a finished extraction; return the version changes are entered under."""
    review = extraction.review
    extraction_guard(review)
    current = Extraction.objects.select_for_update().get(pk=extraction.pk)
    if current.status == Extraction.Status.DONE:
        if current.is_consensus:
            message = _("The consensus of %(study)s is marked done: reopen it to change it.")
        else:
            message = _("The extraction of %(study)s is marked done: reopen it to change it.")
        raise ValidationError(message % {"study": extraction.study.label})
    version = form_current_or_create(review)
    if current.form_version_id != version.pk:
        current.form_version = version
        current.save(update_fields=["form_version", "updated_at"])
    else:
        current.save(update_fields=["updated_at"])
    return version


def _typed_in_consensus(user, extraction: Extraction, item: str) -> None:
    if extraction.is_consensus:
        ConsensusDecision.objects.update_or_create(
            study=extraction.study,
            item=item,
            defaults={
                "review": extraction.review,
                "choice": ConsensusDecision.Choice.TYPED,
                "accepted_from": None,
                "decided_by": user,
            },
        )


def _audit_value(user, extraction: Extraction, action: str, obj, changes: dict) -> None:
    audit_record(
        actor=user,
        review=extraction.review,
        action=action,
        obj=obj,
        changes={"extraction": [None, str(extraction)], **changes},
    )


NOTES = ("source", "quote", "flag")


@transaction.atomic
def field_save(
    *,
    user: User,
    extraction: Extraction,
    key: str,
    value: Any,
    source: str = "",
    quote: str = "",
    flag: str = "",
) -> StudyFieldValue | None:
    """Save the answer to a study-level field (None or "" with no notes clears it)."""
    version = _editable(extraction)
    definition = field_of(version.definition, key)
    if definition is None:
        raise ValidationError(
            {
                "key": _("The form (v%(number)s) has no field “%(key)s”.")
                % {"number": version.number, "key": key}
            }
        )
    where = Where(extraction.study.label)
    clean = field_value_clean(definition, value, where)
    notes = {"source": source.strip()[:200], "quote": quote.strip(), "flag": flag.strip()[:200]}
    existing = StudyFieldValue.objects.filter(extraction=extraction, key=key).first()
    before = existing.value if existing is not None else None
    if clean is None and not any(notes.values()) and not extraction.is_consensus:
        if existing is not None:
            existing.delete()
            _audit_value(
                user, extraction, "extraction.value_cleared", extraction, {key: [before, None]}
            )
        return None
    saved, _created = StudyFieldValue.objects.update_or_create(
        extraction=extraction,
        key=key,
        defaults={
            "review": extraction.review,
            "value": clean,
            "form_version": version,
            "updated_by": user,
            "accepted_from": None,
            **notes,
        },
    )
    _typed_in_consensus(user, extraction, f"field:{key}")
    if before != clean or existing is None:
        _audit_value(user, extraction, "extraction.value_saved", saved, {key: [before, clean]})
    return saved


@transaction.atomic
def arm_save(
    *,
    user: User,
    extraction: Extraction,
    position: int,
    label: str,
    n: Any = None,
    role: str = Arm.Role.INTERVENTION,
) -> Arm:
    version = _editable(extraction)
    label = (label or "").strip()
    where = Where(extraction.study.label, arm=label or _("arm %(n)s") % {"n": position})
    if not label:
        raise ValidationError(_("%(where)s: an arm needs a name.") % {"where": where})
    if position < 1 or position > 20:
        raise ValidationError(_("%(where)s: arms are numbered 1 to 20.") % {"where": where})
    if role not in Arm.Role.values:
        raise ValidationError(
            _("%(where)s: role “%(role)s” is not one of %(roles)s.")
            % {"where": where, "role": role, "roles": ", ".join(Arm.Role.values)}
        )
    size = number(n, where, "n")
    if size is not None and size < 1:
        raise ValidationError(
            f"{where} · n: " + _("must be at least 1 (got %(value)s)") % {"value": f"{size:g}"}
        )
    size_int = int(size) if size is not None else None
    if size_int is not None:
        too_many = OutcomeValue.objects.filter(
            extraction=extraction, arm__position=position, n__gt=size_int
        ).first()
        if too_many is not None:
            raise ValidationError(
                f"{where} · n: "
                + _(
                    "%(n)s is fewer than the %(analysed)s analysed for %(outcome)s at "
                    "%(timepoint)s."
                )
                % {
                    "n": size_int,
                    "analysed": too_many.n,
                    "outcome": too_many.outcome,
                    "timepoint": too_many.timepoint,
                }
            )
    existing = Arm.objects.filter(extraction=extraction, position=position).first()
    before = (existing.label, existing.n, existing.role) if existing else None
    arm, _created = Arm.objects.update_or_create(
        extraction=extraction,
        position=position,
        defaults={
            "review": extraction.review,
            "label": label,
            "n": size_int,
            "role": role,
            "form_version": version,
            "updated_by": user,
            "accepted_from": None,
        },
    )
    _typed_in_consensus(user, extraction, f"arm:{position}")
    if before != (arm.label, arm.n, arm.role):
        _audit_value(
            user,
            extraction,
            "extraction.arm_saved",
            arm,
            {"arm": [list(before) if before else None, [arm.label, arm.n, arm.role]]},
        )
    return arm


@transaction.atomic
def arm_delete(*, user: User, extraction: Extraction, position: int) -> None:
    """Remove an arm and its outcome values."""
    _editable(extraction)
    arm = Arm.objects.filter(extraction=extraction, position=position).first()
    if arm is None:
        raise ValidationError(
            _("%(study)s has no arm %(n)s.") % {"study": extraction.study.label, "n": position}
        )
    _audit_value(
        user,
        extraction,
        "extraction.arm_deleted",
        arm,
        {"arm": [[arm.label, arm.n, arm.role], None], "values": [arm.outcome_values.count(), 0]},
    )
    _typed_in_consensus(user, extraction, f"arm:{position}")
    arm.delete()


def _outcome_target(extraction: Extraction, version: FormVersion, outcome: str, timepoint: str):
    definition = outcome_of(version.definition, outcome)
    if definition is None:
        raise ValidationError(
            {
                "outcome": _("The form (v%(number)s) has no outcome “%(outcome)s”.")
                % {"number": version.number, "outcome": outcome}
            }
        )
    if timepoint not in definition["timepoints"]:
        raise ValidationError(
            {
                "timepoint": _("%(outcome)s has no time point “%(timepoint)s” (it has: %(all)s).")
                % {
                    "outcome": definition["name"],
                    "timepoint": timepoint,
                    "all": ", ".join(definition["timepoints"]),
                }
            }
        )
    return definition


@transaction.atomic
def outcome_row_save(
    *,
    user: User,
    extraction: Extraction,
    outcome: str,
    timepoint: str,
    cells: list[dict[str, Any]],
) -> list[tuple[OutcomeValue | None, CleanRow | None]]:
    """Save one outcome at one time point, all its arms at once (the row of a report's
    table): each cell is ``{"arm": position or None for the paired row, "format": …,
    "values": {name: typed}, "source", "quote", "flag"}``. A cell with no number and a
    format other than “not reported” clears that arm's value. All cells or none."""
    version = _editable(extraction)
    study = extraction.study
    definition = _outcome_target(extraction, version, outcome, timepoint)
    arms = {arm.position: arm for arm in Arm.objects.filter(extraction=extraction)}
    saved: list[tuple[OutcomeValue | None, CleanRow | None]] = []
    for cell in cells:
        position = cell.get("arm")
        fmt = cell.get("format") or ""
        typed = cell.get("values") or {}
        if position is None:
            if not study.is_paired:
                raise ValidationError(
                    _(
                        "%(where)s: the within-person row (r, mean difference) is for paired "
                        "designs; set the study's design."
                    )
                    % {"where": Where(study.label, definition["name"], timepoint)}
                )
            arm, fmt = None, PAIRED_FORMAT
            where = Where(study.label, definition["name"], timepoint, _("within-person"))
        else:
            arm = arms.get(int(position))
            if arm is None:
                raise ValidationError(
                    _("%(study)s has no arm %(n)s: add it first.")
                    % {"study": study.label, "n": position}
                )
            where = Where(study.label, definition["name"], timepoint, arm.label)
        existing = OutcomeValue.objects.filter(
            extraction=extraction, outcome=outcome, timepoint=timepoint, arm=arm
        ).first()
        given = any(str(v).strip() for v in typed.values() if v is not None)
        if not given and fmt != "not_reported":
            if existing is not None:
                _audit_value(
                    user,
                    extraction,
                    "extraction.value_cleared",
                    existing,
                    {"value": [existing.reported, None]},
                )
                existing.delete()
            _typed_in_consensus(user, extraction, item_of(outcome, timepoint, position))
            saved.append((None, None))
            continue
        clean = outcome_row_clean(
            where=where,
            outcome_type=definition["type"],
            fmt=fmt,
            typed=typed,
            arm_n=arm.n if arm is not None else None,
        )
        a = clean.analysable
        value, _created = OutcomeValue.objects.update_or_create(
            extraction=extraction,
            outcome=outcome,
            timepoint=timepoint,
            arm=arm,
            defaults={
                "review": extraction.review,
                "format": clean.format,
                "reported": clean.reported,
                "n": a.n,
                "mean": a.mean,
                "sd": a.sd,
                "events": a.events,
                "r": a.r,
                "basis": a.basis,
                "method": a.method,
                "unconverted": a.unconverted,
                "form_version": version,
                "updated_by": user,
                "accepted_from": None,
                **{k: str(cell.get(k) or "").strip() for k in NOTES},
            },
        )
        _typed_in_consensus(user, extraction, item_of(outcome, timepoint, position))
        before = [existing.format, existing.reported] if existing else None
        if before != [value.format, value.reported]:
            _audit_value(
                user,
                extraction,
                "extraction.value_saved",
                value,
                {
                    f"{outcome}@{timepoint}@{position or 'paired'}": [
                        before,
                        [value.format, value.reported],
                    ]
                },
            )
        saved.append((value, clean))
    return saved


def item_of(outcome: str, timepoint: str, position: int | None) -> str:
    return f"outcome:{outcome}|{timepoint}|{position if position is not None else 'paired'}"


@transaction.atomic
def extraction_done(*, user: User, extraction: Extraction) -> Extraction:
    """Mark an extractor's extraction finished: every value complete and valid, every required
    field answered. Its values then feed the comparison."""
    if extraction.is_consensus:
        raise ValidationError(_("A consensus is completed on the comparison page."))
    version = _editable(extraction)
    problems = selectors.extraction_problems(extraction, version)
    if problems:
        raise ValidationError(problems)
    Extraction.objects.filter(pk=extraction.pk).update(
        status=Extraction.Status.DONE, done_by=user, done_at=timezone.now()
    )
    extraction.refresh_from_db()
    audit_record(
        actor=user,
        review=extraction.review,
        action="extraction.done",
        obj=extraction,
        changes={"status": ["in_progress", "done"]},
    )
    return extraction


@transaction.atomic
def extraction_reopen(*, user: User, extraction: Extraction) -> Extraction:
    """Reopen a finished extraction (refused once the study's consensus is complete)."""
    extraction_guard(extraction.review)
    if extraction.status != Extraction.Status.DONE:
        return extraction
    if not extraction.is_consensus:
        consensus = Extraction.objects.filter(study=extraction.study, extractor__isnull=True)
        if consensus.filter(status=Extraction.Status.DONE).exists():
            raise ValidationError(
                _("The consensus of %(study)s is complete; a lead reopens it first.")
                % {"study": extraction.study.label}
            )
    Extraction.objects.filter(pk=extraction.pk).update(
        status=Extraction.Status.IN_PROGRESS, done_by=None, done_at=None
    )
    extraction.refresh_from_db()
    audit_record(
        actor=user,
        review=extraction.review,
        action="extraction.reopened",
        obj=extraction,
        changes={"status": ["done", "in_progress"]},
    )
    return extraction
