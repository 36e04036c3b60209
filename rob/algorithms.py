"""Proposed risk-of-bias judgements: one domain's from its answers, and the overall one from the
domain judgements, by the algorithms the tool files in rob/tools/ name.

A proposal is only that: the assessor may override it with a written justification, and both
are kept (the assessment models do that, not this module).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rob.catalogue import get_tool
from rob.definitions import Domain, RobError, Tool, holds


def propose_domain(tool: str | Tool, domain_id: str, answers: Mapping[str, str]) -> str | int:
    """The proposed judgement of one domain: a judgement id ("low", "some_concerns" ...), or
    for the Newcastle-Ottawa scales the number of stars. Every question asked must have an
    answer; questions not asked may be left out or answered NA."""
    tool = get_tool(tool)
    domain = tool.domain(domain_id)
    if domain.algorithm is None:
        raise RobError(
            f"{tool.id} publishes no algorithm for domain {domain.id} ({domain.name}): "
            f"the assessor judges it ({', '.join(domain.judgements)})"
        )
    resolved, _ = domain.resolve(answers, complete=True)
    if domain.algorithm["kind"] == "stars":
        return sum(question.stars(resolved[question.id]) for question in domain.questions)
    return _decision_table(domain, resolved)


def propose_overall(tool: str | Tool, domain_judgements: Mapping[str, Any]) -> str:
    """The proposed overall judgement from one judgement per domain (numbers of stars for the
    Newcastle-Ottawa scales)."""
    tool = get_tool(tool)
    values = tool.check_judgements(domain_judgements)
    return OVERALL[tool.overall["rule"]](tool, values)


def _decision_table(domain: Domain, answers: Mapping[str, str]) -> str:
    """Each part of the algorithm is a table with one rule per end point of the published
    decision diagram; exactly one rule of each part fits a complete set of answers, and the
    domain takes the least favourable of its parts (RoB 2 domain 2, effect of assignment, has
    two parts; the other domains one)."""
    # propose_domain turns a domain without an algorithm away before it gets here.
    assert domain.algorithm is not None
    found = []
    for number, part in enumerate(domain.algorithm["parts"], start=1):
        fitting = [rule["then"] for rule in part["rules"] if holds(rule["if"], answers)]
        if len(fitting) != 1:
            # Only a broken tool file gets here: the tests prove the shipped tables complete.
            raise RobError(
                f"{domain.tool_id} domain {domain.id}, part {number}: {len(fitting)} rules fit "
                f"the answers {dict(answers)}; a decision table needs exactly one"
            )
        found.append(fitting[0])
    return _least_favourable(found, domain.judgements)


def _least_favourable(judgements: Sequence[str], best_first: Sequence[str]) -> str:
    return max(judgements, key=best_first.index)


def _overall_least_favourable(tool: Tool, values: Mapping[str, str]) -> str:
    """RoB 2 (Sterne et al. 2019, Table 2) and RoB 1 (Handbook 5.1, Table 8.7.a): low if every
    domain is low, otherwise the least favourable domain judgement."""
    return _least_favourable(list(values.values()), tool.overall["judgements"])


def _overall_robins_i(tool: Tool, values: Mapping[str, str]) -> str:
    """ROBINS-I (Sterne et al. 2016, Table 2), every domain counted as a key domain."""
    judgements = set(values.values())
    if "critical" in judgements:
        return "critical"
    if "serious" in judgements:
        return "serious"
    if "no_information" in judgements:
        return "no_information"
    if "moderate" in judgements:
        return "moderate"
    return "low"


def _overall_star_thresholds(tool: Tool, values: Mapping[str, int]) -> str:
    """The first rating whose minimum stars per category the study reaches (Newcastle-Ottawa
    to AHRQ standards: good, fair, poor)."""
    return next(
        threshold["judgement"]
        for threshold in tool.overall["thresholds"]
        if all(values[domain] >= stars for domain, stars in threshold["at_least"].items())
    )


OVERALL: dict[str, Callable[[Tool, Mapping[str, Any]], str]] = {
    "least_favourable": _overall_least_favourable,
    "robins_i": _overall_robins_i,
    "star_thresholds": _overall_star_thresholds,
}
