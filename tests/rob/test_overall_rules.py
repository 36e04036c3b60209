"""Overall proposals of ROBINS-I (Sterne et al., BMJ 2016, Table 2) and Cochrane RoB 1
(Handbook 5.1, Table 8.7.a), and the checks on the domain judgements given to them."""

import itertools

import pytest

from rob.algorithms import propose_overall
from rob.definitions import RobError

ROBINS = ["low", "moderate", "serious", "critical", "no_information"]
ROBINS_DOMAINS = [f"D{i}" for i in range(1, 8)]


def robins(*judgements):
    return propose_overall("robins-i-2016", dict(zip(ROBINS_DOMAINS, judgements, strict=True)))


@pytest.mark.parametrize(
    ("judgements", "overall"),
    [
        # "Low: the study is judged to be at low risk of bias for all domains."
        (["low"] * 7, "low"),
        # "Moderate: low or moderate risk of bias for all domains."
        (["low"] * 6 + ["moderate"], "moderate"),
        (["moderate"] * 7, "moderate"),
        # "Serious: serious risk of bias in at least one domain, but not at critical risk in any."
        (["low"] * 6 + ["serious"], "serious"),
        (["serious", "moderate", "no_information", "low", "low", "low", "low"], "serious"),
        # "Critical: critical risk of bias in at least one domain."
        (["critical", "serious", "moderate", "low", "no_information", "low", "low"], "critical"),
        (["low"] * 6 + ["critical"], "critical"),
        # "No information: no clear indication that the study is at serious or critical risk of
        # bias and a lack of information in one or more key domains."
        (["no_information"] + ["low"] * 6, "no_information"),
        (
            ["moderate", "no_information", "low", "low", "low", "no_information", "moderate"],
            "no_information",
        ),
    ],
)
def test_robins_i_table_2(judgements, overall):
    assert robins(*judgements) == overall


def test_robins_i_every_combination_meets_exactly_the_definition_it_is_given():
    """Every multiset of seven domain judgements, in two orders (Table 2 speaks of domains, not
    of which domain): the proposal is the one category whose definition they meet."""
    definitions = {
        "low": lambda js: all(j == "low" for j in js),
        "moderate": lambda js: all(j in ("low", "moderate") for j in js) and "moderate" in js,
        "serious": lambda js: "serious" in js and "critical" not in js,
        "critical": lambda js: "critical" in js,
        "no_information": lambda js: (
            "serious" not in js and "critical" not in js and "no_information" in js
        ),
    }
    for combination in itertools.combinations_with_replacement(ROBINS, 7):
        met = [name for name, meets in definitions.items() if meets(combination)]
        assert met == [robins(*combination)] == [robins(*reversed(combination))], combination


@pytest.mark.parametrize(
    ("judgements", "overall"),
    [
        (["low"] * 7, "low"),
        (["low"] * 6 + ["unclear"], "unclear"),
        (["unclear", "low", "unclear", "low", "low", "low", "low"], "unclear"),
        (["high"] + ["low"] * 6, "high"),
        # Unclear in one key domain and high in another: high, the less favourable.
        (["unclear", "high", "low", "low", "low", "low", "low"], "high"),
    ],
)
def test_rob1_summary_within_a_study(judgements, overall):
    assert propose_overall("rob1", dict(zip(ROBINS_DOMAINS, judgements, strict=True))) == overall


def test_rob1_every_combination():
    for combination in itertools.product(["low", "unclear", "high"], repeat=7):
        expected = (
            "high" if "high" in combination else "unclear" if "unclear" in combination else "low"
        )
        assert propose_overall("rob1", dict(zip(ROBINS_DOMAINS, combination, strict=True))) == (
            expected
        )


class TestDomainJudgementsThatDoNotFit:
    def test_a_missing_domain_is_named(self):
        with pytest.raises(RobError, match=r"no judgement for domain D7 of rob1"):
            propose_overall("rob1", {d: "low" for d in ROBINS_DOMAINS[:6]})

    def test_an_unknown_domain_is_named(self):
        given = {d: "low" for d in ROBINS_DOMAINS} | {"D8": "low"}
        with pytest.raises(RobError, match=r"unknown domain 'D8' for rob1"):
            propose_overall("rob1", given)

    def test_a_judgement_the_domain_cannot_take_is_named_with_the_choices(self):
        given = {d: "low" for d in ROBINS_DOMAINS} | {"D2": "some_concerns"}
        with pytest.raises(
            RobError,
            match=r"'some_concerns' is not a judgement of domain D2 of robins-i-2016 "
            r"\(low, moderate, serious, critical, no_information\)",
        ):
            propose_overall("robins-i-2016", given)

    def test_domain_ids_and_judgements_are_read_whatever_their_case(self):
        given = {d.lower(): "LOW" for d in ROBINS_DOMAINS} | {"d3": "Moderate"}
        assert propose_overall("robins-i-2016", given) == "moderate"
