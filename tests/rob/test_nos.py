"""Newcastle-Ottawa scales (Wells et al.): stars per item, per category, and the good / fair /
poor conversion with the thresholds used for AHRQ standards."""

import itertools

import pytest

from rob.algorithms import propose_domain, propose_overall
from rob.catalogue import get_tool
from rob.definitions import AnswersError, RobError

# The starred options of each item, as printed in the two scales ("a) ... *").
STARRED = {
    "nos-cohort": {
        "S1": {"a", "b"},
        "S2": {"a"},
        "S3": {"a", "b"},
        "S4": {"a"},
        "C1a": {"yes"},
        "C1b": {"yes"},
        "O1": {"a", "b"},
        "O2": {"a"},
        "O3": {"a", "b"},
    },
    "nos-case-control": {
        "S1": {"a"},
        "S2": {"a"},
        "S3": {"a"},
        "S4": {"a"},
        "C1a": {"yes"},
        "C1b": {"yes"},
        "E1": {"a", "b"},
        "E2": {"a"},
        "E3": {"a"},
    },
}
MAX_STARS = {"selection": 4, "comparability": 2, "outcome": 3, "exposure": 3}


@pytest.mark.parametrize("tool_id", sorted(STARRED))
def test_each_item_gives_a_star_exactly_for_its_starred_options(tool_id):
    tool = get_tool(tool_id)
    for domain in tool.domains:
        for question in domain.questions:
            for answer in question.answers:
                others = {q.id: q.answers[-1] for q in domain.questions if q.id != question.id}
                answers = others | {question.id: answer}
                expected = int(answer in STARRED[tool_id][question.id])
                assert propose_domain(tool, domain.id, answers) == expected, (question.id, answer)


@pytest.mark.parametrize("tool_id", sorted(STARRED))
def test_every_combination_counts_the_stars_of_its_starred_answers(tool_id):
    tool = get_tool(tool_id)
    for domain in tool.domains:
        assert domain.max_stars == MAX_STARS[domain.id]
        for combination in itertools.product(*(q.answers for q in domain.questions)):
            answers = dict(zip((q.id for q in domain.questions), combination, strict=True))
            stars = sum(answer in STARRED[tool_id][q] for q, answer in answers.items())
            assert propose_domain(tool, domain.id, answers) == stars


def test_a_well_reported_cohort_study_gets_nine_stars_and_good():
    answers = {
        "selection": {"S1": "b", "S2": "a", "S3": "a", "S4": "a"},
        "comparability": {"C1a": "yes", "C1b": "yes"},
        "outcome": {"O1": "b", "O2": "a", "O3": "b"},
    }
    stars = {d: propose_domain("nos-cohort", d, a) for d, a in answers.items()}
    assert stars == {"selection": 4, "comparability": 2, "outcome": 3}
    assert propose_overall("nos-cohort", stars) == "good"


def test_every_item_must_be_answered():
    with pytest.raises(AnswersError, match=r"question S4 has no answer"):
        propose_domain("nos-case-control", "selection", {"S1": "a", "S2": "a", "S3": "a"})
    with pytest.raises(AnswersError, match=r"answer 'd' is not allowed for question S2"):
        propose_domain("nos-cohort", "selection", {"S1": "a", "S2": "d", "S3": "a", "S4": "a"})


@pytest.mark.parametrize(
    ("selection", "comparability", "third", "rating"),
    [
        (4, 2, 3, "good"),
        (3, 1, 2, "good"),  # the lowest good study
        (2, 2, 3, "fair"),  # 2 stars for selection is at best fair
        (2, 1, 2, "fair"),
        (1, 2, 3, "poor"),  # 0 or 1 star for selection
        (4, 0, 3, "poor"),  # no star for comparability
        (4, 2, 1, "poor"),  # 0 or 1 star for outcome / exposure
        (0, 0, 0, "poor"),
    ],
)
@pytest.mark.parametrize(
    ("tool_id", "third_domain"), [("nos-cohort", "outcome"), ("nos-case-control", "exposure")]
)
def test_ahrq_thresholds(tool_id, third_domain, selection, comparability, third, rating):
    stars = {"selection": selection, "comparability": comparability, third_domain: third}
    assert propose_overall(tool_id, stars) == rating


def test_every_star_count_gets_the_rating_whose_definition_it_meets():
    """Good: 3-4 selection and 1-2 comparability and 2-3 outcome; fair: 2 selection and 1-2
    comparability and 2-3 outcome; poor: 0-1 selection or 0 comparability or 0-1 outcome."""
    for s, c, o in itertools.product(range(5), range(3), range(4)):
        definitions = {
            "good": s in (3, 4) and c in (1, 2) and o in (2, 3),
            "fair": s == 2 and c in (1, 2) and o in (2, 3),
            "poor": s in (0, 1) or c == 0 or o in (0, 1),
        }
        met = [rating for rating, meets in definitions.items() if meets]
        stars = {"selection": s, "comparability": c, "outcome": o}
        assert met == [propose_overall("nos-cohort", stars)], stars


def test_star_counts_out_of_range_or_not_numbers_are_named():
    with pytest.raises(RobError, match=r"selection: 5 stars is more than the 4 the category has"):
        propose_overall("nos-cohort", {"selection": 5, "comparability": 1, "outcome": 2})
    with pytest.raises(RobError, match=r"'two' is not a number of stars for domain outcome"):
        propose_overall("nos-cohort", {"selection": "3", "comparability": "1", "outcome": "two"})
    with pytest.raises(RobError, match=r"'-1' is not a number of stars for domain selection"):
        propose_overall("nos-cohort", {"selection": -1, "comparability": 1, "outcome": 2})
