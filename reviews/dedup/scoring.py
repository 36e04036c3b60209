"""Field-by-field similarity of two records and the combined duplicate score.

Each field gives a similarity in 0..1, or ``None`` when either record lacks it (a missing
field is neutral, not a disagreement). The similarities are turned into log-odds evidence
(Fellegi–Sunter style: agreement on a discriminating field adds, disagreement subtracts) and
the sum goes through a logistic function, so the score reads as "how sure are we". The weights
were set by hand from the benchmark sets (see ``bench/bench_dedup.py``), not fitted.
"""

import math

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from reviews.dedup.normalise import has_cjk
from reviews.dedup.records import Features

# Log-odds evidence. Title dominates; start page, volume and year separate same-title papers
# (a letter and its reply, a conference abstract and the full paper, a review and its update).
BIAS = -7.0
TITLE_SLOPE, TITLE_PIVOT, TITLE_MIN, TITLE_MAX = 40.0, 0.80, -15.0, 8.0
TITLE_CONTAINED = 0.9  # similarity given when one title is the start or end of the other
# One title is the start of the other with the separator lost ("… inflammatory statesthe
# examples of …"): weaker, so it merges only with the citation fields behind it.
TITLE_GLUED = 0.85
AUTHORS_SLOPE = 4.0
YEAR_SAME, YEAR_NEXT, YEAR_FAR = 1.0, -1.0, -4.0
JOURNAL_SAME, JOURNAL_DIFFERENT = 1.0, -2.0
VOLUME_SAME, VOLUME_DIFFERENT = 1.5, -2.0
ISSUE_SAME, ISSUE_DIFFERENT = 0.5, 0.0  # issue numbers are often wrong or record numbers
PAGE_SAME, PAGE_DIFFERENT = 2.5, -2.5  # 0 for overlapping ranges
DOI_SAME, DOI_DIFFERENT = 5.0, -4.0
PMID_DIFFERENT = -6.0  # two PubMed records; equal PMIDs never reach the score (exact rule)
NOTICE_DIFFERENT = -8.0
# Same first authors, year, volume and start page: a citation match, nearly an identifier; it
# carries translated or reworded titles of one paper ("[Comparison of …]" vs "Antibiotic …").
CITATION_MATCH = 2.0  # an erratum, reply or comment versus the paper it is about


def _title_pair(x: str, y: str, cjk: bool) -> float:
    sim = fuzz.ratio(x, y) / 100.0
    if cjk:
        return sim
    sim = max(sim, fuzz.token_sort_ratio(x, y) / 100.0)
    if sim < TITLE_CONTAINED:
        # One title is the other plus a subtitle, a group name or a series heading
        # ("… lung cancer. European Lung Cancer Working Party", "MEDICAL PROGRESS …").
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if short.count(" ") >= 3 and len(short) >= 25:
            if long_.startswith(short + " ") or long_.endswith(" " + short):
                sim = TITLE_CONTAINED
            elif _glued_subtitle(short, long_):
                sim = max(sim, TITLE_GLUED)
    return sim


def _glued_subtitle(short: str, long_: str) -> bool:
    """``long_`` is ``short`` with a subtitle run into its last word: the last word is a real
    word (4+ letters, so "part i" / "part ii" do not count) and the rest is several words, not
    an ending ("child" / "children")."""
    if not long_.startswith(short) or len(short) < 40 or short.count(" ") < 4:
        return False
    rest = long_[len(short) :]
    last = short.rsplit(" ", 1)[-1]
    return last.isalpha() and len(last) >= 4 and rest[0].isalpha() and rest.count(" ") >= 2


def title_similarity(a: Features, b: Features) -> float | None:
    """Best similarity between the titles, using ``translated_title`` and the language parts
    of bilingual titles (``"Utilidad de …; Are antimicrobials …"``) on either side.

    Chinese (CJK) titles compare character by character; Latin titles take the better of the
    plain edit ratio and the word-order-insensitive ratio, or ``TITLE_CONTAINED`` when one
    title is the whole beginning or end of the other. A CJK title is never compared with a
    Latin one: that needs a translated title (``None`` when nothing is comparable).
    """
    best: float | None = None
    for x, x_cjk in _titles(a):
        for y, y_cjk in _titles(b):
            if x_cjk == y_cjk:
                sim = _title_pair(x, y, x_cjk)
                best = sim if best is None else max(best, sim)
    return best


