"""Candidate generation: duplicates meet, the work stays linear."""

from reviews.dedup.blocking import candidate_pairs
from reviews.dedup.engine import DedupRecord
from reviews.dedup.records import features


def _pairs(*records, **kwargs):
    return candidate_pairs([features(r) for r in records], **kwargs)


def test_same_title_meets():
    a = DedupRecord(1, title="Aspirin for the prevention of stroke in atrial fibrillation")
    b = DedupRecord(2, title="Aspirin for the prevention of stroke in atrial fibrillation.")
    assert _pairs(a, b) == {(1, 2)}


def test_typo_at_the_start_still_meets_through_the_end():
    a = DedupRecord(1, title="Asprin for the prevention of stroke in atrial fibrillation")
    b = DedupRecord(2, title="Aspirin for the prevention of stroke in atrial fibrillation")
    assert (1, 2) in _pairs(a, b)


def test_author_and_adjacent_year_meet_without_a_common_title():
    a = DedupRecord(1, title="Completely different words here", authors=("Smith J",), year=2010)
    b = DedupRecord(2, title="Nothing in common at all, really", authors=("Smith, J.",), year=2011)
    c = DedupRecord(3, title="Yet another unrelated title here", authors=("Smith J",), year=2013)
    assert _pairs(a, b, c) == {(1, 2)}


def test_identifiers_meet():
    a = DedupRecord(1, title="A", doi="10.1000/X", pmid="1")
    b = DedupRecord(2, title="B", doi="https://doi.org/10.1000/x")
    c = DedupRecord(3, title="C", pmid="0001")
    d = DedupRecord(4, title="D", other_ids=(("embase", "L123"),))
    e = DedupRecord(5, title="E", other_ids=(("embase", "123"),))
    assert _pairs(a, b, c, d, e) == {(1, 2), (1, 3), (4, 5)}


def test_volume_and_start_page_meet():
    a = DedupRecord(1, title="Short", volume="12", pages="100-9")
    b = DedupRecord(2, title="Other", volume="12", pages="100-109")
    assert _pairs(a, b) == {(1, 2)}


def test_translated_title_meets_the_english_title():
    zh = DedupRecord(
        1,
        title="阿司匹林预防房颤患者卒中",
        translated_title="Aspirin for stroke prevention in patients with atrial fibrillation",
    )
    en = DedupRecord(2, title="Aspirin for stroke prevention in patients with atrial fibrillation")
    assert _pairs(zh, en) == {(1, 2)}


def test_oversized_blocks_are_skipped():
    # 50 records by the same first author in the same year, titles unrelated: the author block
    # exceeds max_block and yields nothing, so the pair count does not grow quadratically.
    records = [
        DedupRecord(
            i, title=f"Unrelated topic number {i} about item{i}", authors=("Wang J",), year=2010
        )
        for i in range(50)
    ]
    assert _pairs(*records, max_block=40) == set()
    assert len(_pairs(*records, max_block=100)) == 50 * 49 // 2
