"""Reads for pages and the API; each query fetches what its page shows in one go."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from reviews import hooks
from reviews.models import (
    AuditEvent,
    Database,
    DedupRun,
    DuplicateCluster,
    DuplicatePair,
    Job,
    Membership,
    Record,
    Review,
    SearchImport,
)


def reviews_for_user(user: AbstractBaseUser) -> QuerySet[Review]:
    """The reviews the user belongs to, each annotated with the user's role and team size."""
    role = Membership.objects.filter(review=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Review.objects.filter(memberships__user=user)
        .annotate(my_role=Subquery(role), member_count=Count("memberships", distinct=True))
        .order_by("-updated_at", "-pk")
    )


def review_members(review: Review) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(review=review)
        .select_related("user", "added_by")
        .order_by("role", "user__username")
    )


def review_audit_events(review: Review, *, viewer: AbstractBaseUser) -> QuerySet[AuditEvent]:
    """The review's audit events that `viewer` may see: every registered audit event filter
    (`reviews.hooks`) has its say, such as screening's blinding."""
    events = AuditEvent.objects.filter(review_id=review.pk).select_related("actor")
    for audit_filter in hooks.audit_event_filters:
        events = audit_filter(events, review=review, viewer=viewer)
    return events


def review_jobs(review: Review) -> QuerySet[Job]:
    return Job.objects.filter(review=review).select_related("created_by")


@dataclass(frozen=True)
class Stage:
    """One step of the review lifecycle as the dashboard shows it."""

    key: str
    label: str
    description: str
    status: str = "not_started"  # not_started, in_progress or done
    counts: dict[str, int | str] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return self.status.replace("_", " ").capitalize()


# The lifecycle in order. Each later feature replaces its stage's defaults with live counts
# from its own selector; a stage whose feature is not built yet shows as not started.
LIFECYCLE = (
    ("import", "Import", "Search results from each database, with provenance."),
    ("dedup", "Deduplicate", "Duplicates across databases found and merged."),
    ("title_abstract", "Title/abstract", "Dual, blinded screening of titles and abstracts."),
    ("full_text", "Full text", "Full-text screening with exclusion reasons."),
    ("risk_of_bias", "Risk of bias", "RoB 2, ROBINS-I, RoB 1 or NOS, dual with consensus."),
    ("extraction", "Extraction", "Study and outcome data, dual with consensus, then locked."),
    ("analysis", "Analysis", "Meta-analyses, plots and the summary of findings."),
)


def _import_stage(review: Review, stage: Stage) -> Stage:
    counts = imported_counts(review)
    if not counts:
        return stage
    return Stage(
        key=stage.key,
        label=stage.label,
        description=stage.description,
        status="in_progress",
        counts={**counts, "Total": sum(counts.values())},
    )


def _dedup_stage(review: Review, stage: Stage) -> Stage:
    run = DedupRun.objects.filter(review=review, status=DedupRun.Status.COMPLETE).first()
    if run is None or not run.counts:
        return stage
    to_review = review_queue(review).count()
    removed = sum(duplicates_removed_by_database(review).values())
    return Stage(
        key=stage.key,
        label=stage.label,
        description=stage.description,
        status="in_progress" if to_review else "done",
        counts={
            "Removed": removed,
            "To review": to_review,
            "Unique": run.counts["records"] - removed,
        },
    )


def _screening_stage(review: Review, stage: Stage) -> Stage:
    # Imported here: the screening app builds on this module's record selectors.
    from screening import selectors as screening
    from screening.agreement_summary import stage_agreement

    if not review.decisions.filter(stage=stage.key).exists():
        return stage
    units = screening.screening_units(review, stage.key).count()
    included = screening.included(review, stage.key).count()
    excluded = screening.excluded(review, stage.key).count()
    conflicts = screening.conflicts(review, stage.key).count()
    pending = units - included - excluded - conflicts
    return Stage(
        key=stage.key,
        label=stage.label,
        description=stage.description,
        status="done" if not pending and not conflicts else "in_progress",
        counts={
            "Included": included,
            "Excluded": excluded,
            "Conflicts": conflicts,
            "Pending": pending,
            **_kappa(stage_agreement(review, stage.key)),
        },
    )


