"""Reads for screening: what each reviewer may see, what is left, what is in conflict.

A record's state at a stage follows from its decisions, computed in the database:
*pending* until the required number of reviewers have decided; then *included* or
*excluded* when they all agree (and none said maybe), otherwise a *conflict* until a lead
resolves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from reviews.models import AuditEvent, DuplicateCluster, Job, Record, Review
from reviews.selectors import review_records, unique_records
from screening.models import (
    Choice,
    Claim,
    Decision,
    FullText,
    Priority,
    Ranking,
    Stage,
    StageSettings,
    Tally,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class StateAnnotations(TypedDict):
    """What `with_state` adds to each record: its tally at the stage."""

    n_decisions: int
    n_include: int
    n_exclude: int
    resolved: bool
    resolved_include: bool


def stage_settings(review: Review, stage: str) -> StageSettings:
    """The stage's settings, or the defaults when a lead has not changed them.

    Read once per review object: a request fetches its review once (`review_for_user`), and
    deciding a record consults the settings in several places."""
    read: dict[str, StageSettings] = review.__dict__.setdefault("_screening_settings", {})
    if stage not in read:
        found = StageSettings.objects.filter(review=review, stage=stage).first()
        read[stage] = found or StageSettings(review=review, stage=stage)
    return read[stage]


def stage_settings_forget(review: Review) -> None:
    """After the settings change, read them again."""
    review.__dict__.pop("_screening_settings", None)


def _with_counts(
    records: QuerySet[Record], stage: str
) -> QuerySet[WithAnnotations[Record, StateAnnotations]]:
    """Records annotated with their tally at the stage (zero when nobody has decided)."""
    return records.annotate(
        tally=FilteredRelation("tallies", condition=Q(tallies__stage=stage)),
        n_decisions=Coalesce(F("tally__n_decisions"), 0),
        n_include=Coalesce(F("tally__n_include"), 0),
        n_exclude=Coalesce(F("tally__n_exclude"), 0),
        resolved=Case(
            When(tally__resolution__in=[Choice.INCLUDE, Choice.EXCLUDE], then=True),
            default=False,
            output_field=BooleanField(),
        ),
        resolved_include=Case(
            When(tally__resolution=Choice.INCLUDE, then=True),
            default=False,
            output_field=BooleanField(),
        ),
    )


def _settled_q(required: int, decision: str) -> Q:
    agreed_field = "n_include" if decision == Choice.INCLUDE else "n_exclude"
    agreed = Q(resolution="", n_decisions__gte=required, **{agreed_field: F("n_decisions")})
    return Q(resolution=decision) | agreed


def _settled_as(review: Review, stage: str, decision: str) -> QuerySet[Tally]:
    """Tallies of records settled on `decision` at the stage: the database starts from the
    (few) decided records rather than from every record."""
    required = stage_settings(review, stage).reviewers_required
    return Tally.objects.filter(review=review, stage=stage).filter(_settled_q(required, decision))


def screening_units(review: Review, stage: str) -> QuerySet[Record]:
    """The records screened at a stage: one per publication; at full text, the reports sought
    except those that could not be retrieved (they are not assessed)."""
    if stage == Stage.FULL_TEXT:
        return reports_sought(review).exclude(full_text__not_retrieved=True)
    return unique_records(review_records(review))


def settled_counts(review: Review, stage: str) -> tuple[int, int]:
    """(included, excluded) at the stage, straight from the tallies (one aggregate over the
    stage's tallies)."""
    required = stage_settings(review, stage).reviewers_required
    counts = Tally.objects.filter(review=review, stage=stage).aggregate(
        included=Count("pk", filter=_settled_q(required, Choice.INCLUDE)),
        excluded=Count("pk", filter=_settled_q(required, Choice.EXCLUDE)),
    )
    return counts["included"], counts["excluded"]


def settled_both(review: Review, stage: str) -> bool:
    """Whether at least one record is settled as included and one as excluded: two EXISTS
    that stop at the first row found, where counting reads every tally of the stage."""
    required = stage_settings(review, stage).reviewers_required
    tallies = Tally.objects.filter(review=review, stage=stage)
    return tallies.filter(_settled_q(required, Choice.INCLUDE)).exists() and (
        tallies.filter(_settled_q(required, Choice.EXCLUDE)).exists()
    )


def reports_sought(review: Review) -> QuerySet[Record]:
    """The reports sought for full-text screening: records included at title/abstract, whether
    or not their full text was retrieved."""
    included_at_ta = _settled_as(review, Stage.TITLE_ABSTRACT, Choice.INCLUDE)
    return unique_records(review_records(review)).filter(pk__in=included_at_ta.values("record_id"))


def not_retrieved(review: Review) -> QuerySet[Record]:
    """Reports sought whose full text could not be retrieved (a PRISMA count)."""
    return reports_sought(review).filter(full_text__not_retrieved=True)


def full_text(record: Record) -> FullText | None:
    """The record's full text (a PDF or a "not retrieved" mark), if it has one."""
    return FullText.objects.select_related("updated_by").filter(record=record).first()


def with_state(review: Review, stage: str) -> QuerySet[WithAnnotations[Record, StateAnnotations]]:
    """Screening units annotated with their decision counts at `stage`."""
    return _with_counts(screening_units(review, stage), stage)


def included(review: Review, stage: str) -> QuerySet[Record]:
    settled = _settled_as(review, stage, Choice.INCLUDE)
    return with_state(review, stage).filter(pk__in=settled.values("record_id"))


def excluded(review: Review, stage: str) -> QuerySet[Record]:
    settled = _settled_as(review, stage, Choice.EXCLUDE)
    return with_state(review, stage).filter(pk__in=settled.values("record_id"))


def conflicts(review: Review, stage: str) -> QuerySet[Record]:
    """Records every required reviewer decided, without agreeing, and no lead has resolved."""
    required = stage_settings(review, stage).reviewers_required
    disagreed = (
        Tally.objects.filter(review=review, stage=stage, n_decisions__gte=required, resolution="")
        .exclude(n_include=F("n_decisions"))
        .exclude(n_exclude=F("n_decisions"))
    )
    return with_state(review, stage).filter(pk__in=disagreed.values("record_id"))


def conflicts_with_decisions(review: Review, stage: str) -> QuerySet[Record]:
    """Conflicts with their decisions at the stage (and who made them) fetched in one go."""
    decisions = Decision.objects.filter(stage=stage).select_related("reviewer").order_by("pk")
    return (
        conflicts(review, stage)
        .order_by("pk")
        .prefetch_related(Prefetch("decisions", queryset=decisions, to_attr="stage_decisions"))
    )


def is_settled(record_id: int, stage: str) -> bool:
    """Whether every required decision is in, or a lead resolved the record: blinding lifts
    and decisions are final. Read from the record's tally (no tally: nobody has decided)."""
    return Tally.objects.filter(record_id=record_id, stage=stage, open=False).exists()


def next_for(
    reviewer: User,
    review: Review,
    stage: str,
    *,
    skip: int | None = None,
) -> Record | None:
    """The reviewer's next record (see `next_records`)."""
    found = next_records(reviewer, review, stage, skip=skip)
    return found[0] if found else None


def next_records(
    reviewer: User,
    review: Review,
    stage: str,
    *,
    n: int = 1,
    skip: int | None = None,
    lock: bool = False,
) -> list[Record]:
    """The reviewer's next record and, with `n=2`, the one after it (from the same query; the
    screening page prefetches it): not decided by them, and still needing decisions. On a
    prioritised stage the highest relevance score comes first (`screening.prioritisation`);
    records without a score (none yet, or imported since) follow in import order. `skip`
    leaves one record out (the page prefetches the record after the one shown). `lock` (inside
    the transaction that claims the record) passes over candidates another reviewer is
    claiming at this moment, so two at once do not take the same place.

    The candidates are the open tallies (`Tally.open`, kept by the services), read through
    indexes in order, so the cost follows the records skipped (the reviewer's own, awaiting
    a partner), not the size of the review.
    """
    settings = stage_settings(review, stage)
    if stage == Stage.FULL_TEXT:
        record = _next_full_text(reviewer, review, settings, skip)
        return [record] if record is not None else []
    # The reviewer's own decision on the walked record, as a scalar subquery so PostgreSQL
    # probes the unique decision index row by row as it walks. As NOT EXISTS it became a merge
    # anti join or a hash of all the reviewer's decisions, either way reading every decision
    # up to the first open record (2-6 ms at 60,000 decisions, bench/RESULTS.md).
    mine = Subquery(
        Decision.objects.filter(record=OuterRef("record"), stage=stage, reviewer=reviewer).values(
            "pk"
        )[:1]
    )
    # A screening unit: in no duplicate group, or standing for its group (its primary, or the
    # group was undone). Asked of the group by a subquery, only for grouped records, rather
    # than through a join whose plan PostgreSQL chose badly once few rows were expected.
    standing = DuplicateCluster.objects.filter(pk=OuterRef("record__cluster_id")).filter(
        Q(undone_at__isnull=False) | Q(primary=OuterRef("record_id"))
    )
    unit = Q(record__cluster__isnull=True) | Q(standing__isnull=False)
    open_tallies = Tally.objects.filter(review=review, stage=stage, open=True)
    candidates: list[QuerySet[Tally] | QuerySet[Priority]] = [open_tallies.order_by("record_id")]
    if settings.prioritise or settings.random_order:
        # The scores are the model's, or random ones (`stopping_review.random_order_set`).
        # Scores of settled records are deleted as they settle (`tallies.tally_recount`).
        scored = Priority.objects.filter(
            review=review, stage=stage, record__tallies__stage=stage, record__tallies__open=True
        )
        candidates.insert(0, scored.order_by("-score", "record_id"))
    # First a record not yet handed to as many reviewers as it needs, else any open one.
    for unclaimed in (True, False):
        for ordered in candidates:
            ordered = ordered.alias(standing=Subquery(standing.values("pk")[:1]), mine=mine)
            ordered = ordered.filter(unit, mine__isnull=True)
            if skip is not None:
                ordered = ordered.exclude(record_id=skip)
            if unclaimed:
                ordered = ordered.alias(taken=_taken(reviewer, stage)).filter(
                    taken__lt=settings.reviewers_required
                )
            # Screening shows the bibliographic fields (and a group's merged values, read with
            # the record's group only when it has one), never the record as read from its
            # file (`raw`, the largest column).
            ordered = ordered.select_related("record").defer("record__raw")
            if lock:
                # Lock the record row, as deciding does first, so the two never deadlock.
                ordered = ordered.select_for_update(skip_locked=True, of=("record",))
            found = [candidate.record for candidate in ordered[:n]]
            if found:
                return found
    return []


def _taken(reviewer: User, stage: str, record: str = "record") -> CombinedExpression:
    """Decisions in plus live claims of other reviewers on the outer row's record."""
    decided = Tally.objects.filter(record=OuterRef(record), stage=stage).values("n_decisions")
    claims = (
        Claim.objects.filter(record=OuterRef(record), stage=stage, until__gt=timezone.now())
        .exclude(reviewer=reviewer)
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(decided), 0) + Coalesce(Subquery(claims), 0)


def _next_full_text(
    reviewer, review: Review, settings: StageSettings, skip: int | None
) -> Record | None:
    # Full-text units are the few records included at title/abstract: read them directly.
    stage = Stage.FULL_TEXT
    mine = Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=reviewer)
    pending = (
        with_state(review, stage)
        .filter(n_decisions__lt=settings.reviewers_required, resolved=False)
        .exclude(Exists(mine))
    )
    if skip is not None:
        pending = pending.exclude(pk=skip)
    unclaimed = pending.alias(taken=_taken(reviewer, stage, "pk")).filter(
        taken__lt=settings.reviewers_required
    )
    return _first_by_priority(unclaimed, settings) or _first_by_priority(pending, settings)


