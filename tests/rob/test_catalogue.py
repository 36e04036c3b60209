"""The tool catalogue: the files in rob/tools/, looking tools and domains up, which questions are
asked, and clear errors for answers that do not fit."""

import json
import shutil
from pathlib import Path

import pytest

from rob.algorithms import OVERALL, propose_domain
from rob.catalogue import TOOLS_DIR, asked_questions, get_tool, tool_ids, validate_answers
from rob.definitions import AnswersError, RobError, ToolFileError
from rob.tool_files import OVERALL_RULES, load_tool

EXPECTED_DOMAINS = {
    "rob2-parallel-assignment": ["D1", "D2", "D3", "D4", "D5"],
    "rob2-parallel-adherence": ["D1", "D2", "D3", "D4", "D5"],
    "rob2-crossover-assignment": ["D1", "DS", "D2", "D3", "D4", "D5"],
    "robins-i-2016": ["D1", "D2", "D3", "D4", "D5", "D6", "D7"],
    "rob1": ["D1", "D2", "D3", "D4", "D5", "D6", "D7"],
    "nos-cohort": ["selection", "comparability", "outcome"],
    "nos-case-control": ["selection", "comparability", "exposure"],
}


def asked(tool, domain, answers):
    return [q.id for q in asked_questions(tool, domain, answers)]


def test_every_tool_of_the_issue_is_a_file_in_rob_tools():
    assert sorted(tool_ids()) == sorted(EXPECTED_DOMAINS)
    for tool_id, domains in EXPECTED_DOMAINS.items():
        tool = get_tool(tool_id)
        assert (TOOLS_DIR / f"{tool_id}.json").is_file()
        assert [d.id for d in tool.domains] == domains
        assert tool.version and tool.citation and tool.source


def test_rob2_questions_keep_the_official_numbering_and_answers():
    tool = get_tool("rob2-parallel-assignment")
    numbering = {d.id: [q.id for q in d.questions] for d in tool.domains}
    assert numbering == {
        "D1": ["1.1", "1.2", "1.3"],
        "D2": ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"],
        "D3": ["3.1", "3.2", "3.3", "3.4"],
        "D4": ["4.1", "4.2", "4.3", "4.4", "4.5"],
        "D5": ["5.1", "5.2", "5.3"],
    }
    assert tool.domain("D1").question("1.1").answers == ("Y", "PY", "PN", "N", "NI")
    # 3.2 has no "No information" answer.
    assert tool.domain("D3").question("3.2").answers == ("Y", "PY", "PN", "N")
    assert tool.domain("D3").judgements == ("low", "some_concerns", "high")


def test_unknown_tool_and_domain_are_named_with_the_choices():
    with pytest.raises(
        RobError, match=r"unknown risk-of-bias tool 'rob3'.*rob2-parallel-assignment"
    ):
        get_tool("rob3")
    with pytest.raises(RobError, match=r"unknown domain 'D9' for rob1 \(domains: D1, D2, .*D7\)"):
        get_tool("rob1").domain("D9")


def test_every_overall_rule_a_file_may_name_is_implemented():
    assert set(OVERALL) == set(OVERALL_RULES)
    assert {get_tool(t).overall["rule"] for t in tool_ids()} == set(OVERALL_RULES)


def test_domain_ids_are_found_whatever_their_case():
    assert get_tool("rob2-crossover-assignment").domain("ds").id == "DS"


