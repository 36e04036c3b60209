"""The streaming tag/value/continuation engine that RIS, MEDLINE and the other tagged
formats configure."""

import re

from reviews.importers.base import Skipped
from reviews.importers.tagged import TaggedRecord, read_tagged, start_or_repeat

RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|)$")


def numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


def ris_like(text: str, **rules):
    rules.setdefault("is_start", lambda tag: tag == "TY")
    rules.setdefault("is_end", lambda tag: tag == "ER")
    return list(read_tagged(numbered(text), tag_line=RIS_TAG, **rules))


def test_untagged_lines_before_the_first_record_are_the_header_when_the_format_has_one():
    records = ris_like("Export from Somewhere\n1.\n\nTY  - JOUR\nT1  - Kept\nER  -", header=True)

    assert len(records) == 1
    assert records[0].line == 4
    assert records[0].fields == [("TY", "JOUR"), ("T1", "Kept")]


def test_untagged_lines_before_the_first_record_are_reported_when_there_is_no_header():
    items = ris_like("Export from Somewhere\n\n1.\nTY  - JOUR\nT1  - Kept\nER  -")

    assert items[0] == Skipped(
        kind="text", message="text before the first record", line=1, end_line=3
    )
    assert items[1].fields == [("TY", "JOUR"), ("T1", "Kept")]


def test_a_field_outside_any_record_begins_a_record_without_its_start_tag():
    items = ris_like("T1  - orphan\nTY  - JOUR\nT1  - One\nER  -\nT1  - Two\nER  -", header=True)

    assert [(r.line, r.fields) for r in items] == [
        (1, [("T1", "orphan")]),
        (2, [("TY", "JOUR"), ("T1", "One")]),
        (5, [("T1", "Two")]),
    ]
    assert items[2].raw_lines == ["T1  - Two", "ER  -"]


def test_an_end_tag_closes_the_record_and_untagged_text_after_it_is_reported():
    text = "TY  - JOUR\nT1  - One\nER  -\nLink to full text\n\nmore\nTY  - BOOK\nER  -\nend"

    items = ris_like(text)

    assert items[0].fields == [("TY", "JOUR"), ("T1", "One")]
    assert items[0].raw_lines == ["TY  - JOUR", "T1  - One", "ER  -"]
    assert items[1] == Skipped(kind="text", message="text between records", line=4, end_line=6)
    assert items[2].fields == [("TY", "BOOK")]
    assert items[3] == Skipped(
        kind="text", message="text after the last record", line=9, end_line=9
    )


def test_lines_the_format_knows_as_decoration_are_passed_over_outside_records():
    text = "TY  - JOUR\nER  -\nNL  - Journal abbreviation\n2.\nTY  - JOUR\nNL  - inside\nER  -"

    items = ris_like(text, ignore=lambda line: line.startswith("NL  -") or line == "2.")

    assert [r.fields for r in items] == [[("TY", "JOUR")], [("TY", "JOUR"), ("NL", "inside")]]


def test_start_or_repeat_starts_a_record_at_a_second_once_per_record_field():
    lines = numbered("ST  - 1\nT1  - One\nAU  - A\nT1  - Two\nAU  - B\nST  - 3\nT1  - Three")

    records = list(read_tagged(lines, tag_line=RIS_TAG, is_start=start_or_repeat("ST", {"T1"})))

    assert [(r.line, r.fields) for r in records] == [
        (1, [("ST", "1"), ("T1", "One"), ("AU", "A")]),
        (4, [("T1", "Two"), ("AU", "B")]),
        (6, [("ST", "3"), ("T1", "Three")]),
    ]


def test_a_start_tag_inside_a_record_starts_a_new_record_without_an_end_tag():
    records = ris_like("TY  - JOUR\nT1  - One\nTY  - JOUR\nT1  - Two\nER  -")

    assert [r.first("T1") for r in records] == ["One", "Two"]
    assert [r.line for r in records] == [1, 3]
    assert records[0].raw_lines == ["TY  - JOUR", "T1  - One"]
    assert records[1].raw_lines == ["TY  - JOUR", "T1  - Two", "ER  -"]


def test_the_last_record_is_kept_and_marked_cut_off_when_the_file_ends_without_an_end_tag():
    records = ris_like("TY  - JOUR\nT1  - One\nTY  - JOUR\nT1  - Two\nER  -\nTY  - JOUR\nT1  - 3")

    assert [r.first("T1") for r in records] == ["One", "Two", "3"]
    # Only the last: a record that the next start tag ends lost no more than its end tag.
    assert [r.cut_off for r in records] == [False, False, True]


def test_a_line_without_a_tag_continues_the_previous_value():
    records = ris_like("TY  - JOUR\nAB  - First words\n  wrapped on\nthe next lines\nER  -")

    assert records[0].first("AB") == "First words wrapped on the next lines"
    assert records[0].raw_lines[2] == "  wrapped on"


def test_the_joiner_puts_continuations_together():
    records = ris_like("TY  - JOUR\nAB  - line one\nline two\nER  -", joiner="\n")

    assert records[0].first("AB") == "line one\nline two"


