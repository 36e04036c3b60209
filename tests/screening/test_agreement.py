"""Agreement statistics for screening (issue #5): Cohen's and Fleiss' kappa, pairwise.

Published examples are checked twice: against the value printed in the source, and against
the arithmetic redone by hand here from the table, with exact fractions.
"""

import ast
import itertools
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import screening.agreement
from screening.agreement import (
    CATEGORIES,
    CohenKappa,
    cohen_kappa,
    fleiss_kappa,
    pairwise_agreement,
)

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)


def expand(counts_per_item, categories):
    """Rows of per-category counts (the layout of Fleiss 1971, Table 1) to lists of labels."""
    return [
        [cat for cat, k in zip(categories, row, strict=True) for _ in range(k)]
        for row in counts_per_item
    ]


def pairs_from_table(table, categories):
    """A two-way table of counts to the two raters' label lists (row = rater a)."""
    a, b = [], []
    for ci, row in zip(categories, table, strict=True):
        for cj, k in zip(categories, row, strict=True):
            a += [ci] * k
            b += [cj] * k
    return a, b


# --------------------------------------------------------------------------------------
# Published examples: Cohen's kappa
# --------------------------------------------------------------------------------------

YES_NO = ("yes", "no")


def test_cohen_grant_proposal_example_gives_kappa_0_4():
    # Source: Wikipedia, "Cohen's kappa", section "Simple example" (also tutorialspoint,
    # "Statistics - Cohen's kappa coefficient"): 50 grant proposals, two readers, yes/no.
    # Both yes 20, A yes B no 5, A no B yes 10, both no 15. Published: p_o = 0.70,
    # p_e = 0.50, kappa = 0.40.
    a, b = pairs_from_table([[20, 5], [10, 15]], YES_NO)
    result = cohen_kappa(a, b, categories=YES_NO)

    p_o = Fraction(20 + 15, 50)
    p_e = Fraction(25, 50) * Fraction(30, 50) + Fraction(25, 50) * Fraction(20, 50)
    assert (p_o, p_e) == (Fraction(7, 10), Fraction(1, 2))
    assert result.p_observed == pytest.approx(0.70)
    assert result.percent_agreement == pytest.approx(70.0)
    assert result.p_expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(float((p_o - p_e) / (1 - p_e)))
    assert round(result.kappa, 2) == 0.40
    assert result.n == 50 and result.n_agreed == 35
    assert result.table == ((20, 5), (10, 15))


def test_cohen_three_category_table_matches_sas_proc_freq():
    # Source: SAS PROC FREQ (AGREE) printout for this 3x3 table, pinned as `table10` with
    # "Kappa 0.4842" in statsmodels' statsmodels/stats/tests/test_inter_rater.py. One
    # category is never used by rater b, which must not matter.
    cats = ("low", "mid", "high")
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
    result = cohen_kappa(*pairs_from_table(table, cats), categories=cats)

    n = 19
    rows, cols = (5, 8, 6), (0, 13, 6)
    p_o = Fraction(0 + 8 + 5, n)
    p_e = Fraction(sum(r * c for r, c in zip(rows, cols, strict=True)), n * n)  # 140/361
    assert result.kappa == pytest.approx(float((p_o - p_e) / (1 - p_e)))
    assert round(result.kappa, 4) == 0.4842
    assert result.p_expected == pytest.approx(140 / 361)


def test_cohen_matches_irr_kappa2_on_the_anxiety_data():
    # Source: R package irr (Gamer et al.), dataset `anxiety`, raters 2 and 3;
    # `kappa2(anxiety[,2:3])` prints Kappa = -0.00629 (value -0.006289308, as pinned in
    # statsmodels' test_inter_rater.py). Six levels, level 5 unused by both.
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    cats = tuple(str(k) for k in range(1, 7))
    result = cohen_kappa([str(x) for x in rater2], [str(x) for x in rater3], categories=cats)

    # By hand: agreements on items 3, 13, 14, 18 (1-based) -> p_o = 4/20.
    agreed = sum(x == y for x, y in zip(rater2, rater3, strict=True))
    chance = sum(rater2.count(k) * rater3.count(k) for k in range(1, 7))
    assert agreed == 4
    p_o, p_e = Fraction(agreed, 20), Fraction(chance, 400)
    assert result.kappa == pytest.approx(float((p_o - p_e) / (1 - p_e)))
    assert result.kappa == pytest.approx(-0.006289308, abs=1e-9)