class TestWhichQuestionsAreAsked:
    """The conditions printed with the questions ("If Y/PY/NI to 2.1 or 2.2: ...")."""

    def test_rob2_assignment_domain_2_unfolds_as_answers_arrive(self):
        tool = "rob2-parallel-assignment"
        assert asked(tool, "D2", {}) == ["2.1", "2.2", "2.6"]
        assert asked(tool, "D2", {"2.1": "N", "2.2": "PN"}) == ["2.1", "2.2", "2.6"]
        assert asked(tool, "D2", {"2.1": "N", "2.2": "NI"}) == ["2.1", "2.2", "2.3", "2.6"]
        assert asked(tool, "D2", {"2.1": "Y", "2.3": "PY", "2.6": "NI"}) == [
            "2.1",
            "2.2",
            "2.3",
            "2.4",
            "2.6",
            "2.7",
        ]
        assert "2.5" in asked(tool, "D2", {"2.1": "Y", "2.3": "Y", "2.4": "NI"})
        assert "2.5" not in asked(tool, "D2", {"2.1": "Y", "2.3": "Y", "2.4": "PN"})

    def test_rob2_domains_3_and_4(self):
        tool = "rob2-parallel-assignment"
        assert asked(tool, "D3", {"3.1": "Y"}) == ["3.1"]
        assert asked(tool, "D3", {"3.1": "NI", "3.2": "N", "3.3": "NI"}) == [
            "3.1",
            "3.2",
            "3.3",
            "3.4",
        ]
        # 4.3 needs N/PN/NI to both 4.1 and 4.2.
        assert asked(tool, "D4", {"4.1": "N", "4.2": "Y"}) == ["4.1", "4.2"]
        assert asked(tool, "D4", {"4.1": "NI", "4.2": "NI", "4.3": "Y", "4.4": "NI"}) == [
            "4.1",
            "4.2",
            "4.3",
            "4.4",
            "4.5",
        ]

    def test_rob2_adherence_asks_2_6_after_a_problem_with_2_3_to_2_5(self):
        tool = "rob2-parallel-adherence"
        assert asked(tool, "D2", {"2.1": "N", "2.2": "N", "2.4": "N", "2.5": "NA"}) == [
            "2.1",
            "2.2",
            "2.4",
            "2.5",
        ]
        assert "2.6" in asked(tool, "D2", {"2.1": "N", "2.2": "N", "2.4": "N", "2.5": "PY"})
        assert "2.6" in asked(tool, "D2", {"2.1": "PY", "2.3": "NI"})

    def test_crossover_asks_about_period_effects_only_for_unequal_sequences(self):
        tool = "rob2-crossover-assignment"
        assert asked(tool, "DS", {"S.1": "PY"}) == ["S.1", "S.3"]
        assert asked(tool, "DS", {"S.1": "NI"}) == ["S.1", "S.2", "S.3"]

    def test_robins_i_domain_4_follows_the_effect_of_interest(self):
        tool = "robins-i-2016"
        assert asked(tool, "D4", {}) == []
        assert asked(tool, "D4", {"effect": "assignment", "4.1": "PY"}) == ["4.1", "4.2"]
        assert asked(tool, "D4", {"effect": "adhering"}) == ["4.3", "4.4", "4.5"]
        assert asked(tool, "D4", {"effect": "adhering", "4.4": "N"}) == ["4.3", "4.4", "4.5", "4.6"]

    def test_robins_i_domain_1_baseline_or_time_varying_confounding(self):
        tool = "robins-i-2016"
        assert asked(tool, "D1", {"1.1": "N"}) == ["1.1"]
        assert asked(tool, "D1", {"1.1": "Y", "1.2": "N"}) == ["1.1", "1.2", "1.4", "1.6"]
        assert asked(tool, "D1", {"1.1": "Y", "1.2": "Y", "1.3": "Y", "1.7": "PY"}) == [
            "1.1",
            "1.2",
            "1.3",
            "1.7",
            "1.8",
        ]


