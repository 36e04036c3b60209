"""Reads for pages and the API; each query fetches what its page shows in one go."""

from dataclasses import replace

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews import hooks
from reviews.hooks import StageCard
from reviews.models import (
    AuditEvent,
    Database,
    DedupRun,
    DuplicateCluster,
    DuplicatePair,
    Invitation,
    Job,
    Membership,
    Record,
    Review,
    SearchImport,
)


def reviews_for_user(user: User) -> QuerySet[Review]:
    """The reviews the user belongs to, each annotated with the user's role and team size."""
    role = Membership.objects.filter(review=OuterRef("pk"), user=user).values("role")[:1]
    # A subquery, not Count("memberships"): the filter on the user's own membership shares
    # that join, so a plain count would see one member in every review.
    team = (
        Membership.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Review.objects.filter(memberships__user=user)
        .annotate(my_role=Subquery(role), member_count=Subquery(team))
        .order_by("-updated_at", "-pk")
    )


def review_members(review: Review) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(review=review)
        .select_related("user", "added_by")
        .order_by("role", "user__username")
    )


def review_invitations(review: Review) -> QuerySet[Invitation]:
    return Invitation.objects.filter(review=review).select_related("created_by", "accepted_by")


def review_audit_events(review: Review, *, viewer: User) -> QuerySet[AuditEvent]:
    """The review's audit events that `viewer` may see: every registered audit event filter
    (`reviews.hooks`) has its say, such as screening's blinding."""
    # What `hooks.AuditEventFilter` returns; the manager's append-only queryset is one.
    events: QuerySet[AuditEvent]
    events = AuditEvent.objects.filter(review_id=review.pk).select_related("actor")
    for audit_filter in hooks.audit_filters():
        events = audit_filter(events, review=review, viewer=viewer)
    return events


def review_jobs(review: Review) -> QuerySet[Job]:
    return Job.objects.filter(review=review).select_related("created_by")


def import_card(review: Review) -> StageCard:
    card = StageCard(
        key="import",
        label=_("Import"),
        description=_("Search results from each database, with provenance."),
        url=reverse("reviews:imports", args=[review.pk]),
    )
    counts = imported_counts(review)
    if not counts:
        return card
    return replace(card, status="in_progress", counts={**counts, _("Total"): sum(counts.values())})


def dedup_card(review: Review) -> StageCard:
    card = StageCard(
        key="dedup",
        label=_("Deduplicate"),
        description=_("Duplicates across databases found and merged."),
        url=reverse("reviews:dedup", args=[review.pk]),
    )
    run = DedupRun.objects.filter(review=review, job__status=Job.Status.SUCCEEDED).first()
    if run is None or not run.counts:
        return card
    to_review = review_queue(review).count()
    removed = sum(duplicates_removed_by_database(review).values())
    return replace(
        card,
        status="in_progress" if to_review else "done",
        counts={
            _("Removed"): removed,
            _("To review"): to_review,
            _("Unique"): run.counts["records"] - removed,
        },
    )


def review_imports(review: Review) -> QuerySet[SearchImport]:
    return SearchImport.objects.filter(review=review).select_related("uploaded_by", "job")


def review_records(review: Review) -> QuerySet[Record]:
    """The review's records in import order: file by file, position in the file.

    Every record belongs to a completed import: an import writes its records in the
    transaction that completes it."""
    return (
        Record.objects.filter(review=review)
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
        SearchImport.objects.filter(review=review, job__status=Job.Status.SUCCEEDED)
        .values("database")
        .annotate(n=Sum("record_count"))
        .order_by("database")
    )
    labels = dict(Database.choices)
    return {str(labels[row["database"]]): row["n"] for row in rows}


def import_notes(review: Review) -> list[str]:
    """Notes for PRISMA on what imports left out: the unusable records a user chose to skip,
    with their reasons counted, one note per import."""
    notes = []
    imports = SearchImport.objects.filter(
        review=review, job__status=Job.Status.SUCCEEDED, rejected_count__gt=0
    ).order_by("pk")
    labels = dict(Database.choices)
    for search_import in imports:
        reasons: dict[str, int] = {}
        for item in search_import.rejected:
            reasons[item["message"]] = reasons.get(item["message"], 0) + 1
        # The reasons are the importers' own messages, stored with the import (in English).
        counted = _("; ").join(f"{n} {why}" for why, n in reasons.items())
        n = search_import.rejected_count
        notes.append(
            ngettext(
                "%(n)s unusable record in %(file)s (%(database)s) skipped at import, not "
                "counted as identified (%(reasons)s).",
                "%(n)s unusable records in %(file)s (%(database)s) skipped at import, not "
                "counted as identified (%(reasons)s).",
                n,
            )
            % {
                "n": n,
                "file": search_import.file_name,
                "database": labels[search_import.database],
                "reasons": counted,
            }
        )
    return notes


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
    return {str(labels[row["search_import__database"]]): row["n"] for row in rows}


def clusters_in_use(review: Review) -> set[int]:
    """Active duplicate groups with a member that a later stage has worked on (undoing them
    needs a confirmation)."""
    used = set()
    for use in hooks.record_uses():
        used |= set(
            Record.objects.filter(pk__in=use.record_ids(review), cluster__undone_at__isnull=True)
            .exclude(cluster__isnull=True)
            .values_list("cluster_id", flat=True)
        )
    return used
