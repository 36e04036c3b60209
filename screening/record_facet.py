"""Screening on the Records page and in its exports: each record's status at each stage, the
decisions with their reasons and notes (as blinding lets the reader see them), and a filter
on the status. Registered with `reviews.hooks` in `ScreeningConfig.ready`, so the Records
page, which `reviews` serves, never names screening."""

from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from reviews.hooks import RecordFacet
from reviews.models import Record, Review
from screening import selectors
from screening.models import Choice, Stage, Tally, reason_label

STAGES = (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT)
SHORT = {Stage.TITLE_ABSTRACT: "ta", Stage.FULL_TEXT: "ft"}
COLUMNS = ("screening_status", "ta_status", "ta_decisions", "ft_status", "ft_decisions")

CHOICES = (
    ("included", gettext_lazy("Included (after full text)")),
    ("excluded", gettext_lazy("Excluded (either stage)")),
    ("conflict", gettext_lazy("In conflict")),
    ("awaiting", gettext_lazy("Awaiting title/abstract decisions")),
    ("ta_included", gettext_lazy("Included at title/abstract")),
    ("ta_excluded", gettext_lazy("Excluded at title/abstract")),
    ("ft_excluded", gettext_lazy("Excluded at full text")),
)


def _state(tally: Tally | None, required: int) -> str:
    """included, excluded, conflict, awaiting (some decisions, not all) or "" (none)."""
    if tally is None or (not tally.n_decisions and not tally.resolution):
        return ""
    if tally.resolution:
        return "included" if tally.resolution == Choice.INCLUDE else "excluded"
    if tally.n_decisions < required:
        return "awaiting"
    if tally.n_include == tally.n_decisions:
        return "included"
    if tally.n_exclude == tally.n_decisions:
        return "excluded"
    return "conflict"


def _stage_text(state: str, tally: Tally | None, required: int) -> str:
    if state == "awaiting" and tally is not None:
        return _("awaiting (%(n)s of %(required)s decisions)") % {
            "n": tally.n_decisions,
            "required": required,
        }
    return {
        "included": pgettext("screening status", "included"),
        "excluded": pgettext("screening status", "excluded"),
        "conflict": pgettext("screening status", "conflict"),
        "awaiting": pgettext("screening status", "awaiting"),
    }.get(state, pgettext("screening status", "not screened"))


def _overall(ta: str, ft: str) -> str:
    if ta == "excluded":
        return _("Excluded at title/abstract")
    if ta == "conflict":
        return _("In conflict at title/abstract")
    if ta != "included":
        return _("Awaiting title/abstract")
    return {
        "included": _("Included"),
        "excluded": _("Excluded at full text"),
        "conflict": _("In conflict at full text"),
    }.get(ft) or _("Awaiting full text")


def describe(review: Review, viewer: User, record_ids: list[int]) -> dict[int, dict[str, str]]:
    required = {s: selectors.stage_settings(review, s).reviewers_required for s in STAGES}
    tallies = {
        (t.record_id, t.stage): t
        for t in Tally.objects.filter(review=review, record_id__in=record_ids)
    }
    decisions: dict[tuple[int, str], list[str]] = defaultdict(list)
    for stage in STAGES:
        visible = selectors.decisions_visible_to(viewer, review, stage).filter(
            record_id__in=record_ids
        )
        for d in visible:
            text = f"{d.reviewer.get_username()}: {str(d.get_decision_display()).lower()}"
            if d.reason:
                text += f" ({reason_label(d.reason)})"
            if d.note:
                text += f" — {d.note}"
            decisions[(d.record_id, stage)].append(text)
    out = {}
    for record_id in record_ids:
        row, states = {}, {}
        for stage in STAGES:
            tally = tallies.get((record_id, stage))
            states[stage] = _state(tally, required[stage])
            row[f"{SHORT[stage]}_status"] = _stage_text(states[stage], tally, required[stage])
            row[f"{SHORT[stage]}_decisions"] = "; ".join(decisions[(record_id, stage)])
        row["screening_status"] = _overall(states[Stage.TITLE_ABSTRACT], states[Stage.FULL_TEXT])
        row["summary"] = row["screening_status"]
        row["detail"] = " · ".join(
            f"{Stage(stage).label.lower()}: {row[f'{SHORT[stage]}_decisions']}"
            for stage in STAGES
            if row[f"{SHORT[stage]}_decisions"]
        )
        out[record_id] = row
    return out


def _ids(records: QuerySet[Record]):
    return records.values("pk")


def narrow(review: Review, viewer: User, records: QuerySet[Record], value: str):
    ta, ft = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
    found = {
        "included": lambda: _ids(selectors.included(review, ft)),
        "ta_included": lambda: _ids(selectors.included(review, ta)),
        "ta_excluded": lambda: _ids(selectors.excluded(review, ta)),
        "ft_excluded": lambda: _ids(selectors.excluded(review, ft)),
    }
    if value in found:
        return records.filter(pk__in=found[value]())
    if value == "excluded":
        return records.filter(pk__in=_ids(selectors.excluded(review, ta))) | records.filter(
            pk__in=_ids(selectors.excluded(review, ft))
        )
    if value == "conflict":
        return records.filter(pk__in=_ids(selectors.conflicts(review, ta))) | records.filter(
            pk__in=_ids(selectors.conflicts(review, ft))
        )
    if value == "awaiting":
        settled_or_conflict = [
            *(_ids(selectors.included(review, ta)), _ids(selectors.excluded(review, ta))),
            _ids(selectors.conflicts(review, ta)),
        ]
        for ids in settled_or_conflict:
            records = records.exclude(pk__in=ids)
        return records
    return records


FACET = RecordFacet(
    key="screening",
    label=gettext_lazy("Screening"),
    choices=CHOICES,
    columns=COLUMNS,
    describe=describe,
    filter=narrow,
)
