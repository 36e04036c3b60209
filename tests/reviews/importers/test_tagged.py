"""The streaming tag/value/continuation engine that RIS, MEDLINE and the other tagged
formats configure."""

import re

from reviews.importers.tagged import TaggedRecord, read_tagged

RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|)$")


def numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


def ris_like(text: str, **rules):
    rules.setdefault("is_start", lambda tag: tag == "TY")
    rules.setdefault("is_end", lambda tag: tag == "ER")
    return list(read_tagged(numbered(text), tag_line=RIS_TAG, **rules))


def test_lines_before_the_first_start_tag_are_skipped():
    records = ris_like("Export from Somewhere\nT1  - orphan\n1.\nTY  - JOUR\nT1  - Kept\nER  -")

    assert len(records) == 1
    assert records[0].line == 4
    assert records[0].fields == [("TY", "JOUR"), ("T1", "Kept")]


def test_an_end_tag_closes_the_record_and_what_follows_is_skipped_until_a_start_tag():
    text = "TY  - JOUR\nT1  - One\nER  -\nNL  - stray tag\nLink to full text\nTY  - BOOK\nER  -"

    records = ris_like(text)

    assert [r.fields for r in records] == [[("TY", "JOUR"), ("T1", "One")], [("TY", "BOOK")]]
    assert records[0].raw_lines == ["TY  - JOUR", "T1  - One", "ER  -"]


def test_a_start_tag_inside_a_record_starts_a_new_record_without_an_end_tag():
    records = ris_like("TY  - JOUR\nT1  - One\nTY  - JOUR\nT1  - Two\nER  -")

    assert [r.first("T1") for r in records] == ["One", "Two"]
    assert [r.line for r in records] == [1, 3]
    assert records[0].raw_lines == ["TY  - JOUR", "T1  - One"]
    assert records[1].raw_lines == ["TY  - JOUR", "T1  - Two", "ER  -"]


def test_the_last_record_is_kept_when_the_file_ends_without_an_end_tag():
    records = ris_like("TY  - JOUR\nT1  - One\nER  -\nTY  - JOUR\nT1  - Two")

    assert [r.first("T1") for r in records] == ["One", "Two"]


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


def test_lines_the_continuation_rule_rejects_are_dropped():
    records = ris_like(
        "TY  - JOUR\nAB  - kept\n      indented more\nnot indented\nER  -",
        continuation=lambda line: line.strip() if line.startswith("      ") else None,
    )

    assert records[0].first("AB") == "kept indented more"
    assert "not indented" not in records[0].raw


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
    assert ris_like("no tags at all\njust text") == []


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
