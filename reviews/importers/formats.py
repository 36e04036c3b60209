"""The registry of export formats: detection order, labels and readers.

Every reader module has ``NAME``, ``LABEL``, ``sniff(head: str) -> bool`` (``head`` is the
decoded start of the file) and ``parse(source) -> Iterator[ParsedRecord]``, where ``source``
is the numbered lines of the file (``Iterable[tuple[int, str]]``) for text formats, or the
file's path for XML formats (``XML = True``), which decode themselves.
"""

from types import ModuleType

from reviews.importers import medline, ris
from reviews.importers.base import ImportFailure

# Most specific first: e.g. Web of Science tagged text has tags that RIS sniffing would
# also accept, and NoteExpress files from CNKI and Wanfang look alike.
FORMATS: tuple[ModuleType, ...] = (medline, ris)

BY_NAME = {module.NAME: module for module in FORMATS}


def format_choices() -> list[tuple[str, str]]:
    return [(module.NAME, module.LABEL) for module in FORMATS]


def detect_format(head: str) -> ModuleType:
    for module in FORMATS:
        if module.sniff(head):
            return module
    names = ", ".join(module.LABEL for module in FORMATS)
    raise ImportFailure(f"the format was not recognised; Evident reads {names}")


def format_named(name: str) -> ModuleType:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ImportFailure(
            f"“{name}” is not a format Evident knows; choose one of {', '.join(BY_NAME)}"
        ) from None
