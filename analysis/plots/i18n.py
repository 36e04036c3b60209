"""The plots' words in the reader's language, with no Django import here (the plots are a
pure library: see pyproject's import contracts).

Alone, the plots write English. `analysis.figures` installs Django's ``gettext`` and
``ngettext`` (:func:`use`), which follow the language active in the calling thread, so a
run's job and a page draw them in their reader's language. Messages are marked with ``_``,
``ngettext`` and, where a table holds them, ``gettext_noop``, which ``make messages`` finds.
"""

from __future__ import annotations

from collections.abc import Callable


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural


def use(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    """Translate the plots' text with these functions from now on (in every thread)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue where it is stored (translated where it is used)."""
    return message
