from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Record, SearchImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"
SCOPUS = FIXTURES / "ris" / "asreview_scopus.ris"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post_file(client, review, path: Path, **fields):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields}
    return client.post(f"/api/v1/reviews/{review.pk}/imports/", data, format="multipart")


def test_small_upload_is_imported_in_the_request(api_as, review, reviewer):
    response = post_file(
        api_as(reviewer),
        review,
        NBIB,
        database="pubmed",
        search_date="2021-01-20",
        search_string="breast cancer[tiab] AND hormone therapy",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "complete"
    assert (body["record_count"], body["format"], body["encoding"]) == (10, "medline", "utf-8")
    assert body["warnings"] == {"no abstract": 1}
    assert body["search_date"] == "2021-01-20"
    assert body["uploaded_by"] == "reviewer"


def test_bad_file_is_400_naming_file_record_and_line(api_as, review, lead):
    bad = SimpleUploadedFile("bad.ris", b"TY  - JOUR\nTI  - ok\nER  - \nTY  - JOUR\nER  - \n")
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/imports/",
        {"file": bad, "database": "embase"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "bad.ris: record 2 (line 4): no title"
    assert not Record.objects.exists()


def test_missing_database_names_the_field(api_as, review, lead):
    response = post_file(api_as(lead), review, NBIB)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("database:")
    assert not SearchImport.objects.exists()


def test_second_upload_of_same_file_needs_confirmation(api_as, review, lead):
    client = api_as(lead)
    assert post_file(client, review, NBIB, database="pubmed").status_code == 201
    again = post_file(client, review, NBIB, database="pubmed")
    assert again.status_code == 400
    assert "same file" in again.json()["detail"]
    confirmed = post_file(client, review, NBIB, database="pubmed", confirm_duplicate="true")
    assert confirmed.status_code == 201
    assert Record.objects.count() == 20


def test_large_upload_is_imported_by_a_worker(
    api_as, review, lead, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_SIZE = 0
    client = api_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, review, SCOPUS, database="scopus")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    job = client.get(f"/api/v1/jobs/{response.json()['job']}/").json()
    assert job["status"] == "succeeded"
    detail = client.get(f"/api/v1/reviews/{review.pk}/imports/{response.json()['id']}/").json()
    assert (detail["status"], detail["record_count"]) == ("complete", 6)


def test_records_are_paginated_and_filterable(api_as, review, lead):
    client = api_as(lead)
    post_file(client, review, NBIB, database="pubmed")
    post_file(client, review, SCOPUS, database="scopus")
    url = f"/api/v1/reviews/{review.pk}/records/"
    everything = client.get(url).json()
    assert everything["count"] == 16
    assert (
        everything["results"][0]["title"]
        == "Switching of Hormone Therapies in Breast Cancer Women."
    )
    assert client.get(url, {"database": "scopus"}).json()["count"] == 6
    assert client.get(url, {"pmid": "33465792"}).json()["results"][0]["doi"] == (
        "10.1055/s-0040-1719149"
    )
    assert client.get(url, {"doi": "10.1055/S-0040-1719149"}).json()["count"] == 1
    assert client.get(url, {"q": "brain gut"}).json()["count"] == 3  # three titles, by grep
    assert client.get(url, {"q": "rome working"}).json()["count"] == 1
    assert client.get(url, {"year": "2019"}).json()["count"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"database": "medline"}, "database"),
        ({"database": ""}, "database"),
        ({"year": "2019a"}, "year"),
        ({"year": ""}, "year"),
        ({"search_import": "first"}, "search_import"),
        ({"q": "acne\x00"}, "q"),
    ],
)
def test_record_filters_that_are_not_valid_are_400_naming_the_filter(
    api_as, review, lead, query, field
):
    response = api_as(lead).get(f"/api/v1/reviews/{review.pk}/records/", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_imports_list_shows_history(api_as, review, lead, viewer):
    post_file(api_as(lead), review, NBIB, database="pubmed", interface="PubMed.gov")
    listed = api_as(viewer).get(f"/api/v1/reviews/{review.pk}/imports/").json()["results"]
    assert [(i["file_name"], i["database"], i["interface"]) for i in listed] == [
        ("mrhelper_demo_pubmed_202101.nbib", "pubmed", "PubMed.gov")
    ]
    assert len(listed[0]["file_sha256"]) == 64
