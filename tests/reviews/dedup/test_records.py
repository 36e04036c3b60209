"""Features: what a pair comparison reads of each record, bounded whatever was imported."""

import itertools

from reviews.dedup.engine import find_pairs
from reviews.dedup.records import MAX_FIELD_CHARS, MAX_TITLE_CHARS, DedupRecord, features

HUGE = 600_000


def huge_text(seed: str) -> str:
    words = [f"{seed}{i % 97}" for i in range(HUGE // 4)]
    return " ".join(words)[:HUGE]


def compared_strings(f) -> dict[str, list[str]]:
    """Every string of a record's features that the pair scoring and blocking read."""
    return {
        "titles": [f.title, f.translated_title, *f.title_parts],
        "fields": [
            *f.surnames,
            *f.initials,
            *(" ".join(words) for words in f.journal),
            f.volume,
            f.issue,
            f.start_page,
            f.end_page,
            f.doi,
            f.pmid,
            *(value for _key, value in f.source_ids),
        ],
    }


def test_every_string_a_comparison_reads_is_capped_whatever_the_field_lengths():
    huge = huge_text("word")
    record = DedupRecord(
        1,
        title=f"{huge}; {huge}",  # two "language parts", each huge
        translated_title=huge,
        authors=(huge.replace(" ", ""), f"Doe, {huge}"),
        year=2020,
        journal=huge,
        volume="1" * HUGE,
        issue="2" * HUGE,
        pages=f"{'3' * HUGE}-{'4' * HUGE}",
        doi=f"10.1000/{'x' * HUGE}",
        pmid="5" * HUGE,
        other_ids=(("embase", "L" + "6" * HUGE),),
    )

    strings = compared_strings(features(record))

    assert sum(len(s) for s in strings["titles"]) <= 3 * MAX_TITLE_CHARS
    assert max(len(s) for s in strings["titles"]) <= MAX_TITLE_CHARS
    assert max(len(s) for s in strings["fields"]) <= MAX_FIELD_CHARS


def test_titles_within_the_caps_are_compared_whole():
    title = "Effect of early mobilisation on delirium after cardiac surgery: a randomised trial"
    f = features(DedupRecord(1, title=title, journal="Journal of Cardiac Surgery"))

    assert f.title == title.lower().replace(":", "")
    assert f.journal == (("journal", "cardiac", "surgery"),)


def test_records_with_600kb_titles_are_still_found_to_be_duplicates():
    huge = huge_text("term")
    records = [DedupRecord(i, title=f"{huge} {i}", authors=("Doe J",), year=2020) for i in range(5)]

    pairs = find_pairs(records)

    assert {(p.a, p.b) for p in pairs} == set(itertools.combinations(range(5), 2))
    assert all(p.fields["title"] == 1.0 for p in pairs)
