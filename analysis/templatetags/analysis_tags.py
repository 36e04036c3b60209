"""Number formatting for the analysis pages (a minus sign, NA for missing)."""

import math

from django import template

from analysis.engine import fmt

register = template.Library()


@register.filter
def num(value, digits=2):
    if value is None or value == "":
        return "NA"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    try:
        return fmt(float(value), int(digits))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pval(value):
    if value is None:
        return "NA"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


@register.filter
def shown(value, results):
    """A pooled value on the scale a reader expects: ratios exponentiated."""
    if value is None:
        return None
    return math.exp(value) if results.get("back_transformed") else value


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
