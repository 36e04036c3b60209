"""Deduplication in a review: run the engine, merge, decide pairs, undo. Every change is atomic
and audited; the records themselves are never changed, so undoing restores them exactly."""

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import hooks
from reviews.audit import audit_record
from reviews.dedup.engine import DedupRecord, PairScore, classify, clusters, find_pairs
from reviews.jobs import job_create, job_execute, job_start
from reviews.models import (
    BIBLIOGRAPHIC_FIELDS,
    DedupRun,
    DuplicateCluster,
    DuplicatePair,
    Job,
    Record,
    Review,
)
from reviews.selectors import review_queue, review_records

# The fields of a merged record; each comes from the primary record when it has a value,
# else from the first member (in import order) that has one.
MERGED_FIELDS = tuple(f for f in BIBLIOGRAPHIC_FIELDS if f != "other_ids")
_LOAD = (*MERGED_FIELDS, "id", "other_ids", "cluster_id", "search_import_id", "source_index")


# The bibliographic fields the engine compares: all but the keywords. Its record type is its
# own (hashable, no Django), so a test checks it holds exactly these.
ENGINE_FIELDS = tuple(f for f in BIBLIOGRAPHIC_FIELDS if f != "keywords")


def _as_engine_record(row: dict[str, Any]) -> DedupRecord:
    values = {f: row[f] for f in ENGINE_FIELDS}
    values["authors"] = tuple(values["authors"])
    values["other_ids"] = tuple(sorted(values["other_ids"].items()))
    return DedupRecord(id=row["id"], **values)


def _completeness(row: dict[str, Any]) -> tuple:
    """Sort key choosing the primary record: most complete first, then earliest imported."""
    filled = sum(1 for f in MERGED_FIELDS if row[f] not in ("", None, [], {}))
    return (-bool(row["abstract"]), -bool(row["doi"]), -filled, row["order"])


def _merge(rows: list[dict[str, Any]]) -> tuple[int, dict[str, Any], dict[str, int]]:
    """The primary record, the merged values and which record supplied each field."""
    ordered = sorted(rows, key=_completeness)
    primary = ordered[0]
    merged, sources = {}, {}
    by_import_order = sorted(rows, key=lambda r: r["order"])
    for field in MERGED_FIELDS:
        donor = next(
            (r for r in [primary, *by_import_order] if r[field] not in ("", None, [], {})),
            primary,
        )
        merged[field] = donor[field]
        sources[field] = donor["id"]
    return primary["id"], merged, sources


def _rows(review: Review, ids=None) -> dict[int, dict[str, Any]]:
    records = review_records(review)
    if ids is not None:
        records = records.filter(pk__in=ids)
    rows = {}
    for order, row in enumerate(records.values(*_LOAD)):
        row["order"] = order
        rows[row["id"]] = row
    return rows


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def dedup_start(*, review: Review, user: User | None, auto_only: bool = False) -> DedupRun:
    """Queue a run for a worker (after each import, and when someone asks)."""
    with transaction.atomic():
        return _new_run(job_start(kind="dedup", review=review, user=user), auto_only)


def dedup_now(*, review: Review, user: User | None, auto_only: bool = False) -> DedupRun:
    """Run in this process (the `dedupe` command)."""
    with transaction.atomic():
        run = _new_run(job_create(kind="dedup", review=review, user=user), auto_only)
    job_execute(run.job_id, reraise=True)
    return DedupRun.objects.select_related("job", "review").get(pk=run.pk)


def _new_run(job: Job, auto_only: bool) -> DedupRun:
    review = job.review
    return DedupRun.objects.create(
        review=review,
        job=job,
        auto_only=auto_only,
        auto_threshold=review.dedup_auto_threshold,
        review_threshold=review.dedup_review_threshold,
    )


