"""Risk-of-bias tools as data: the versioned files in rob/tools/, looked up by id, and the check
of a set of answers against a domain's questions.

A tool file holds the tool's domains; each domain its signalling questions (or, for the
Newcastle-Ottawa scales, items whose options earn stars), the answers each question allows, the
condition under which it is asked (``asked_if``), the judgements the domain can take and, where
the tool publishes one, the algorithm that proposes a judgement (run by rob/algorithms.py).
A new tool or version is a new file. Nothing here imports Django but its gettext (the
messages that reach pages and the API are translated): forms, the API and the ``robpropose``
command share these definitions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from django.utils.translation import gettext

from rob.definitions import Question, RobError, Tool
from rob.tool_files import load_tool

TOOLS_DIR = Path(__file__).with_name("tools")


def tool_ids() -> list[str]:
    """The ids of the tools in rob/tools/, in file-name order."""
    return list(_catalogue())


def get_tool(tool: str | Tool) -> Tool:
    if isinstance(tool, Tool):
        return tool
    catalogue = _catalogue()
    if tool not in catalogue:
        raise RobError(
            gettext("unknown risk-of-bias tool '%(tool)s' (tools: %(tools)s)")
            % {"tool": tool, "tools": ", ".join(catalogue)}
        )
    return catalogue[tool]


def validate_answers(
    tool: str | Tool, domain_id: str, answers: Mapping[str, str], *, complete: bool = True
) -> dict[str, str]:
    """The canonical answers of one domain: the given answer for each question asked, NA for
    each question not asked. With ``complete`` every question asked must have an answer;
    without it, questions still unanswered are left out (a form being filled in)."""
    resolved, _ = get_tool(tool).domain(domain_id).resolve(answers, complete=complete)
    return resolved


def asked_questions(tool: str | Tool, domain_id: str, answers: Mapping[str, str]) -> list[Question]:
    """The questions asked given the answers so far, in order; a question whose condition
    depends on an unanswered question is not asked yet."""
    _, asked = get_tool(tool).domain(domain_id).resolve(answers, complete=False)
    return asked


@functools.cache
def _catalogue() -> dict[str, Tool]:
    tools = (load_tool(path) for path in sorted(TOOLS_DIR.glob("*.json")))
    return {tool.id: tool for tool in tools}
