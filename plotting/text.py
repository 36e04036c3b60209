"""Measuring, shortening and wrapping text with the fonts the figures draw with.

Layouts are computed in inches before anything is drawn, so columns fit their widest
text and the figure is exactly as large as its content.
"""

from __future__ import annotations

import functools
import heapq
import unicodedata
from collections.abc import Iterable

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from .fonts import font_family

ELLIPSIS = "\u2026"


@functools.cache
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, 72)  # 72 dpi: one pixel is one point


def font(size: float, weight: str = "normal", style: str = "normal") -> FontProperties:
    return FontProperties(family=font_family(), size=size, weight=weight, style=style)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
    """Width of one line of ``text`` in inches."""
    if not text:
        return 0.0
    width, _, _ = _renderer().get_text_width_height_descent(
        text, font(size, weight, style), ismath=False
    )
    return width / 72


def _ems(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def widest(texts: Iterable[str], size: float, weight: str = "normal", candidates: int = 6) -> float:
    """Width in inches of the widest of ``texts``.

    Measuring costs milliseconds a string, so only the few longest (counting a Chinese
    character as two) are measured: in a proportional font the widest string of a
    column is among its longest unless they differ by a few narrow letters.
    """
    longest = heapq.nlargest(candidates, set(texts), key=_ems)
    return max((text_width(t, size, weight) for t in longest), default=0.0)


def shorten(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` cut to fit ``width`` inches, ending in an ellipsis when cut."""
    # No character is wider than an em, so a short text fits without being measured.
    if len(text) * size / 72 <= width or text_width(text, size, weight) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + ELLIPSIS, size, weight) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS


def wrap(text: str, width: float, size: float, weight: str = "normal") -> list[str]:
    """Greedy word wrap to ``width`` inches; a word too long on its own (Chinese has no
    spaces) breaks between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, weight) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and text_width(current + char, size, weight) > width:
                lines.append(current)
                current = ""
            current += char
    if current or not lines:
        lines.append(current)
    return lines
