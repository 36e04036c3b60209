"""From uploaded bytes to numbered text lines: encoding detection, refusing files that are
not search exports, and locating undecodable text by line."""

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.importers.base import ImportFailure
from reviews.importers.decoding import (
    HEAD_BYTES,
    check_encoding,
    detect_encoding,
    numbered_lines,
    read_head,
    refuse_binary,
)

RIS = "TY  - JOUR\nT1  - Duplication cysts: Diagnosis and management\nA1  - Liu R.\nER  - \n"
CNKI = (
    "DataType: 1\n"
    "Title-题名: 针刺治疗原发性失眠症的随机对照试验\n"
    "Author-作者: 王小明;李华;\n"
    "Source-刊名: 中国针灸\n"
    "Year-年: 2019\n"
    "Summary-摘要: 目的 观察针刺治疗原发性失眠的临床疗效。方法 将60例患者随机分为两组。\n"
)


def write(tmp_path, data: bytes, name: str = "export.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def decoded_lines(tmp_path, data: bytes, encoding: str) -> list[tuple[int, str]]:
    return list(numbered_lines(write(tmp_path, data), encoding))


# --- detect_encoding ----------------------------------------------------------------------


def test_plain_utf8_is_detected():
    assert detect_encoding(CNKI.encode("utf-8")) == "utf-8"


def test_ascii_is_read_as_utf8():
    assert detect_encoding(RIS.encode("ascii")) == "utf-8"


def test_utf8_with_bom_is_read_so_that_the_bom_disappears(tmp_path):
    data = codecs.BOM_UTF8 + RIS.encode("utf-8")

    encoding = detect_encoding(data)

    assert encoding == "utf-8-sig"
    assert decoded_lines(tmp_path, data, encoding)[0] == (1, "TY  - JOUR")


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_bom_is_detected_and_decoded(tmp_path, bom):
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    data = bom + CNKI.encode(codec)

    encoding = detect_encoding(data)

    assert encoding == "utf-16"
    lines = decoded_lines(tmp_path, data, encoding)
    assert lines[1] == (2, "Title-题名: 针刺治疗原发性失眠症的随机对照试验")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_zero_bytes(tmp_path, codec):
    data = RIS.encode(codec)

    encoding = detect_encoding(data)

    assert encoding == codec
    assert decoded_lines(tmp_path, data, encoding)[2] == (3, "A1  - Liu R.")


def test_gb18030_chinese_text_is_detected(tmp_path):
    data = CNKI.encode("gb18030")

    encoding = detect_encoding(data)

    assert encoding == "gb18030"
    assert decoded_lines(tmp_path, data, encoding)[3] == (4, "Source-刊名: 中国针灸")


def test_gbk_is_read_as_gb18030_its_superset():
    assert detect_encoding((CNKI * 3).encode("gbk")) == "gb18030"


def test_a_multibyte_character_cut_by_the_end_of_the_head_is_still_utf8(tmp_path):
    data = b"A" * (HEAD_BYTES - 1) + "é and more".encode()
    path = write(tmp_path, data)

    head = read_head(path)

    assert len(head) == HEAD_BYTES
    assert head.endswith(b"\xc3")
    assert detect_encoding(head) == "utf-8"


def test_read_head_reads_at_most_the_head_size(tmp_path):
    path = write(tmp_path, b"x" * (HEAD_BYTES + 10))

    assert read_head(path) == b"x" * HEAD_BYTES


def test_read_head_of_a_short_file_is_the_whole_file(tmp_path):
    assert read_head(write(tmp_path, b"PMID- 1\n")) == b"PMID- 1\n"


# --- refusing what is not a text export ---------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" ",
        b"\n\n\r\n\t  \n",
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"\r\n\r\n",
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_LE + " \r\n\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "\n\n".encode("utf-16-be"),
    ],
    ids=[
        "no-bytes",
        "a-space",
        "blank-lines",
        "utf8-bom-only",
        "utf8-bom-and-blank-lines",
        "utf16-bom-only",
        "utf16le-blank-lines",
        "utf16be-blank-lines",
    ],
)
def test_an_empty_or_blank_file_is_refused_as_empty(data):
    with pytest.raises(ImportFailure, match=r"^the file is empty$"):
        detect_encoding(data)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "a ZIP archive (or a Word/Excel file)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    ],
)
def test_files_uploaded_by_mistake_are_named_in_the_refusal(data, what):
    with pytest.raises(ImportFailure) as refused:
        detect_encoding(data)

    assert str(refused.value) == f"this is {what}, not a search export"


def test_refuse_binary_lets_text_through():
    refuse_binary(RIS.encode())  # no exception


