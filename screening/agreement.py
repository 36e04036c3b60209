"""Agreement between screeners: Cohen's kappa, Fleiss' kappa and percent agreement.

Pure functions over decision labels; no Django import (like ``analysis/stats/``, STYLE.md
section 5). Counts are kept as integers and each kappa is formed from one integer numerator
and one integer denominator, so results do not depend on the order of the items or raters
and kappa is exactly symmetric in the two raters.

Kappa is undefined when the chance-expected agreement is 1, which happens exactly when every
rating falls in one category (e.g. both reviewers excluded every record). The functions then
return ``kappa=None`` with a ``reason`` instead of dividing by zero; percent agreement is
still given.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
Psychological Measurement, 20(1), 37-46. doi:10.1177/001316446002000104
Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
Bulletin, 76(5), 378-382. doi:10.1037/h0031619
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

CATEGORIES: tuple[str, ...] = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class CohenKappa:
    """Cohen's kappa for two raters who rated the same items.

    Attributes
    ----------
    kappa : float or None
        ``(p_o - p_e) / (1 - p_e)``; ``None`` when ``p_e == 1`` (see ``reason``).
    percent_agreement : float
        Observed agreement in percent, ``100 * p_o``.
    p_observed : float
        Observed agreement ``p_o`` as a proportion.
    p_expected : float
        Chance-expected agreement ``p_e = sum_k p_a(k) p_b(k)`` as a proportion.
    n : int
        Number of items rated by both raters.
    n_agreed : int
        Items on which the two raters gave the same category.
    categories : tuple of str
        Row and column labels of ``table``.
    table : tuple of tuple of int
        Two-way table of counts: ``table[i][j]`` items that rater ``a`` put in
        ``categories[i]`` and rater ``b`` in ``categories[j]``.
    reason : str or None
        Why ``kappa`` is ``None``; ``None`` when kappa is defined.
    """

    kappa: float | None
    percent_agreement: float
    p_observed: float
    p_expected: float
    n: int
    n_agreed: int
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    reason: str | None = None


@dataclass(frozen=True)
class FleissKappa:
    """Fleiss' kappa for a fixed number of ratings per item.

    Attributes
    ----------
    kappa : float or None
        ``(P_bar - P_e) / (1 - P_e)``; ``None`` when ``P_e == 1`` (see ``reason``).
    percent_agreement : float
        ``100 * P_bar``: per item, the share of rater pairs that agree, averaged over items.
    p_observed : float
        ``P_bar`` (Fleiss 1971) as a proportion.
    p_expected : float
        ``P_e = sum_j p_j^2`` (Fleiss 1971) as a proportion.
    n_items : int
        Number of items rated.
    n_raters : int
        Ratings per item.
    categories : tuple of str
        Labels of ``proportions``.
    proportions : tuple of float
        ``p_j``, the share of all ratings in each category (Fleiss 1971).
    reason : str or None
        Why ``kappa`` is ``None``; ``None`` when kappa is defined.
    """

    kappa: float | None
    percent_agreement: float
    p_observed: float
    p_expected: float
    n_items: int
    n_raters: int
    categories: tuple[str, ...]
    proportions: tuple[float, ...]
    reason: str | None = None


@dataclass(frozen=True)
class PairAgreement:
    """Cohen's kappa and percent agreement for one pair of reviewers.

    Attributes
    ----------
    reviewer_a, reviewer_b : str
        The pair, ``reviewer_a < reviewer_b``.
    n_records : int
        Records both reviewers rated; kappa and percent agreement are over these only.
    n_agreed : int
        Of those, records on which they gave the same decision.
    n_only_a, n_only_b : int
        Records rated by one of the two but not the other.
    kappa : float or None
        Cohen's kappa over the shared records; ``None`` with a ``reason`` when undefined.
    percent_agreement : float or None
        ``100 * n_agreed / n_records``; ``None`` when they share no record.
    reason : str or None
        Why ``kappa`` is ``None``.
    """

    reviewer_a: str
    reviewer_b: str
    n_records: int
    n_agreed: int
    n_only_a: int
    n_only_b: int
    kappa: float | None
    percent_agreement: float | None
    reason: str | None = None


def _check_categories(categories: Sequence[str]) -> tuple[str, ...]:
    cats = tuple(categories)
    if not cats:
        raise ValueError("categories must name at least one category")
    if len(set(cats)) != len(cats):
        raise ValueError(f"categories must be distinct; got {cats!r}")
    return cats


def _check_labels(labels: Sequence[str], allowed: tuple[str, ...], name: str) -> None:
    known = set(allowed)
    for i, label in enumerate(labels):
        if label not in known:
            raise ValueError(
                f"{name}[{i}] is {label!r}, which is not one of the categories {allowed!r}"
            )


def _single_category_reason(category: str) -> str:
    return (
        f"kappa is undefined: every rating is {category!r}, so the agreement expected "
        "by chance is 1"
    )


def cohen_kappa(
    a: Sequence[str], b: Sequence[str], categories: Sequence[str] = CATEGORIES
) -> CohenKappa:
    """Cohen's (1960) unweighted kappa for two raters of the same items.

    Parameters
    ----------
    a, b : sequence of str
        The two raters' decisions, item by item (``a[i]`` and ``b[i]`` rate the same item).
    categories : sequence of str
        The allowed decisions; they order the rows and columns of the table.
        Categories nobody used are allowed and change nothing.

    Returns
    -------
    CohenKappa
        Kappa (``None`` with a reason when every rating is the same category), observed
        agreement in percent and as a proportion, chance-expected agreement, ``n`` and
        the two-way table.

    Raises
    ------
    ValueError
        If there are no items, ``a`` and ``b`` differ in length, or a decision is not one
        of ``categories``.

    Notes
    -----
    With ``n_ij`` the table, ``r_i`` and ``c_j`` its margins and ``n`` its total,
    ``p_o = sum_i n_ii / n`` and ``p_e = sum_i r_i c_i / n^2`` (Cohen 1960), and
    ``kappa = (p_o - p_e) / (1 - p_e) = (n sum_i n_ii - sum_i r_i c_i) / (n^2 - sum_i r_i c_i)``,
    which is evaluated in integers with one final division. ``p_e = 1`` only when both raters
    put every item in the same single category; then ``p_o = 1`` too and kappa is ``0/0``.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20(1), 37-46.
    """
    cats = _check_categories(categories)
    if isinstance(a, str) or isinstance(b, str):
        raise TypeError("a and b must be sequences of decisions, not single strings")
    if len(a) != len(b):
        raise ValueError(
            f"a and b must rate the same items: a has {len(a)} decisions and b has {len(b)}"
        )
    if not a:
        raise ValueError("cohen_kappa needs at least one item rated by both raters; got none")
    _check_labels(a, cats, "a")
    _check_labels(b, cats, "b")

    n = len(a)
    pairs = Counter(zip(a, b, strict=True))
    table = tuple(tuple(pairs[(ci, cj)] for cj in cats) for ci in cats)
    rows = Counter(a)
    cols = Counter(b)
    agreed = sum(pairs[(c, c)] for c in cats)
    chance = sum(rows[c] * cols[c] for c in cats)  # n^2 * p_e

    p_o = agreed / n
    p_e = chance / (n * n)
    if chance == n * n:
        kappa, reason = None, _single_category_reason(a[0])
    else:
        kappa, reason = (n * agreed - chance) / (n * n - chance), None
    return CohenKappa(
        kappa=kappa,
        percent_agreement=100.0 * p_o,
        p_observed=p_o,
        p_expected=p_e,
        n=n,
        n_agreed=agreed,
        categories=cats,
        table=table,
        reason=reason,
    )


def fleiss_kappa(
    ratings: Sequence[Sequence[str]], categories: Sequence[str] = CATEGORIES
) -> FleissKappa:
    """Fleiss' (1971) kappa for items that each received the same number of ratings.

    The raters need not be the same people from item to item; only the number of ratings
    per item is fixed (three when a review requires three reviewers per record).

    Parameters
    ----------
    ratings : sequence of sequence of str
        One inner sequence per item holding that item's decisions, in any order.
    categories : sequence of str
        The allowed decisions. Categories nobody used are allowed and change nothing.

    Returns
    -------
    FleissKappa
        Kappa (``None`` with a reason when every rating is the same category), percent
        agreement ``100 * P_bar``, ``P_bar``, ``P_e``, the number of items and of ratings
        per item, and the category proportions ``p_j``.

    Raises
    ------
    ValueError
        If there are no items, an item has fewer than two ratings, items have different
        numbers of ratings, or a decision is not one of ``categories``.

    Notes
    -----
    With ``N`` items, ``m`` ratings per item and ``n_ij`` the number of ratings of item
    ``i`` in category ``j`` (Fleiss 1971 writes ``n`` for ``m``):
    ``P_i = (sum_j n_ij^2 - m) / (m (m - 1))`` is the share of agreeing rater pairs on item
    ``i``, ``P_bar`` their mean, ``p_j = sum_i n_ij / (N m)`` and ``P_e = sum_j p_j^2``;
    ``kappa = (P_bar - P_e) / (1 - P_e)``. With ``T = N m``, ``S = sum_ij n_ij^2`` and
    ``C = sum_j (N m p_j)^2`` this is ``(T (S - T) - (m - 1) C) / ((m - 1) (T^2 - C))``,
    evaluated in integers with one final division. Kappa lies in ``[-1/(m-1), 1]``.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    Psychological Bulletin, 76(5), 378-382.
    """
    cats = _check_categories(categories)
    if isinstance(ratings, str):
        raise TypeError("ratings must be a sequence of items, each a sequence of decisions")
    items = list(ratings)
    if not items:
        raise ValueError("fleiss_kappa needs at least one rated item; got none")
    for i, item in enumerate(items):
        if isinstance(item, str):
            raise TypeError(
                f"ratings[{i}] is the string {item!r}; each item must be a sequence of decisions"
            )
    m = len(items[0])
    for i, item in enumerate(items):
        if len(item) != m:
            raise ValueError(
                "every item needs the same number of ratings for Fleiss' kappa: "
                f"ratings[0] has {m} and ratings[{i}] has {len(item)}"
            )
    if m < 2:
        raise ValueError(f"fleiss_kappa needs at least two ratings per item; got {m}")
    for i, item in enumerate(items):
        _check_labels(item, cats, f"ratings[{i}]")

    n_items = len(items)
    total = n_items * m  # T
    squares = 0  # S = sum_ij n_ij^2
    totals: Counter[str] = Counter()
    for item in items:
        counts = Counter(item)
        squares += sum(k * k for k in counts.values())
        totals.update(counts)
    chance = sum(k * k for k in totals.values())  # C = T^2 * P_e

    p_bar = (squares - total) / (total * (m - 1))
    p_e = chance / (total * total)
    if chance == total * total:
        kappa, reason = None, _single_category_reason(items[0][0])
    else:
        kappa = (total * (squares - total) - (m - 1) * chance) / (
            (m - 1) * (total * total - chance)
        )
        reason = None
    return FleissKappa(
        kappa=kappa,
        percent_agreement=100.0 * p_bar,
        p_observed=p_bar,
        p_expected=p_e,
        n_items=n_items,
        n_raters=m,
        categories=cats,
        proportions=tuple(totals[c] / total for c in cats),
        reason=reason,
    )


def pairwise_agreement(
    decisions: Mapping[str, Mapping[int, str]], categories: Sequence[str] = CATEGORIES
) -> tuple[PairAgreement, ...]:
    """Cohen's kappa and percent agreement for every pair of reviewers.

    Parameters
    ----------
    decisions : mapping of str to mapping of int to str
        For each reviewer (by name), their decision per record id.
    categories : sequence of str
        The allowed decisions.

    Returns
    -------
    tuple of PairAgreement
        One entry per pair, ``reviewer_a < reviewer_b``, pairs in sorted order; each over
        the records both reviewers rated (Cohen 1960). A pair sharing no record is kept
        with ``kappa`` and ``percent_agreement`` ``None`` and a reason. Fewer than two
        reviewers give an empty tuple: no pair is a normal state early in screening, not
        an error.

    Raises
    ------
    ValueError
        If a decision is not one of ``categories``.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20(1), 37-46.
    """
    cats = _check_categories(categories)
    for name, by_record in decisions.items():
        for record, label in by_record.items():
            if label not in cats:
                raise ValueError(
                    f"{name}'s decision on record {record} is {label!r}, which is not one of "
                    f"the categories {cats!r}"
                )
    pairs = []
    for name_a, name_b in combinations(sorted(decisions), 2):
        da, db = decisions[name_a], decisions[name_b]
        shared = sorted(da.keys() & db.keys())
        n_only_a = len(da) - len(shared)
        n_only_b = len(db) - len(shared)
        if not shared:
            pairs.append(
                PairAgreement(
                    reviewer_a=name_a,
                    reviewer_b=name_b,
                    n_records=0,
                    n_agreed=0,
                    n_only_a=n_only_a,
                    n_only_b=n_only_b,
                    kappa=None,
                    percent_agreement=None,
                    reason=f"{name_a} and {name_b} have rated no record in common",
                )
            )
            continue
        result = cohen_kappa([da[r] for r in shared], [db[r] for r in shared], cats)
        pairs.append(
            PairAgreement(
                reviewer_a=name_a,
                reviewer_b=name_b,
                n_records=result.n,
                n_agreed=result.n_agreed,
                n_only_a=n_only_a,
                n_only_b=n_only_b,
                kappa=result.kappa,
                percent_agreement=result.percent_agreement,
                reason=result.reason,
            )
        )
    return tuple(pairs)
