"""The tool files' texts and the judgement codes as people read them, in the active language.

The tool files keep English, which is the msgid (rob/tools/messages.py lists them for
makemessages); these helpers translate at display, so a new language is a catalogue only.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext, pgettext

from rob.catalogue import get_tool, tool_ids
from rob.definitions import Tool

# The msgctxt of the tool files' texts (see rob.tool_messages).
CONTEXT = "risk-of-bias tool"


def text(value: str) -> str:
    """A text from a tool file (name, domain, question, option, label) translated."""
    return pgettext(CONTEXT, value) if value else value


def tool_name(tool_id: str) -> str:
    """A tool's name from its id, translated; an unknown id as it is."""
    return text(get_tool(tool_id).name) if tool_id in tool_ids() else tool_id


def judgement(tool: Tool, code) -> str:
    """A judgement code ("some_concerns") as its label; a number of stars (NOS) in words."""
    if code is None or code == "":
        return ""
    value = str(code)
    if value.isdigit():
        return stars(int(value))
    return text(tool.judgement_labels.get(value, value))


def answer(tool: Tool, code: str) -> str:
    return text(tool.answer_labels.get(code, code))


def stars(n: int) -> str:
    return ngettext("%(n)s star", "%(n)s stars", n) % {"n": n}


def condition(asked_if) -> str:
    """When a question is asked, in words: the questions and answer codes, joined."""
    # The answer codes (Y, PY, PN, N, NI) are the tools' own abbreviations and stay as
    # they are; only the joining words are translated.
    parts = []
    for key, wanted in asked_if.items():
        if key == "any":
            parts.append(gettext(", or ").join(condition(part) for part in wanted))
        else:
            choices = list(wanted)
            either = (
                gettext("%(first)s or %(last)s")
                % {"first": ", ".join(choices[:-1]), "last": choices[-1]}
                if len(choices) > 1
                else choices[0]
            )
            parts.append(
                gettext("%(question)s is %(answers)s") % {"question": key, "answers": either}
            )
    return gettext(" and ").join(parts)


def plot_words() -> dict[str, str]:
    """The words rob.plots draws (see rob.plots.WORDS) and the judgements' legend labels,
    in the active language: plots are drawn when requested, in the viewer's language."""
    return {
        "study": gettext("Study"),
        "judgement": gettext("Judgement"),
        "domains_heading": gettext("Risk of bias domains"),
        "domains": gettext("Domains:"),
        "overall": gettext("Overall"),
        "overall_name": gettext("Overall risk of bias"),
        "share_of_weight": gettext("Share of the studies' weight"),
        "share_of_studies": gettext("Share of studies"),
        "low": pgettext("risk-of-bias judgement", "Low"),
        "good": pgettext("risk-of-bias judgement", "Good"),
        "some_concerns": pgettext("risk-of-bias judgement", "Some concerns"),
        "moderate": pgettext("risk-of-bias judgement", "Moderate"),
        "unclear": pgettext("risk-of-bias judgement", "Unclear"),
        "fair": pgettext("risk-of-bias judgement", "Fair"),
        "high": pgettext("risk-of-bias judgement", "High"),
        "serious": pgettext("risk-of-bias judgement", "Serious"),
        "poor": pgettext("risk-of-bias judgement", "Poor"),
        "critical": pgettext("risk-of-bias judgement", "Critical"),
        "no_information": pgettext("risk-of-bias judgement", "No information"),
        "not_assessed": pgettext("risk-of-bias judgement", "Not assessed"),
    }