def dedup_job(job: Job) -> dict[str, int]:
    """The "dedup" job: run the engine and apply its result, in one transaction. Safe to run
    again: nothing changes the second time.

    Existing groups are kept (new records may join them), people's decisions are kept, and a
    pair whose merge was undone is only queued, never merged again automatically.
    """
    run = DedupRun.objects.select_related("review", "job__created_by").get(job=job)
    with transaction.atomic():
        run.counts = _apply(run)
        run.save(update_fields=["counts"])
    return run.counts


def _lock_review(review_id: int) -> Review:
    """Serialise every deduplication change of one review: runs, decisions and undos take this
    lock first, so two of them never interleave (or deadlock on rows they lock in turn)."""
    return Review.objects.select_for_update().get(pk=review_id)


def _apply(run: DedupRun) -> dict[str, int]:
    review = _lock_review(run.review_id)
    existing = {
        (p.record_a_id, p.record_b_id): p
        for p in DuplicatePair.objects.select_for_update().filter(review=review)
    }
    rows = _rows(review)
    pairs = find_pairs(
        [_as_engine_record(r) for r in rows.values()], review_threshold=run.review_threshold
    )
    auto, _ = classify(pairs, auto_threshold=run.auto_threshold)
    decided = {k: p for k, p in existing.items() if p.decided_by_id is not None or p.held}
    auto = [p for p in auto if (p.a, p.b) not in decided]
    confirmed = [
        PairScore(a=a, b=b, score=1.0, rule="manual", fields={})
        for (a, b), p in decided.items()
        if p.status == DuplicatePair.Status.DUPLICATE
    ]
    kept = _pairs_within_active_clusters(review)
    kept_keys = {(p.a, p.b) for p in kept}
    # "Not duplicate" and undone (held) pairs never join automatically, not even through a
    # third record; a group a person has formed since is kept as it is.
    rejected = [
        k
        for k, p in decided.items()
        if (p.status == DuplicatePair.Status.NOT_DUPLICATE or p.held) and k not in kept_keys
    ]
    groups = clusters([*kept, *confirmed, *auto], rows.keys(), support=pairs, cannot_link=rejected)
    # Only the automatic pairs that did end up in one group are "merged automatically"; the
    # others (complete linkage kept them apart) go to the review queue like any uncertain pair.
    group_of = {i: n for n, group in enumerate(groups) for i in group}
    merged_auto = [p for p in auto if p.a in group_of and group_of[p.a] == group_of.get(p.b)]
    auto_keys = {(p.a, p.b) for p in merged_auto}
    confirmed_keys = {(p.a, p.b) for p in confirmed}
    _reconcile(review, groups, rows, confirmed_keys, run.job.created_by)
    _store_pairs(review, existing, merged_auto if run.auto_only else pairs, auto_keys)
    return _counts(review, len(rows))


def _pairs_within_active_clusters(review: Review) -> list[PairScore]:
    members = defaultdict(list)
    for record_id, cluster_id in Record.objects.filter(
        review=review, cluster__undone_at__isnull=True, cluster__isnull=False
    ).values_list("pk", "cluster_id"):
        members[cluster_id].append(record_id)
    return [
        PairScore(a=a, b=b, score=1.0, rule="kept", fields={})
        for ids in members.values()
        for i, a in enumerate(sorted(ids))
        for b in sorted(ids)[i + 1 :]
    ]


def _reconcile(review, groups, rows, confirmed_keys, user) -> None:
    for group in groups:
        current = {rows[i]["cluster_id"] for i in group} - {None}
        if len(current) == 1:
            cluster = DuplicateCluster.objects.get(pk=next(iter(current)))
            if set(cluster.member_ids) == set(group):
                continue
        # Formed by the engine alone unless a person's decision is part of it: a confirmed
        # pair, or a group a person made (checked in _save_cluster). Complete linkage may
        # join records whose own pair is only in the review band; that is still the engine's.
        pairs_in_group = {_key(a, b) for a in group for b in group if a < b}
        automatic = not (pairs_in_group & confirmed_keys)
        _save_cluster(review, group, rows, automatic=automatic, user=user)


