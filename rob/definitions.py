"""What a risk-of-bias tool is made of, once read from its file: domains, questions and their
answers, the conditions under which questions are asked, and the check of a set of answers.

Conditions are small JSON objects: ``{"2.3": ["Y", "PY"]}`` holds when the answer to 2.3 is Y or
PY; several keys must all hold; ``{"any": [c1, c2]}`` holds when one of c1, c2 does. A question
that is not asked has the answer NA, so a condition on it fails unless it lists NA.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

NOT_ASKED = "NA"

PRELIMINARY = "preliminary"
"""Where answers to a tool's preliminary questions are kept (the ``domain`` of their rows):
the tool asks them once per assessment, before the domains, and every domain reads them."""


class RobError(ValueError):
    """A tool, domain, question, answer or judgement that does not exist or does not fit."""


class ToolFileError(RobError):
    """A tool file that cannot be read as a tool; the message names the file and the place."""


class AnswersError(RobError):
    """Answers that do not fit a domain; ``problems`` maps each question (or given key) to what
    is wrong with it, in the domain's question order."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    stars: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    asked_if: Mapping[str, Any] | None = None

    @functools.cached_property
    def answers(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    @functools.cached_property
    def _by_upper(self) -> dict[str, str]:
        return {answer.upper(): answer for answer in self.answers}

    def is_asked(self, answers: Mapping[str, str]) -> bool:
        """Whether the question is asked, given the answers to the questions before it."""
        return self.asked_if is None or holds(self.asked_if, answers)

    def canonical(self, answer: str) -> str | None:
        """The allowed answer ``answer`` spells, whatever its case; None if there is none."""
        return self._by_upper.get(answer.strip().upper())

    def stars(self, answer: str) -> int:
        return next(option.stars or 0 for option in self.options if option.id == answer)


@dataclass(frozen=True)
class Domain:
    tool_id: str
    id: str
    name: str
    questions: tuple[Question, ...]
    judgements: tuple[str, ...]
    algorithm: Mapping[str, Any] | None
    preliminary: tuple[Question, ...] = ()

    def question(self, question_id: str) -> Question:
        found = find(self.questions, question_id)
        if found is None:
            raise RobError(
                gettext(
                    "unknown question '%(question)s' in domain %(domain)s of %(tool)s "
                    "(questions: %(questions)s)"
                )
                % {
                    "question": question_id,
                    "domain": self.id,
                    "tool": self.tool_id,
                    "questions": ", ".join(q.id for q in self.questions),
                }
            )
        return found

    @property
    def max_stars(self) -> int:
        return sum(max(option.stars or 0 for option in q.options) for q in self.questions)

    def resolve(self, answers: Mapping[str, str], *, complete: bool) -> tuple[dict, list]:
        """Check ``answers`` against the questions in order: the canonical answers (NA for a
        question not asked) and the questions asked. Raises AnswersError naming every problem.

        A question whose asking depends on an unreadable or missing answer is left undecided
        rather than reported again, so one mistake gives one message.
        """
        given: dict[str, str] = {}
        problems: dict[str, str] = {}
        for key, value in answers.items():
            question = self._index.get(str(key).strip().lower())
            if question is None:
                problems[key] = gettext(
                    "unknown question '%(question)s' in domain %(domain)s of %(tool)s "
                    "(questions: %(questions)s)"
                ) % {
                    "question": key,
                    "domain": self.id,
                    "tool": self.tool_id,
                    "questions": ", ".join(self._index_ids),
                }
            else:
                given[question.id] = str(value)
        resolved: dict[str, str] = {}
        undecided: set[str] = set()

        def take(question: Question, required: bool) -> None:
            """Record the answer given to a question that is asked, or what is wrong with it."""
            raw = given.get(question.id)
            answer = None if raw is None else question.canonical(raw)
            if answer is not None:
                resolved[question.id] = answer
                return
            undecided.add(question.id)
            if raw is not None:
                problems[question.id] = gettext(
                    "answer '%(answer)s' is not allowed for question %(question)s "
                    "(allowed: %(allowed)s)"
                ) % {"answer": raw, "question": question.id, "allowed": ", ".join(question.answers)}
            elif complete and required:
                problems[question.id] = gettext("question %(question)s has no answer") % {
                    "question": question.id
                }

        for question in self.preliminary:
            take(question, required=question.id in self._preliminary_used)
        asked: list[Question] = []
        for question in self.questions:
            if question.is_asked(resolved):
                asked.append(question)
                take(question, required=True)
            elif referenced(question.asked_if) & undecided:
                undecided.add(question.id)
            else:
                raw = given.get(question.id)
                if raw is not None and raw.strip().upper() != NOT_ASKED:
                    # Only a question with a condition goes unasked.
                    assert question.asked_if is not None
                    problems[question.id] = gettext(
                        "question %(question)s is not asked here: it is asked only if "
                        "%(condition)s (%(current)s); leave it out or answer NA"
                    ) % {
                        "question": question.id,
                        "condition": describe(question.asked_if),
                        "current": _current(question.asked_if, resolved),
                    }
                resolved[question.id] = NOT_ASKED
        if problems:
            order = self._index_ids
            ranked = sorted(problems, key=lambda key: order.index(key) if key in order else -1)
            raise AnswersError({key: problems[key] for key in ranked})
        return resolved, asked

    @functools.cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id.lower(): q for q in (*self.preliminary, *self.questions)}

    @functools.cached_property
    def _index_ids(self) -> list[str]:
        return [q.id for q in (*self.preliminary, *self.questions)]

    @functools.cached_property
    def _preliminary_used(self) -> set[str]:
        used = set().union(*(referenced(q.asked_if) for q in self.questions))
        return used & {q.id for q in self.preliminary}


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    version: str
    citation: str
    source: str
    notes: tuple[str, ...]
    kind: str
    answer_labels: Mapping[str, str]
    judgement_labels: Mapping[str, str]
    preliminary: tuple[Question, ...]
    domains: tuple[Domain, ...]
    overall: Mapping[str, Any]

    def domain(self, domain_id: str) -> Domain:
        found = self._index.get(domain_id.strip().lower())
        if found is None:
            raise RobError(
                gettext("unknown domain '%(domain)s' for %(tool)s (domains: %(domains)s)")
                % {
                    "domain": domain_id,
                    "tool": self.id,
                    "domains": ", ".join(d.id for d in self.domains),
                }
            )
        return found

    @functools.cached_property
    def _index(self) -> dict[str, Domain]:
        return {d.id.lower(): d for d in self.domains}

    def check_judgements(self, judgements: Mapping[str, Any]) -> dict[str, str | int]:
        """One valid judgement per domain, in domain order: a judgement id, or for the star
        scales a number of stars. Raises RobError naming the first problem."""
        values: dict[str, str | int] = {}
        for key, value in judgements.items():
            domain = self.domain(str(key))
            values[domain.id] = self._domain_value(domain, value)
        for domain in self.domains:
            if domain.id not in values:
                raise RobError(
                    gettext("no judgement for domain %(domain)s of %(tool)s")
                    % {"domain": domain.id, "tool": self.id}
                )
        return {d.id: values[d.id] for d in self.domains}

    def _domain_value(self, domain: Domain, value: Any) -> str | int:
        if self.kind == "stars":
            text = str(value).strip()
            if not text.isdigit():
                raise RobError(
                    gettext("'%(value)s' is not a number of stars for domain %(domain)s")
                    % {"value": value, "domain": domain.id}
                )
            if int(text) > domain.max_stars:
                raise RobError(
                    gettext(
                        "%(domain)s: %(stars)s stars is more than the %(most)s the category has"
                    )
                    % {"domain": domain.id, "stars": int(text), "most": domain.max_stars}
                )
            return int(text)
        judgement = str(value).strip().lower()
        if judgement not in domain.judgements:
            raise RobError(
                gettext(
                    "'%(value)s' is not a judgement of domain %(domain)s of %(tool)s "
                    "(%(judgements)s)"
                )
                % {
                    "value": value,
                    "domain": domain.id,
                    "tool": self.id,
                    "judgements": ", ".join(domain.judgements),
                }
            )
        return judgement


