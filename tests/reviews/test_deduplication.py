"""Deduplication in a review: automatic merges with provenance, the review queue, decisions,
undo, idempotence, PRISMA counts and the runs after each import.

Real exports from tests/fixtures/imports/ where the same papers appear in two files; clearly
synthetic records ("Synthetic trial of zorblax …") where a case needs precise fields.
"""

import itertools
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.deduplication import (
    MERGED_FIELDS,
    cluster_undo,
    dedup_now,
    dedup_start,
    pair_decide,
)
from reviews.imports import import_file, import_stage, import_start
from reviews.jobs import job_execute
from reviews.models import (
    AuditEvent,
    DedupRun,
    DuplicateCluster,
    DuplicatePair,
    Job,
    Record,
    SearchImport,
)
from reviews.selectors import (
    active_clusters,
    duplicates_removed_by_database,
    review_queue,
    review_records,
    unique_records,
)
from tests.factories import completed_import

IMPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
# The same PubMed records in three layouts, and two PubMed-XML records also in a CSV:
# pubmed_layout_synthetic.csv (no abstracts) has PMID 12091962 ("The treatment of AIDS …"),
# PMID 9997 / DOI 10.1016/0005-2795(76)90109-4 ("Magnetic studies of Chromatium …") and
# DOI 10.1006/cryo.2001.2328 ("Is cryopreservation a homogeneous process? …");
# synthetic_reexpressed.xml has the first two (the second with its abstract) and two others;
# biopython_pubmed2.xml has the cryopreservation paper (with abstract) and "Proton MRI of (13)C
# …", which semicolon_multiline_synthetic.csv also has (DOI 10.1006/jmre.2001.2429, with the
# keywords PubMed lacks).
PUBMED_CSV = IMPORTS / "generic_csv" / "pubmed_layout_synthetic.csv"
ENDNOTE_XML = IMPORTS / "endnote_xml" / "synthetic_reexpressed.xml"
PUBMED_XML_1 = IMPORTS / "pubmed_xml" / "biopython_pubmed1.xml"
PUBMED_XML_2 = IMPORTS / "pubmed_xml" / "biopython_pubmed2.xml"
SEMICOLON_CSV = IMPORTS / "generic_csv" / "semicolon_multiline_synthetic.csv"

AIDS_PMID = "12091962"
MAGNETIC_DOI = "10.1016/0005-2795(76)90109-4"
CRYO_DOI = "10.1006/cryo.2001.2328"
PROTON_DOI = "10.1006/jmre.2001.2429"

RECORD_FIELDS = (*MERGED_FIELDS, "other_ids", "raw", "source_index", "source_line")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- building review data ------------------------------------------------------------------


def import_real(review, user, path: Path, database: str) -> SearchImport:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return import_file(user=user, review=review, upload=upload, database=database)


def import_four_files(review, user) -> list[SearchImport]:
    return [
        import_real(review, user, PUBMED_CSV, "pubmed"),
        import_real(review, user, ENDNOTE_XML, "wos"),
        import_real(review, user, PUBMED_XML_2, "pubmed"),
        import_real(review, user, SEMICOLON_CSV, "other"),
    ]


_files = itertools.count(1)


def synthetic_import(review, user, database: str = "pubmed") -> SearchImport:
    """A completed import without a file behind it, for records built field by field."""
    n = next(_files)
    return completed_import(
        review=review,
        user=user,
        database=database,
        file=f"imports/synthetic-{n}.ris",
        file_name=f"synthetic-{n}.ris",
        file_sha256=f"{n:064x}",
    )


def synthetic_record(search_import: SearchImport, title: str, **fields) -> Record:
    index = search_import.records.count() + 1
    return Record.objects.create(
        review=search_import.review,
        search_import=search_import,
        source_index=index,
        source_line=index,
        title=title,
        raw=f"TI  - {title}",
        **fields,
    )


# One synthetic paper: title, authors and year alone score 0.982 (the review queue); with the
# same journal too, 0.993 (merged automatically); a shared DOI or PMID is an exact match.
ZORBLAX = "Synthetic trial of zorblax for chronic wibbleitis in adults"
ZORBLAX_AUTHORS = ["Quuxley, A", "Frobnitz, B"]
QUINDLE = "Synthetic cohort of quindle exposure and frambot fractures in toddlers"
QUINDLE_AUTHORS = ["Plonkett, C", "Snarfield, D"]
GLIMMET = "Synthetic survey of glimmet habits among retired lighthouse keepers"
GLIMMET_AUTHORS = ["Wozniacki, E"]
TRUMBLE = "Synthetic case series of trumble syndrome after vigorous yodelling"
TRUMBLE_AUTHORS = ["Ostrogoth, F", "Pemberley, G"]


def zorblax(search_import, **fields) -> Record:
    return synthetic_record(
        search_import, ZORBLAX, **{"authors": ZORBLAX_AUTHORS, "year": 2020, **fields}
    )


