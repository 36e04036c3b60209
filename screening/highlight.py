"""Highlighting a review's include and exclude terms in titles and abstracts."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _pattern(term: str) -> str:
    """``scar*`` matches words starting with "scar"; other terms match whole words; Chinese
    terms (no spaces between words in the script) match anywhere."""
    term = term.strip()
    body = re.escape(term.rstrip("*"))
    if _CJK.search(term):
        return body
    return rf"\b{body}\w*" if term.endswith("*") else rf"\b{body}\b"


def highlight(text: str, include: list[str], exclude: list[str]) -> SafeString:
    """`text` escaped, with include terms in <mark class="inc"> and exclude terms in
    <mark class="exc"> (case-insensitive)."""
    text = text or ""
    terms = [(t, "inc") for t in include if t.strip().rstrip("*")]
    terms += [(t, "exc") for t in exclude if t.strip().rstrip("*")]
    if not terms:
        return escape(text)
    kinds = {f"t{i}": kind for i, (_, kind) in enumerate(terms)}
    combined = re.compile(
        "|".join(f"(?P<t{i}>{_pattern(term)})" for i, (term, _) in enumerate(terms)),
        re.IGNORECASE,
    )
    # Matched on the raw text and escaped piece by piece, so a term can never fall inside
    # an HTML entity.
    out, last = [], 0
    for match in combined.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f'<mark class="{kinds[match.lastgroup]}">{escape(match.group(0))}</mark>')
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
