"""Comparing a study's extractions and building its consensus, item by item.

An *item* is one study-level field (``field:country``), one arm (``arm:2``: its name, n and
role) or one outcome value (``outcome:scar_score|3 months|2``, or ``…|paired`` for a paired
design's within-person row). The comparison puts every item any extractor entered side by
side and marks those that differ. The consensus takes each item from one side (accepted), from
every side at once when they agree, or as typed on the consensus entry page; each way is a
`ConsensusDecision` recording who and when. A consensus is complete once every item has a
decision and its values pass the checks an extraction passes when it is marked done.

Extractors never see each other's values here: the comparison opens to leads and the
arbiter once every required extraction is done, and to the other members once the consensus
is complete (`can_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from extraction import selectors
from extraction.conversions import ALL_INPUTS, LABELS, PAIRED_FORMAT, formats_for
from extraction.definitions import outcome_of, shown
from extraction.models import (
    Arm,
    ConsensusDecision,
    Extraction,
    ExtractionSettings,
    OutcomeValue,
    Study,
    StudyFieldValue,
)
from extraction.services import (
    consensus_of,
    extraction_guard,
    form_current_or_create,
    item_of,
)
from reviews.audit import audit_record
from reviews.models import Membership


@dataclass
class Item:
    key: str
    kind: str  # field, arm or outcome
    label: str
    sides: list[Any]  # each extraction's row (None: not entered)
    consensus: Any
    differs: bool
    decision: ConsensusDecision | None

    @property
    def shown(self) -> list[str]:
        return [describe(self.kind, row) for row in self.sides]

    @property
    def consensus_shown(self) -> str:
        return describe(self.kind, self.consensus)


@dataclass
class Comparison:
    study: Study
    extractions: list[Extraction]  # the finished extractions, in the order they started
    consensus: Extraction | None
    items: list[Item]
    ready: bool  # every required extraction is done

    @property
    def undecided(self) -> list[Item]:
        return [item for item in self.items if item.decision is None]

    @property
    def differing(self) -> int:
        return sum(1 for item in self.items if item.differs)


def _comparable(kind: str, row: Any) -> Any:
    """What two extractors must both have entered for an item to agree: the value, the arm's
    name (ignoring case and spacing), n and role, or the format and every number (3.10 is 3.1);
    sources, quotes and flags are shown but not compared."""
    if row is None:
        return None
    if kind == "field":
        return row.value
    if kind == "arm":
        return (" ".join(row.label.split()).casefold(), row.n, row.role)
    return (row.format, tuple(sorted((k, float(v)) for k, v in row.reported.items())))


def describe(kind: str, row: Any) -> str:
    if row is None:
        return "—"
    if kind == "field":
        if row.value is None:
            return _("Not reported")
        if isinstance(row.value, bool):
            return _("Yes") if row.value else _("No")
        if isinstance(row.value, list):
            return "; ".join(str(v) for v in row.value)
        return str(row.value)
    if kind == "arm":
        n = f"n = {row.n}" if row.n is not None else _("n not given")
        return f"{row.label} · {n} · {row.get_role_display().lower()}"
    label = _("Within-person") if row.format == PAIRED_FORMAT else _format_label(row.format)
    # In the order a report's table gives them (PostgreSQL's jsonb keeps no key order).
    numbers = " · ".join(f"{LABELS[k]} {row.reported[k]}" for k in ALL_INPUTS if k in row.reported)
    return f"{label}: {numbers}" if numbers else label


def _format_label(fmt: str) -> str:
    for outcome_type in ("continuous", "dichotomous"):
        if fmt in formats_for(outcome_type):
            return str(formats_for(outcome_type)[fmt][0])
    return fmt


def can_view(study: Study, membership: Membership, settings: ExtractionSettings) -> bool:
    consensus = Extraction.objects.filter(study=study, extractor__isnull=True).first()
    if consensus is not None and consensus.status == Extraction.Status.DONE:
        return True
    return selectors.can_build_consensus(membership, settings) and is_ready(study, settings)


def is_ready(study: Study, settings: ExtractionSettings) -> bool:
    done = Extraction.objects.filter(
        study=study, extractor__isnull=False, status=Extraction.Status.DONE
    ).count()
    return done >= settings.extractors_required


def comparison(study: Study) -> Comparison:
    settings = selectors.extraction_settings(study.review)
    extractions = list(
        Extraction.objects.filter(
            study=study, extractor__isnull=False, status=Extraction.Status.DONE
        )
        .select_related("extractor")
        .order_by("pk")
    )
    consensus = Extraction.objects.filter(study=study, extractor__isnull=True).first()
    data = [selectors.extraction_data(e) for e in extractions]
    agreed = selectors.extraction_data(consensus) if consensus is not None else None
    decisions = {d.item: d for d in ConsensusDecision.objects.filter(study=study)}
    definition = selectors.form_definition(study.review)
    items = []

    field_keys = [spec["key"] for spec in definition["fields"]]
    for d in data:
        field_keys += [k for k in d.fields if k not in field_keys]
    labels = {spec["key"]: shown(spec["label"]) for spec in definition["fields"]}
    for key in field_keys:
        sides = [d.fields.get(key) for d in data]
        if all(s is None for s in sides) and (agreed is None or key not in agreed.fields):
            continue
        items.append(
            _item(
                f"field:{key}",
                "field",
                labels.get(key, key),
                sides,
                agreed.fields.get(key) if agreed else None,
                decisions,
            )
        )

    positions = sorted({arm.position for d in data for arm in d.arms})
    for position in positions:
        arms = [next((a for a in d.arms if a.position == position), None) for d in data]
        agreed_arm = (
            next((a for a in agreed.arms if a.position == position), None) if agreed else None
        )
        items.append(
            _item(
                f"arm:{position}",
                "arm",
                _("Arm %(n)s") % {"n": position},
                arms,
                agreed_arm,
                decisions,
            )
        )

    order = {o["key"]: (i, o) for i, o in enumerate(definition["outcomes"])}
    keys = sorted(
        {key for d in data for key in d.values},
        key=lambda k: (
            order.get(k[0], (999, None))[0],
            k[0],
            _timepoint_order(order.get(k[0], (0, None))[1], k[1]),
            k[2] if k[2] is not None else 999,
        ),
    )
    for outcome, timepoint, arm_position in keys:
        spec = outcome_of(definition, outcome)
        name = spec["name"] if spec else outcome
        where = (
            _("arm %(n)s") % {"n": arm_position} if arm_position is not None else _("within-person")
        )
        values = [d.values.get((outcome, timepoint, arm_position)) for d in data]
        agreed_value = agreed.values.get((outcome, timepoint, arm_position)) if agreed else None
        items.append(
            _item(
                item_of(outcome, timepoint, arm_position),
                "outcome",
                _("%(outcome)s at %(timepoint)s") % {"outcome": name, "timepoint": timepoint}
                + f" · {where}",
                values,
                agreed_value,
                decisions,
            )
        )
    return Comparison(
        study, extractions, consensus, items, len(extractions) >= settings.extractors_required
    )


def _timepoint_order(spec: dict | None, timepoint: str) -> int:
    if spec and timepoint in spec["timepoints"]:
        return spec["timepoints"].index(timepoint)
    return 999


def _item(key, kind, label, sides, consensus, decisions) -> Item:
    values = [_comparable(kind, s) for s in sides]
    return Item(
        key=key,
        kind=kind,
        label=label,
        sides=sides,
        consensus=consensus,
        differs=len(set(map(repr, values))) > 1,
        decision=decisions.get(key),
    )


# Writes --------------------------------------------------------------------------------------


@transaction.atomic
def consensus_open(study: Study) -> Extraction:
    """The study's consensus, open for changes (made when first needed); refused until every
    required extraction is done, and once the consensus is complete."""
    settings = extraction_guard(study.review)
    if not is_ready(study, settings):
        raise ValidationError(
            ngettext(
                "%(study)s: consensus starts once its %(n)s extraction(s) are marked done.",
                "%(study)s: consensus starts once its %(n)s extraction(s) are marked done.",
                settings.extractors_required,
            )
            % {"study": study.label, "n": settings.extractors_required}
        )
    consensus = consensus_of(study)
    if consensus.status == Extraction.Status.DONE:
        raise ValidationError(
            _("The consensus of %(study)s is complete: reopen it to change it.")
            % {"study": study.label}
        )
    form_current_or_create(study.review)
    return consensus


def _notes(row) -> dict[str, Any]:
    return {
        "source": row.source,
        "quote": row.quote,
        "flag": row.flag,
        "form_version": row.form_version,
        "accepted_from": row.extraction,
    }


def _copy(user, consensus: Extraction, kind: str, key: str, source: Extraction | None, row) -> None:
    """Make the consensus hold `row` (from `source`) for the item, or nothing when the source
    has none."""
    review = consensus.review
    if kind == "field":
        field_key = key.split(":", 1)[1]
        value = row.value if row is not None else None
        extra = (
            _notes(row)
            if row is not None
            else {
                "form_version": consensus.form_version,
                "accepted_from": source,
                "source": "",
                "quote": "",
                "flag": "",
            }
        )
        StudyFieldValue.objects.update_or_create(
            extraction=consensus,
            key=field_key,
            defaults={"review": review, "value": value, "updated_by": user, **extra},
        )
    elif kind == "arm":
        position = int(key.split(":", 1)[1])
        if row is None:
            Arm.objects.filter(extraction=consensus, position=position).delete()
        else:
            Arm.objects.update_or_create(
                extraction=consensus,
                position=position,
                defaults={
                    "review": review,
                    "label": row.label,
                    "n": row.n,
                    "role": row.role,
                    "updated_by": user,
                    **_notes(row),
                },
            )
    else:
        outcome, timepoint, where = key.split(":", 1)[1].split("|")
        arm_position = None if where == "paired" else int(where)
        arm = None
        if arm_position is not None:
            arm = Arm.objects.filter(extraction=consensus, position=arm_position).first()
            if arm is None and row is not None:
                # The value needs its arm: take the arm from the same side.
                _accept_one(
                    user, consensus.study, consensus, f"arm:{arm_position}", "arm", source, row.arm
                )
                arm = Arm.objects.get(extraction=consensus, position=arm_position)
        existing = OutcomeValue.objects.filter(
            extraction=consensus, outcome=outcome, timepoint=timepoint, arm=arm
        )
        if row is None:
            if arm_position is None or arm is not None:
                existing.delete()
            return
        fields = (
            "format",
            "reported",
            "n",
            "mean",
            "sd",
            "events",
            "r",
            "basis",
            "method",
            "unconverted",
        )
        OutcomeValue.objects.update_or_create(
            extraction=consensus,
            outcome=outcome,
            timepoint=timepoint,
            arm=arm,
            defaults={
                "review": review,
                "updated_by": user,
                **{f: getattr(row, f) for f in fields},
                **_notes(row),
            },
        )


def _accept_one(
    user, study, consensus, key, kind, source, row, choice=ConsensusDecision.Choice.ACCEPTED
):
    if kind == "arm" and row is None:
        # Values of an arm that goes must not stay behind without a decision.
        ConsensusDecision.objects.filter(
            study=study, item__startswith="outcome:", item__endswith=f"|{key.split(':')[1]}"
        ).delete()
    _copy(user, consensus, kind, key, source, row)
    ConsensusDecision.objects.update_or_create(
        study=study,
        item=key,
        defaults={
            "review": study.review,
            "choice": choice,
            "accepted_from": source,
            "decided_by": user,
        },
    )


@transaction.atomic
def consensus_accept(
    *, user: User, study: Study, item: str, extraction_id: int
) -> ConsensusDecision:
    """Take one item of the consensus from one extraction (its value, or its absence)."""
    consensus = consensus_open(study)
    found = comparison(study)
    target = next((i for i in found.items if i.key == item), None)
    if target is None:
        raise ValidationError(
            {
                "item": _("%(study)s has no item “%(item)s” to compare.")
                % {"study": study.label, "item": item}
            }
        )
    index = next((i for i, e in enumerate(found.extractions) if e.pk == extraction_id), None)
    if index is None:
        raise ValidationError(
            {
                "extraction": _("Extraction %(id)s is not a finished one of %(study)s.")
                % {"id": extraction_id, "study": study.label}
            }
        )
    source = found.extractions[index]
    # The comparison holds extractors' finished extractions only, never the consensus.
    assert source.extractor is not None
    _accept_one(user, study, consensus, item, target.kind, source, target.sides[index])
    audit_record(
        actor=user,
        review=study.review,
        action="extraction.consensus_accepted",
        obj=consensus,
        changes={
            "item": [None, item],
            "from": [None, source.extractor.get_username()],
            "value": [target.consensus_shown, target.shown[index]],
        },
    )
    return ConsensusDecision.objects.get(study=study, item=item)


@transaction.atomic
def consensus_accept_agreeing(*, user: User, study: Study) -> int:
    """Take every item on which all extractions agree and that has no decision yet (with one
    extractor: everything). Returns how many."""
    consensus = consensus_open(study)
    found = comparison(study)
    taken = []
    # Arms first: the outcome values hang on them.
    for item in sorted(found.items, key=lambda i: i.kind != "arm"):
        if item.differs or item.decision is not None:
            continue
        _accept_one(
            user,
            study,
            consensus,
            item.key,
            item.kind,
            found.extractions[0],
            item.sides[0],
            choice=ConsensusDecision.Choice.AGREED,
        )
        taken.append(item.key)
    if taken:
        audit_record(
            actor=user,
            review=study.review,
            action="extraction.consensus_agreed",
            obj=consensus,
            changes={"items": [None, taken]},
        )
    return len(taken)


@transaction.atomic
def consensus_complete(*, user: User, study: Study) -> Extraction:
    consensus = consensus_open(study)
    found = comparison(study)
    problems = [
        f"{study.label} · {item.label}: "
        + (
            _("the extractors differ; accept one side or type a value")
            if item.differs
            else _("not yet taken into the consensus")
        )
        for item in found.undecided
    ]
    version = form_current_or_create(study.review)
    if not problems:
        # Checked once every item is settled: an undecided field reads as missing too.
        problems = selectors.extraction_problems(consensus, version)
    if problems:
        raise ValidationError(problems)
    Extraction.objects.filter(pk=consensus.pk).update(
        status=Extraction.Status.DONE, done_by=user, done_at=timezone.now(), form_version=version
    )
    consensus.refresh_from_db()
    audit_record(
        actor=user,
        review=study.review,
        action="extraction.consensus_completed",
        obj=consensus,
        changes={"status": ["in_progress", "done"], "items": [None, len(found.items)]},
    )
    return consensus


@transaction.atomic
def consensus_reopen(*, user: User, study: Study) -> Extraction:
    extraction_guard(study.review)
    consensus = Extraction.objects.filter(study=study, extractor__isnull=True).first()
    if consensus is None or consensus.status != Extraction.Status.DONE:
        raise ValidationError(
            _("The consensus of %(study)s is not complete.") % {"study": study.label}
        )
    Extraction.objects.filter(pk=consensus.pk).update(
        status=Extraction.Status.IN_PROGRESS, done_by=None, done_at=None
    )
    consensus.refresh_from_db()
    audit_record(
        actor=user,
        review=study.review,
        action="extraction.consensus_reopened",
        obj=consensus,
        changes={"status": ["done", "in_progress"]},
    )
    return consensus