def uncertain_pair(review, user) -> tuple[Record, Record]:
    """Two copies of one synthetic paper that agree on title, authors and year only."""
    first = zorblax(synthetic_import(review, user, "pubmed"))
    second = zorblax(synthetic_import(review, user, "embase"))
    return first, second


def pair_of(a: Record, b: Record) -> DuplicatePair:
    low, high = sorted([a.pk, b.pk])
    return DuplicatePair.objects.get(record_a_id=low, record_b_id=high)


def cluster_of(record: Record | int) -> int | None:
    pk = record if isinstance(record, int) else record.pk
    return Record.objects.values_list("cluster_id", flat=True).get(pk=pk)


def record_values(review) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Record.objects.filter(review=review).values_list("pk", *RECORD_FIELDS)
    }


def snapshot(review) -> dict:
    """Everything a run decides: who is in which group, the groups, the pairs."""
    return {
        "records": list(
            Record.objects.filter(review=review).order_by("pk").values_list("pk", "cluster_id")
        ),
        "clusters": [
            (
                c.pk,
                c.is_active,
                c.automatic,
                c.primary_id,
                c.merged,
                c.field_sources,
                frozenset(c.members.values_list("pk", flat=True)),
            )
            for c in DuplicateCluster.objects.filter(review=review).order_by("pk")
        ],
        "pairs": list(
            DuplicatePair.objects.filter(review=review)
            .order_by("record_a_id", "record_b_id")
            .values_list("record_a_id", "record_b_id", "status", "held", "score", "rule")
        ),
    }


def by_doi_or_pmid(search_import: SearchImport, *, doi: str = "", pmid: str = "") -> Record:
    records = search_import.records.all()
    return records.get(doi=doi) if doi else records.get(pmid=pmid)


# --- automatic merges, with provenance ------------------------------------------------------


def test_exact_doi_and_pmid_duplicates_across_imports_merge_automatically(review, lead):
    csv_, endnote, pubmed2, semicolon = import_four_files(review, lead)
    run = dedup_now(review=review, user=None)

    groups = {frozenset(c.members.values_list("pk", flat=True)): c for c in active_clusters(review)}
    expected = {
        frozenset(
            {by_doi_or_pmid(csv_, pmid=AIDS_PMID).pk, by_doi_or_pmid(endnote, pmid=AIDS_PMID).pk}
        ),
        frozenset(
            {
                by_doi_or_pmid(csv_, doi=MAGNETIC_DOI).pk,
                by_doi_or_pmid(endnote, doi=MAGNETIC_DOI).pk,
            }
        ),
        frozenset(
            {by_doi_or_pmid(csv_, doi=CRYO_DOI).pk, by_doi_or_pmid(pubmed2, doi=CRYO_DOI).pk}
        ),
        frozenset(
            {
                by_doi_or_pmid(pubmed2, doi=PROTON_DOI).pk,
                by_doi_or_pmid(semicolon, doi=PROTON_DOI).pk,
            }
        ),
    }
    assert set(groups) == expected
    assert all(c.automatic and c.created_by is None for c in groups.values())
    # 3 + 4 + 2 + 2 records; four pairs merged, so seven publications.
    assert run.status == DedupRun.Status.COMPLETE
    assert run.counts == {
        "records": 11,
        "clusters": 4,
        "auto_merged": 4,
        "needs_review": 0,
        "unique_after": 7,
    }
    rules = set(
        DuplicatePair.objects.filter(status=DuplicatePair.Status.AUTO).values_list(
            "rule", flat=True
        )
    )
    assert rules == {"doi", "pmid"}


def test_merged_record_takes_the_abstract_from_the_member_that_has_one(review, lead):
    csv_, endnote, *_ = import_four_files(review, lead)
    dedup_now(review=review, user=None)
    without = by_doi_or_pmid(csv_, doi=MAGNETIC_DOI)  # the PubMed CSV has no abstracts
    with_abstract = by_doi_or_pmid(endnote, doi=MAGNETIC_DOI)
    assert without.abstract == "" and with_abstract.abstract.startswith(
        "Electron paramagnetic resonance and magnetic susceptibility"
    )
    cluster = DuplicateCluster.objects.get(pk=cluster_of(without))
    # The EndNote record is the most complete (abstract, volume, pages …): it is the primary,
    # although the CSV was imported first.
    assert cluster.primary_id == with_abstract.pk
    assert cluster.merged["abstract"] == with_abstract.abstract
    assert cluster.field_sources["abstract"] == with_abstract.pk
    assert cluster.merged["journal"] == "Biochimica et biophysica acta"
    assert (cluster.merged["volume"], cluster.merged["pages"]) == ("446", "179-91")
    assert cluster.merged["pmid"] == "9997"
    assert set(cluster.field_sources) == set(MERGED_FIELDS)


