"""The `dedupe` command, and `exportrecords` with and without `--include-duplicates`."""

import json

import pytest
from django.core.management import CommandError, call_command

from reviews.models import DedupRun, DuplicateCluster, Record
from reviews.selectors import review_queue
from tests.reviews.test_deduplication import (
    CRYO_DOI,
    MAGNETIC_DOI,
    by_doi_or_pmid,
    hand_built_review,
    import_four_files,
)

COUNT_KEYS = {"records", "clusters", "auto_merged", "needs_review", "unique_after"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def dedupe_json(capsys, *args) -> dict:
    call_command("dedupe", *args, "--json")
    return json.loads(capsys.readouterr().out)


def export_json(capsys, *args) -> list[dict]:
    call_command("exportrecords", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


def test_dedupe_json_prints_exactly_the_five_counts(review, lead, capsys):
    hand_built_review(review, lead)
    counts = dedupe_json(capsys, review.pk)
    assert set(counts) == COUNT_KEYS
    # 8 records: quindle three times (one DOI), glimmet twice (one PMID), zorblax twice with
    # only title, authors and year in common, trumble once.
    assert counts == {
        "records": 8,
        "clusters": 2,
        "auto_merged": 3,
        "needs_review": 1,
        "unique_after": 5,
    }
    run = DedupRun.objects.get()
    assert run.status == DedupRun.Status.COMPLETE and run.job.created_by is None
    assert run.counts == counts


def test_dedupe_on_real_exports(review, lead, capsys):
    import_four_files(review, lead)
    assert dedupe_json(capsys, review.pk) == {
        "records": 11,
        "clusters": 4,
        "auto_merged": 4,
        "needs_review": 0,
        "unique_after": 7,
    }
    # Running it again finds the same and changes nothing.
    clusters = list(DuplicateCluster.objects.values_list("pk", flat=True))
    assert dedupe_json(capsys, review.pk)["unique_after"] == 7
    assert list(DuplicateCluster.objects.values_list("pk", flat=True)) == clusters


def test_dedupe_prints_a_summary_line(review, lead, capsys):
    hand_built_review(review, lead)
    call_command("dedupe", review.pk)
    assert capsys.readouterr().out == (
        "8 records: 2 duplicate groups, 3 duplicates merged automatically, 1 pairs to review; "
        "5 unique.\n"
    )


def test_dedupe_auto_only_merges_what_is_certain_and_queues_nothing(review, lead, capsys):
    hand_built_review(review, lead)
    counts = dedupe_json(capsys, review.pk, "--auto-only")
    assert counts == {
        "records": 8,
        "clusters": 2,
        "auto_merged": 3,
        "needs_review": 0,
        "unique_after": 5,
    }
    assert not review_queue(review).exists()
    assert DedupRun.objects.get().auto_only


def test_dedupe_unknown_review_is_an_error(db):
    with pytest.raises(CommandError, match="There is no review #999"):
        call_command("dedupe", 999, "--json")
    assert not DedupRun.objects.exists()


def test_export_with_duplicates_lists_every_source_record_in_import_order(review, lead, capsys):
    csv_, endnote, pubmed2, semicolon = import_four_files(review, lead)
    call_command("dedupe", review.pk, "--json")
    capsys.readouterr()

    rows = export_json(capsys, review.pk, "--include-duplicates")

    in_import_order = [
        r.pk for si in (csv_, endnote, pubmed2, semicolon) for r in si.records.order_by("pk")
    ]
    assert [row["id"] for row in rows] == in_import_order
    clusters = dict(Record.objects.values_list("pk", "cluster_id"))
    assert {row["id"]: row["cluster"] for row in rows} == clusters
    assert sum(row["cluster"] is None for row in rows) == 3  # two EndNote-only, one CSV-only
    # Each source record as it was imported: the CSV copy keeps its own (empty) abstract.
    magnetic_csv = next(
        row for row in rows if row["id"] == by_doi_or_pmid(csv_, doi=MAGNETIC_DOI).pk
    )
    assert magnetic_csv["abstract"] == "" and magnetic_csv["journal"] == "Biochim Biophys Acta"
    assert magnetic_csv["cluster"] == clusters[magnetic_csv["id"]] is not None
    assert (magnetic_csv["database"], magnetic_csv["import"]) == ("pubmed", csv_.pk)


def test_export_without_the_flag_lists_one_record_per_publication_merged(review, lead, capsys):
    _, endnote, pubmed2, semicolon = import_four_files(review, lead)
    call_command("dedupe", review.pk, "--json")
    capsys.readouterr()

    rows = export_json(capsys, review.pk)

    assert len(rows) == 7
    ids = [row["id"] for row in rows]
    primaries = dict(DuplicateCluster.objects.values_list("pk", "primary_id"))
    assert set(primaries.values()) <= set(ids)
    for row in rows:
        if row["cluster"] is not None:
            assert primaries[row["cluster"]] == row["id"]
    # The Magnetic paper once, with the abstract only the EndNote copy has.
    magnetic = [row for row in rows if row["doi"] == MAGNETIC_DOI]
    assert len(magnetic) == 1
    assert magnetic[0]["abstract"].startswith("Electron paramagnetic resonance")
    assert magnetic[0]["id"] == by_doi_or_pmid(endnote, doi=MAGNETIC_DOI).pk
    # The cryopreservation paper: the PubMed-XML copy is primary, with volume and pages.
    cryo = [row for row in rows if row["doi"] == CRYO_DOI]
    assert [row["id"] for row in cryo] == [
        by_doi_or_pmid(pubmed2, doi=CRYO_DOI).pk,
        semicolon.records.get(doi=CRYO_DOI).pk,  # a truncated title: not trusted, kept apart
    ]
    assert (cryo[0]["volume"], cryo[0]["pages"]) == ("42", "244-55")
    # Still in import order.
    every = Record.objects.order_by("search_import", "source_index").values_list("pk", flat=True)
    assert ids == [pk for pk in every if pk in set(ids)]
