from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_value(value) -> str:
    """An old or new value from an audit event, as a reader wants to see it."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value) if value else _("(none)")
    return str(value)