def test_nul_bytes_in_text_mark_a_binary_file():
    data = b"TY  - JOUR\n" + bytes(range(0, 40)) * 3 + b"\x00\x00ER  -\n"

    with pytest.raises(ImportFailure, match=r"^this looks like a binary file, not a text export$"):
        detect_encoding(data)


# --- check_encoding -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("UTF8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("GBK", "gbk"), ("utf_16", "utf-16")],
)
def test_check_encoding_accepts_names_python_knows(name, canonical):
    assert check_encoding(name) == canonical


def test_check_encoding_refuses_an_unknown_name_clearly():
    with pytest.raises(ImportFailure) as refused:
        check_encoding("klingon-8")

    assert str(refused.value) == "“klingon-8” is not an encoding Python knows"


# --- numbered_lines -----------------------------------------------------------------------

EXPECTED = [(1, "TY  - JOUR"), (2, "T1  - Title"), (3, ""), (4, "ER  -")]


@pytest.mark.parametrize(
    "data",
    [
        b"TY  - JOUR\nT1  - Title\n\nER  -\n",
        b"TY  - JOUR\r\nT1  - Title\r\n\r\nER  -\r\n",
        b"TY  - JOUR\rT1  - Title\r\rER  -\r",
        b"TY  - JOUR\r\nT1  - Title\r\nER  -".replace(b"\r\nER", b"\r\rER"),
        b"TY  - JOUR\nT1  - Title\r\n\rER  -",
    ],
    ids=["lf", "crlf", "cr", "crlf-then-cr", "mixed"],
)
def test_numbered_lines_numbers_lines_whatever_their_line_ends(tmp_path, data):
    assert decoded_lines(tmp_path, data, "utf-8") == EXPECTED


def test_numbered_lines_keeps_a_last_line_without_a_line_end(tmp_path):
    assert decoded_lines(tmp_path, b"a\nb", "utf-8") == [(1, "a"), (2, "b")]


def test_numbered_lines_keeps_trailing_spaces(tmp_path):
    assert decoded_lines(tmp_path, b"ER  - \r\n", "utf-8") == [(1, "ER  - ")]


def test_numbered_lines_does_not_split_on_unicode_line_separators(tmp_path):
    text = "TI  - one\u2028two\x85three\x0cfour\n"

    assert decoded_lines(tmp_path, text.encode("utf-8"), "utf-8") == [(1, text[:-1])]


_LINE = st.text(st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)))


@settings(max_examples=60)
@given(lines=st.lists(_LINE, min_size=1, max_size=20), end=st.sampled_from(["\n", "\r\n", "\r"]))
def test_numbered_lines_gives_the_same_lines_whatever_the_line_end_style(
    tmp_path_factory, lines, end
):
    path = tmp_path_factory.mktemp("ends") / "export.txt"
    path.write_bytes(end.join(lines).encode("utf-8") + end.encode())

    assert [text for _, text in numbered_lines(path, "utf-8")] == lines


@settings(max_examples=60)
@given(
    lines=st.lists(_LINE.filter(bool), min_size=1, max_size=20),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=20, max_size=20),
)
def test_numbered_lines_gives_the_same_lines_with_mixed_line_ends(tmp_path_factory, lines, ends):
    path = tmp_path_factory.mktemp("mixed") / "export.txt"
    path.write_bytes(
        "".join(line + end for line, end in zip(lines, ends, strict=False)).encode("utf-8")
    )

    numbered = list(numbered_lines(path, "utf-8"))

    assert numbered == list(enumerate(lines, start=1))


# --- the exact line of undecodable text ---------------------------------------------------


def lines_with_bad_byte(count: int, bad_line: int, *, width: int = 40) -> list[bytes]:
    lines = [b"AB  - line %d " % n + b"x" * width for n in range(1, count + 1)]
    lines[bad_line - 1] = b"AB  - caf\xe9 au lait"  # Latin-1 in a UTF-8 file
    return lines


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize(("count", "bad_line"), [(10, 1), (10, 7), (10, 10), (3000, 2500)])
def test_an_undecodable_byte_is_reported_on_its_exact_line(tmp_path, end, count, bad_line):
    path = write(tmp_path, end.join(lines_with_bad_byte(count, bad_line)) + end)

    with pytest.raises(ImportFailure) as refused:
        list(numbered_lines(path, "utf-8"))

    assert refused.value.line == bad_line
    assert str(refused.value) == (
        f"line {bad_line}: the text is not valid utf-8; choose the file's encoding by hand"
    )


