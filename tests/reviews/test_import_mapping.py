"""CSV column mapping on the command line and in the API; warnings every record has told
once (issue #19)."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from reviews.models import Record, SearchImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
HAEMATOLOGY = FIXTURES / "generic_csv" / "rathbone_haematology_two_untitled.csv"
# Synthetic, in the column layout of Zotero's CSV export (header names as Zotero writes them),
# with the title column under a name no guess knows.
ZOTERO_LIKE = (
    '"Key","Item Type","Publication Year","Author","Heading","Publication Title","DOI"\n'
    '"K1","journalArticle","2011","Zuber, J and Le Quintrec, M","New insights","Nat Rev '
    'Nephrol","10.1038/nrneph.2010.155"\n'
    '"K2","journalArticle","2007","Johnson and Johnson Research Group","Eculizumab","Drugs",""\n'
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def zotero_csv(tmp_path):
    path = tmp_path / "zotero.csv"
    path.write_text(ZOTERO_LIKE)
    return path


def test_map_reads_the_named_columns_and_guesses_the_rest(review, zotero_csv, capsys):
    call_command(
        "importrecords",
        review.pk,
        str(zotero_csv),
        "--source",
        "other",
        "--map",
        "title=Heading",
        "--map",
        "authors=Author",
        "--map",
        "year=Publication Year",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["records"] == 2
    assert out["format"] == "generic_csv"
    assert out["mapping"] == {
        "title": "Heading",
        "authors": "Author",
        "year": "Publication Year",
        "journal": "publication title",
        "doi": "doi",
    }
    first, second = Record.objects.order_by("source_index")
    assert (first.title, first.year, first.authors) == (
        "New insights",
        2011,
        ["Zuber, J", "Le Quintrec, M"],
    )
    assert second.authors == ["Johnson and Johnson Research Group"]


def test_guessed_mapping_is_shown_in_json(review, capsys):
    call_command(
        "importrecords",
        review.pk,
        str(HAEMATOLOGY),
        "--source",
        "other",
        "--skip-invalid",
        "--json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"]["title"] == "title"
    assert out["mapping"]["authors"] == "author"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("headline=Heading", "“headline” is not a field"),
        ("title", "write FIELD=COLUMN"),
        ("title=Nope", "the title column “Nope” is not in the file's header"),
    ],
)
def test_bad_map_is_refused_naming_it(review, zotero_csv, option, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "importrecords", review.pk, str(zotero_csv), "--source", "other", "--map", option
        )
    assert not Record.objects.exists()


def test_warnings_every_record_has_are_one_line_each(review, capsys):
    call_command(
        "importrecords", review.pk, str(HAEMATOLOGY), "--source", "other", "--skip-invalid"
    )
    out = capsys.readouterr().out
    search_import = SearchImport.objects.get()
    # The file has no abstract or DOI column: said once, not counted against each record.
    assert search_import.warnings["no abstract"] == 10
    assert search_import.warnings_of_every_record == ["no DOI", "no abstract"]
    assert "Every record: no DOI.\nEvery record: no abstract.\n" in out
    # Five of the ten records have no authors (records 1410 to 1414 of the source file).
    assert search_import.warning_count == 5
    assert "; 5 with warnings (5 no authors)." in out


def test_api_upload_with_a_column_mapping(api_as, review, lead):
    upload = SimpleUploadedFile("zotero.csv", ZOTERO_LIKE.encode())
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/imports/",
        {"file": upload, "database": "other", "column_mapping": json.dumps({"title": "Heading"})},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["record_count"] == 2
    assert body["column_mapping"]["title"] == "Heading"
    assert body["column_mapping"]["year"] == "publication year"


def test_api_refuses_an_unknown_field_in_the_mapping(api_as, review, lead):
    upload = SimpleUploadedFile("zotero.csv", ZOTERO_LIKE.encode())
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/imports/",
        {"file": upload, "database": "other", "column_mapping": json.dumps({"headline": "H"})},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Not fields: headline" in response.json()["detail"]