# --------------------------------------------------------------------------------------
# Published examples: Fleiss' kappa
# --------------------------------------------------------------------------------------

# Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 of 43 psychiatrists into 5
# categories. Counts per patient (number of psychiatrists choosing each category), taken
# from R's irr package dataset `diagnoses` ("Fleiss (1971)"), whose column totals 26, 26,
# 30, 55, 43 give Fleiss' p_j = .144, .144, .167, .306, .239.
DIAGNOSES = ("depression", "personality disorder", "schizophrenia", "neurosis", "other")
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip


def test_fleiss_1971_psychiatric_diagnoses_give_kappa_0_430():
    # Fleiss (1971) reports P_bar = .556, P_e = .220 and kappa = .430;
    # irr::kappam.fleiss(diagnoses) gives 0.4302445.
    result = fleiss_kappa(expand(FLEISS_1971, DIAGNOSES), categories=DIAGNOSES)

    n_items, m = 30, 6
    totals = [sum(col) for col in zip(*FLEISS_1971, strict=True)]
    assert totals == [26, 26, 30, 55, 43]
    p_i = [Fraction(sum(k * k for k in row) - m, m * (m - 1)) for row in FLEISS_1971]
    p_bar = sum(p_i) / n_items
    p_e = sum(Fraction(t, n_items * m) ** 2 for t in totals)
    assert p_bar == Fraction(5, 9)
    assert result.p_observed == pytest.approx(float(p_bar))
    assert result.p_expected == pytest.approx(float(p_e))
    assert result.kappa == pytest.approx(float((p_bar - p_e) / (1 - p_e)))

    assert round(result.p_observed, 3) == 0.556
    assert round(result.p_expected, 3) == 0.220
    assert round(result.kappa, 3) == 0.430
    assert result.kappa == pytest.approx(0.4302445, abs=1e-7)
    assert [round(p, 3) for p in result.proportions] == [0.144, 0.144, 0.167, 0.306, 0.239]
    assert result.percent_agreement == pytest.approx(100 * 5 / 9)
    assert (result.n_items, result.n_raters) == (30, 6)


def test_fleiss_fourteen_raters_example_gives_kappa_0_210():
    # Source: Wikipedia, "Fleiss' kappa", "Worked example": 10 subjects, 14 raters,
    # 5 categories; published P_i column, P_bar = 0.378, P_e = 0.213, kappa = 0.210.
    # (Also pinned as `table0` in statsmodels' test_inter_rater.py.)
    cats = ("c1", "c2", "c3", "c4", "c5")
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    published_p_i = [1.000, 0.253, 0.308, 0.440, 0.330, 0.462, 0.242, 0.176, 0.286, 0.286]
    m = 14
    p_i = [Fraction(sum(k * k for k in row) - m, m * (m - 1)) for row in counts]
    assert [round(float(p), 3) for p in p_i] == published_p_i

    result = fleiss_kappa(expand(counts, cats), categories=cats)
    assert round(result.p_observed, 3) == 0.378
    assert round(result.p_expected, 3) == 0.213
    assert round(result.kappa, 3) == 0.210
    assert result.p_observed == pytest.approx(float(sum(p_i) / 10))


# --------------------------------------------------------------------------------------
# Small cases computed by hand
# --------------------------------------------------------------------------------------


def test_cohen_small_screening_case_by_hand():
    a = ["include", "include", "exclude", "exclude", "exclude", "maybe"]
    b = ["include", "exclude", "exclude", "exclude", "maybe", "maybe"]
    result = cohen_kappa(a, b)
    # Agreements: items 1, 3, 4, 6 -> p_o = 4/6.
    # Margins a: include 2, exclude 3, maybe 1; b: include 1, exclude 3, maybe 2.
    # p_e = (2*1 + 3*3 + 1*2) / 36 = 13/36; kappa = (24 - 13) / (36 - 13) = 11/23.
    assert result.p_observed == pytest.approx(4 / 6)
    assert result.p_expected == pytest.approx(13 / 36)
    assert result.kappa == pytest.approx(11 / 23)
    assert result.categories == CATEGORIES
    assert result.table == ((1, 1, 0), (0, 2, 1), (0, 0, 1))
    assert result.n == 6 and result.n_agreed == 4 and result.reason is None