def test_a_continuation_of_an_empty_value_becomes_the_value():
    records = ris_like("TY  - JOUR\nT1  -\nThe title on its own line\nER  -")

    assert records[0].first("T1") == "The title on its own line"


def test_a_tag_with_no_text_after_it_has_an_empty_value():
    records = ris_like("TY  - JOUR\nT1  -\nVL  - \nER  -")

    assert records[0].fields == [("TY", "JOUR"), ("T1", ""), ("VL", "")]


def test_lines_the_continuation_rule_rejects_are_kept_in_raw_and_reported():
    items = ris_like(
        "TY  - JOUR\nAB  - kept\n      indented more\nnot indented\nER  -",
        continuation=lambda line: line.strip() if line.startswith("      ") else None,
    )

    assert items[0] == Skipped(
        kind="text",
        message="text in a record that is neither a field nor a continuation line",
        line=4,
        end_line=4,
    )
    assert items[1].first("AB") == "kept indented more"
    assert items[1].raw_lines[3] == "not indented"


def test_blank_lines_end_a_record_when_the_format_says_so():
    medline_tag = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
    lines = numbered("\nPMID- 1\nTI  - One\n\n\nPMID- 2\nTI  - Two\n")

    records = list(
        read_tagged(
            lines, tag_line=medline_tag, is_start=lambda t: t == "PMID", blank_ends_record=True
        )
    )

    assert [(r.line, r.first("TI")) for r in records] == [(2, "One"), (6, "Two")]
    assert records[0].raw == "PMID- 1\nTI  - One"


def test_blank_lines_inside_a_record_are_skipped_when_they_do_not_end_it():
    records = ris_like("TY  - JOUR\n\nT1  - Title\n   \nAB  - Abstract\nER  -")

    assert len(records) == 1
    assert records[0].first("T1", "AB") == "Title"
    assert records[0].first("AB") == "Abstract"


def test_a_whitespace_only_line_counts_as_blank():
    medline_tag = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
    lines = numbered("PMID- 1\nTI  - One\n      \nPMID- 2")

    records = list(
        read_tagged(
            lines, tag_line=medline_tag, is_start=lambda t: t == "PMID", blank_ends_record=True
        )
    )

    assert [r.first("PMID") for r in records] == ["1", "2"]


def test_values_are_stripped_of_surrounding_spaces():
    records = ris_like("TY  - JOUR \nT1  -   Padded title   \nER  -")

    assert records[0].fields == [("TY", "JOUR"), ("T1", "Padded title")]


def test_the_record_line_numbers_come_from_the_numbered_lines_given():
    lines = [(101, "TY  - JOUR"), (102, "ER  -"), (250, "TY  - JOUR"), (251, "ER  -")]

    records = list(
        read_tagged(
            lines, tag_line=RIS_TAG, is_start=lambda t: t == "TY", is_end=lambda t: t == "ER"
        )
    )

    assert [r.line for r in records] == [101, 250]


def test_read_tagged_is_lazy_and_holds_one_record_at_a_time():
    def endless():
        number = 0
        while True:
            number += 1
            yield number, "TY  - JOUR" if number % 2 else "ER  -"

    records = read_tagged(
        endless(), tag_line=RIS_TAG, is_start=lambda t: t == "TY", is_end=lambda t: t == "ER"
    )

    assert [next(records).line for _ in range(3)] == [1, 3, 5]


def test_an_empty_input_yields_no_records():
    assert ris_like("") == []
    assert ris_like("no tags at all\njust text", header=True) == []
    assert ris_like("no tags at all\njust text") == [
        Skipped(kind="text", message="text before the first record", line=1, end_line=2)
    ]


# --- TaggedRecord -------------------------------------------------------------------------


def make_record() -> TaggedRecord:
    return TaggedRecord(
        line=7,
        fields=[("TY", "JOUR"), ("A1", "Holmstrom, E."), ("AU", "Wallin, I."), ("A1", "Nord, E.")],
        raw_lines=["TY  - JOUR", "A1  - Holmstrom, E.", "AU  - Wallin, I.", "A1  - Nord, E."],
    )


def test_first_gives_the_first_value_of_the_first_tag_present_in_the_order_asked():
    record = make_record()

    assert record.first("AU", "A1") == "Wallin, I."
    assert record.first("A1", "AU") == "Holmstrom, E."
    assert record.first("XX", "A1") == "Holmstrom, E."


def test_first_gives_empty_text_when_no_tag_is_present():
    assert make_record().first("T1", "TI") == ""
    assert make_record().first() == ""


def test_every_gives_all_values_of_any_tag_in_file_order():
    assert make_record().every("A1", "AU") == ["Holmstrom, E.", "Wallin, I.", "Nord, E."]
    assert make_record().every("AU") == ["Wallin, I."]
    assert make_record().every("T1") == []


def test_raw_joins_the_source_lines_with_newlines():
    assert make_record().raw == "TY  - JOUR\nA1  - Holmstrom, E.\nAU  - Wallin, I.\nA1  - Nord, E."
