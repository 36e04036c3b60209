"""Safe, streaming XML reading for the XML export formats (PubMed XML, EndNote XML).

Uploads are untrusted. Entity declarations are how the "billion laughs" expansion and
external-entity (XXE) file reads are written, and no bibliographic export needs them, so a
file that declares any is refused before parsing. lxml is also told never to substitute
entities, load a DTD or touch the network, as a second line of defence. A DOCTYPE that only
names an external DTD (PubMed's does) is allowed: it is never fetched.
"""

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from reviews.importers.base import ImportFailure, Skipped
from reviews.importers.decoding import detect_encoding, read_head

_CHUNK = 64 * 1024
# The first element start tag: "<" then a name character (not "<?", "<!" or "</").
_ELEMENT_START = re.compile(r"<[A-Za-z_:]")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)


def refuse_entity_declarations(path: Path) -> None:
    """Raise ImportFailure if the prolog (everything before the root element) declares an
    entity. Reads only as far as the root element, however long the prolog is."""
    head = read_head(path)
    encoding = detect_encoding(head)  # also refuses empty and binary files
    if not codecs.lookup(encoding).name.startswith("utf-16"):
        # Markup characters are ASCII in every ASCII-compatible encoding, so Latin-1 reads
        # the structure of any of them without failing on the text in between.
        encoding = "latin-1"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    scanned = ""  # the prolog text not yet known to be free of declarations
    line = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            scanned += decoder.decode(chunk)
            prolog, root_found = _prolog_part(scanned)
            match = _ENTITY.search(prolog)
            if match:
                line += prolog.count("\n", 0, match.start())
                raise ImportFailure(
                    _(
                        "XML entity declarations are not allowed in an upload (they can expand "
                        "to gigabytes or read files on the server); export the file again "
                        "without a DTD"
                    ),
                    line=line,
                )
            if root_found:
                return
            # Keep a short tail in case "<!ENTITY" or a comment marker straddles two chunks.
            keep = _safe_cut(prolog)
            line += prolog.count("\n", 0, keep)
            scanned = scanned[keep:]


def _prolog_part(text: str) -> tuple[str, bool]:
    """The part of `text` before the root element (comments and processing instructions
    skipped over, so a "<tag" inside them does not end the prolog), and whether the root
    element was reached."""
    position = 0
    while True:
        match = _ELEMENT_START.search(text, position)
        if match is None:
            return text, False
        comment = text.rfind("<!--", position, match.start())
        instruction = text.rfind("<?", position, match.start())
        opener = max(comment, instruction)
        if opener == -1:
            return text[: match.start()], True
        closer = "-->" if opener == comment else "?>"
        end = text.find(closer, opener + 2)
        if end == -1:
            return text, False  # inside an unfinished comment; read more
        if end < match.start():
            # The comment closed before this "<tag", so the tag is real markup.
            return text[: match.start()], True
        position = end + len(closer)


def _safe_cut(prolog: str) -> int:
    """Where to cut the already scanned prolog, keeping any unfinished comment and the last
    few characters, so that a marker split across two chunks is still seen whole."""
    cut = max(0, len(prolog) - 16)
    unfinished = prolog.rfind("<!--")
    if unfinished != -1 and prolog.find("-->", unfinished) == -1:
        cut = min(cut, unfinished)
    return cut


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element | Skipped]:
    """Yield each complete element named in `tags`, then free it, so memory holds one
    record however large the file is. Malformed XML raises ImportFailure with its line.

    Beside the records, with them in file order, yields a Skipped item for each element next
    to them that is not one (a misspelt or foreign record) and for text between them.
    """
    refuse_entity_declarations(path)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
    )
    parent = previous = None
    try:
        for _event, element in context:
            # The record before is freed only now: the last one must stay whole until the
            # end, to find the line of any text after it.
            if previous is not None:
                previous.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                yield from _before(parent, element, tags)
            yield element
            previous = element
    except etree.XMLSyntaxError as exc:
        message = exc.msg or str(exc)
        raise ImportFailure(
            _("the XML is malformed: %(error)s") % {"error": message}, line=exc.lineno or None
        ) from None
    if parent is not None:
        yield from _before(parent, None, tags)


def _before(
    parent: etree._Element, element: etree._Element | None, tags: tuple[str, ...]
) -> Iterator[Skipped]:
    """Report what `parent` holds before `element` (or at all, for None) besides records
    already read, and free it."""
    if parent.text and parent.text.strip():
        yield _text(parent.text, _("text before the first record"), before=parent[0])
        parent.text = None
    while len(parent) and parent[0] is not element:
        child = parent[0]
        if isinstance(child.tag, str) and child.tag not in tags:  # not a comment or PI
            line = child.sourceline or 0
            yield Skipped(
                kind="element",
                message=_("a <%(tag)s> element, which is not a record") % {"tag": child.tag},
                line=line,
                end_line=line,
            )
        if child.tail and child.tail.strip():
            following = child.getnext()
            if following is not None:
                yield _text(child.tail, _("text between records"), before=following)
            else:
                yield _text(child.tail, _("text after the last record"), after=child)
        del parent[0]


def _text(
    text: str,
    message: str,
    *,
    before: etree._Element | None = None,
    after: etree._Element | None = None,
) -> Skipped:
    """Stray `text`, located by the element it precedes or (the last) the one it follows."""
    leading, words = len(text) - len(text.lstrip()), text.strip()
    if before is not None:
        line = (before.sourceline or 0) - text.count("\n", leading)
    else:
        # lxml keeps only where an element starts; its text gives the lines to its end.
        end = (after.sourceline or 0) + serialise(after).count("\n")
        line = end + text.count("\n", 0, leading)
    return Skipped(kind="text", message=message, line=line, end_line=line + words.count("\n"))


def text_of(element: etree._Element | None) -> str:
    """All text inside an element with inline markup (<i>, <sup>, <style> …) flattened."""
    if element is None:
        return ""
    return "".join(element.itertext())


def serialise(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)