def _save_cluster(review, group, rows, *, automatic: bool, user) -> DuplicateCluster:
    """Make `group` one active duplicate group. Groups it absorbs are superseded, not changed,
    so undoing the new group can restore them exactly."""
    primary, merged, sources = _merge([rows[i] for i in group])
    absorbed = list(
        DuplicateCluster.objects.filter(members__pk__in=group, undone_at__isnull=True)
        .distinct()
        .order_by("pk")
    )
    new = DuplicateCluster.objects.create(
        review=review,
        primary_id=primary,
        merged=merged,
        field_sources=sources,
        member_ids=sorted(group),
        automatic=automatic and all(c.automatic for c in absorbed),
        created_by=None if automatic else user,
    )
    now = timezone.now()
    for old in absorbed:
        old.undone_at, old.superseded_by = now, new
        old.save(update_fields=["undone_at", "superseded_by"])
    Record.objects.filter(pk__in=group).update(cluster=new)
    audit_record(
        actor=None if automatic else user,
        review=review,
        action="dedup.extended" if absorbed else "dedup.merged",
        obj=new,
        changes={
            "records": [
                sorted(absorbed[0].member_ids) if len(absorbed) == 1 else None,
                sorted(group),
            ],
            "replaces": [None, [c.pk for c in absorbed]],
            "primary": [None, primary],
        },
    )
    return new


def _store_pairs(review, existing, pairs, auto_keys) -> None:
    new = []
    for pair in pairs:
        key = (pair.a, pair.b)
        if pair.related:
            status = DuplicatePair.Status.RELATED
        elif key in auto_keys:
            status = DuplicatePair.Status.AUTO
        else:
            status = DuplicatePair.Status.PENDING
        row = existing.get(key)
        if row is None:
            new.append(
                DuplicatePair(
                    review=review,
                    record_a_id=pair.a,
                    record_b_id=pair.b,
                    score=pair.score,
                    rule=pair.rule,
                    fields=pair.fields,
                    status=status,
                )
            )
        elif row.decided_by_id is None and not row.held and row.status != status:
            row.status = status
            row.save(update_fields=["status"])
    DuplicatePair.objects.bulk_create(new, batch_size=2000)


def _counts(review: Review, records: int) -> dict[str, int]:
    active = DuplicateCluster.objects.filter(review=review, undone_at__isnull=True)
    sizes = list(active.values_list("automatic", "pk"))
    member_counts = defaultdict(int)
    for cluster_id in Record.objects.filter(cluster__in=active).values_list(
        "cluster_id", flat=True
    ):
        member_counts[cluster_id] += 1
    removed = sum(n - 1 for n in member_counts.values())
    auto_removed = sum(member_counts[pk] - 1 for automatic, pk in sizes if automatic)
    return {
        "records": records,
        "clusters": len(sizes),
        "auto_merged": auto_removed,
        "needs_review": review_queue(review).count(),
        "unique_after": records - removed,
    }


def _work_started(cluster: DuplicateCluster) -> str | None:
    """What a later stage has done with the group's records, in words, if anything."""
    members = cluster.members.all()
    for use in hooks.record_uses():
        if members.filter(pk__in=use.record_ids(cluster.review)).exists():
            return use.what
    return None


