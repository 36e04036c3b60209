"""The commands a script uses end to end: createreview, importrecords --source (and its
deprecated --database), exportrecords with source identifiers (issue #19)."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reviews.models import AuditEvent, Membership, Review, Role, SearchImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"
EMBASE = FIXTURES / "ris" / "asreview_embase.ris"
WOS = FIXTURES / "wos" / "synthesisr_WoS_txt_example.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_createreview_prints_the_id(lead, capsys):
    call_command("createreview", "Acupuncture for acne scars", "--lead", "lead")
    review = Review.objects.get()
    assert capsys.readouterr().out.strip() == str(review.pk)
    assert Membership.objects.get(review=review).user == lead
    assert Membership.objects.get(review=review).role == Role.LEAD
    assert AuditEvent.objects.filter(review=review, action="review.created").exists()


def test_createreview_json(lead, capsys):
    call_command(
        "createreview", "Fat grafting", "--question", "Does it work?", "--lead", "lead", "--json"
    )
    out = json.loads(capsys.readouterr().out)
    review = Review.objects.get()
    assert out == {"id": review.pk, "title": "Fat grafting", "lead": "lead"}
    assert review.question == "Does it work?"


def test_createreview_refuses_an_unknown_lead(db):
    with pytest.raises(CommandError, match="no account “ghost”"):
        call_command("createreview", "T", "--lead", "ghost")
    assert not Review.objects.exists()


def test_createreview_refuses_a_blank_title(lead):
    with pytest.raises(CommandError):
        call_command("createreview", "", "--lead", "lead")
    assert not Review.objects.exists()


def test_importrecords_source(review, capsys):
    call_command("importrecords", review.pk, str(NBIB), "--source", "pubmed")
    assert SearchImport.objects.get().database == "pubmed"
    assert "deprecated" not in capsys.readouterr().err


def test_importrecords_database_is_a_deprecated_alias(review, capsys):
    call_command("importrecords", review.pk, str(NBIB), "--database", "pubmed")
    assert SearchImport.objects.get().database == "pubmed"
    assert "--database is deprecated" in capsys.readouterr().err


def test_importrecords_needs_a_source(review):
    with pytest.raises(CommandError, match="--source is required"):
        call_command("importrecords", review.pk, str(NBIB))


def test_importrecords_source_and_alias_must_agree(review):
    with pytest.raises(CommandError, match="differ"):
        call_command(
            "importrecords", review.pk, str(NBIB), "--source", "pubmed", "--database", "embase"
        )


def test_export_has_source_identifiers_import_and_position(review, tmp_path, capsys):
    call_command("importrecords", review.pk, str(NBIB), "--source", "pubmed")
    call_command("importrecords", review.pk, str(EMBASE), "--source", "embase")
    call_command("importrecords", review.pk, str(WOS), "--source", "wos")
    capsys.readouterr()
    call_command("exportrecords", review.pk, "--format", "json", "--include-duplicates")
    records = json.loads(capsys.readouterr().out)
    imports = list(SearchImport.objects.order_by("pk").values_list("pk", flat=True))
    pubmed = [r for r in records if r["import"] == imports[0]]
    assert [r["source_index"] for r in pubmed] == list(range(1, 11))
    assert pubmed[0]["source_accession"] == pubmed[0]["source_pmid"] != ""
    assert pubmed[0]["source_line"] == 1
    embase = [r for r in records if r["import"] == imports[1]]
    assert embase[0]["source_accession"].startswith("L")
    wos = [r for r in records if r["import"] == imports[2]]
    assert wos[0]["source_accession"].startswith("WOS:")
    assert any(r["source_doi"] for r in wos)

    out = tmp_path / "out.csv"
    call_command("exportrecords", review.pk, "--format", "csv", "--output", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for column in ("import", "source_index", "source_line", "source_accession", "source_pmid"):
        assert column in rows[0]
    assert rows[0]["source_index"] == "1"
