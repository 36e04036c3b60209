"""Every unusable record named at once, and the explicit choice to skip them (issue #19)."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from reviews.import_rejects import RecordsRefused, import_skip_invalid
from reviews.imports import import_file
from reviews.models import Record, SearchImport
from screening.prisma import prisma_counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
HAEMATOLOGY = FIXTURES / "generic_csv" / "rathbone_haematology_two_untitled.csv"

# Synthetic files, one per reader family, each with two unusable records (written here).
SEVERAL_BAD = {
    "ris": (
        "TY  - JOUR\nTI  - One\nER  - \n"
        "TY  - JOUR\nAU  - Nobody, A\nER  - \n"
        "TY  - JOUR\nTI  - Three\nER  - \n"
        "TY  - JOUR\nPY  - 2001\nER  - \n",
        [(2, 4), (4, 10)],
    ),
    "medline": (
        "PMID- 1\nTI  - One\n\nPMID- 2\nAU  - Nobody A\n\nPMID- 3\nDP  - 2001\n",
        [(2, 4), (3, 7)],
    ),
    "endnote_refer": (
        "%0 Journal Article\n%T One\n\n%0 Journal Article\n%A Nobody, A\n\n"
        "%0 Journal Article\n%D 2001\n",
        [(2, 4), (3, 7)],
    ),
    "scopus_csv": (
        "Authors,Title,Year,Source title,EID\n"
        "A B.,One,2001,J,e1\n"
        "A B.,,2002,J,e2\n"
        "A B.,Three,2003,J,e3,extra,cells\n"
        "A B.,Four,2004,J,e4\n",
        [(2, 3), (3, 4)],
    ),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _import(review, lead, name, text, **args):
    return import_file(
        user=lead,
        review=review,
        upload=ContentFile(text.encode(), name=name),
        database="other",
        **args,
    )


@pytest.mark.parametrize("format_name", sorted(SEVERAL_BAD))
def test_refusal_names_every_unusable_record(review, lead, format_name):
    text, expected = SEVERAL_BAD[format_name]
    with pytest.raises(RecordsRefused) as refused:
        _import(review, lead, f"bad.{format_name}", text, format_name=format_name)
    message = " ".join(refused.value.messages)
    for record, line in expected:
        assert f"record {record} (line {line})" in message
    assert re.search(r"\. 2 of [34] records cannot be imported, so nothing was imported", message)
    search_import = SearchImport.objects.get()
    assert search_import.status == SearchImport.Status.FAILED
    assert [(r["record"], r["line"]) for r in search_import.rejected] == expected
    assert not Record.objects.exists()


def test_import_is_atomic_on_bad_records_of_a_real_file(review, lead):
    with pytest.raises(RecordsRefused) as refused:
        _import(review, lead, HAEMATOLOGY.name, HAEMATOLOGY.read_text())
    message = " ".join(refused.value.messages)
    assert "record 2 (line 3): no title" in message
    assert "record 12 (line 13): no title" in message
    assert "import the 10 valid records and skip these 2" in message
    assert not Record.objects.exists()


def test_skip_invalid_imports_the_valid_records_and_keeps_the_skipped(review, lead):
    search_import = _import(
        review, lead, HAEMATOLOGY.name, HAEMATOLOGY.read_text(), skip_invalid=True
    )
    assert search_import.status == SearchImport.Status.COMPLETE
    assert search_import.record_count == 10
    assert search_import.rejected_count == 2
    assert [r["record"] for r in search_import.rejected] == [2, 12]
    # Positions stay those of the file, so records map back to its rows.
    positions = list(Record.objects.order_by("source_index").values_list("source_index", flat=True))
    assert positions == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    notes = prisma_counts(review)["notes"]
    assert notes == [
        "2 unusable records in rathbone_haematology_two_untitled.csv (Other source) skipped "
        "at import, not counted as identified (2 no title)."
    ]


def test_skip_after_refusal_needs_the_listed_number(
    review, lead, django_capture_on_commit_callbacks
):
    with pytest.raises(RecordsRefused):
        _import(review, lead, HAEMATOLOGY.name, HAEMATOLOGY.read_text())
    search_import = SearchImport.objects.get()
    with pytest.raises(ValidationError, match="has 2 unusable records, not 3"):
        import_skip_invalid(user=lead, search_import=search_import, skip=3)
    with django_capture_on_commit_callbacks(execute=True):
        import_skip_invalid(user=lead, search_import=search_import, skip=2)
    search_import.refresh_from_db()
    assert search_import.status == SearchImport.Status.COMPLETE
    assert search_import.record_count == 10
    assert search_import.skip_invalid


def test_skip_when_every_record_is_unusable_is_refused(review, lead):
    with pytest.raises(ValidationError, match="No record of the file can be imported"):
        _import(
            review, lead, "x.ris", "TY  - JOUR\nER  - \nTY  - JOUR\nER  - \n", skip_invalid=True
        )


def test_importrecords_json_lists_every_unusable_record(review, capsys):
    with pytest.raises(CommandError, match="--skip-invalid"):
        call_command("importrecords", review.pk, str(HAEMATOLOGY), "--source", "other", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["refused"] is True
    assert [(r["record"], r["line"], r["message"]) for r in out["rejected"]] == [
        (2, 3, "no title"),
        (12, 13, "no title"),
    ]


def test_importrecords_skip_invalid(review, capsys):
    call_command(
        "importrecords", review.pk, str(HAEMATOLOGY), "--source", "other", "--skip-invalid"
    )
    out = capsys.readouterr().out
    assert "Imported 10 records" in out
    assert "2 unusable records skipped: record 2 (line 3): no title; record 12 (line 13)" in out


def test_api_refusal_lists_all_and_skip_endpoint(
    client, review, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    url = f"/api/v1/reviews/{review.pk}/imports/"
    with HAEMATOLOGY.open("rb") as handle:
        response = client.post(url, {"file": handle, "database": "other"})
    assert response.status_code == 400
    assert response.json()["errors"]["rejected"] == [
        "record 2 (line 3): no title",
        "record 12 (line 13): no title",
    ]
    search_import = SearchImport.objects.get()
    detail = client.get(f"{url}{search_import.pk}/").json()
    assert detail["rejected_count"] == 2
    skip_url = f"{url}{search_import.pk}/skip-invalid/"
    mismatch = client.post(skip_url, {"skip": 1}, content_type="application/json")
    assert mismatch.status_code == 409
    assert "has 2 unusable records, not 1" in mismatch.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(skip_url, {"skip": 2}, content_type="application/json")
    assert response.status_code == 202
    assert SearchImport.objects.get().record_count == 10


def test_page_lists_the_problems_and_offers_the_skip(client, review, lead):
    client.force_login(lead)
    with pytest.raises(RecordsRefused):
        _import(review, lead, HAEMATOLOGY.name, HAEMATOLOGY.read_text())
    search_import = SearchImport.objects.get()
    page = client.get(f"/reviews/{review.pk}/imports/{search_import.pk}/").content.decode()
    assert "record 12 (line 13): no title" in page
    assert "Import the valid records and skip these 2" in page