def holds(condition: Mapping[str, Any], answers: Mapping[str, str]) -> bool:
    """Whether the answers meet the condition; a question without an answer meets none."""
    for key, wanted in condition.items():
        if key == "any":
            if not any(holds(part, answers) for part in wanted):
                return False
        elif answers.get(key) not in wanted:
            return False
    return True


def describe(condition: Mapping[str, Any]) -> str:
    """The condition in words: "2.3 is Y or PY", "2.1 is Y, PY or NI, or 2.2 is Y, PY or NI"."""
    parts = []
    for key, wanted in condition.items():
        if key == "any":
            parts.append(", or ".join(describe(part) for part in wanted))
        else:
            choices = list(wanted)
            either = (
                f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]
            )
            parts.append(f"{key} is {either}")
    return " and ".join(parts)


def find(items, item_id: str):
    """The item whose id is ``item_id``, compared without regard to case."""
    wanted = item_id.strip().lower()
    return next((item for item in items if item.id.lower() == wanted), None)


def referenced(condition: Mapping[str, Any] | None) -> set[str]:
    if not condition:
        return set()
    found = set()
    for key, wanted in condition.items():
        found |= set().union(*map(referenced, wanted)) if key == "any" else {key}
    return found


def _current(condition: Mapping[str, Any], answers: Mapping[str, str]) -> str:
    return ", ".join(f"{key} is {answers[key]}" for key in sorted(referenced(condition)))
