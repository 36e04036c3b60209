"""Field limits of imported records: one place, applied to every field, reported."""

from reviews.importers.base import ParsedRecord
from reviews.importers.limits import FIELD_LIMITS, ID_LIMIT, LIST_LIMITS, shorten
from reviews.models import Record


def test_a_record_within_every_limit_is_left_alone():
    record = ParsedRecord(
        title="A title", authors=["Doe, J"], keywords=["k"], other_ids={"url": "https://x.org"}
    )

    assert shorten(record) == []
    assert (record.title, record.authors, record.keywords) == ("A title", ["Doe, J"], ["k"])


def test_every_text_field_is_cut_to_its_limit_with_one_warning_each():
    record = ParsedRecord(**{name: "x" * (limit + 1) for name, limit in FIELD_LIMITS.items()})

    warnings = shorten(record)

    assert warnings == [f"{name} shortened" for name in FIELD_LIMITS]
    assert {name: len(getattr(record, name)) for name in FIELD_LIMITS} == FIELD_LIMITS


def test_list_fields_keep_their_first_items_each_cut_to_its_limit():
    most, longest = LIST_LIMITS["keywords"]
    record = ParsedRecord(keywords=["k" * (longest + 5)] + [f"k{i}" for i in range(most + 5)])

    assert shorten(record) == ["keywords shortened"]
    assert len(record.keywords) == most
    assert record.keywords[:2] == ["k" * longest, "k0"]


def test_identifiers_are_cut_to_their_limit():
    record = ParsedRecord(other_ids={"url": "u" * (ID_LIMIT + 1), "issn": "1234-5678"})

    assert shorten(record) == ["other_ids shortened"]
    assert record.other_ids == {"url": "u" * ID_LIMIT, "issn": "1234-5678"}


def test_the_record_model_takes_its_column_lengths_from_the_limits():
    for field in Record._meta.get_fields():
        if getattr(field, "max_length", None) and field.name in FIELD_LIMITS:
            assert field.max_length == FIELD_LIMITS[field.name], field.name
    assert {f.name for f in Record._meta.get_fields()} >= set(FIELD_LIMITS) | set(LIST_LIMITS)