def test_fleiss_three_reviewers_by_hand():
    ratings = [
        ["include", "include", "include"],  # P_i = 1
        ["include", "include", "exclude"],  # P_i = 1/3
        ["exclude", "exclude", "exclude"],  # P_i = 1
        ["exclude", "maybe", "include"],  # P_i = 0
    ]
    result = fleiss_kappa(ratings)
    # P_bar = (1 + 1/3 + 1 + 0) / 4 = 7/12. Totals: include 6, exclude 5, maybe 1 of 12;
    # P_e = (36 + 25 + 1) / 144 = 62/144; kappa = (7/12 - 62/144) / (1 - 62/144) = 22/82.
    assert result.p_observed == pytest.approx(7 / 12)
    assert result.percent_agreement == pytest.approx(100 * 7 / 12)
    assert result.p_expected == pytest.approx(62 / 144)
    assert result.kappa == pytest.approx(22 / 82)
    assert result.proportions == pytest.approx((6 / 12, 5 / 12, 1 / 12))


def test_fleiss_ratings_within_an_item_may_come_in_any_order():
    a = fleiss_kappa([["include", "exclude", "exclude"], ["maybe", "maybe", "include"]])
    b = fleiss_kappa([["exclude", "include", "exclude"], ["include", "maybe", "maybe"]])
    assert a == b


# --------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------


def test_perfect_agreement_gives_kappa_1():
    a = ["include", "exclude", "maybe", "exclude"]
    result = cohen_kappa(a, list(a))
    assert result.kappa == 1.0 and result.percent_agreement == 100.0
    fleiss = fleiss_kappa([[x, x, x] for x in a])
    assert fleiss.kappa == 1.0 and fleiss.percent_agreement == 100.0


def test_total_disagreement_with_balanced_margins_gives_kappa_minus_1():
    a = ["include", "exclude"] * 5
    b = ["exclude", "include"] * 5
    result = cohen_kappa(a, b)
    assert result.percent_agreement == 0.0
    assert result.p_expected == pytest.approx(0.5)
    assert result.kappa == -1.0


def test_fleiss_total_disagreement_reaches_its_lower_bound():
    # Every item gets one of each of three decisions: P_i = 0, p_j = 1/3, P_e = 1/3,
    # kappa = -1/(m - 1) = -1/2.
    result = fleiss_kappa([["include", "exclude", "maybe"]] * 4)
    assert result.percent_agreement == 0.0
    assert result.kappa == pytest.approx(-0.5)


@pytest.mark.parametrize("category", CATEGORIES)
def test_cohen_one_category_only_gives_no_kappa_and_a_reason(category):
    result = cohen_kappa([category] * 7, [category] * 7)
    assert result.kappa is None
    assert "undefined" in result.reason and category in result.reason
    assert result.percent_agreement == 100.0 and result.p_expected == 1.0


def test_fleiss_one_category_only_gives_no_kappa_and_a_reason():
    result = fleiss_kappa([["exclude"] * 3] * 5)
    assert result.kappa is None and "'exclude'" in result.reason
    assert result.percent_agreement == 100.0


def test_one_rater_constant_other_varied_gives_kappa_0():
    # p_e = p_b(exclude) = p_o, so kappa = 0 (and is defined).
    result = cohen_kappa(["exclude"] * 4, ["exclude", "exclude", "include", "maybe"])
    assert result.kappa == 0.0 and result.reason is None


def test_empty_input_is_a_value_error_naming_the_problem():
    with pytest.raises(ValueError, match="at least one item"):
        cohen_kappa([], [])
    with pytest.raises(ValueError, match="at least one rated item"):
        fleiss_kappa([])


def test_cohen_raters_of_different_lengths_are_rejected():
    with pytest.raises(ValueError, match="a has 2 decisions and b has 1"):
        cohen_kappa(["include", "exclude"], ["include"])


def test_unknown_decision_is_rejected_with_its_position():
    with pytest.raises(ValueError, match=r"b\[1\] is 'inclde'"):
        cohen_kappa(["include", "include"], ["include", "inclde"])
    with pytest.raises(ValueError, match=r"ratings\[1\]\[0\] is 'yes'"):
        fleiss_kappa([["include", "include"], ["yes", "include"]])


def test_fleiss_items_with_different_numbers_of_ratings_are_rejected():
    with pytest.raises(ValueError, match="ratings\\[0\\] has 3 and ratings\\[2\\] has 2"):
        fleiss_kappa([["include"] * 3, ["exclude"] * 3, ["include", "maybe"]])


