"""Every format, end to end through the import service: detected, decoded, every record
added. Expected counts come from counting record markers in the files, independently of
the readers."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.imports import ImportRefused, import_file, import_remap, import_stage, import_start
from reviews.jobs import job_execute
from reviews.models import Record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"

MARKERS = {
    "noteexpress": r"^\ufeff?\{Reference Type\}",
    "cnki": r"^\ufeff?DataType",
    "endnote_refer": r"^%0 ",
    "refworks": r"^RT ",
    "medline": r"^PMID- ",
    "wos": r"^PT ",
    "ris": r"^\ufeff?TY  - ",
    "pubmed_xml": r"<Pubmed(?:Book)?Article>",
    "endnote_xml": r"<record>",
}

CASES = [
    ("cnki/mrhelper_demo_cnki_202101_estudy.txt", "cnki", "utf-8"),
    ("cnki/estudy_gb18030_crlf.txt", "cnki", "gb18030"),
    ("cnki/estudy_utf8_bom.txt", "cnki", "utf-8-sig"),
    ("cnki/cnki2bibtex_CoverAllTest15Entries.net", "noteexpress", "utf-8"),
    ("cnki/cnki2bibtex_withLineBreakInAddress.net", "noteexpress", "utf-8"),
    ("cnki/cnki_endnote_synthetic.txt", "endnote_refer", "utf-8"),
    ("cnki/cnki_refworks_synthetic.txt", "refworks", "utf-8"),
    ("wanfang/mrhelper_demo_wanfang_202101_noteexpress.net", "noteexpress", "utf-8"),
    ("wanfang/noteexpress_gb18030_crlf.net", "noteexpress", "gb18030"),
    ("wanfang/noteexpress_mixed_line_ends.net", "noteexpress", "utf-8"),
    ("wanfang/wanfang_endnote_synthetic.txt", "endnote_refer", "utf-8"),
    ("wanfang/wanfang_refworks_synthetic.txt", "refworks", "utf-8"),
    ("pubmed_medline/mrhelper_demo_pubmed_202101.nbib", "medline", "utf-8"),
    ("pubmed_medline/biopython_pubmed_result2.txt", "medline", "utf-8"),
    ("pubmed_xml/biopython_pubmed1.xml", "pubmed_xml", "utf-8"),
    ("pubmed_xml/synthetic_dates_and_books.xml", "pubmed_xml", "utf-8"),
    ("ris/asreview_embase.ris", "ris", "utf-8-sig"),
    ("ris/synthesisr_Ovid_ris_example.ris", "ris", "utf-8"),
    ("ris/asreview_proquest.ris", "ris", "utf-8"),
    ("ris/synthesisr_ASP_ebsco.ris", "ris", "utf-8"),
    ("ris/asreview_scopus.ris", "ris", "utf-8"),
    ("wos/mrhelper_demo_wos_202101.txt", "wos", "utf-8-sig"),
    ("wos/synthesisr_WoS_txt_example_utf16le.txt", "wos", "utf-16"),
    ("wos/rispy_example_wos.ris", "wos", "utf-8"),
    ("endnote_xml/synthetic_reexpressed.xml", "endnote_xml", "utf-8"),
    ("scopus/bibliometrix_scopus_sample.csv", "scopus_csv", "utf-8"),
    ("embase/asreview_embase.csv", "embase_csv", "utf-8"),
    ("generic_csv/pubmed_layout_synthetic.csv", "generic_csv", "utf-8"),
]


def expected_count(path: Path, format_name: str, encoding: str) -> int:
    text = re.sub(r"\r\n?", "\n", path.read_bytes().decode(encoding))
    if format_name.endswith("csv"):
        return len(list(csv.reader(io.StringIO(text)))) - 1  # rows after the header
    return len(re.findall(MARKERS[format_name], text, flags=re.MULTILINE))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(("name", "format_name", "encoding"), CASES)
def test_every_format_imports_every_record(review, lead, name, format_name, encoding):
    path = FIXTURES / name
    done = import_file(
        user=lead,
        review=review,
        upload=SimpleUploadedFile(path.name, path.read_bytes()),
        database="other",
    )
    assert (done.format, done.encoding) == (format_name, encoding)
    assert done.record_count == expected_count(path, format_name, encoding) > 0
    assert Record.objects.filter(search_import=done).count() == done.record_count
    assert not Record.objects.filter(search_import=done, title="").exists()


def test_chinese_records_keep_their_text(review, lead):
    path = FIXTURES / "wanfang/noteexpress_gb18030_crlf.net"
    import_file(
        user=lead,
        review=review,
        database="wanfang",
        upload=SimpleUploadedFile(path.name, path.read_bytes()),
    )
    utf8 = (FIXTURES / "wanfang/mrhelper_demo_wanfang_202101_noteexpress.net").read_text("utf-8")
    first_title = re.search(r"^\{Title\}: (.+?)\s*$", utf8, re.MULTILINE).group(1)
    record = Record.objects.order_by("source_index").first()
    assert record.title == first_title
    assert re.search(r"[\u4e00-\u9fff]", record.title)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pubmed_xml/bad_billion_laughs.xml", "XML entity declarations are not allowed"),
        ("pubmed_xml/bad_external_entity.xml", "XML entity declarations are not allowed"),
        ("pubmed_xml/bad_malformed.xml", "bad_malformed.xml: "),
        ("wos/bad_truncated.txt", "bad_truncated.txt: record 2"),
        ("cochrane/cochrane_central_synthetic.txt", "record 3 (line 39): no title"),
    ],
)
def test_bad_files_are_refused_with_the_place_named_and_nothing_saved(review, lead, name, message):
    path = FIXTURES / name
    with pytest.raises(ImportRefused) as excinfo:
        import_file(
            user=lead,
            review=review,
            database="other",
            upload=SimpleUploadedFile(path.name, path.read_bytes()),
        )
    assert message in excinfo.value.message
    assert excinfo.value.message.startswith(path.name)
    assert not Record.objects.exists()


def test_csv_without_title_column_waits_for_a_mapping(review, lead):
    sheet = "Heading,Writers,Yr\nPRP for acne scars (synthetic row),Doe J; Roe R,2020\n"
    staged = import_stage(
        user=lead,
        review=review,
        database="other",
        upload=SimpleUploadedFile("sheet.csv", sheet.encode()),
    )
    assert staged.format == "generic_csv"
    assert staged.preview["columns"] == ["heading", "writers", "yr"]
    assert "no title column" in staged.preview["problem"]
    with pytest.raises(ValidationError, match="Correct the column mapping first"):
        import_start(user=lead, search_import=staged)

    remapped = import_remap(
        search_import=staged, mapping={"title": "heading", "authors": "writers", "year": "yr"}
    )
    assert "problem" not in remapped.preview
    assert remapped.preview["records"][0]["title"] == "PRP for acne scars (synthetic row)"
    assert remapped.preview["records"][0]["authors"] == ["Doe J", "Roe R"]
    job = import_start(user=lead, search_import=remapped)
    job_execute(job.pk)
    record = Record.objects.get()
    assert (record.title, record.year) == ("PRP for acne scars (synthetic row)", 2020)