def _first_by_priority(pending: QuerySet[Record], settings: StageSettings) -> Record | None:
    stage = settings.stage
    if settings.prioritise or settings.random_order:
        score = Priority.objects.filter(record=OuterRef("pk"), stage=stage).values("score")
        pending = pending.annotate(priority=Subquery(score)).order_by(
            F("priority").desc(nulls_last=True), "pk"
        )
    else:
        pending = pending.order_by("pk")
    return pending.first()


def blinding_allows(viewer: User, review: Review, *, decider: str, record: str, stage: str) -> Q:
    """Blinding, the one rule for every page, feed, export and API that shows a screening
    decision or a trace of one (its note, its undoing, its audit event): on a blinded stage, a
    decision is hidden from everyone but the reviewer who made it until its record settles
    (every required decision is in, or the record was resolved); then everyone may see it.
    Whatever their role: a lead screens like anyone else, so the rule holds for leads too.

    A condition for any query of decisions or their traces: `decider`, `record` and `stage`
    name its fields (or annotations) holding who decided, the record's id and the stage.
    """
    unblinded = StageSettings.objects.filter(review=review, blinded=False).values("stage")
    settled = Tally.objects.filter(record_id=OuterRef(record), stage=OuterRef(stage), open=False)
    return Q(**{decider: viewer}) | Q(**{f"{stage}__in": unblinded}) | Q(Exists(settled))


