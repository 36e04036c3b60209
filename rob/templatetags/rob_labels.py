"""Template filters for the tool files' texts and judgement labels (see rob.labels)."""

from django import template

from rob import labels

register = template.Library()


@register.filter
def tool_text(value: str) -> str:
    """``{{ domain.name|tool_text }}``: a tool file's text in the active language."""
    return labels.text(value)


@register.filter
def judgement_label(code, tool) -> str:
    """``{{ j.judgement|judgement_label:tool }}``: the judgement's label, or its stars."""
    return labels.judgement(tool, code)


@register.filter
def tool_name(tool_id: str) -> str:
    """``{{ study.default_tool|tool_name }}``: a tool's name from its id, translated."""
    return labels.tool_name(tool_id)
