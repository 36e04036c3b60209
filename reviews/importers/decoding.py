"""Turn an uploaded file into numbered text lines: encoding detection and safety checks."""

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reviews.importers.base import ImportFailure

HEAD_BYTES = 64 * 1024

# Files merged by hand are often UTF-8 with stray lines in Windows-1252 (the ANSI code page of
# Western Windows). Such a file is read line by line: UTF-8 where a line decodes, Windows-1252
# where it does not. Stored as the import's encoding under this name.
MIXED = "utf-8+cp1252"
_FALLBACK = "cp1252"
# Encodings in which a line end is the byte \n or \r, so a file can be read line by line.
_UNICODE_WIDE = ("utf-16", "utf_16", "utf-32", "utf_32")

# Files people upload by mistake, recognised by their first bytes.
_MAGIC = {
    b"%PDF": gettext_lazy("this is a PDF document, not a search export"),
    b"PK\x03\x04": gettext_lazy(
        "this is a ZIP archive (or a Word/Excel file), not a search export"
    ),
    b"\xd0\xcf\x11\xe0": gettext_lazy("this is an old Microsoft Office file, not a search export"),
    b"\x89PNG": gettext_lazy("this is a PNG image, not a search export"),
    b"\xff\xd8\xff": gettext_lazy("this is a JPEG image, not a search export"),
    b"GIF8": gettext_lazy("this is a GIF image, not a search export"),
    b"\x1f\x8b": gettext_lazy("this is a gzip archive, not a search export"),
}

# Chinese exports from Windows are GBK or GB2312; GB18030 is a superset of both, so it
# decodes every file either of them would, and the few characters only GB18030 has.
_CHINESE = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


def read_head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _blank(head: bytes) -> bool:
    """Nothing but a byte-order mark and white space (in UTF-8, ASCII or UTF-16)."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if not head.strip():
        return True
    # UTF-16 white space: every other byte is zero and the rest are spaces or line ends.
    return (
        len(head) % 2 == 0
        and head.count(0) == len(head) // 2
        and not head.replace(b"\x00", b"").strip()
    )


def refuse_binary(head: bytes) -> None:
    if _blank(head):
        raise ImportFailure(_("the file is empty"))
    for magic, refusal in _MAGIC.items():
        if head.startswith(magic):
            raise ImportFailure(str(refusal))


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes (BOM, UTF-16, UTF-8, then a guess)."""
    refuse_binary(head)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    if zeros_odd > len(sample) // 4 and zeros_even < zeros_odd // 4:
        return "utf-16-le"
    if zeros_even > len(sample) // 4 and zeros_odd < zeros_even // 4:
        return "utf-16-be"
    if b"\x00" in sample:
        raise ImportFailure(_("this looks like a binary file, not a text export"))
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(head) == HEAD_BYTES and exc.start >= len(head) - 3:
            return "utf-8"  # the head merely cut a multi-byte character in two
    guess = from_bytes(head).best()
    if guess is None:
        raise ImportFailure(_("this does not look like text in any known encoding"))
    encoding = guess.encoding.lower()
    return "gb18030" if encoding in _CHINESE else encoding


def check_encoding(name: str) -> str:
    if name.lower() == MIXED:
        return MIXED
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ImportFailure(
            _("“%(encoding)s” is not an encoding Python knows") % {"encoding": name}
        ) from None


def numbered_lines(
    path: Path, encoding: str, *, lenient: bool = False
) -> Iterator[tuple[int, str]]:
    """Lines without their line ends, numbered from 1; \\n, \\r\\n and \\r all end a line.

    ``lenient`` (an encoding the user chose) and MIXED read line by line, a line that does
    not decode being read as Windows-1252 (after UTF-8) or with its bad bytes replaced;
    ``undecodable_lines`` lists those lines for the user.
    """
    if encoding == MIXED or (lenient and line_by_line(encoding)):
        yield from _lenient_lines(path, encoding)
        return
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline=None, errors="strict")
        try:
            for number, line in enumerate(text, start=1):
                if number == 1:
                    # A byte-order mark is never text, whatever encoding was chosen by hand.
                    line = line.removeprefix("\ufeff")
                yield number, line.rstrip("\n")
        except UnicodeDecodeError:
            raise ImportFailure(
                _("the text is not valid %(encoding)s; choose the file's encoding by hand")
                % {"encoding": encoding},
                line=_first_bad_line(path, encoding),
            ) from None