def decisions_visible_to(viewer: User, review: Review, stage: str) -> QuerySet[Decision]:
    """Every decision of a stage the viewer may see (`blinding_allows`)."""
    return (
        Decision.objects.filter(review=review, stage=stage)
        .filter(blinding_allows(viewer, review, decider="reviewer", record="record", stage="stage"))
        .select_related("reviewer")
        .order_by("record_id", "pk")
    )


def audit_events_visible_to(
    events: QuerySet[AuditEvent], *, review: Review, viewer: User
) -> QuerySet[AuditEvent]:
    """A review's audit events without the traces of decisions that blinding hides from the
    viewer: a decision's recording (with any change of it and its note) and its undoing.
    Registered with `reviews.hooks` in ScreeningConfig.ready."""
    # `changes` holds [old, new]: a decision's event names its record and stage in `new`, an
    # undo in `old`.
    legacy_undo_stage = Case(
        # Undos logged before they named their stage: the decision they name ends with it
        # (`Decision.__str__`, stored then and never changed since).
        *[When(object_repr__endswith=f"({s})", then=Value(s)) for s in Stage.values],
        output_field=TextField(),
    )
    decided = Q(action="screening.decided")
    undone = Q(action="screening.withdrawn")
    return events.annotate(
        decided_record=Case(
            When(decided, then=Cast(KT("changes__record__1"), IntegerField())),
            When(undone, then=Cast(KT("changes__record__0"), IntegerField())),
        ),
        decided_stage=Case(
            When(decided, then=KT("changes__stage__1")),
            When(undone, then=Coalesce(KT("changes__stage__0"), legacy_undo_stage)),
        ),
    ).filter(
        ~(decided | undone)
        | blinding_allows(
            viewer, review, decider="actor", record="decided_record", stage="decided_stage"
        )
    )