def test_fleiss_needs_two_ratings_per_item():
    with pytest.raises(ValueError, match="at least two ratings per item"):
        fleiss_kappa([["include"], ["exclude"]])


def test_strings_are_not_taken_for_sequences_of_decisions():
    with pytest.raises(TypeError):
        cohen_kappa("include", "include")
    with pytest.raises(TypeError):
        fleiss_kappa(["include", "exclude"])


def test_bad_category_lists_are_rejected():
    with pytest.raises(ValueError, match="at least one category"):
        cohen_kappa(["include"], ["include"], categories=())
    with pytest.raises(ValueError, match="distinct"):
        fleiss_kappa([["include", "include"]], categories=("include", "include"))


def test_results_are_frozen():
    result = cohen_kappa(["include"], ["exclude"])
    with pytest.raises(AttributeError):
        result.kappa = 1.0


# --------------------------------------------------------------------------------------
# Pairwise agreement
# --------------------------------------------------------------------------------------


def test_pairwise_covers_every_pair_in_name_order_over_shared_records():
    decisions = {
        "carol": {1: "include", 2: "exclude", 3: "exclude", 4: "maybe"},
        "alice": {1: "include", 2: "exclude", 3: "include", 5: "exclude"},
        "bob": {1: "include", 2: "include", 3: "include", 4: "exclude", 5: "exclude"},
    }
    pairs = pairwise_agreement(decisions)
    assert [(p.reviewer_a, p.reviewer_b) for p in pairs] == [
        ("alice", "bob"),
        ("alice", "carol"),
        ("bob", "carol"),
    ]
    alice_bob, alice_carol, bob_carol = pairs

    # alice & bob share 1, 2, 3, 5; agree on 1, 3, 5.
    assert (alice_bob.n_records, alice_bob.n_agreed) == (4, 3)
    assert (alice_bob.n_only_a, alice_bob.n_only_b) == (0, 1)
    assert alice_bob.percent_agreement == pytest.approx(75.0)
    expected = cohen_kappa(
        ["include", "exclude", "include", "exclude"], ["include", "include", "include", "exclude"]
    )
    assert alice_bob.kappa == pytest.approx(expected.kappa)
    # By hand: margins alice inc 2 exc 2, bob inc 3 exc 1; p_e = (6 + 2)/16 = 1/2;
    # kappa = (3/4 - 1/2) / (1/2) = 1/2.
    assert alice_bob.kappa == pytest.approx(0.5)

    # alice & carol share 1, 2, 3; agree on 1, 2.
    assert (alice_carol.n_records, alice_carol.n_agreed) == (3, 2)
    assert (alice_carol.n_only_a, alice_carol.n_only_b) == (1, 1)
    # bob & carol share 1-4; agree on 1 only.
    assert (bob_carol.n_records, bob_carol.n_agreed) == (4, 1)
    assert bob_carol.percent_agreement == pytest.approx(25.0)


def test_pairwise_pair_without_shared_records_has_no_kappa_and_says_why():
    (pair,) = pairwise_agreement({"bob": {1: "include"}, "alice": {2: "exclude"}})
    assert (pair.reviewer_a, pair.reviewer_b) == ("alice", "bob")
    assert pair.n_records == 0 and pair.kappa is None and pair.percent_agreement is None
    assert "no record in common" in pair.reason
    assert (pair.n_only_a, pair.n_only_b) == (1, 1)


def test_pairwise_passes_on_undefined_kappa():
    (pair,) = pairwise_agreement({"a": {1: "exclude", 2: "exclude"}, "b": {1: "exclude"}})
    assert pair.kappa is None and pair.percent_agreement == 100.0 and pair.reason


def test_pairwise_with_fewer_than_two_reviewers_has_no_pairs():
    assert pairwise_agreement({}) == ()
    assert pairwise_agreement({"alice": {1: "include"}}) == ()


def test_pairwise_rejects_unknown_decisions_even_outside_shared_records():
    with pytest.raises(ValueError, match="alice's decision on record 9 is 'perhaps'"):
        pairwise_agreement({"alice": {1: "include", 9: "perhaps"}, "bob": {1: "include"}})


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

decision = st.sampled_from(CATEGORIES)