def _first_bad_line(path: Path, encoding: str) -> int:
    """The exact line that fails to decode. The text layer decodes ahead in chunks and
    cannot say; so decode again, counting line ends (\\n, \\r\\n and \\r, as the text
    layer does) up to the first byte the decoder refuses. Only runs on the error path."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line, after_cr = 1, False

    def count(text: str) -> None:
        nonlocal line, after_cr
        if not text:
            return
        line += text.count("\n") + text.count("\r") - text.count("\r\n")
        if after_cr and text.startswith("\n"):
            line -= 1  # a \r\n split between two decoded pieces
        after_cr = text.endswith("\r")

    with open(path, "rb") as raw:
        while chunk := raw.read(HEAD_BYTES):
            state = decoder.getstate()
            try:
                count(decoder.decode(chunk))
                continue
            except UnicodeDecodeError:
                decoder.setstate(state)
            for index in range(len(chunk)):  # the bad chunk again, one byte at a time
                try:
                    count(decoder.decode(chunk[index : index + 1]))
                except UnicodeDecodeError:
                    return line
    return line  # the bad bytes are a character cut short by the end of the file


def codec_of(encoding: str) -> str:
    """The Python codec for quick looks at a file's head (MIXED: UTF-8)."""
    return "utf-8" if encoding == MIXED else encoding


def mostly_utf8(head: bytes) -> bool:
    """Some lines are UTF-8 with characters beyond ASCII, others do not decode as UTF-8 but
    do as Windows-1252: a file merged by hand from files in the two encodings."""
    utf8 = stray = 0
    for line in head.splitlines()[:-1]:  # the last may be cut in the middle of a character
        try:
            line.decode("utf-8")
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            try:
                line.decode(_FALLBACK)
            except UnicodeDecodeError:
                return False
            stray += 1
    return utf8 > 0 and stray > 0


def line_by_line(encoding: str) -> bool:
    """Whether a file in this encoding can be split into lines as bytes."""
    return not encoding.lower().startswith(_UNICODE_WIDE)


def _binary_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    number = 0
    with open(path, "rb") as handle:
        for chunk in handle:  # ends at \n; splitlines() also ends lines at \r and \r\n
            for line in chunk.splitlines() or [b""]:
                number += 1
                yield number, line


def _decode_line(line: bytes, encoding: str) -> str | None:
    try:
        return line.decode("utf-8" if encoding == MIXED else encoding)
    except UnicodeDecodeError:
        return None


def _fallback(line: bytes, encoding: str) -> str:
    if encoding == MIXED or codecs.lookup(encoding).name == "utf-8":
        return line.decode(_FALLBACK, errors="replace")
    return line.decode(encoding, errors="replace")


def _lenient_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    for number, line in _binary_lines(path):
        text = _decode_line(line, encoding)
        if text is None:
            text = _fallback(line, encoding)
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text


def _decodes(path: Path, encoding: str) -> bool:
    """The whole file decodes in `encoding` (read in chunks; fast, no lines kept)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as raw:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def undecodable_lines(path: Path, encoding: str) -> list[int]:
    """The numbers of the lines that do not decode in `encoding` (MIXED: in UTF-8)."""
    base = "utf-8" if encoding == MIXED else encoding
    if not line_by_line(base) or _decodes(path, base):
        return []
    return [number for number, line in _binary_lines(path) if _decode_line(line, base) is None]


def decoding_note(encoding: str, lines: list[int], *, listed: int = 20) -> str:
    """What the preview and the command say about lines read in another encoding."""
    where = ", ".join(str(n) for n in lines[:listed]) + (" …" if len(lines) > listed else "")
    values = {"count": len(lines), "where": where, "encoding": encoding}
    if encoding == MIXED:
        return (
            ngettext(
                "Mostly UTF-8, with %(count)s line in Windows-1252 (line %(where)s): "
                "each line is read in the encoding it decodes in.",
                "Mostly UTF-8, with %(count)s lines in Windows-1252 (lines %(where)s): "
                "each line is read in the encoding it decodes in.",
                len(lines),
            )
            % values
        )
    if codecs.lookup(encoding).name == "utf-8":
        return (
            ngettext(
                "%(count)s line not valid %(encoding)s (line %(where)s), read as Windows-1252.",
                "%(count)s lines not valid %(encoding)s (lines %(where)s), read as Windows-1252.",
                len(lines),
            )
            % values
        )
    return (
        ngettext(
            "%(count)s line not valid %(encoding)s (line %(where)s), read with � for bad bytes.",
            "%(count)s lines not valid %(encoding)s (lines %(where)s), read with � for bad bytes.",
            len(lines),
        )
        % values
    )
