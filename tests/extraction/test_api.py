"""The extraction API end to end: two extractors, blinded, the lead's consensus, the lock (409
while locked), snapshots and their exports, the import; and the OpenAPI schema."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from extraction import services
from extraction.models import Extraction, OutcomeValue, Snapshot, Study
from tests.extraction.conftest import AUTHORS, TITLES, include_at_full_text
from tests.extraction.test_importer import csv_bytes


def base(review):
    return f"/api/v1/reviews/{review.pk}/extraction/"


def enter(client, review, extraction_id, *, country="China", sd="0.9"):
    url = f"{base(review)}extractions/{extraction_id}/"
    assert client.put(url + "fields/country/", {"value": country}, format="json").status_code == 200
    for position, label, role in ((1, "SVF gel", "intervention"), (2, "Control", "control")):
        response = client.put(
            url + f"arms/{position}/", {"label": label, "n": 30, "role": role}, format="json"
        )
        assert response.status_code == 200, response.json()
    row = {
        "outcome": "scar_score",
        "timepoint": "3 months",
        "cells": [
            {"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2.1", "sd": sd}},
            {"arm": 2, "format": "mean_sd", "values": {"n": "29", "mean": "2.9", "sd": "1.1"}},
        ],
    }
    response = client.put(url + "outcomes/", row, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.fixture
def wang(review, lead, form):
    """A review with one report included at full text: Wang 2020."""
    include_at_full_text(review, lead, TITLES[1:2], AUTHORS[1:2])
    services.studies_sync(review=review)
    return Study.objects.get(review=review)


def test_two_blinded_extractors_a_consensus_and_a_lock_through_the_api(
    api_as, review, lead, reviewer, reviewer2, wang
):
    one, two, boss = api_as(reviewer), api_as(reviewer2), api_as(lead)
    studies = one.get(base(review) + "studies/").json()
    assert [s["label"] for s in studies] == ["Wang 2020"]
    mine = one.post(f"{base(review)}studies/{wang.pk}/extractions/").json()
    theirs = two.post(f"{base(review)}studies/{wang.pk}/extractions/").json()
    data = enter(one, review, mine["id"])
    assert data["outcomes"][0]["mean"] == 2.1 and data["problems"] == []
    enter(two, review, theirs["id"], sd="1.9")
    # Blinded: neither sees the other's values, and the comparison is closed.
    assert one.get(f"{base(review)}extractions/{theirs['id']}/").status_code == 404
    assert boss.get(f"{base(review)}studies/{wang.pk}/comparison/").status_code == 403
    for client, extraction in ((one, mine), (two, theirs)):
        done = client.post(f"{base(review)}extractions/{extraction['id']}/done/")
        assert done.status_code == 200 and done.json()["status"] == "done"
    assert one.get(f"{base(review)}studies/{wang.pk}/comparison/").status_code == 403
    comparison = boss.get(f"{base(review)}studies/{wang.pk}/comparison/").json()
    differing = [item["item"] for item in comparison["items"] if item["differs"]]
    assert differing == ["outcome:scar_score|3 months|1"]
    assert boss.post(f"{base(review)}studies/{wang.pk}/consensus/agreeing/").status_code == 200
    refused = boss.post(f"{base(review)}studies/{wang.pk}/consensus/complete/")
    assert refused.status_code == 400
    assert "the extractors differ" in refused.json()["detail"]
    boss.post(
        f"{base(review)}studies/{wang.pk}/consensus/accept/",
        {"item": "outcome:scar_score|3 months|1", "extraction": mine["id"]},
        format="json",
    )
    complete = boss.post(f"{base(review)}studies/{wang.pk}/consensus/complete/")
    assert complete.status_code == 400  # the study's design is still unset
    assert "design is not set" in complete.json()["detail"]
    boss.patch(f"{base(review)}studies/{wang.pk}/", {"design": "parallel"}, format="json")
    assert boss.post(f"{base(review)}studies/{wang.pk}/consensus/complete/").status_code == 200
    # After consensus everyone may compare.
    assert one.get(f"{base(review)}studies/{wang.pk}/comparison/").status_code == 200

    locked = boss.post(base(review) + "lock/", {"reason": "Primary"}, format="json")
    assert locked.status_code == 201, locked.json()
    snapshot = locked.json()["snapshot"]
    assert snapshot["version"] == 1 and snapshot["sha256"] == Snapshot.objects.get().sha256

    # While locked, every write answers 409 with the reason, and nothing changes.
    consensus_id = comparison["consensus"]["id"] if comparison["consensus"] else None
    consensus_id = consensus_id or Extraction.objects.get(extractor__isnull=True).pk
    for client, method, url, payload in (
        (boss, "put", f"extractions/{consensus_id}/fields/country/", {"value": "X"}),
        (boss, "patch", f"studies/{wang.pk}/", {"design": "cohort"}),
        (boss, "put", "form/", {"definition": {"fields": [], "outcomes": []}}),
        (one, "post", f"extractions/{mine['id']}/reopen/", None),
        (boss, "post", f"studies/{wang.pk}/consensus/reopen/", None),
    ):
        response = getattr(client, method)(base(review) + url, payload, format="json")
        assert response.status_code == 409, (url, response.json())
        assert "Extraction of this review is locked" in response.json()["detail"]
    assert OutcomeValue.objects.filter(sd=0.9).count() == 2  # mine and the consensus

    assert boss.post(base(review) + "unlock/", {}, format="json").status_code == 400
    unlocked = boss.post(base(review) + "unlock/", {"reason": "Recheck"}, format="json")
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False


def test_snapshot_downloads(api_as, review, lead, viewer, ready_to_lock):
    api_as(lead).post(base(review) + "lock/", {}, format="json")
    reader = api_as(viewer)
    listed = reader.get(base(review) + "snapshots/").json()
    assert [s["version"] for s in listed] == [1]
    detail = reader.get(base(review) + "snapshots/1/").json()
    assert detail["data"]["format"] == "evident-extraction-snapshot/1"
    csv = reader.get(base(review) + "snapshots/1/export.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").startswith("study,design,outcome,")
    xlsx = reader.get(base(review) + "snapshots/1/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content))["snapshot"]["B3"].value == detail["sha256"]
    rows = reader.get(
        base(review) + "snapshots/1/metaanalyze.csv",
        {"outcome": "response", "timepoint": "6 months"},
    )
    assert rows.content.decode("utf-8-sig").splitlines()[0] == "study,events_t,n_t,events_c,n_c"
    missing = reader.get(base(review) + "snapshots/1/metaanalyze.csv", {"outcome": "pain"})
    assert missing.status_code == 404 and "no outcome “pain”" in missing.json()["detail"]


def test_import_through_the_api(api_as, review, lead, form):
    upload = SimpleUploadedFile("extraction.csv", csv_bytes())
    response = api_as(lead).post(base(review) + "import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["studies_added"] == ["Kim 2018", "Ito 2021"]
    bad = SimpleUploadedFile("extraction.csv", csv_bytes(["Kim 2018,parallel,x"]))
    refused = api_as(lead).post(base(review) + "import/", {"file": bad}, format="multipart")
    assert refused.status_code == 400 and "Row 2" in refused.json()["detail"]


def test_every_extraction_endpoint_is_in_the_openapi_schema(client):
    from extraction import urls_api

    schema = client.get("/api/schema/").content.decode()
    for pattern in urls_api.urlpatterns:
        path = "/api/v1/" + str(pattern.pattern)
        path = path.replace("<int:", "{").replace("<str:", "{").replace(">", "}")
        assert f"{path}:" in schema, path