@st.composite
def two_raters(draw):
    n = draw(st.integers(1, 40))
    a = draw(st.lists(decision, min_size=n, max_size=n))
    b = draw(st.lists(decision, min_size=n, max_size=n))
    return a, b


@st.composite
def rating_matrix(draw):
    m = draw(st.integers(2, 5))
    n = draw(st.integers(1, 25))
    return draw(st.lists(st.lists(decision, min_size=m, max_size=m), min_size=n, max_size=n))


def _transpose(table):
    return tuple(zip(*table, strict=True))


@SETTINGS
@given(two_raters())
def test_cohen_kappa_is_symmetric_in_the_two_raters(data):
    a, b = data
    ab, ba = cohen_kappa(a, b), cohen_kappa(b, a)
    assert ab.kappa == ba.kappa
    assert ab.percent_agreement == ba.percent_agreement
    assert ab.p_expected == ba.p_expected
    assert ab.table == _transpose(ba.table)


@SETTINGS
@given(two_raters(), st.randoms(use_true_random=False))
def test_cohen_kappa_does_not_depend_on_item_order(data, rnd):
    a, b = data
    order = list(range(len(a)))
    rnd.shuffle(order)
    assert cohen_kappa(a, b) == cohen_kappa([a[i] for i in order], [b[i] for i in order])


@SETTINGS
@given(two_raters())
def test_cohen_kappa_is_bounded_and_none_only_for_a_single_category(data):
    a, b = data
    result = cohen_kappa(a, b)
    assert 0.0 <= result.percent_agreement <= 100.0
    single = len(set(a) | set(b)) == 1
    assert (result.kappa is None) == single
    if result.kappa is not None:
        assert -1.0 <= result.kappa <= 1.0
        assert (result.kappa == 1.0) == (a == b)


@SETTINGS
@given(rating_matrix(), st.randoms(use_true_random=False))
def test_fleiss_kappa_does_not_depend_on_item_or_rating_order(ratings, rnd):
    shuffled = [rnd.sample(item, len(item)) for item in ratings]
    rnd.shuffle(shuffled)
    assert fleiss_kappa(ratings) == fleiss_kappa(shuffled)


@SETTINGS
@given(rating_matrix())
def test_fleiss_kappa_is_bounded_and_none_only_for_a_single_category(ratings):
    result = fleiss_kappa(ratings)
    m = result.n_raters
    assert 0.0 <= result.percent_agreement <= 100.0
    assert sum(result.proportions) == pytest.approx(1.0)
    single = len({x for item in ratings for x in item}) == 1
    assert (result.kappa is None) == single
    if result.kappa is not None:
        assert -1.0 / (m - 1) - 1e-12 <= result.kappa <= 1.0


@SETTINGS
@given(two_raters())
def test_fleiss_percent_agreement_for_two_raters_equals_cohens(data):
    a, b = data
    fleiss = fleiss_kappa([list(pair) for pair in zip(a, b, strict=True)])
    assert fleiss.percent_agreement == pytest.approx(cohen_kappa(a, b).percent_agreement)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["ann", "ben", "cai", "dev"]),
        st.dictionaries(st.integers(1, 15), decision, max_size=15),
        max_size=4,
    )
)
def test_pairwise_matches_cohen_over_the_records_both_rated(decisions):
    pairs = pairwise_agreement(decisions)
    names = sorted(decisions)
    assert [(p.reviewer_a, p.reviewer_b) for p in pairs] == list(itertools.combinations(names, 2))
    for p in pairs:
        da, db = decisions[p.reviewer_a], decisions[p.reviewer_b]
        shared = sorted(da.keys() & db.keys())
        assert p.n_records == len(shared)
        assert p.n_only_a + p.n_records == len(da) and p.n_only_b + p.n_records == len(db)
        if shared:
            direct = cohen_kappa([da[r] for r in shared], [db[r] for r in shared])
            assert isinstance(direct, CohenKappa)
            assert (p.kappa, p.percent_agreement) == (direct.kappa, direct.percent_agreement)


# --------------------------------------------------------------------------------------
# Purity (STYLE.md section 5)
# --------------------------------------------------------------------------------------


def test_agreement_module_imports_only_the_standard_library_and_numpy():
    allowed = {"__future__", "collections", "dataclasses", "itertools", "math", "typing"}
    allowed |= {"numpy"}
    tree = ast.parse(Path(screening.agreement.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in allowed, f"agreement.py imports {name}"
