from django import template

from reviews import hooks
from reviews.models import Role

register = template.Library()


@register.simple_tag
def review_tabs(review) -> list[tuple[str, str]]:
    """The review's navigation: the tabs every app registered, that this member sees."""
    return hooks.tabs_for(review)


@register.filter
def role_label(value: str) -> str:
    """A role's value ("lead") as its label in the reader's language."""
    return Role(value).label if value in Role.values else value