def test_a_field_the_primary_lacks_comes_from_the_member_that_has_it(review, lead):
    *_, pubmed2, semicolon = import_four_files(review, lead)
    dedup_now(review=review, user=None)
    pubmed = by_doi_or_pmid(pubmed2, doi=PROTON_DOI)
    other = by_doi_or_pmid(semicolon, doi=PROTON_DOI)
    cluster = DuplicateCluster.objects.get(pk=cluster_of(pubmed))
    # Both have an abstract and the DOI; the PubMed record fills more fields (PMID, language,
    # publication type, all six authors) but has no keywords.
    assert cluster.primary_id == pubmed.pk
    assert pubmed.keywords == [] and other.keywords == ["MRI", "J-editing"]
    assert cluster.merged["keywords"] == ["MRI", "J-editing"]
    assert cluster.field_sources["keywords"] == other.pk
    assert cluster.merged["authors"] == pubmed.authors and len(pubmed.authors) == 6
    assert cluster.field_sources["authors"] == pubmed.pk
    assert cluster.merged["pmid"] == "11700088"


def test_merging_leaves_the_records_themselves_unchanged(review, lead):
    import_four_files(review, lead)
    before = record_values(review)
    dedup_now(review=review, user=None)
    assert record_values(review) == before


def test_each_automatic_merge_is_audited_as_dedup_merged(review, lead):
    import_four_files(review, lead)
    dedup_now(review=review, user=None)
    events = AuditEvent.objects.filter(review_id=review.pk, action="dedup.merged")
    assert events.count() == 4
    for event in events:
        cluster = DuplicateCluster.objects.get(pk=int(event.object_id))
        members = sorted(cluster.members.values_list("pk", flat=True))
        assert event.actor is None
        assert event.object_type == "reviews.DuplicateCluster"
        assert event.changes == {
            "records": [None, members],
            "replaces": [None, []],
            "primary": [None, cluster.primary_id],
        }
        assert cluster.member_ids == members


def test_records_of_a_later_import_join_the_existing_clusters(review, lead):
    csv_ = import_real(review, lead, PUBMED_CSV, "pubmed")
    endnote = import_real(review, lead, ENDNOTE_XML, "wos")
    dedup_now(review=review, user=None)
    aids = DuplicateCluster.objects.get(pk=cluster_of(by_doi_or_pmid(csv_, pmid=AIDS_PMID)))
    magnetic = DuplicateCluster.objects.get(pk=cluster_of(by_doi_or_pmid(csv_, doi=MAGNETIC_DOI)))
    assert DuplicateCluster.objects.count() == 2

    pubmed1 = import_real(review, lead, PUBMED_XML_1, "pubmed")  # the same two papers again
    run = dedup_now(review=review, user=None)

    # Each group is replaced by a larger one (kept for undo), never a second group beside it.
    assert active_clusters(review).count() == 2
    aids.refresh_from_db()
    magnetic.refresh_from_db()
    assert not aids.is_active and not magnetic.is_active
    aids, magnetic = aids.superseded_by, magnetic.superseded_by
    assert set(aids.members.values_list("pk", flat=True)) == {
        by_doi_or_pmid(csv_, pmid=AIDS_PMID).pk,
        by_doi_or_pmid(endnote, pmid=AIDS_PMID).pk,
        by_doi_or_pmid(pubmed1, pmid=AIDS_PMID).pk,
    }
    assert set(magnetic.members.values_list("pk", flat=True)) == {
        by_doi_or_pmid(csv_, doi=MAGNETIC_DOI).pk,
        by_doi_or_pmid(endnote, doi=MAGNETIC_DOI).pk,
        by_doi_or_pmid(pubmed1, doi=MAGNETIC_DOI).pk,
    }
    extended = AuditEvent.objects.filter(action="dedup.extended")
    assert sorted(int(e.object_id) for e in extended) == sorted([aids.pk, magnetic.pk])
    assert run.counts["clusters"] == 2
    assert run.counts["unique_after"] == 9 - 4


# --- the review queue and people's decisions ------------------------------------------------


def test_uncertain_pair_waits_in_the_review_queue_unmerged(review, lead):
    first, second = uncertain_pair(review, lead)
    run = dedup_now(review=review, user=None)
    pair = pair_of(first, second)
    assert pair.status == DuplicatePair.Status.PENDING
    assert 0.5 <= pair.score < 0.99
    assert list(review_queue(review)) == [pair]
    assert cluster_of(first) is None and cluster_of(second) is None
    assert run.counts["needs_review"] == 1


def test_thresholds_are_the_reviews_settings(review, lead):
    first, second = uncertain_pair(review, lead)  # scores 0.982
    review.dedup_review_threshold = 0.985
    review.save()
    dedup_now(review=review, user=None)
    assert not DuplicatePair.objects.exists()  # below the review band: not even a candidate

    review.dedup_auto_threshold, review.dedup_review_threshold = 0.98, 0.5
    review.save()
    run = dedup_now(review=review, user=None)
    assert (run.auto_threshold, run.review_threshold) == (0.98, 0.5)
    assert cluster_of(first) == cluster_of(second) is not None
    assert pair_of(first, second).status == DuplicatePair.Status.AUTO


