"""Where the apps above `reviews` plug in, so that `reviews` never names them (STYLE.md §10).

Each stage app registers, in its `AppConfig.ready()`:

- its **stage cards** for the dashboard (a function of the review returning the card);
- its **tabs** in the review's navigation;
- what it calls **work on records** (screening decisions …), so that undoing a duplicate
  merge asks for confirmation once any later stage has used the records;
- **audit event filters**, so that the audit log and the dashboard's feed, which `reviews`
  serves, hide what the app keeps from a reader (screening's blinding);
- **record facets**: what a stage knows about each record on the Records page and in its
  exports (screening's status, decisions, reasons and notes), with a filter on it;
- the **included studies counter** PRISMA's last box reads (extraction knows which reports
  make one study; screening, below it, cannot ask it directly).

Job kinds register in `reviews.jobs`. The registries are filled once per process, when
Django starts, and only read afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reviews.models import AuditEvent, Membership, Record, Review

# Called as `audit_filter(events, review=review, viewer=viewer)` on a review's audit events;
# returns those of them the viewer may see.
AuditEventFilter = Callable[..., QuerySet[AuditEvent]]


@dataclass(frozen=True)
class StageCard:
    """One step of the review lifecycle as the dashboard shows it."""

    key: str
    label: str
    description: str
    status: str = "not_started"  # not_started, in_progress or done
    counts: dict[str, int | str] = field(default_factory=dict)
    url: str = ""  # the stage's page, when it has one

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status) or self.status.replace("_", " ").capitalize())


# A stage card's status in words, in the reader's language.
STATUS_LABELS = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "done": _("Done"),
}


@dataclass(frozen=True)
class StageHook:
    key: str
    order: int
    card: Callable[[Review], StageCard]


@dataclass(frozen=True)
class NavTab:
    """A tab of the review navigation; `url` builds its address from the review."""

    label: str
    order: int
    url: Callable[[Review], str]
    # Who sees the tab: every member by default.
    shown_to: Callable[[Membership], bool] = lambda membership: True


@dataclass(frozen=True)
class RecordUse:
    """Work a stage app does on records: `record_ids` lists the records of a review it has
    touched. `what` names the work in a sentence ("Screening of these records has started")."""

    what: str
    record_ids: Callable[[Review], QuerySet[Record]]


@dataclass(frozen=True)
class RecordFacet:
    """A stage app's knowledge of records, for the Records page and its exports.

    `describe(review, viewer, record_ids)` gives, per record id, a value for each of
    `columns` (the exports' extra columns), and a short "summary" and longer "detail" for the
    page; it is called
    on one page or one export chunk at a time and must respect what `viewer` may see.
    `filter(review, viewer, records, value)` narrows the records to one of `choices`, under
    the query parameter `key`."""

    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    describe: Callable[..., dict[int, dict[str, str]]]
    filter: Callable[..., QuerySet[Record]]


_STAGES: dict[str, StageHook] = {}
_FACETS: dict[str, RecordFacet] = {}
_TABS: dict[str, NavTab] = {}
_RECORD_USES: dict[str, RecordUse] = {}
_AUDIT_FILTERS: dict[str, AuditEventFilter] = {}
# (studies included, reports of included studies) of a review, from the app that groups
# reports into studies.
_INCLUDED_COUNTER: list[Callable[[Review], tuple[int, int]]] = []


def stage_register(key: str, *, order: int, card: Callable[[Review], StageCard]) -> None:
    _STAGES[key] = StageHook(key, order, card)


def stages() -> list[StageHook]:
    return sorted(_STAGES.values(), key=lambda hook: hook.order)


def tab_register(key: str, tab: NavTab) -> None:
    _TABS[key] = tab


def tabs_for(review: Review) -> list[tuple[str, str]]:
    """(label, address) of the tabs the review's current member sees, in order."""
    membership = review.membership
    return [
        (tab.label, tab.url(review))
        for tab in sorted(_TABS.values(), key=lambda tab: tab.order)
        if tab.shown_to(membership)
    ]


def record_use_register(key: str, use: RecordUse) -> None:
    _RECORD_USES[key] = use


def record_uses() -> list[RecordUse]:
    return list(_RECORD_USES.values())


def audit_filter_register(key: str, audit_filter: AuditEventFilter) -> None:
    """Have every read of the audit log (`reviews.selectors.review_audit_events`) apply
    `audit_filter`."""
    _AUDIT_FILTERS[key] = audit_filter


def audit_filters() -> list[AuditEventFilter]:
    return list(_AUDIT_FILTERS.values())


def record_facet_register(facet: RecordFacet) -> None:
    _FACETS[facet.key] = facet


def record_facets() -> list[RecordFacet]:
    return list(_FACETS.values())


def included_counter_register(counter: Callable[[Review], tuple[int, int]]) -> None:
    _INCLUDED_COUNTER[:] = [counter]


def included_counts(review: Review) -> tuple[int, int] | None:
    """(studies, reports) from the registered counter, or None when no app registered one."""
    return _INCLUDED_COUNTER[0](review) if _INCLUDED_COUNTER else None