def _mine(reviewer: User, stage: str) -> Exists:
    return Exists(Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=reviewer))


def awaiting(reviewer: User, review: Review, stage: str) -> QuerySet[Record]:
    """Records the reviewer can still decide: not decided by them, and still needing
    decisions."""
    required = stage_settings(review, stage).reviewers_required
    return (
        with_state(review, stage)
        .filter(n_decisions__lt=required, resolved=False)
        .exclude(_mine(reviewer, stage))
    )


def decided_by(reviewer: User, review: Review, stage: str) -> QuerySet[Record]:
    return with_state(review, stage).filter(_mine(reviewer, stage))


def matching(records: QuerySet[Record], query: str) -> QuerySet[Record]:
    """Records whose title, abstract, journal, DOI or PMID contain every word of the query."""
    for word in query.split():
        records = records.filter(
            Q(title__icontains=word)
            | Q(translated_title__icontains=word)
            | Q(abstract__icontains=word)
            | Q(journal__icontains=word)
            | Q(doi__iexact=word)
            | Q(pmid=word)
        )
    return records


SHOW = {
    "undecided": gettext_lazy("My undecided"),
    "decided": gettext_lazy("My decided"),
    "conflicts": gettext_lazy("Conflicts"),
    "all": gettext_lazy("All"),
}
# Full text only: reports that could not be retrieved (out of screening until put back).
SHOW_FULL_TEXT = {**SHOW, "not_retrieved": gettext_lazy("Not retrieved")}


