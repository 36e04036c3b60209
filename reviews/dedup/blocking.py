"""Candidate generation by blocking: only records sharing a key are ever compared.

Keys per record (each only when the fields are present):

- ``d:`` normalised DOI, ``p:`` PMID, ``s:`` source identifier (``embase``, ``central`` …);
- ``tp:`` / ``ts:`` the first / last 24 characters of the normalised title (spaces removed), so a
  typo or an added note at one end still leaves the other end in common;
- ``tr:`` the two rarest words of the title (document frequency over the whole run), which
  catches titles whose ends differ (reordered subtitle, prefix "Re:");
- the same three title keys for ``translated_title`` (a CNKI record meets its PubMed version);
- ``ay:`` first-author surname and year, emitted for ``year`` and ``year + 1`` so that records
  one year apart share a key;
- ``vp:`` volume and start page.

Cost: building keys is O(n · k) for k keys per record; comparing is the sum of squared block
sizes. Title and author keys are capped at ``max_block`` records (a larger block is a common
surname or a generic title such as "Editorial", and is skipped: its members still meet through
their other keys), so pairs are at most n · k · max_block / 2 and the whole step is linear in n.
Identifier blocks are capped at ``max_id_block`` as a safety net against a junk identifier.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from reviews.dedup.records import Features

MAX_BLOCK = 40
MAX_ID_BLOCK = 200
_EDGE = 24
_MIN_TITLE = 10


def title_keys(title: str, cjk: bool, df: Counter[str], prefix: str = "t") -> list[str]:
    """Prefix, suffix and rare-word keys of one normalised title."""
    if len(title) < _MIN_TITLE:
        return []
    compact = title.replace(" ", "")
    keys = [f"{prefix}p:{compact[:_EDGE]}", f"{prefix}s:{compact[-_EDGE:]}"]
    if not cjk:
        words = sorted({w for w in title.split() if len(w) >= 3}, key=lambda w: (df[w], w))
        if len(words) >= 3:
            keys.append(f"{prefix}r:" + "|".join(sorted(words[:2])))
    return keys


def record_keys(f: Features, df: Counter[str]) -> tuple[list[str], list[str]]:
    """(identifier keys, fuzzy keys) of one record."""
    ids = []
    if f.doi:
        ids.append(f"d:{f.doi}")
    if f.pmid:
        ids.append(f"p:{f.pmid}")
    ids.extend(f"s:{k}:{v}" for k, v in f.source_ids)
    fuzzy = title_keys(f.title, f.title_cjk, df)
    if f.translated_title:
        # Same key space as titles: an English title meets a translated Chinese one.
        fuzzy.extend(title_keys(f.translated_title, False, df))
    if f.surnames and f.year is not None:
        fuzzy.append(f"ay:{f.surnames[0]}:{f.year}")
        fuzzy.append(f"ay:{f.surnames[0]}:{f.year + 1}")
    if f.volume and f.start_page:
        fuzzy.append(f"vp:{f.volume}:{f.start_page}")
    return ids, fuzzy


def word_frequencies(feats: Iterable[Features]) -> Counter[str]:
    """Document frequency of title words (for the rare-word key)."""
    df: Counter[str] = Counter()
    for f in feats:
        if f.title and not f.title_cjk:
            df.update(set(f.title.split()))
        if f.translated_title:
            df.update(set(f.translated_title.split()))
    return df


def candidate_pairs(
    feats: Sequence[Features], *, max_block: int = MAX_BLOCK, max_id_block: int = MAX_ID_BLOCK
) -> set[tuple[int, int]]:
    """All pairs ``(a, b)``, ``a < b``, of record ids that share at least one blocking key."""
    df = word_frequencies(feats)
    blocks: dict[str, list[int]] = defaultdict(list)
    id_blocks: set[str] = set()
    for f in feats:
        ids, fuzzy = record_keys(f, df)
        for key in ids:
            blocks[key].append(f.id)
            id_blocks.add(key)
        for key in set(fuzzy):
            blocks[key].append(f.id)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if len(members) > (max_id_block if key in id_blocks else max_block):
            continue
        members = sorted(set(members))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b))
    return pairs
