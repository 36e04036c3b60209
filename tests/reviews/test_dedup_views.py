import pytest

from reviews.deduplication import dedup_now
from reviews.models import DuplicateCluster, DuplicatePair, Record
from tests.reviews.dedup_data import make_import, pending_pair


@pytest.fixture
def records(review, lead):
    pubmed = make_import(
        review,
        lead,
        "pubmed",
        [
            ("Fat grafting for acne scars: a synthetic trial", "10.5555/synthetic.1"),
            ("Platelet-rich plasma in split-face design (synthetic)", ""),
        ],
    )
    embase = make_import(
        review,
        lead,
        "embase",
        [
            ("Fat grafting for acne scars - a synthetic trial", "10.5555/synthetic.1"),
            ("Platelet rich plasma, split face design (synthetic abstract)", ""),
        ],
    )
    return pubmed + embase


def test_dedup_page_shows_groups_counts_and_removed_per_database(client, review, lead, records):
    dedup_now(review=review, user=lead)
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/dedup/").content.decode()
    assert 'Duplicate groups <span class="muted small">(1)</span>' in html
    assert "Fat grafting for acne scars" in html
    assert "Embase: 1" in html or "PubMed / MEDLINE: 1" in html
    assert "Undo this merge" in html


def test_run_button_starts_a_run(client, review, lead, records, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{review.pk}/dedup/run/")
    assert response.status_code == 302
    assert review.dedup_runs.get().status == "complete"
    assert DuplicateCluster.objects.filter(review=review).count() == 1


def test_queue_shows_pair_side_by_side_with_differences_marked(client, review, lead, records):
    pair = pending_pair(review, records[1], records[3])
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/dedup/queue/").content.decode()
    assert "Platelet-rich plasma in split-face design (synthetic)" in html
    assert "Platelet rich plasma, split face design (synthetic abstract)" in html
    assert '<tr class="differs"><th scope="row">Title' in html
    assert f"/dedup/pairs/{pair.pk}/decide/" in html
    assert 'data-key="d"' in html


def test_deciding_duplicate_merges_and_shows_the_next_pair(client, review, lead, records):
    pair = pending_pair(review, records[1], records[3])
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/dedup/pairs/{pair.pk}/decide/",
        {"decision": "duplicate"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Nothing left to review" in html
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("duplicate", lead)
    assert (
        Record.objects.get(pk=records[1].pk).cluster_id
        == Record.objects.get(pk=records[3].pk).cluster_id
    )


def test_not_duplicate_keeps_records_apart(client, review, lead, records):
    pair = pending_pair(review, records[1], records[3])
    client.force_login(lead)
    client.post(
        f"/reviews/{review.pk}/dedup/pairs/{pair.pk}/decide/", {"decision": "not_duplicate"}
    )
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.NOT_DUPLICATE
    assert Record.objects.get(pk=records[1].pk).cluster is None


def test_skip_moves_to_the_next_pair_without_deciding(client, review, lead, records):
    first = pending_pair(review, records[1], records[3])
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/dedup/queue/", {"skip": first.pk}).content.decode()
    assert "Nothing left to review (you skipped 1" in html
    first.refresh_from_db()
    assert first.status == "pending"


def test_undo_splits_the_group(client, review, lead, records):
    dedup_now(review=review, user=lead)
    cluster = DuplicateCluster.objects.get()
    client.force_login(lead)
    response = client.post(f"/reviews/{review.pk}/dedup/clusters/{cluster.pk}/undo/", follow=True)
    assert f"Duplicate group #{cluster.pk} undone" in response.content.decode()
    assert not Record.objects.filter(cluster__isnull=False).exists()


def test_viewer_sees_queue_without_decision_buttons(client, review, viewer, records):
    pending_pair(review, records[1], records[3])
    client.force_login(viewer)
    html = client.get(f"/reviews/{review.pk}/dedup/queue/").content.decode()
    assert "Platelet-rich plasma" in html
    assert 'value="duplicate"' not in html


def test_the_groups_list_is_paginated_with_a_pager_above_and_below(client, review, lead):
    titles = [(f"Synthetic duplicated trial number {n}", f"10.5555/pages.{n}") for n in range(23)]
    make_import(review, lead, "pubmed", titles)
    make_import(review, lead, "embase", titles)
    dedup_now(review=review, user=lead)
    assert DuplicateCluster.objects.filter(review=review).count() == 23
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/dedup/").content.decode()
    assert html.count("Undo this merge") == 10
    assert html.count("Groups 1–10 of 23 · page 1 of 3") == 2
    last = client.get(f"/reviews/{review.pk}/dedup/", {"page": 3}).content.decode()
    assert last.count("Undo this merge") == 3
    assert 'start="21"' in last
