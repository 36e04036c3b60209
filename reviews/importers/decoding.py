"""Turn an uploaded file into numbered text lines: encoding detection and safety checks."""

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from reviews.importers.base import ImportFailure

HEAD_BYTES = 64 * 1024

# Files people upload by mistake, recognised by their first bytes.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word/Excel file)",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
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
        raise ImportFailure("the file is empty")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise ImportFailure(f"this is {what}, not a search export")


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
        raise ImportFailure("this looks like a binary file, not a text export")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(head) == HEAD_BYTES and exc.start >= len(head) - 3:
            return "utf-8"  # the head merely cut a multi-byte character in two
    guess = from_bytes(head).best()
    if guess is None:
        raise ImportFailure("this does not look like text in any known encoding")
    encoding = guess.encoding.lower()
    return "gb18030" if encoding in _CHINESE else encoding


def check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ImportFailure(f"“{name}” is not an encoding Python knows") from None


def numbered_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """Lines without their line ends, numbered from 1; \\n, \\r\\n and \\r all end a line."""
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
                f"the text is not valid {encoding}; choose the file's encoding by hand",
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
