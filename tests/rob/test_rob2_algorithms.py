"""RoB 2 domain algorithms against the published decision diagrams (tests/rob/published.py):
every end point of every diagram, for both effects of interest and the crossover variant, with
answers off the path shown not to matter; and the overall rule."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rob.algorithms import propose_domain, propose_overall
from rob.catalogue import get_tool
from tests.rob.published import TABLES, groups, on_path

SETTINGS = settings(
    max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
ROB2_TOOLS = ["rob2-parallel-assignment", "rob2-parallel-adherence", "rob2-crossover-assignment"]
DOMAINS = sorted(TABLES)


def every_answer_set(tool_id: str, domain_id: str):
    """Every complete set of answers a domain accepts, NA where a question is not asked."""
    questions = get_tool(tool_id).domain(domain_id).questions

    def walk(index, answers):
        if index == len(questions):
            yield answers
            return
        question = questions[index]
        if question.is_asked(answers):
            for answer in question.answers:
                yield from walk(index + 1, {**answers, question.id: answer})
        else:
            yield from walk(index + 1, {**answers, question.id: "NA"})

    return walk(0, {})


@st.composite
def answers_on(draw, tool_id: str, domain_id: str, path: dict[str, set[str]]):
    """A complete set of answers that takes `path`, with anything allowed off it."""
    answers = {}
    for question in get_tool(tool_id).domain(domain_id).questions:
        group = path.get(question.id)
        if not question.is_asked(answers):
            assert group is None or "NA" in group, f"{question.id} is not asked on this path"
            answers[question.id] = "NA"
            continue
        answers[question.id] = draw(st.sampled_from(sorted(group or question.answers)))
    return answers


def cite(tool_id: str, domain_id: str, row: int, answers: dict[str, str]) -> str:
    """The decision-table row a failure is about, numbered from 1 as in tests/rob/published.py
    (one row per end point of the guidance's diagram for the domain)."""
    path, judgement = TABLES[tool_id, domain_id][row]
    return f"{tool_id} {domain_id}, row {row + 1}: {path} -> {judgement}; answers {answers}"


def test_every_rob2_domain_has_a_published_table():
    domains = {(t, d.id) for t in ROB2_TOOLS for d in get_tool(t).domains}
    assert domains == set(TABLES)


@pytest.mark.parametrize(("tool", "domain"), DOMAINS)
@SETTINGS
@given(data=st.data())
def test_an_end_point_of_the_diagram_whatever_the_answers_off_its_path(tool, domain, data):
    row = data.draw(st.sampled_from(range(len(TABLES[tool, domain]))))
    path, judgement = TABLES[tool, domain][row]
    answers = data.draw(answers_on(tool, domain, groups(path)))
    assert propose_domain(tool, domain, answers) == judgement, cite(tool, domain, row, answers)


@pytest.mark.parametrize(("tool", "domain"), DOMAINS)
def test_every_combination_of_answers_takes_exactly_one_published_path(tool, domain):
    """Exhaustive, so every end point of every diagram is reached: the proposal for each
    allowed combination of answers is the judgement at the one end point it leads to."""
    rows = [(groups(path), judgement) for path, judgement in TABLES[tool, domain]]
    reached_rows = set()
    for answers in every_answer_set(tool, domain):
        reached = [index for index, (path, _) in enumerate(rows) if on_path(path, answers)]
        assert len(reached) == 1, (answers, reached)
        assert propose_domain(tool, domain, answers) == rows[reached[0]][1], cite(
            tool, domain, reached[0], answers
        )
        reached_rows.add(reached[0])
    assert reached_rows == set(range(len(rows)))


@pytest.mark.parametrize("tool", ROB2_TOOLS)
def test_answers_for_questions_not_asked_may_be_left_out_or_given_as_na(tool):
    with_na = {"1.1": "Y", "1.2": "Y", "1.3": "N"}
    assert propose_domain(tool, "D1", with_na) == "low"
    d3 = {"3.1": "Y", "3.2": "NA", "3.3": "na"}
    assert propose_domain(tool, "D3", d3) == propose_domain(tool, "D3", {"3.1": "Y"}) == "low"


def test_adherence_asks_2_4_and_2_5_even_when_nobody_was_aware():
    # The adherence diagram sends "both N/PN" to 2.4/2.5, not to low as part 1 of the
    # assignment diagram does.
    aware_of_nothing = {"2.1": "N", "2.2": "PN", "2.4": "Y", "2.5": "N", "2.6": "N"}
    assert propose_domain("rob2-parallel-adherence", "D2", aware_of_nothing) == "high"
    assert propose_domain(
        "rob2-parallel-assignment", "D2", {"2.1": "N", "2.2": "N", "2.6": "Y"}
    ) == ("low")


def test_assignment_domain_2_takes_the_less_favourable_part():
    part1_high = {"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "Y", "2.5": "N"}
    part2_some = {"2.6": "N", "2.7": "N"}
    assert propose_domain("rob2-parallel-assignment", "D2", {**part1_high, "2.6": "Y"}) == "high"
    assert propose_domain("rob2-parallel-assignment", "D2", {**part1_high, **part2_some}) == "high"
    blinded = {"2.1": "N", "2.2": "N"}
    assert propose_domain("rob2-parallel-assignment", "D2", {**blinded, **part2_some}) == (
        "some_concerns"
    )


@pytest.mark.parametrize("tool", ROB2_TOOLS)
def test_overall_is_low_only_if_all_low_and_high_if_any_high(tool):
    """Sterne et al. 2019, Table 2, over every combination of domain judgements."""
    domains = [d.id for d in get_tool(tool).domains]
    levels = ["low", "some_concerns", "high"]
    for combination in itertools.product(levels, repeat=len(domains)):
        overall = propose_overall(tool, dict(zip(domains, combination, strict=True)))
        if all(j == "low" for j in combination):
            assert overall == "low"
        elif "high" in combination:
            assert overall == "high"
        else:
            assert overall == "some_concerns", combination


def test_crossover_has_the_period_and_carryover_domain_after_domain_1():
    tool = get_tool("rob2-crossover-assignment")
    assert [d.id for d in tool.domains] == ["D1", "DS", "D2", "D3", "D4", "D5"]
    assert tool.domain("DS").name == "Bias arising from period and carryover effects"
    overall = propose_overall(tool, {d.id: "low" for d in tool.domains} | {"DS": "high"})
    assert overall == "high"