def cluster_undo(
    *, user: User, cluster: DuplicateCluster, confirm: bool = False
) -> DuplicateCluster:
    """Split a group back into its records, exactly as they were before the merge.

    Its pairs go back to the review queue, marked so that no automatic run merges them again.
    """
    with transaction.atomic():
        _lock_review(cluster.review_id)
        cluster = DuplicateCluster.objects.select_for_update().get(pk=cluster.pk)
        if cluster.superseded_by_id:
            raise ValidationError(
                _("Duplicate group #%(pk)s was replaced by group #%(new)s; undo that one.")
                % {"pk": cluster.pk, "new": cluster.superseded_by_id}
            )
        if not cluster.is_active:
            raise ValidationError(
                _("Duplicate group #%(pk)s was already undone.") % {"pk": cluster.pk}
            )
        started = _work_started(cluster)
        if started and not confirm:
            raise ValidationError(
                _("%(started)s. Confirm to undo the merge; what was done with the records is kept.")
                % {"started": started}
            )
        member_ids = sorted(cluster.members.values_list("pk", flat=True))
        Record.objects.filter(pk__in=member_ids).update(cluster=None)
        restored = {}
        for old in cluster.superseded.all():
            old.undone_at, old.superseded_by = None, None
            old.save(update_fields=["undone_at", "superseded_by"])
            Record.objects.filter(pk__in=old.member_ids).update(cluster=old)
            restored.update(dict.fromkeys(old.member_ids, old.pk))
        # Pairs the undone merge joined go back to a person; pairs inside a restored group
        # keep their state.
        for pair in DuplicatePair.objects.filter(
            record_a_id__in=member_ids, record_b_id__in=member_ids
        ).exclude(status=DuplicatePair.Status.RELATED):
            group_a, group_b = restored.get(pair.record_a_id), restored.get(pair.record_b_id)
            if group_a is None or group_a != group_b:
                pair.status, pair.held = DuplicatePair.Status.PENDING, True
                pair.decided_by, pair.decided_at = None, None
                pair.save(update_fields=["status", "held", "decided_by", "decided_at"])
        cluster.undone_at = timezone.now()
        cluster.undone_by = user
        cluster.save(update_fields=["undone_at", "undone_by"])
        audit_record(
            actor=user,
            review=cluster.review,
            action="dedup.undone",
            obj=cluster,
            changes={
                "records": [member_ids, None],
                "restored": [None, sorted(set(restored.values()))],
            },
        )
    return cluster


def pair_decide(*, user: User, pair: DuplicatePair, duplicate: bool) -> DuplicatePair:
    """A person's verdict on a candidate pair; "duplicate" merges the two records' groups."""
    with transaction.atomic():
        review = _lock_review(pair.review_id)
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status not in (DuplicatePair.Status.PENDING,) and not pair.held:
            raise ValidationError(
                _("This pair is %(status)s; only pairs waiting for a person can be decided.")
                % {"status": pair.get_status_display().lower()}
            )
        status = DuplicatePair.Status.DUPLICATE if duplicate else DuplicatePair.Status.NOT_DUPLICATE
        old = pair.status
        if not duplicate:
            clusters_of = set(
                Record.objects.filter(pk__in=[pair.record_a_id, pair.record_b_id])
                .exclude(cluster__undone_at__isnull=False)
                .values_list("cluster_id", flat=True)
            )
            if len(clusters_of) == 1 and None not in clusters_of:
                raise ValidationError(
                    _("These two records are in the same duplicate group; undo the group first.")
                )
        pair.status, pair.held = status, False
        pair.decided_by, pair.decided_at = user, timezone.now()
        pair.save(update_fields=["status", "held", "decided_by", "decided_at"])
        audit_record(
            actor=user,
            review=review,
            action="dedup.pair_decided",
            obj=pair,
            changes={"status": [old, status]},
        )
        if duplicate:
            _merge_pair(review, pair, user)
    return pair


def _merge_pair(review: Review, pair: DuplicatePair, user: User) -> None:
    ends = Record.objects.filter(pk__in=[pair.record_a_id, pair.record_b_id])
    group = {pair.record_a_id, pair.record_b_id}
    for record in ends.filter(cluster__undone_at__isnull=True, cluster__isnull=False):
        group.update(record.cluster.members.values_list("pk", flat=True))
    rows = _rows(review, ids=group)
    _save_cluster(review, frozenset(group), rows, automatic=False, user=user)
