"""The publication a reader sees (reviews/publications.py): one rule for the screening page,
the screening API, the exports and the relevance model, so they never disagree.

Synthetic records (made-up titles, test DOIs)."""

import csv
import io

import pytest
from django.utils import timezone

from reviews.deduplication import dedup_now
from reviews.models import Record
from reviews.publications import merged_values, publication_fields
from screening import prioritisation
from tests.reviews.dedup_data import make_import

TITLE = "Synthetic autologous fat grafting trial for atrophic acne scars"


@pytest.fixture
def merged_pair(review, lead):
    """One publication found in two databases: one record has the abstract, the other the
    journal; the group's primary record shows both."""
    (a,) = make_import(review, lead, "pubmed", [(TITLE, "10.5555/synthetic.fat")])
    (b,) = make_import(review, lead, "embase", [(TITLE, "10.5555/synthetic.fat")])
    Record.objects.filter(pk=a.pk).update(abstract="Synthetic abstract only in PubMed.")
    Record.objects.filter(pk=b.pk).update(journal="Synthetic Journal of Dermatology")
    dedup_now(review=review, user=None)
    primary = Record.objects.select_related("cluster").get(pk=a.pk).cluster.primary
    return primary, (b if primary.pk == a.pk else a)


def test_the_primary_record_of_a_group_shows_the_merged_values(merged_pair):
    primary, _other = merged_pair
    shown = publication_fields(Record.objects.get(pk=primary.pk))
    assert shown["abstract"] == "Synthetic abstract only in PubMed."
    assert shown["journal"] == "Synthetic Journal of Dermatology"
    # The records themselves are never changed.
    assert not (primary.abstract and primary.journal)


def test_other_members_and_undone_groups_show_the_record_as_imported(merged_pair):
    primary, other = merged_pair
    assert publication_fields(Record.objects.get(pk=other.pk))["title"] == other.title
    values = {"journal": ""}
    cluster = Record.objects.get(pk=primary.pk).cluster
    kwargs = {"record_id": primary.pk, "primary_id": primary.pk, "merged": cluster.merged}
    assert merged_values(values, undone_at=timezone.now(), **kwargs) == {"journal": ""}
    assert merged_values(values, undone_at=None, **kwargs)["journal"] == (
        "Synthetic Journal of Dermatology"
    )
    no_group = {"record_id": 1, "primary_id": None, "undone_at": None, "merged": None}
    assert merged_values(values, **no_group) == values


def test_page_api_export_and_ranking_agree_on_a_merged_record(
    merged_pair, review, reviewer, client, api_as
):
    primary, _other = merged_pair
    client.force_login(reviewer)
    page = client.get(
        f"/reviews/{review.pk}/screening/title_abstract/?record={primary.pk}"
    ).content.decode()
    api = api_as(reviewer).get(f"/api/v1/reviews/{review.pk}/screening/title_abstract/next/")
    response = client.get(f"/reviews/{review.pk}/records/export.csv")
    export = b"".join(response.streaming_content).decode()
    (row,) = list(csv.DictReader(io.StringIO(export)))

    assert api.json()["id"] == primary.pk
    for value in ("Synthetic abstract only in PubMed.", "Synthetic Journal of Dermatology"):
        assert value in page
        assert value in api.json().values()
        assert value in row.values()
    ids, texts = prioritisation.unit_texts(review, "title_abstract")
    text = dict(zip(ids, texts, strict=True))[primary.pk]
    assert "Synthetic abstract only in PubMed." in text and "Dermatology" not in text