class TestAnswersThatDoNotFit:
    tool = "rob2-parallel-assignment"

    def test_an_unknown_question_is_named(self):
        with pytest.raises(AnswersError, match=r"unknown question '1\.4' in domain D1 of rob2"):
            validate_answers(self.tool, "D1", {"1.1": "Y", "1.4": "Y"})

    def test_an_answer_the_question_does_not_allow_is_named_with_the_choices(self):
        with pytest.raises(
            AnswersError,
            match=r"answer 'NI' is not allowed for question 3\.2 \(allowed: Y, PY, PN, N\)",
        ):
            validate_answers(self.tool, "D3", {"3.1": "N", "3.2": "NI"})
        with pytest.raises(AnswersError, match=r"answer 'maybe' is not allowed for question 1\.1"):
            validate_answers(self.tool, "D1", {"1.1": "maybe"})

    def test_na_is_not_an_answer_to_a_question_that_is_asked(self):
        with pytest.raises(AnswersError, match=r"answer 'NA' is not allowed for question 1\.1"):
            validate_answers(self.tool, "D1", {"1.1": "NA", "1.2": "Y", "1.3": "N"})

    def test_an_answer_to_a_question_not_asked_says_when_it_is_asked(self):
        with pytest.raises(
            AnswersError,
            match=r"question 3\.2 is not asked here: it is asked only if 3\.1 is N, PN or NI "
            r"\(3\.1 is Y\)",
        ):
            validate_answers(self.tool, "D3", {"3.1": "Y", "3.2": "Y"})

    def test_missing_answers_to_asked_questions_are_listed(self):
        with pytest.raises(
            AnswersError, match=r"question 1\.1 has no answer.*question 1\.3 has no"
        ):
            validate_answers(self.tool, "D1", {"1.2": "Y"})
        assert validate_answers(self.tool, "D1", {"1.2": "Y"}, complete=False) == {"1.2": "Y"}

    def test_every_problem_is_reported_once_and_by_question(self):
        with pytest.raises(AnswersError) as caught:
            validate_answers(self.tool, "D2", {"2.1": "?", "2.3": "Y", "2.6": "Y", "x": "Y"})
        # 2.3 depends on the unreadable 2.1, so it gets no second, confusing error.
        assert set(caught.value.problems) == {"x", "2.1", "2.2"}

    def test_answers_are_read_whatever_their_case_and_come_back_canonical(self):
        resolved = validate_answers(self.tool, "D3", {"3.1": "pn", "3.2": "py"})
        assert resolved == {"3.1": "PN", "3.2": "PY", "3.3": "NA", "3.4": "NA"}

    def test_an_unknown_preliminary_answer_is_named(self):
        with pytest.raises(AnswersError, match=r"answer 'both' is not allowed for question effect"):
            validate_answers("robins-i-2016", "D4", {"effect": "both"}, complete=False)

    def test_errors_are_value_errors_for_callers_that_catch_those(self):
        assert issubclass(AnswersError, ValueError)


def test_robins_i_and_rob1_domains_have_no_algorithm_to_propose_from():
    with pytest.raises(RobError, match=r"robins-i-2016 publishes no algorithm for domain D1"):
        propose_domain("robins-i-2016", "D1", {"1.1": "N"})
    with pytest.raises(RobError, match=r"rob1 publishes no algorithm for domain D3.*low, unclear"):
        propose_domain("rob1", "D3", {})


class TestToolFilesAreChecked:
    """A broken tool file is refused when loaded, with the file and the place named."""

    @pytest.fixture
    def tool_file(self, tmp_path):
        def write(change) -> Path:
            data = json.loads((TOOLS_DIR / "rob2-parallel-assignment.json").read_text())
            change(data)
            path = tmp_path / f"{data['id']}.json"
            path.write_text(json.dumps(data))
            return path

        return write

    def test_a_correct_copy_loads(self, tool_file):
        assert load_tool(tool_file(lambda data: None)).id == "rob2-parallel-assignment"

    def test_the_file_name_must_be_the_tool_id(self, tmp_path):
        path = tmp_path / "other.json"
        shutil.copy(TOOLS_DIR / "rob1.json", path)
        with pytest.raises(ToolFileError, match=r"other\.json: the id 'rob1' must match"):
            load_tool(path)

    def test_a_condition_on_a_later_question_is_refused(self, tool_file):
        def forward(data):
            data["domains"][0]["questions"][0]["asked_if"] = {"1.3": ["Y"]}

        with pytest.raises(ToolFileError, match=r"D1, question 1\.1: asked_if refers to '1\.3'"):
            load_tool(tool_file(forward))

    def test_an_answer_a_question_cannot_have_is_refused_in_a_rule(self, tool_file):
        def bad_answer(data):
            data["domains"][2]["algorithm"]["parts"][0]["rules"][1]["if"]["3.2"] = ["NI"]

        with pytest.raises(ToolFileError, match=r"D3, rule 2: '3\.2' cannot be 'NI'"):
            load_tool(tool_file(bad_answer))

    def test_a_rule_must_give_one_of_the_domain_judgements(self, tool_file):
        def bad_judgement(data):
            data["domains"][0]["algorithm"]["parts"][0]["rules"][0]["then"] = "serious"

        with pytest.raises(ToolFileError, match=r"D1, rule 1: 'serious' is not a judgement"):
            load_tool(tool_file(bad_judgement))

    def test_a_missing_field_is_named(self, tool_file):
        with pytest.raises(ToolFileError, match=r"'citation' is missing"):
            load_tool(tool_file(lambda data: data.pop("citation")))

    def test_invalid_json_is_named(self, tmp_path):
        path = tmp_path / "rob1.json"
        path.write_text("{")
        with pytest.raises(ToolFileError, match=r"rob1\.json: not valid JSON"):
            load_tool(path)