def _titles(f: Features) -> list[tuple[str, bool]]:
    out = [(f.title, f.title_cjk)] if f.title else []
    out.extend((p, has_cjk(p)) for p in f.title_parts)
    if f.translated_title:
        out.append((f.translated_title, has_cjk(f.translated_title)))
    return out


def authors_similarity(a: Features, b: Features) -> float | None:
    """Surname agreement: half first author (surname and first initial), half the whole list.

    The list part is a token-set ratio, so a list truncated to three names or "et al." still
    agrees with the full list.
    """
    if not a.surnames or not b.surnames:
        return None
    first = 1.0 - Levenshtein.normalized_distance(a.surnames[0], b.surnames[0])
    first = 1.0 if first >= 0.85 else first
    ia, ib = a.initials[0][:1], b.initials[0][:1]
    if ia and ib and ia != ib:
        first *= 0.5
    whole = fuzz.token_set_ratio(" ".join(a.surnames), " ".join(b.surnames)) / 100.0
    return 0.5 * first + 0.5 * whole


def _abbreviates(short: str, full: str) -> bool:
    """``"lipidol"`` abbreviates ``"lipidology"``; ``"natl"`` abbreviates ``"national"``."""
    if full.startswith(short):
        return True
    if not short or short[0] != full[0]:
        return False
    it = iter(full)
    return all(c in it for c in short)  # subsequence with the same first letter


def journal_similarity(a: Features, b: Features) -> float | None:
    """Full and abbreviated journal names: 1.0 when one abbreviates the other word by word.

    ``"Curr Opin Lipidol"`` vs ``"Current Opinion in Lipidology"`` -> 1.0, and so is an
    acronym (``"JAMA"``) or one name being the start of the other (``"Journal of Clinical
    Oncology"`` vs ``"Journal of clinical oncology : official journal of …"``, compared by its
    parts around ``:`` and ``=``); otherwise the token-sort ratio of the names.
    """
    if not a.journal or not b.journal:
        return None
    # A part is compared with the other whole name, never with the other's part: "Nephron -
    # Clinical Practice" and "Nephron - Experimental Nephrology" share only their first part.
    return max(
        _journal_pair(x, y)
        for i, x in enumerate(a.journal)
        for j, y in enumerate(b.journal)
        if i == 0 or j == 0
    )


def _journal_pair(ta: tuple[str, ...], tb: tuple[str, ...]) -> float:
    if len(ta) == len(tb) and all(
        _abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(ta, tb, strict=True)
    ):
        return 1.0
    for short, full in ((ta, tb), (tb, ta)):
        if len(short) == 1 and len(full) >= 3 and short[0] == "".join(w[0] for w in full):
            return 1.0
        if (
            len(short) == 1
            and len(short[0]) >= 8
            and len(full) >= 2
            and _run_together(short[0], full)
        ):
            return 1.0
    return fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)) / 100.0


def _run_together(glued: str, words: tuple[str, ...]) -> bool:
    """``"jthoraccardiovascsurg"`` is ``"J Thorac Cardiovasc Surg"`` with the spaces lost: it
    splits into one start (prefix) of each word of the other name, in order."""
    ends = {0}  # positions in ``glued`` reachable after matching a prefix of each word so far
    for word in words:
        ends = {
            end + k
            for end in ends
            for k in range(1, len(word) + 1)
            if glued.startswith(word[:k], end)
        }
        if not ends:
            return False
    return len(glued) in ends


def page_similarity(a: Features, b: Features) -> float | None:
    """1.0 for the same start page; 0.5 when the ranges overlap or touch ("488" vs "487-488",
    "246-250" vs "250-254"), one is an article number ("e12724", "c180") and the other a page,
    or the start pages differ by one mistyped digit with the end page and volume equal; 0.0
    otherwise."""
    if not a.start_page or not b.start_page:
        return None
    sa, sb = _digits(a.start_page), _digits(b.start_page)
    if sa == sb:
        return 1.0
    if a.start_page[0].isalpha() != b.start_page[0].isalpha():
        return 0.5
    try:
        lo_a, lo_b = int(sa), int(sb)
        hi_a, hi_b = int(_digits(a.end_page) or sa), int(_digits(b.end_page) or sb)
    except ValueError:
        return 0.0
    if lo_a <= hi_b and lo_b <= hi_a:
        return 0.5
    return 0.5 if _start_page_typo(a, b, sa, sb) else 0.0