def test_deciding_duplicate_merges_the_pair_into_a_new_cluster(review, lead):
    first, second = uncertain_pair(review, lead)
    dedup_now(review=review, user=None)
    pair = pair_decide(user=lead, pair=pair_of(first, second), duplicate=True)

    assert pair.status == DuplicatePair.Status.DUPLICATE
    assert pair.decided_by == lead and pair.decided_at is not None
    cluster = DuplicateCluster.objects.get()
    assert set(cluster.members.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert not cluster.automatic and cluster.created_by == lead
    assert not review_queue(review).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="dedup.")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [("dedup.pair_decided", lead.pk), ("dedup.merged", lead.pk)]


def test_deciding_duplicate_adds_the_record_to_an_existing_cluster(review, lead):
    a = zorblax(synthetic_import(review, lead, "pubmed"), doi="10.5555/synthetic.zorblax")
    b = zorblax(synthetic_import(review, lead, "embase"), doi="10.5555/synthetic.zorblax")
    c = zorblax(synthetic_import(review, lead, "scopus"))  # no DOI, no journal: uncertain
    dedup_now(review=review, user=None)
    cluster = DuplicateCluster.objects.get()
    assert set(cluster.members.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert {(p.record_a_id, p.record_b_id) for p in review_queue(review)} == {
        (a.pk, c.pk),
        (b.pk, c.pk),
    }

    pair_decide(user=lead, pair=pair_of(a, c), duplicate=True)

    cluster.refresh_from_db()
    assert cluster.superseded_by is not None  # replaced, kept so undo can restore it
    replaced, cluster = cluster, cluster.superseded_by
    assert [c.pk for c in active_clusters(review)] == [cluster.pk]
    assert set(cluster.members.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert not cluster.automatic  # a person's decision is part of it now
    assert replaced.member_ids == sorted([a.pk, b.pk])
    assert not review_queue(review).exists()  # b–c is inside the group too
    event = AuditEvent.objects.get(action="dedup.extended")
    assert (int(event.object_id), event.actor) == (cluster.pk, lead)


def test_deciding_duplicate_across_two_clusters_replaces_both_with_one(review, lead):
    pubmed, embase = synthetic_import(review, lead, "pubmed"), synthetic_import(review, lead)
    a = zorblax(pubmed, doi="10.5555/synthetic.zorblax")
    b = zorblax(embase, doi="10.5555/synthetic.zorblax")
    c = zorblax(pubmed, pmid="99000001")
    d = zorblax(embase, pmid="99000001")
    dedup_now(review=review, user=None)
    older, newer = DuplicateCluster.objects.order_by("pk")
    assert set(older.members.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert set(newer.members.values_list("pk", flat=True)) == {c.pk, d.pk}
    assert review_queue(review).count() == 4  # every cross pair is uncertain

    pair_decide(user=lead, pair=pair_of(b, c), duplicate=True)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert not older.is_active and not newer.is_active
    merged = older.superseded_by
    assert newer.superseded_by == merged
    assert set(merged.members.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk, d.pk}
    assert not review_queue(review).exists()
    assert [c.pk for c in active_clusters(review)] == [merged.pk]

    # Undoing the merge brings back both earlier groups exactly.
    cluster_undo(user=lead, cluster=merged)
    assert [c.pk for c in active_clusters(review)] == [older.pk, newer.pk]
    assert [Record.objects.get(pk=x.pk).cluster_id for x in (a, b, c, d)] == [
        older.pk,
        older.pk,
        newer.pk,
        newer.pk,
    ]
    assert {(p.record_a_id, p.record_b_id) for p in review_queue(review)} == {
        (x, y) for x in (a.pk, b.pk) for y in (c.pk, d.pk)
    }
    pair_decide(user=lead, pair=pair_of(b, c), duplicate=True)
    # And a later run keeps the merged group as it is.
    run = dedup_now(review=review, user=None)
    assert run.counts == {
        "records": 4,
        "clusters": 1,
        "auto_merged": 0,
        "needs_review": 0,
        "unique_after": 1,
    }


def test_not_duplicate_keeps_the_records_apart_in_every_later_run(review, lead):
    first, second = uncertain_pair(review, lead)
    dedup_now(review=review, user=None)
    pair = pair_decide(user=lead, pair=pair_of(first, second), duplicate=False)
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATE
    assert not review_queue(review).exists()

    # Even with a threshold low enough to merge 0.982 automatically, and with a third copy
    # that matches both exactly, the two never end up together.
    review.dedup_auto_threshold = 0.9
    review.save()
    third = zorblax(synthetic_import(review, lead, "scopus"), journal="J Synth Med")
    dedup_now(review=review, user=None)
    dedup_now(review=review, user=None)

    assert cluster_of(first) is None or cluster_of(first) != cluster_of(second)
    assert cluster_of(third) in {cluster_of(first), cluster_of(second)}  # it joins one
    assert pair_of(first, second).status == DuplicatePair.Status.NOT_DUPLICATE


def test_not_duplicate_is_refused_for_two_records_in_one_active_cluster(review, lead):
    a = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    b = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    dedup_now(review=review, user=None)
    pair = pair_of(a, b)
    assert pair.status == DuplicatePair.Status.AUTO
    with pytest.raises(ValidationError, match="only pairs waiting for a person can be decided"):
        pair_decide(user=lead, pair=pair, duplicate=False)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (DuplicatePair.Status.AUTO, None)
    assert cluster_of(a) == cluster_of(b) is not None
    assert not AuditEvent.objects.filter(action="dedup.pair_decided").exists()


# --- undo -----------------------------------------------------------------------------------


def test_undo_restores_every_records_cluster_as_before_the_merge(review, lead):
    import_four_files(review, lead)
    before = snapshot(review)["records"]
    assert all(cluster is None for _, cluster in before)
    dedup_now(review=review, user=None)
    first = active_clusters(review).first()
    members = sorted(first.members.values_list("pk", flat=True))
    others_before = {r: c for r, c in snapshot(review)["records"] if r not in members}

    undone = cluster_undo(user=lead, cluster=first)

    after = dict(snapshot(review)["records"])
    assert all(after[r] is None for r in members)  # as before the merge
    assert {r: c for r, c in after.items() if r not in members} == others_before
    assert undone.undone_at is not None and undone.undone_by == lead
    assert DuplicateCluster.objects.filter(pk=first.pk).exists()  # kept for the audit trail
    event = AuditEvent.objects.get(action="dedup.undone")
    assert (event.actor, int(event.object_id)) == (lead, first.pk)
    assert event.changes == {"records": [members, None], "restored": [None, []]}
    pair = DuplicatePair.objects.get(record_a_id=members[0], record_b_id=members[1])
    assert (pair.status, pair.held) == (DuplicatePair.Status.PENDING, True)
    assert list(review_queue(review)) == [pair]


def test_undone_merge_is_not_merged_again_by_a_later_run(review, lead):
    import_four_files(review, lead)
    dedup_now(review=review, user=None)
    cluster = active_clusters(review).first()
    members = set(cluster.members.values_list("pk", flat=True))
    cluster_undo(user=lead, cluster=cluster)

    run = dedup_now(review=review, user=None)

    assert all(cluster_of(pk) is None for pk in members)
    assert run.counts == {
        "records": 11,
        "clusters": 3,
        "auto_merged": 3,
        "needs_review": 1,
        "unique_after": 8,
    }


def test_undone_pair_is_not_merged_again_through_a_new_record(review, lead):
    a = zorblax(synthetic_import(review, lead, "pubmed"), doi="10.5555/synthetic.zorblax")
    b = zorblax(synthetic_import(review, lead, "embase"), doi="10.5555/synthetic.zorblax")
    dedup_now(review=review, user=None)
    cluster_undo(user=lead, cluster=DuplicateCluster.objects.get())

    # A later import brings a third copy with the same DOI: it may join one of the two, but
    # the pair a person split stays split.
    c = zorblax(synthetic_import(review, lead, "scopus"), doi="10.5555/synthetic.zorblax")
    dedup_now(review=review, user=None)

    assert cluster_of(a) != cluster_of(b) or cluster_of(a) is None
    assert cluster_of(c) is not None
    held = pair_of(a, b)
    assert (held.status, held.held) == (DuplicatePair.Status.PENDING, True)
    assert held in review_queue(review)


def test_a_person_can_merge_an_undone_pair_again(review, lead, reviewer):
    a = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    b = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    dedup_now(review=review, user=None)
    cluster_undo(user=lead, cluster=DuplicateCluster.objects.get())

    pair = pair_decide(user=reviewer, pair=pair_of(a, b), duplicate=True)

    assert (pair.status, pair.held) == (DuplicatePair.Status.DUPLICATE, False)
    assert cluster_of(a) == cluster_of(b) is not None
    assert DuplicateCluster.objects.get(pk=cluster_of(a)).created_by == reviewer
    dedup_now(review=review, user=None)
    assert cluster_of(a) == cluster_of(b) is not None


def test_undoing_twice_is_refused(review, lead):
    zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    dedup_now(review=review, user=None)
    cluster = DuplicateCluster.objects.get()
    cluster_undo(user=lead, cluster=cluster)
    with pytest.raises(ValidationError, match=f"#{cluster.pk} was already undone"):
        cluster_undo(user=lead, cluster=cluster)
    assert AuditEvent.objects.filter(action="dedup.undone").count() == 1


# --- idempotence ----------------------------------------------------------------------------


def test_running_twice_changes_nothing(review, lead):
    import_four_files(review, lead)
    uncertain_pair(review, lead)
    first = dedup_now(review=review, user=None)
    after_first = snapshot(review)
    events = AuditEvent.objects.count()

    second = dedup_now(review=review, user=None)

    assert snapshot(review) == after_first
    assert second.counts == first.counts
    assert AuditEvent.objects.count() == events  # nothing merged, nothing to audit


def test_running_the_same_run_again_does_nothing(review, lead):
    zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    run = dedup_now(review=review, user=None)
    finished = run.job.finished_at
    assert job_execute(run.job_id) is None  # a redelivered task
    again = DedupRun.objects.select_related("job").get(pk=run.pk)
    assert again.job.finished_at == finished and again.counts == run.counts
    assert DuplicateCluster.objects.count() == 1


WORDS = [
    "zorblax",
    "quindle",
    "frambot",
    "glimmet",
    "trumble",
    "wibble",
    "snorkin",
    "plovat",
    "dramble",
    "kestrin",
    "vorpal",
    "blintz",
    "crumpet",
    "fizzog",
    "gubbins",
    "jollop",
    "mizzle",
    "nitwix",
    "oddock",
    "piffle",
]


@st.composite
def record_sets(draw):
    """A few synthetic papers, each in one to three copies that differ the way databases do:
    with or without DOI, PMID or journal citation, shouting capitals, a conflicting PMID, a
    preprint. Some pairs are exact, some fuzzy but certain, some uncertain, some related."""
    papers = draw(st.integers(min_value=1, max_value=4))
    words = draw(
        st.lists(st.sampled_from(WORDS), min_size=3 * papers, max_size=3 * papers, unique=True)
    )
    copies = []
    for n in range(papers):
        w1, w2, w3 = words[3 * n : 3 * n + 3]
        title = f"Synthetic {w1} trial of {w2} for {w3} outcomes"
        citation = {"journal": f"Journal of {w1.capitalize()} Studies", "volume": f"{n + 3}"}
        citation["pages"] = f"{100 * n + 11}-{100 * n + 19}"
        ids = {"doi": f"10.5555/synthetic.{w1}", "pmid": f"7700{n}01"}
        common = {
            "title": title,
            "authors": [f"{w2.capitalize()}, A", f"{w3.capitalize()}, B"],
            "year": 2015 + n,
        }
        variants = {
            "exact": {**ids, **citation},
            "shouting": {**ids, **citation, "title": title.upper() + "."},
            "doi_only": ids,
            "no_ids": citation,
            "bare": {},
            "other_pmid": {**ids, "pmid": f"7700{n}02"},
            "pmid_only": {"pmid": f"7700{n}02"},
            "preprint": {"doi": f"10.1101/2019.01.{n:02d}.{w1}", "journal": "medRxiv"},
        }
        for name in draw(st.lists(st.sampled_from(sorted(variants)), min_size=1, max_size=3)):
            fields = {**common, **variants[name]}
            if name == "preprint":
                fields["year"] -= 1
            copies.append(fields)
    placement = draw(st.lists(st.integers(0, 2), min_size=len(copies), max_size=len(copies)))
    return list(zip(placement, copies, strict=True))


def assert_consistent(review):
    """What must hold after any run in which nobody decided anything."""
    counts = DedupRun.objects.filter(review=review).first().counts
    clusters = list(active_clusters(review))
    assert all(c.automatic for c in clusters)
    assert counts["auto_merged"] == counts["records"] - counts["unique_after"]
    assert counts["clusters"] == len(clusters)
    # An automatic pair is one that was merged: both records in one active group.
    for pair in DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.AUTO):
        assert cluster_of(pair.record_a) == cluster_of(pair.record_b) is not None
    # Every uncertain pair is in one group or waiting for a person.
    queued = set(review_queue(review).values_list("pk", flat=True))
    for pair in DuplicatePair.objects.filter(review=review, status=DuplicatePair.Status.PENDING):
        same = cluster_of(pair.record_a) == cluster_of(pair.record_b) is not None
        assert same or pair.pk in queued


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(placed=record_sets())
def test_property_dedup_is_idempotent_and_undo_restores_the_exact_previous_state(
    review, lead, placed
):
    with transaction.atomic():  # rolled back below: every example starts from an empty review
        imports = [synthetic_import(review, lead, db) for db in ("pubmed", "embase", "wos")]
        for index, fields in placed:
            synthetic_record(imports[index], **fields)
        before = snapshot(review)
        values = record_values(review)

        first = dedup_now(review=review, user=None)
        assert_consistent(review)
        after_first = snapshot(review)
        second = dedup_now(review=review, user=None)
        assert snapshot(review) == after_first
        assert second.counts == first.counts

        split = [set(c.members.values_list("pk", flat=True)) for c in active_clusters(review)]
        for cluster in list(active_clusters(review)):
            cluster_undo(user=lead, cluster=cluster)
        assert snapshot(review)["records"] == before["records"]
        assert record_values(review) == values

        # A later import brings one more exact copy of every paper; then two more runs.
        late = synthetic_import(review, lead, "scopus")
        for fields in {f["title"]: f for _, f in placed}.values():
            synthetic_record(late, **fields)
        dedup_now(review=review, user=None)
        assert_consistent(review)
        for group in split:  # a person split them: no run joins any two of them again
            joined = [c for c in (cluster_of(pk) for pk in group) if c is not None]
            assert len(joined) == len(set(joined))
        after_rerun = snapshot(review)
        dedup_now(review=review, user=None)
        assert snapshot(review) == after_rerun
        transaction.set_rollback(True)


# --- preprints --------------------------------------------------------------------------------


def test_preprint_and_its_published_version_are_related_not_merged(review, lead):
    preprint = zorblax(
        synthetic_import(review, lead, "other"),
        year=2019,
        doi="10.1101/2019.12.01.19013456",
        journal="medRxiv",
    )
    published = zorblax(
        synthetic_import(review, lead, "pubmed"),
        doi="10.5555/synthetic.zorblax",
        journal="Journal of Synthetic Medicine",
        volume="12",
        pages="101-109",
    )
    run = dedup_now(review=review, user=None)
    pair = pair_of(preprint, published)
    assert pair.status == DuplicatePair.Status.RELATED
    assert cluster_of(preprint) is None and cluster_of(published) is None
    assert not review_queue(review).exists()
    assert run.counts == {
        "records": 2,
        "clusters": 0,
        "auto_merged": 0,
        "needs_review": 0,
        "unique_after": 2,
    }


# --- counts and PRISMA ------------------------------------------------------------------------


def hand_built_review(review, user) -> dict[str, Record]:
    """Eight records: one paper three times (same DOI; the PubMed copy has the abstract), one
    twice (same PMID; the Embase copy has the abstract), one twice with only title, authors and
    year in common (uncertain), and one alone."""
    pubmed = synthetic_import(review, user, "pubmed")
    embase = synthetic_import(review, user, "embase")
    scopus = synthetic_import(review, user, "scopus")
    quindle = {"authors": QUINDLE_AUTHORS, "year": 2018}
    glimmet = {"authors": GLIMMET_AUTHORS, "year": 2016, "pmid": "99000002"}
    return {
        "quindle_pubmed": synthetic_record(
            pubmed, QUINDLE, doi="10.5555/synthetic.quindle", abstract="Synthetic.", **quindle
        ),
        "quindle_embase": synthetic_record(
            embase, QUINDLE, doi="10.5555/SYNTHETIC.QUINDLE", **quindle
        ),
        "quindle_scopus": synthetic_record(
            scopus, QUINDLE.upper(), doi="https://doi.org/10.5555/synthetic.quindle", **quindle
        ),
        "glimmet_pubmed": synthetic_record(pubmed, GLIMMET, **glimmet),
        "glimmet_embase": synthetic_record(embase, GLIMMET, abstract="Synthetic.", **glimmet),
        "zorblax_pubmed": zorblax(pubmed),
        "zorblax_scopus": zorblax(scopus),
        "trumble_embase": synthetic_record(
            embase, TRUMBLE, authors=TRUMBLE_AUTHORS, year=2021, doi="10.5555/synthetic.trumble"
        ),
    }


def test_counts_of_a_hand_built_review(review, lead):
    records = hand_built_review(review, lead)
    run = dedup_now(review=review, user=None)
    assert run.counts == {
        "records": 8,
        "clusters": 2,
        "auto_merged": 3,  # two copies of quindle, one of glimmet
        "needs_review": 1,  # the zorblax pair
        "unique_after": 5,
    }
    pair_decide(
        user=lead,
        pair=pair_of(records["zorblax_pubmed"], records["zorblax_scopus"]),
        duplicate=True,
    )
    run = dedup_now(review=review, user=None)
    assert run.counts == {
        "records": 8,
        "clusters": 3,
        "auto_merged": 3,  # a person merged the third group
        "needs_review": 0,
        "unique_after": 4,
    }
    assert unique_records(review_records(review)).count() == 4


def test_duplicates_removed_are_counted_per_database_without_the_primary(review, lead):
    records = hand_built_review(review, lead)
    dedup_now(review=review, user=None)
    quindle = DuplicateCluster.objects.get(pk=cluster_of(records["quindle_pubmed"]))
    glimmet = DuplicateCluster.objects.get(pk=cluster_of(records["glimmet_pubmed"]))
    assert quindle.primary_id == records["quindle_pubmed"].pk  # the copy with the abstract
    assert glimmet.primary_id == records["glimmet_embase"].pk
    assert duplicates_removed_by_database(review) == {
        "Embase": 1,  # quindle
        "PubMed / MEDLINE": 1,  # glimmet
        "Scopus": 1,  # quindle
    }
    cluster_undo(user=lead, cluster=glimmet)
    assert duplicates_removed_by_database(review) == {"Embase": 1, "Scopus": 1}


# --- engine results the service must not lose -------------------------------------------------


def test_automatic_pair_kept_apart_by_complete_linkage_goes_to_the_review_queue(review, lead):
    # b matches a by DOI and c by PMID, but a and c carry different PMIDs: two PubMed records.
    # Complete linkage keeps c out of {a, b}; a person must see the b–c pair.
    a = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax", pmid="99000003")
    b = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax", pmid="99000004")
    c = zorblax(synthetic_import(review, lead), pmid="99000004")
    run = dedup_now(review=review, user=None)
    assert cluster_of(a) == cluster_of(b) is not None
    assert cluster_of(c) is None
    kept_apart = pair_of(b, c)
    assert kept_apart.status == DuplicatePair.Status.PENDING
    assert list(review_queue(review)) == [kept_apart]
    assert run.counts["needs_review"] == 1 and run.counts["auto_merged"] == 1


def test_group_formed_by_the_engine_alone_counts_as_automatic(review, lead):
    # a–b share a DOI, b–c agree on every field: both automatic. a–c agree on title, authors
    # and year only (uncertain), which lets complete linkage join all three; nobody decided.
    citation = {"journal": "Journal of Synthetic Medicine", "volume": "7", "pages": "11-19"}
    a = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax")
    b = zorblax(synthetic_import(review, lead), doi="10.5555/synthetic.zorblax", **citation)
    c = zorblax(synthetic_import(review, lead), **citation)
    run = dedup_now(review=review, user=None)
    cluster = DuplicateCluster.objects.get()
    assert set(cluster.members.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert cluster.automatic and cluster.created_by is None
    assert run.counts["auto_merged"] == 2
    assert AuditEvent.objects.get(action="dedup.merged").actor is None


def test_failed_run_is_marked_failed_with_the_error(review, lead, monkeypatch):
    zorblax(synthetic_import(review, lead))

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("reviews.deduplication.find_pairs", broken)
    with pytest.raises(RuntimeError):
        dedup_now(review=review, user=None)
    run = DedupRun.objects.get()
    assert run.status == DedupRun.Status.FAILED
    assert run.error.startswith("An internal error stopped this job")
    assert run.job.finished_at is not None
    assert not DuplicateCluster.objects.exists()


# --- runs through the worker ------------------------------------------------------------------


def test_each_import_starts_a_dedup_run(review, lead, django_capture_on_commit_callbacks):
    import_real(review, lead, PUBMED_CSV, "pubmed")
    staged = import_stage(
        user=lead,
        review=review,
        upload=SimpleUploadedFile(ENDNOTE_XML.name, ENDNOTE_XML.read_bytes()),
        database="wos",
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_start(user=lead, search_import=staged)

    run = DedupRun.objects.get()
    assert run.status == DedupRun.Status.COMPLETE and run.job.finished_at is not None
    assert run.job.created_by == lead
    assert run.counts == {
        "records": 7,
        "clusters": 2,
        "auto_merged": 2,
        "needs_review": 0,
        "unique_after": 5,
    }
    assert run.job.kind == "dedup" and run.job.status == Job.Status.SUCCEEDED
    assert run.job.result == run.counts
    assert DuplicateCluster.objects.count() == 2


def test_dedup_start_queues_a_run_that_a_worker_completes(
    review, lead, django_capture_on_commit_callbacks
):
    hand_built_review(review, lead)
    with django_capture_on_commit_callbacks(execute=True):
        run = dedup_start(review=review, user=lead, auto_only=True)
    run.refresh_from_db()
    assert run.status == DedupRun.Status.COMPLETE
    assert (run.auto_threshold, run.review_threshold) == (
        review.dedup_auto_threshold,
        review.dedup_review_threshold,
    )
    assert run.counts == {
        "records": 8,
        "clusters": 2,
        "auto_merged": 3,
        "needs_review": 0,  # auto only: nothing queued
        "unique_after": 5,
    }
    assert run.job.status == Job.Status.SUCCEEDED


def test_the_engine_record_holds_exactly_the_bibliographic_fields_it_compares():
    from dataclasses import fields

    from reviews.dedup.engine import DedupRecord
    from reviews.deduplication import ENGINE_FIELDS
    from reviews.fields import BIBLIOGRAPHIC_FIELDS

    assert {f.name for f in fields(DedupRecord)} == {"id", *ENGINE_FIELDS}
    assert set(ENGINE_FIELDS) == set(BIBLIOGRAPHIC_FIELDS) - {"keywords"}
