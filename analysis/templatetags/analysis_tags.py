"""Number formatting for the analysis pages (a minus sign, NA for missing), and the few
words of the stored results that pages write in the reader's language."""

import math

from django import template
from django.utils.translation import gettext as _

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


@register.filter
def side(value):
    """The side of the funnel plot trim-and-fill filled ("left" or "right")."""
    names = {"left": _("left"), "right": _("right")}
    return names.get(value, value)


@register.filter
def outcome_type(value):
    """An outcome's type as the extraction form stores it, in the reader's language."""
    names = {"continuous": _("continuous"), "dichotomous": _("dichotomous")}
    return names.get(value, value)
