"""Reads for screening: what each reviewer may see, what is left, what is in conflict.

A record's state at a stage follows from its decisions, computed in the database:
*pending* until the required number of reviewers have decided; then *included* or
*excluded* when they all agree (and none said maybe), otherwise a *conflict* until a lead
resolves it.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from reviews.models import Membership, Record, Review
from reviews.selectors import review_records, unique_records
from screening.models import Choice, Decision, Resolution, Stage, StageSettings


def stage_settings(review: Review, stage: str) -> StageSettings:
    """The stage's settings, or the defaults when a lead has not changed them."""
    found = StageSettings.objects.filter(review=review, stage=stage).first()
    return found or StageSettings(review=review, stage=stage)


def can_resolve(membership: Membership, settings: StageSettings) -> bool:
    """Leads resolve conflicts; so does the reviewer a lead designated as the stage's arbiter."""
    if membership.is_lead:
        return True
    return membership.can_write and settings.arbiter_id == membership.user_id


def _with_counts(records: QuerySet[Record], stage: str) -> QuerySet[Record]:
    at_stage = Q(decisions__stage=stage)
    return records.annotate(
        n_decisions=Count("decisions", filter=at_stage),
        n_include=Count("decisions", filter=at_stage & Q(decisions__decision=Choice.INCLUDE)),
        n_exclude=Count("decisions", filter=at_stage & Q(decisions__decision=Choice.EXCLUDE)),
        resolved=Exists(Resolution.objects.filter(record=OuterRef("pk"), stage=stage)),
        resolved_include=Exists(
            Resolution.objects.filter(record=OuterRef("pk"), stage=stage, decision=Choice.INCLUDE)
        ),
    )


def _included(required: int) -> Q:
    # Every decision in agrees (there may be more than `required` if a lead lowered it).
    agreed = Q(n_decisions__gte=required, n_include=F("n_decisions"))
    return Q(resolved_include=True) | (Q(resolved=False) & agreed)


def _excluded(required: int) -> Q:
    agreed = Q(n_decisions__gte=required, n_exclude=F("n_decisions"))
    return Q(resolved=True, resolved_include=False) | (Q(resolved=False) & agreed)


def screening_units(review: Review, stage: str) -> QuerySet[Record]:
    """The records screened at a stage: one per publication; at full text, those included at
    title/abstract."""
    units = unique_records(review_records(review))
    if stage == Stage.FULL_TEXT:
        required = stage_settings(review, Stage.TITLE_ABSTRACT).reviewers_required
        units = _with_counts(units, Stage.TITLE_ABSTRACT).filter(_included(required))
        units = Record.objects.filter(pk__in=units.values("pk")).select_related(
            "search_import", "cluster"
        )
        units = units.order_by("search_import__created_at", "search_import_id", "source_index")
    return units


def with_state(review: Review, stage: str) -> QuerySet[Record]:
    """Screening units annotated with their decision counts at `stage`."""
    return _with_counts(screening_units(review, stage), stage)


def included(review: Review, stage: str) -> QuerySet[Record]:
    required = stage_settings(review, stage).reviewers_required
    return with_state(review, stage).filter(_included(required))


def excluded(review: Review, stage: str) -> QuerySet[Record]:
    required = stage_settings(review, stage).reviewers_required
    return with_state(review, stage).filter(_excluded(required))


def conflicts(review: Review, stage: str) -> QuerySet[Record]:
    """Records every required reviewer decided, without agreeing, and no lead has resolved."""
    required = stage_settings(review, stage).reviewers_required
    return (
        with_state(review, stage)
        .filter(n_decisions__gte=required, resolved=False)
        .exclude(n_include=F("n_decisions"))
        .exclude(n_exclude=F("n_decisions"))
    )


def is_settled(record_id: int, stage: str, required: int) -> bool:
    """Whether every required decision is in, or a lead resolved the record: blinding lifts
    and decisions are final."""
    return (
        Resolution.objects.filter(record_id=record_id, stage=stage).exists()
        or Decision.objects.filter(record_id=record_id, stage=stage).count() >= required
    )


def next_for(reviewer: AbstractBaseUser, review: Review, stage: str) -> Record | None:
    """The reviewer's next record: not decided by them, and still needing decisions."""
    required = stage_settings(review, stage).reviewers_required
    mine = Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=reviewer)
    return (
        with_state(review, stage)
        .filter(n_decisions__lt=required, resolved=False)
        .exclude(Exists(mine))
        .first()
    )


def decisions_visible_to(
    viewer: AbstractBaseUser, review: Review, stage: str
) -> QuerySet[Decision]:
    """Every decision of a stage the viewer may see: their own; the others' on settled
    records, or all of them when the stage is not blinded."""
    settings = stage_settings(review, stage)
    decisions = (
        Decision.objects.filter(review=review, stage=stage)
        .select_related("reviewer")
        .order_by("record_id", "pk")
    )
    if not settings.blinded:
        return decisions
    n_at_stage = (
        Decision.objects.filter(record=OuterRef("record"), stage=stage)
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    resolved = Resolution.objects.filter(record=OuterRef("record"), stage=stage)
    return decisions.annotate(n_at_stage=Subquery(n_at_stage)).filter(
        Q(reviewer=viewer) | Q(n_at_stage__gte=settings.reviewers_required) | Exists(resolved)
    )


def visible_decisions(
    viewer: AbstractBaseUser, record: Record, stage: str, required: int, blinded: bool
) -> QuerySet[Decision]:
    """Decisions on a record the viewer may see: their own, and everyone's once blinding
    lifts (all required decisions are in) or when the stage is not blinded."""
    decisions = Decision.objects.filter(record=record, stage=stage).select_related("reviewer")
    if blinded and not is_settled(record.pk, stage, required):
        decisions = decisions.filter(reviewer=viewer)
    return decisions


def _mine(reviewer: AbstractBaseUser, stage: str) -> Exists:
    return Exists(Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=reviewer))


def awaiting(reviewer: AbstractBaseUser, review: Review, stage: str) -> QuerySet[Record]:
    """Records the reviewer can still decide: not decided by them, and still needing
    decisions."""
    required = stage_settings(review, stage).reviewers_required
    return (
        with_state(review, stage)
        .filter(n_decisions__lt=required, resolved=False)
        .exclude(_mine(reviewer, stage))
    )


def decided_by(reviewer: AbstractBaseUser, review: Review, stage: str) -> QuerySet[Record]:
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
    "undecided": "My undecided",
    "decided": "My decided",
    "conflicts": "Conflicts",
    "all": "All",
}


def screening_list(
    viewer: AbstractBaseUser, review: Review, stage: str, show: str, query: str = ""
) -> QuerySet[Record]:
    """The records of the screening list page, each with the viewer's own decision
    (`my_decision`) and its settled state, which blinding never hides."""
    if show == "undecided":
        records = awaiting(viewer, review, stage)
    elif show == "decided":
        records = decided_by(viewer, review, stage)
    elif show == "conflicts":
        records = conflicts(review, stage)
    else:
        records = with_state(review, stage)
    mine = Decision.objects.filter(record=OuterRef("pk"), stage=stage, reviewer=viewer)
    required = stage_settings(review, stage).reviewers_required
    return matching(records, query).annotate(
        my_decision=Subquery(mine.values("decision")[:1]),
        is_included=_included(required),
        is_excluded=_excluded(required),
        is_settled=Q(resolved=True) | Q(n_decisions__gte=required),
    )


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
