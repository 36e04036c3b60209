"""Chinese exports as Windows writes them (GB18030, UTF-8 with BOM, CRLF, mixed line ends) and
format detection across every export in tests/fixtures/imports."""

from pathlib import Path

import pytest

from reviews.importers import cnki, cochrane, endnote_refer, noteexpress, refworks
from reviews.importers.base import ImportFailure
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
ESTUDY = IMPORTS / "cnki" / "mrhelper_demo_cnki_202101_estudy.txt"
WANFANG = IMPORTS / "wanfang" / "mrhelper_demo_wanfang_202101_noteexpress.net"
READERS = (cnki, noteexpress, endnote_refer, refworks, cochrane)


def read(module, path: Path, encoding: str | None = None):
    encoding = encoding or detect_encoding(read_head(path))
    return list(module.parse(numbered_lines(path, encoding)))


@pytest.mark.parametrize(
    ("module", "original", "variant"),
    [
        (cnki, ESTUDY, IMPORTS / "cnki" / "estudy_gb18030_crlf.txt"),
        (noteexpress, WANFANG, IMPORTS / "wanfang" / "noteexpress_gb18030_crlf.net"),
    ],
    ids=["cnki-estudy", "wanfang-noteexpress"],
)
def test_gb18030_crlf_file_is_detected_and_reads_like_the_utf8_original(module, original, variant):
    assert detect_encoding(read_head(variant)) == "gb18030"
    records = read(module, variant)
    assert len(records) == 20
    assert records == read(module, original)  # every field, raw text and line number
    assert records[0].authors[1] in {"陈璿英", "韩超"}


def test_gb18030_file_read_as_utf8_fails_with_a_line_number():
    with pytest.raises(ImportFailure) as failure:
        read(cnki, IMPORTS / "cnki" / "estudy_gb18030_crlf.txt", encoding="utf-8")
    assert failure.value.line == 2  # line 1, "DataType: 1", is plain ASCII
    assert "utf-8" in failure.value.message


def test_utf8_file_with_bom_reads_like_the_original():
    variant = IMPORTS / "cnki" / "estudy_utf8_bom.txt"
    assert variant.read_bytes().startswith(b"\xef\xbb\xbf")
    assert detect_encoding(read_head(variant)) == "utf-8-sig"
    assert read(cnki, variant) == read(cnki, ESTUDY)


def test_bom_left_in_the_text_does_not_hide_the_first_record():
    # A user who forces "utf-8" keeps the BOM as the first character of line 1.
    records = read(cnki, IMPORTS / "cnki" / "estudy_utf8_bom.txt", encoding="utf-8")
    assert len(records) == 20
    assert records[0].line == 1
    assert records[0].title == read(cnki, ESTUDY)[0].title


def test_mixed_line_ends_read_like_the_original():
    variant = IMPORTS / "wanfang" / "noteexpress_mixed_line_ends.net"
    data = variant.read_bytes()
    assert b"\r\n" in data and b"\r{" in data and b"\n{" in data.replace(b"\r\n", b"")
    assert read(noteexpress, variant) == read(noteexpress, WANFANG)


# --- format detection -------------------------------------------------------------------

OWNER = {
    "mrhelper_demo_cnki_202101_estudy.txt": cnki,
    "estudy_utf8_bom.txt": cnki,
    "estudy_gb18030_crlf.txt": cnki,
    "cnki2bibtex_ChineseColon.net": noteexpress,
    "cnki2bibtex_CoverAllTest15Entries.net": noteexpress,
    "cnki2bibtex_mixed.net": noteexpress,
    "cnki2bibtex_withLineBreakInAddress.net": noteexpress,
    "mrhelper_demo_wanfang_202101_noteexpress.net": noteexpress,
    "noteexpress_gb18030_crlf.net": noteexpress,
    "noteexpress_mixed_line_ends.net": noteexpress,
    "cnki_endnote_synthetic.txt": endnote_refer,
    "wanfang_endnote_synthetic.txt": endnote_refer,
    "cnki_refworks_synthetic.txt": refworks,
    "wanfang_refworks_synthetic.txt": refworks,
    "cochrane_central_synthetic.txt": cochrane,
}

# Other formats, in case their real samples are not in tests/fixtures/imports.
OTHER_FORMATS = {
    "ris": "TY  - JOUR\nAU  - Smith, J\nTI  - A title\nPY  - 2020\nER  - \n",
    "ris after a provider header": (
        'Record #1 of 2\nProvider: Provider\nContent: text/plain; charset="UTF-8"\n1.\n'
        "TY  - JOUR\nID  - 12345\nT1  - Title of reference\nA1  - Marx, Karl\nER  - \n"
    ),
    "medline": "PMID- 12345678\nOWN - NLM\nTI  - A title.\nAU  - Smith J\nDP  - 2020 Jan\n",
    "web of science": "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\n"
    "TI A title\nSO A JOURNAL\nPY 2020\nER\n\nEF\n",
    "bibtex": "@article{key,\n  title = {A title},\n  author = {Smith, J},\n  year = {2020}\n}\n",
    "csv": 'Authors,Title,Year,Source title,DOI\n"Smith J.",A title,2020,A journal,10.1/x\n',
}


def _fixture_files():
    return sorted(p for p in IMPORTS.rglob("*") if p.is_file() and p.suffix.lower() != ".md")


def _head(path: Path) -> str | None:
    head = read_head(path)
    try:
        encoding = detect_encoding(head)
    except ImportFailure:
        return None  # not text at all: no text reader may claim it
    return head.decode(encoding, errors="ignore")


def test_each_sniff_claims_its_own_files_and_no_other_fixture():
    checked = 0
    for path in _fixture_files():
        head = _head(path)
        if head is None:
            continue
        claimed = [module.NAME for module in READERS if module.sniff(head)]
        owner = OWNER.get(path.name)
        assert claimed == ([owner.NAME] if owner else []), path.relative_to(IMPORTS)
        checked += 1
    assert checked >= len(OWNER)


@pytest.mark.parametrize("name", OTHER_FORMATS)
def test_no_chinese_or_cochrane_sniff_claims_other_formats(name):
    head = OTHER_FORMATS[name]
    assert [module.NAME for module in READERS if module.sniff(head)] == []