def screening_list(
    viewer: User, review: Review, stage: str, show: str, query: str = ""
) -> QuerySet[Record]:
    """The records of the screening list page, each with the viewer's own decision
    (`my_decision`) and its settled state, which blinding never hides."""
    if show == "undecided":
        records = awaiting(viewer, review, stage)
    elif show == "decided":
        records = decided_by(viewer, review, stage)
    elif show == "conflicts":
        records = conflicts(review, stage)
    elif show == "not_retrieved" and stage == Stage.FULL_TEXT:
        records = _with_counts(not_retrieved(review), stage)
    else:
        records = with_state(review, stage)
    mine = Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=viewer)
    required = stage_settings(review, stage).reviewers_required
    return matching(records, query).annotate(
        my_decision=Subquery(mine.values("decision")[:1]),
        is_included=Exists(
            _settled_as(review, stage, Choice.INCLUDE).filter(record=OuterRef("pk"))
        ),
        is_excluded=Exists(
            _settled_as(review, stage, Choice.EXCLUDE).filter(record=OuterRef("pk"))
        ),
        is_settled=Q(resolved=True) | Q(n_decisions__gte=required),
    )


def my_progress(reviewer: User, review: Review, stage: str) -> dict:
    """How many of the stage's records the reviewer has decided, of how many."""
    units = screening_units(review, stage)
    mine = Decision.objects.filter(review=review, stage=stage, reviewer=reviewer)
    # From the units side, so PostgreSQL joins the reviewer's decisions to the units' covering
    # index rather than hashing every unit (16 against 38 ms at 100,000 records).
    decided = units.filter(pk__in=mine.values("record_id")).count()
    return {"decided": decided, "total": units.count()}


def reviewer_progress(review: Review, stage: str) -> list[dict]:
    """How many of the stage's records each reviewer has decided (counts only: they reveal
    nobody's decisions)."""
    units = screening_units(review, stage)
    total = units.count()
    counts = dict(
        Decision.objects.filter(review=review, stage=stage, record__in=units.values("pk"))
        .values_list("reviewer__username")
        .annotate(n=Count("pk"))
    )
    writers = review.memberships.filter(role__in=["lead", "reviewer"]).select_related("user")
    return [
        {
            "reviewer": m.user.get_username(),
            "decided": counts.get(m.user.get_username(), 0),
            "total": total,
        }
        for m in writers
    ]


def ranking_status(review: Review, stage: str) -> dict:
    """Whether a stage's records come in order of relevance, and what its latest model learnt
    from (settled records only)."""
    latest = Ranking.objects.filter(review=review, stage=stage, trained_at__isnull=False).first()
    # A model that failed after the latest one (or before any) leaves the order as it was:
    # import order, or the last model's scores. Say so, rather than let a reviewer assume the
    # order is fresh.
    failed = (
        Job.objects.filter(
            review=review, kind="ranking", params__stage=stage, status=Job.Status.FAILED
        )
        .order_by("-finished_at")
        .first()
    )
    if failed is not None and latest is not None and latest.trained_at is not None:
        failed_at = failed.finished_at
        if failed_at is None or failed_at < latest.trained_at:
            failed = None
    return {
        "failed_at": failed.finished_at if failed else None,
        "active": latest is not None and stage_settings(review, stage).ranked,
        "random": stage_settings(review, stage).random_order,
        "trained_at": latest.trained_at if latest else None,
        "n_included": latest.n_included if latest else 0,
        "n_excluded": latest.n_excluded if latest else 0,
        "n_scored": latest.n_scored if latest else 0,
    }