def _kappa(agreement: dict) -> dict[str, str]:
    if agreement["kappa"] is None:
        return {}
    return {"Kappa": f"{agreement['kappa']:.2f}"}


def review_stages(review: Review) -> list[Stage]:
    stages = [Stage(key=key, label=label, description=text) for key, label, text in LIFECYCLE]
    stages[0] = _import_stage(review, stages[0])
    stages[1] = _dedup_stage(review, stages[1])
    stages[2] = _screening_stage(review, stages[2])
    stages[3] = _screening_stage(review, stages[3])
    return stages


def review_imports(review: Review) -> QuerySet[SearchImport]:
    return SearchImport.objects.filter(review=review).select_related("uploaded_by", "job")


def review_records(review: Review) -> QuerySet[Record]:
    """Records of completed imports, in import order: file by file, position in the file."""
    return (
        Record.objects.filter(review=review, search_import__status=SearchImport.Status.COMPLETE)
        .select_related("search_import", "cluster")
        .order_by("search_import__created_at", "search_import_id", "source_index")
    )


def unique_records(records: QuerySet[Record]) -> QuerySet[Record]:
    """One record per publication: records in no active duplicate group, and the primary
    record of each group (the exporters write its merged values)."""
    return records.filter(
        Q(cluster__isnull=True) | Q(cluster__undone_at__isnull=False) | Q(cluster__primary=F("pk"))
    ).select_related("cluster")


def imported_counts(review: Review) -> dict[str, int]:
    """Records identified per database, for the dashboard and PRISMA."""
    rows = (
        SearchImport.objects.filter(review=review, status=SearchImport.Status.COMPLETE)
        .values("database")
        .annotate(records=Sum("record_count"))
        .order_by("database")
    )
    labels = dict(Database.choices)
    return {labels[row["database"]]: row["records"] for row in rows}


def filter_records(records: QuerySet[Record], params) -> QuerySet[Record]:
    """Narrow a record list by the filters the records page and API offer."""
    if q := params.get("q", "").strip():
        for word in q.split():
            records = records.filter(title__icontains=word)
    if database := params.get("database"):
        records = records.filter(search_import__database=database)
    if (search_import := params.get("search_import", "")).isdecimal():
        records = records.filter(search_import_id=int(search_import))
    if (year := params.get("year", "")).isdecimal():
        records = records.filter(year=int(year))
    if doi := params.get("doi", "").strip():
        records = records.filter(doi=doi.lower())
    if pmid := params.get("pmid", "").strip():
        records = records.filter(pmid=pmid)
    return records


def review_queue(review: Review) -> QuerySet[DuplicatePair]:
    """Pairs waiting for a person: pending, and not already in one active duplicate group."""
    same_group = Q(record_a__cluster__isnull=False) & Q(record_a__cluster=F("record_b__cluster"))
    return (
        DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.PENDING)
        .exclude(same_group & Q(record_a__cluster__undone_at__isnull=True))
        .select_related("record_a__search_import", "record_b__search_import")
        .order_by("-score", "pk")
    )


def active_clusters(review: Review) -> QuerySet[DuplicateCluster]:
    return (
        DuplicateCluster.objects.filter(review=review, undone_at__isnull=True)
        .select_related("primary", "created_by")
        .prefetch_related("members__search_import")
    )


def latest_dedup_run(review: Review) -> DedupRun | None:
    return DedupRun.objects.filter(review=review).select_related("job").first()


def duplicates_removed_by_database(review: Review) -> dict[str, int]:
    """PRISMA's "duplicate records removed", per database: every member of an active group
    except its primary record."""
    rows = (
        Record.objects.filter(review=review, cluster__undone_at__isnull=True, cluster__isnull=False)
        .exclude(cluster__primary=F("pk"))
        .values("search_import__database")
        .annotate(n=Count("pk"))
        .order_by("search_import__database")
    )
    labels = dict(Database.choices)
    return {labels[row["search_import__database"]]: row["n"] for row in rows}


def screened_cluster_ids(review: Review) -> set[int]:
    """Active duplicate groups with a screened member (undoing them needs a confirmation)."""
    from screening.models import Decision  # screening builds on this module

    return set(
        Decision.objects.filter(review=review, record__cluster__undone_at__isnull=True)
        .exclude(record__cluster__isnull=True)
        .values_list("record__cluster_id", flat=True)
    )
