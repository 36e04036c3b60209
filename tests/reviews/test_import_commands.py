import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reviews.models import Record, SearchImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"
OVID = FIXTURES / "ris" / "synthesisr_Ovid_ris_example.ris"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_importrecords_prints_json_summary(review, capsys):
    call_command("importrecords", review.pk, str(NBIB), "--database", "pubmed", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "records": 10,
        "format": "medline",
        "encoding": "utf-8",
        "warnings": 1,
        "skipped": 0,
        "rejected": [],
        "decoding": None,
        "warnings_of_every_record": [],
    }
    assert SearchImport.objects.get().uploaded_by.username == "lead"


def test_importrecords_says_what_was_skipped_and_where(review, tmp_path, capsys):
    path = tmp_path / "stray.ris"
    path.write_text("TY  - JOUR\nTI  - first\nER  - \nstray words\nTY  - JOUR\nTI  - two\nER  - \n")

    call_command("importrecords", review.pk, str(path), "--database", "other")

    out = capsys.readouterr().out
    assert "Imported 2 records from stray.ris" in out
    assert "1 part of the file skipped: text between records (line 4)." in out


def test_importrecords_prints_a_summary_line(review, capsys):
    call_command(
        "importrecords",
        review.pk,
        str(OVID),
        "--database",
        "other",
        "--interface",
        "Ovid",
        "--search-date",
        "2024-03-01",
    )
    out = capsys.readouterr().out
    assert out.startswith("Imported 4 records from synthesisr_Ovid_ris_example.ris (ris, utf-8)")
    search_import = SearchImport.objects.get()
    assert str(search_import.search_date) == "2024-03-01"
    assert search_import.interface == "Ovid"


def test_importrecords_bad_file_exits_with_the_reason_and_imports_nothing(review, tmp_path):
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nAU  - X\nER  - \n")
    with pytest.raises(CommandError, match=r"^bad.ris: record 2 \(line 4\): no title\. "):
        call_command("importrecords", review.pk, str(bad), "--database", "other")
    assert not Record.objects.exists()


def test_importrecords_unknown_review_or_file(review, tmp_path):
    with pytest.raises(CommandError, match="no review #999"):
        call_command("importrecords", 999, str(NBIB), "--database", "pubmed")
    with pytest.raises(CommandError, match="no such file"):
        call_command("importrecords", review.pk, str(tmp_path / "nope.ris"), "--database", "pubmed")


def test_importrecords_forced_encoding_and_format(review, capsys):
    call_command(
        "importrecords",
        review.pk,
        str(NBIB),
        "--database",
        "pubmed",
        "--format",
        "medline",
        "--encoding",
        "latin-1",
        "--json",
    )
    assert json.loads(capsys.readouterr().out)["encoding"] == "iso8859-1"


def test_exportrecords_json_lists_records_in_import_order(review, capsys, tmp_path):
    call_command("importrecords", review.pk, str(OVID), "--database", "other")
    call_command("importrecords", review.pk, str(NBIB), "--database", "pubmed")
    capsys.readouterr()
    call_command("exportrecords", review.pk, "--format", "json")
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 14
    assert (
        records[0]["title"] == "Detection of retention trees on clearcuts, a 50-year perspective."
    )
    assert records[0]["authors"][:2] == ["Holmstrom, E.", "Nordstrom, E."]
    assert records[0]["year"] == 2020
    assert records[0]["doi"] == "10.4236/ojf.2020.101008"
    assert records[4]["pmid"] == "33465792"
    assert records[4]["database"] == "pubmed"
    assert all(isinstance(r["year"], int) or r["year"] is None for r in records)


def test_exportrecords_ris_round_trips_through_our_importer(review, tmp_path, capsys):
    call_command("importrecords", review.pk, str(NBIB), "--database", "pubmed")
    out = tmp_path / "out.ris"
    call_command("exportrecords", review.pk, "--format", "ris", "--output", str(out))
    from tests.factories import ReviewFactory

    other = ReviewFactory(created_by=review.created_by)
    call_command("importrecords", other.pk, str(out), "--database", "other", "--json")
    before = list(
        Record.objects.filter(review=review).values_list("title", "doi", "year", "authors")
    )
    after = list(Record.objects.filter(review=other).values_list("title", "doi", "year", "authors"))
    assert after == before


def test_exportrecords_csv_has_a_header_and_one_row_per_record(review, tmp_path):
    import csv

    call_command("importrecords", review.pk, str(NBIB), "--database", "pubmed")
    out = tmp_path / "out.csv"
    call_command("exportrecords", review.pk, "--format", "csv", "--output", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 10
    assert rows[0]["title"] == "Switching of Hormone Therapies in Breast Cancer Women."
    assert rows[0]["authors"].startswith("de Medeiros, Luana Moreira; Stahlschmidt, Rebeca")
