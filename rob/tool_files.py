"""Reading a tool file from rob/tools/ and checking it, so a broken file is refused when it is
loaded, with the file and the place named, rather than giving wrong proposals later."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rob.definitions import NOT_ASKED, Domain, Option, Question, Tool, ToolFileError, find

KINDS = ("signalling", "judged", "stars")
ALGORITHMS = ("decision_table", "stars")
OVERALL_RULES = ("least_favourable", "robins_i", "star_thresholds")


def load_tool(path: Path) -> Tool:
    """Read and check one tool file; ToolFileError names the file and what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ToolFileError(f"{Path(path).name}: not valid JSON ({exc})") from None
    return _ToolReader(Path(path).name).tool(data, expected_id=Path(path).stem)


class _ToolReader:
    """Builds a Tool from a file's data, checking each part; `where` says which part."""

    def __init__(self, file_name: str):
        self.file_name = file_name

    def fail(self, where: str, message: str):
        raise ToolFileError(f"{self.file_name}: {where + ': ' if where else ''}{message}")

    def get(self, data: Mapping, key: str, where: str = "") -> Any:
        if not isinstance(data, Mapping) or key not in data:
            self.fail(where, f"'{key}' is missing")
        return data[key]

    def tool(self, data: Mapping, *, expected_id: str) -> Tool:
        tool_id = self.get(data, "id")
        if tool_id != expected_id:
            self.fail("", f"the id '{tool_id}' must match the file name ('{expected_id}.json')")
        kind = self.get(data, "kind")
        if kind not in KINDS:
            self.fail("", f"kind '{kind}' is not one of {', '.join(KINDS)}")
        judgement_labels = self.get(data, "judgements")
        answer_labels = data.get("answers", {})
        preliminary = tuple(
            self.question(q, f"preliminary {q.get('id')}", answer_labels, earlier=())
            for q in data.get("preliminary", [])
        )
        domains: list[Domain] = []
        for raw in self.get(data, "domains"):
            domain = self.domain(raw, tool_id, kind, answer_labels, judgement_labels, preliminary)
            if any(d.id == domain.id for d in domains):
                self.fail(f"domain {domain.id}", "the id is used twice")
            domains.append(domain)
        overall = self.get(data, "overall")
        self.overall(overall, judgement_labels, domains)
        return Tool(
            id=tool_id,
            name=self.get(data, "name"),
            version=str(self.get(data, "version")),
            citation=self.get(data, "citation"),
            source=self.get(data, "source"),
            notes=tuple(data.get("notes", ())),
            kind=kind,
            answer_labels=answer_labels,
            judgement_labels=judgement_labels,
            preliminary=preliminary,
            domains=tuple(domains),
            overall=overall,
        )

    def domain(self, data, tool_id, kind, answer_labels, judgement_labels, preliminary) -> Domain:
        where = f"domain {self.get(data, 'id')}"
        questions: list[Question] = []
        for raw in self.get(data, "questions", where):
            question_where = f"{where}, question {self.get(raw, 'id', where)}"
            earlier = (*preliminary, *questions)
            question = self.question(raw, question_where, answer_labels, earlier)
            if find(earlier, question.id):
                self.fail(question_where, "the id is used twice")
            questions.append(question)
        judgements = () if kind == "stars" else tuple(self.get(data, "judgements", where))
        for judgement in judgements:
            if judgement not in judgement_labels:
                self.fail(where, f"judgement '{judgement}' has no label in 'judgements'")
        algorithm = self.get(data, "algorithm", where)
        if algorithm is not None:
            self.algorithm(algorithm, where, kind, questions, judgements)
        return Domain(
            tool_id=tool_id,
            id=data["id"],
            name=self.get(data, "name", where),
            questions=tuple(questions),
            judgements=judgements,
            algorithm=algorithm,
            preliminary=preliminary,
        )

    def question(self, data, where, answer_labels, earlier) -> Question:
        if "options" in data:
            options = tuple(
                Option(self.get(o, "id", where), self.get(o, "text", where), o.get("stars"))
                for o in data["options"]
            )
        else:
            codes = self.get(data, "answers", where)
            for code in codes:
                if code not in answer_labels:
                    self.fail(where, f"answer '{code}' is not in the tool's 'answers'")
            options = tuple(Option(code, answer_labels[code]) for code in codes)
        asked_if = data.get("asked_if")
        if asked_if is not None:
            self.condition(asked_if, where, earlier, allow_not_asked=False, what="asked_if ")
        return Question(
            self.get(data, "id", where), self.get(data, "text", where), options, asked_if
        )

    def condition(self, condition, where, questions, *, allow_not_asked: bool, what: str = ""):
        if not isinstance(condition, Mapping) or not condition:
            self.fail(where, f"{what}must be a non-empty object")
        for key, wanted in condition.items():
            if key == "any":
                for part in wanted:
                    self.condition(
                        part, where, questions, allow_not_asked=allow_not_asked, what=what
                    )
                continue
            question = find(questions, key)
            if question is None or question.id != key:
                self.fail(
                    where,
                    f"{what}refers to '{key}', which is not an earlier question of the domain "
                    f"or a preliminary",
                )
            allowed = (*question.answers, *([NOT_ASKED] if allow_not_asked else []))
            for answer in wanted:
                if answer not in allowed:
                    self.fail(where, f"{what}'{key}' cannot be '{answer}'")

    def algorithm(self, algorithm, where, kind, questions, judgements):
        algorithm_kind = self.get(algorithm, "kind", where)
        if algorithm_kind not in ALGORITHMS or (algorithm_kind == "stars") != (kind == "stars"):
            self.fail(where, f"algorithm kind '{algorithm_kind}' does not fit a '{kind}' tool")
        if algorithm_kind == "stars":
            return
        parts = self.get(algorithm, "parts", where)
        for number, part in enumerate(parts, start=1):
            part_where = f"{where}, part {number}" if len(parts) > 1 else where
            for index, rule in enumerate(self.get(part, "rules", part_where), start=1):
                rule_where = f"{part_where}, rule {index}"
                self.condition(
                    self.get(rule, "if", rule_where), rule_where, questions, allow_not_asked=True
                )
                if self.get(rule, "then", rule_where) not in judgements:
                    self.fail(rule_where, f"'{rule['then']}' is not a judgement of the domain")

    def overall(self, overall, judgement_labels, domains):
        rule = self.get(overall, "rule", "overall")
        if rule not in OVERALL_RULES:
            self.fail("overall", f"rule '{rule}' is not one of {', '.join(OVERALL_RULES)}")
        for judgement in self.get(overall, "judgements", "overall"):
            if judgement not in judgement_labels:
                self.fail("overall", f"judgement '{judgement}' has no label in 'judgements'")
        if rule == "star_thresholds":
            thresholds = self.get(overall, "thresholds", "overall")
            for threshold in thresholds:
                if self.get(threshold, "judgement", "overall") not in overall["judgements"]:
                    self.fail(
                        "overall",
                        f"threshold judgement '{threshold['judgement']}' is not "
                        "one of the overall judgements",
                    )
                for domain_id in self.get(threshold, "at_least", "overall"):
                    if not find(domains, domain_id):
                        self.fail("overall", f"threshold on unknown domain '{domain_id}'")
            if not thresholds or thresholds[-1]["at_least"]:
                self.fail(
                    "overall",
                    "the last threshold must ask for nothing, so every study gets a rating",
                )