def _start_page_typo(a: Features, b: Features, sa: str, sb: str) -> bool:
    """One mistyped digit in the start page ("2297-2108" vs "2097-2108") while the end page and
    the volume agree."""
    return (
        bool(a.volume)
        and a.volume == b.volume
        and bool(a.end_page)
        and _digits(a.end_page) == _digits(b.end_page)
        and len(sa) == len(sb)
        and sum(x != y for x, y in zip(sa, sb, strict=True)) == 1
    )


def _digits(page: str) -> str:
    # "c37" (Karger), "P63" (poster), "viii108" (supplement) and "37" are the same start page.
    return page.lstrip("abcdefghijklmnopqrstuvwxyz")


def _same(x: str, y: str) -> float | None:
    if not x or not y:
        return None
    return 1.0 if x == y else 0.0


def field_similarities(a: Features, b: Features) -> dict[str, float]:
    """Similarity of every field present in both records (keys in a fixed order)."""
    sims: dict[str, float | None] = {
        "title": title_similarity(a, b),
        "authors": authors_similarity(a, b),
        "year": None
        if a.year is None or b.year is None
        else {0: 1.0, 1: 0.5}.get(abs(a.year - b.year), 0.0),
        "journal": journal_similarity(a, b),
        "volume": _same(a.volume, b.volume),
        "issue": _same(a.issue, b.issue),
        "pages": page_similarity(a, b),
        "doi": _same(a.doi, b.doi),
        "pmid": _same(a.pmid, b.pmid),
        "notice": None if not (a.notice or b.notice) else float(a.notice == b.notice),
    }
    return {k: round(v, 4) for k, v in sims.items() if v is not None}


# A preprint and its published version differ by design in journal, DOI, volume, pages and
# often year; only title, authors and year (within one) are compared for them.
RELATED_FIELDS = frozenset({"title", "authors", "year"})


def evidence(sims: dict[str, float], *, use_doi: bool = True, related: bool = False) -> float:
    """Log-odds that the pair is a duplicate (or, if ``related``, the same work as a preprint
    and its published version), from field similarities."""
    if related:
        sims = {k: v for k, v in sims.items() if k in RELATED_FIELDS}
        if sims.get("year") == 0.5:
            sims["year"] = 1.0
    total = BIAS
    if "title" in sims:
        total += min(TITLE_MAX, max(TITLE_MIN, TITLE_SLOPE * (sims["title"] - TITLE_PIVOT)))
    if "authors" in sims:
        total += AUTHORS_SLOPE * (sims["authors"] - 0.5)
    if "year" in sims:
        total += {1.0: YEAR_SAME, 0.5: YEAR_NEXT}.get(sims["year"], YEAR_FAR)
    if "journal" in sims:
        j = sims["journal"]
        total += JOURNAL_SAME if j >= 0.85 else JOURNAL_DIFFERENT if j < 0.5 else 0.0
    for name, same, different in (
        ("volume", VOLUME_SAME, VOLUME_DIFFERENT),
        ("issue", ISSUE_SAME, ISSUE_DIFFERENT),
        ("pages", PAGE_SAME, PAGE_DIFFERENT),
    ):
        if name in sims:
            total += same if sims[name] == 1.0 else different if sims[name] == 0.0 else 0.0
    if use_doi and "doi" in sims:
        total += DOI_SAME if sims["doi"] == 1.0 else DOI_DIFFERENT
    if (
        sims.get("year") == 1.0
        and sims.get("volume") == 1.0
        and sims.get("pages") == 1.0
        and sims.get("authors", 0.0) >= 0.8
    ):
        total += CITATION_MATCH
    if sims.get("pmid") == 0.0:
        total += PMID_DIFFERENT
    if sims.get("notice") == 0.0:
        total += NOTICE_DIFFERENT
    return total


def score(sims: dict[str, float], *, use_doi: bool = True, related: bool = False) -> float:
    """Logistic of :func:`evidence`, rounded to 6 decimals (stable across platforms)."""
    value = evidence(sims, use_doi=use_doi, related=related)
    return round(1.0 / (1.0 + math.exp(-value)), 6)
