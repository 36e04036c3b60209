from django import template
from django.utils.translation import gettext, pgettext

from reviews.fields import FIELD_LABELS

register = template.Library()


@register.filter
def without_file_name(message: str, file_name: str) -> str:
    """A refusal without the "file.ris: " it starts with, where the page already names the
    file beside it (the message names it for the API and the command line)."""
    prefix = f"{file_name}: "
    if not file_name or not message.startswith(prefix):
        return message
    rest = message[len(prefix) :]
    return rest[:1].upper() + rest[1:]


@register.filter
def import_warning(key: str) -> str:
    """A record's warning in the reader's language. The import keeps the English text as
    the warning's key (``SearchImport.warnings``, the API); each is marked where it is made
    (gettext_noop), so the catalogue has it."""
    return gettext(key)


@register.filter
def import_warnings(keys: list[str]) -> list[str]:
    return [gettext(key) for key in keys]


@register.filter
def warning_list(keys: list[str]) -> str:
    """Warnings, translated, as one list: "no abstract, no DOI"."""
    return pgettext("import list separator", ", ").join(gettext(key) for key in keys)


@register.filter
def record_field_label(field: str) -> str:
    """A record field's name as people read it ("title" → "Title")."""
    return str(FIELD_LABELS.get(field, field.capitalize()))


@register.filter
def warning_counts(warnings: dict[str, int]) -> str:
    """``{"no abstract": 2, "no DOI": 1}`` as "2 no abstract, 1 no DOI", translated."""
    return pgettext("import list separator", ", ").join(
        # Translators: a count of records and what they lack, e.g. "2 no abstract".
        pgettext("records with a warning", "%(count)s %(warning)s")
        % {"count": n, "warning": gettext(what)}
        for what, n in warnings.items()
    )
