from django import template

from reviews import hooks

register = template.Library()


@register.simple_tag
def review_tabs(review) -> list[tuple[str, str]]:
    """The review's navigation: the tabs every app registered, that this member sees."""
    return hooks.tabs_for(review)