def test_an_undecodable_byte_is_located_in_a_file_with_mixed_line_ends(tmp_path):
    lines = lines_with_bad_byte(400, 333)
    ends = [b"\n", b"\r\n", b"\r"]
    data = b"".join(line + ends[n % 3] for n, line in enumerate(lines))

    with pytest.raises(ImportFailure) as refused:
        list(numbered_lines(write(tmp_path, data), "utf-8"))

    assert refused.value.line == 333


def test_a_multibyte_character_cut_at_the_end_of_the_file_is_reported_on_the_last_line(tmp_path):
    path = write(tmp_path, b"TY  - JOUR\nT1  - \xe9\xa2")  # the first two bytes of 题

    with pytest.raises(ImportFailure) as refused:
        list(numbered_lines(path, "utf-8"))

    assert refused.value.line == 2


def test_the_lines_before_the_bad_one_are_yielded_first(tmp_path):
    lines = lines_with_bad_byte(3000, 2500)
    path = write(tmp_path, b"\n".join(lines))
    read = []

    with pytest.raises(ImportFailure):
        for number, _ in numbered_lines(path, "utf-8"):
            read.append(number)

    assert read[:5] == [1, 2, 3, 4, 5]
    assert read[-1] < 2500


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize(("count", "bad_line"), [(10, 7), (3000, 2500)])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_lone_surrogate_in_utf16_is_reported_on_its_exact_line(
    tmp_path, end, count, bad_line, encoding
):
    codec = "utf-16-be" if encoding == "utf-16-be" else "utf-16-le"
    lone_low_surrogate = b"\xdc\x00" if codec == "utf-16-be" else b"\x00\xdc"
    lines = [f"AB  - line {n} {'x' * 40}".encode(codec) for n in range(1, count + 1)]
    lines[bad_line - 1] = "AB  - ".encode(codec) + lone_low_surrogate + "x".encode(codec)
    data = end.encode(codec).join(lines) + end.encode(codec)
    if encoding == "utf-16":
        data = codecs.BOM_UTF16_LE + data

    with pytest.raises(ImportFailure) as refused:
        list(numbered_lines(write(tmp_path, data), encoding))

    assert refused.value.line == bad_line


@pytest.mark.parametrize(("count", "bad_line"), [(10, 4), (5000, 4321)])
def test_a_byte_gb18030_cannot_decode_is_reported_on_its_exact_line(tmp_path, count, bad_line):
    lines = [f"Title-题名: 第{n}条记录".encode("gb18030") for n in range(1, count + 1)]
    lines[bad_line - 1] = "Title-题名: ".encode("gb18030") + b"\x80\x80"
    path = write(tmp_path, b"\r\n".join(lines))

    with pytest.raises(ImportFailure) as refused:
        list(numbered_lines(path, "gb18030"))

    assert refused.value.line == bad_line


# --- ImportFailure: where and what --------------------------------------------------------


def test_a_failure_names_record_and_line_as_the_issue_asks():
    failure = ImportFailure("no title", record=37, line=1204)

    assert str(failure) == "record 37 (line 1204): no title"
    assert (failure.message, failure.record, failure.line) == ("no title", 37, 1204)


def test_a_failure_with_a_line_only_names_the_line():
    assert str(ImportFailure("the text is not valid utf-8", line=9)) == (
        "line 9: the text is not valid utf-8"
    )


def test_a_failure_with_a_record_only_names_the_record():
    assert str(ImportFailure("no title", record=3)) == "record 3: no title"


def test_a_failure_can_name_the_field():
    failure = ImportFailure("not a year", record=2, line=14, field="PY")

    assert str(failure) == "record 2 (line 14) field PY: not a year"


def test_a_failure_without_a_place_is_just_the_message():
    assert str(ImportFailure("the file is empty")) == "the file is empty"


def test_line_zero_is_still_a_place():
    assert str(ImportFailure("odd", line=0)) == "line 0: odd"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + b"PMID- 1\nTI  - T\n", "utf-8"),
        (codecs.BOM_UTF16_LE + "PMID- 1\nTI  - T\n".encode("utf-16-le"), "utf-16-le"),
    ],
    ids=["utf-8", "utf-16-le"],
)
def test_a_bom_is_dropped_even_when_the_encoding_chosen_by_hand_keeps_it(tmp_path, data, encoding):
    assert decoded_lines(tmp_path, data, encoding) == [(1, "PMID- 1"), (2, "TI  - T")]


def test_a_bom_character_after_the_first_line_is_left_alone(tmp_path):
    data = "a\n\ufeffb\n".encode()

    assert decoded_lines(tmp_path, data, "utf-8") == [(1, "a"), (2, "\ufeffb")]
