"""Template filters of the screening pages."""

from django import template

from screening.models import reason_label

register = template.Library()


@register.filter
def reason(value: str) -> str:
    """An exclusion reason in the reader's language when it is one of the defaults."""
    return reason_label(value) if value else value
