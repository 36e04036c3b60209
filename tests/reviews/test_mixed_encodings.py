"""Files mixing UTF-8 and Windows-1252 lines, and an encoding chosen by hand (issue #19)."""

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from reviews.importers.decoding import MIXED
from reviews.imports import import_file, import_stage
from reviews.models import Record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
# Real records merged by hand (labelled synthetic): lines 37 and 61 are Windows-1252.
MIXED_RIS = FIXTURES / "ris" / "mixed_utf8_cp1252_merged_synthetic.ris"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(path: Path) -> ContentFile:
    return ContentFile(path.read_bytes(), name=path.name)


def test_mixed_file_is_read_line_by_line_and_the_preview_says_so(review, lead):
    staged = import_stage(user=lead, review=review, upload=upload(MIXED_RIS), database="other")
    assert staged.encoding == MIXED
    assert staged.preview["decoding"]["lines"] == [37, 61]
    assert staged.preview["decoding"]["note"] == (
        "Mostly UTF-8, with 2 lines in Windows-1252 (lines 37, 61): each line is read in the "
        "encoding it decodes in."
    )


def test_mixed_file_imports_both_encodings_correctly(review, lead):
    done = import_file(user=lead, review=review, upload=upload(MIXED_RIS), database="other")
    records = list(Record.objects.filter(search_import=done).order_by("source_index"))
    assert records[0].authors[0] == "Rodríguez-Pastor, Ruth"  # a UTF-8 line
    assert records[1].title.startswith("£330,000 Welsh farmer scheme")  # a Windows-1252 line
    assert records[2].title.startswith("£50,000 silage conveyor")
    assert records[3].authors[0] == "朱德泉"  # UTF-8 again after the stray lines


def test_stray_line_after_the_head_is_found(review, lead):
    # Synthetic: 80 KB of UTF-8 records (past the 64 KB head), then one Windows-1252 record.
    good = "".join(f"TY  - JOUR\nTI  - Café study {i}\nER  - \n" for i in range(3000))
    text = good.encode() + "TY  - JOUR\nTI  - Zürich trial\nER  - \n".encode("cp1252")
    assert len(good.encode()) > 64 * 1024
    done = import_file(
        user=lead, review=review, upload=ContentFile(text, name="late.ris"), database="other"
    )
    assert done.encoding == MIXED
    assert done.preview["decoding"]["lines"] == [9002]
    assert Record.objects.get(source_index=3001).title == "Zürich trial"


def test_explicit_utf8_is_accepted_with_a_per_line_report(review, capsys):
    call_command(
        "importrecords", review.pk, str(MIXED_RIS), "--source", "other", "--encoding", "utf-8"
    )
    out = capsys.readouterr().out
    assert "Imported 4 records" in out
    assert "2 lines not valid utf-8 (lines 37, 61), read as Windows-1252." in out
    assert Record.objects.get(source_index=2).title.startswith("£330,000")


def test_explicit_encoding_report_in_json(review, capsys):
    call_command(
        "importrecords",
        review.pk,
        str(MIXED_RIS),
        "--source",
        "other",
        "--encoding",
        "ascii",
        "--json",
    )
    decoding = json.loads(capsys.readouterr().out)["decoding"]
    assert 37 in decoding["lines"] and 2 in decoding["lines"]
    assert "not valid ascii" in decoding["note"]
    assert "with � for bad bytes" in decoding["note"]


def test_staged_page_shows_the_decoding_note(client, review, lead):
    client.force_login(lead)
    with MIXED_RIS.open("rb") as handle:
        response = client.post(
            f"/reviews/{review.pk}/imports/stage/", {"file": handle, "database": "other"}
        )
    assert response.status_code == 200
    assert "Mostly UTF-8, with 2 lines in Windows-1252 (lines 37, 61)" in response.content.decode()
