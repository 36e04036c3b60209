from django import template
from django.utils import translation

from config.javascript_catalogue import catalogue_url

register = template.Library()


@register.simple_tag
def javascript_catalogue_url() -> str:
    """The script catalogue of the page's language, at a URL the browser may keep."""
    return catalogue_url(translation.get_language())
