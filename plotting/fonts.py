"""The font list every figure draws with: DejaVu Sans, then an installed CJK font."""

from __future__ import annotations

import contextlib
import functools
import logging

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")


@functools.cache
def font_family() -> list[str]:
    """DejaVu Sans (shipped with matplotlib) first, then an installed CJK font for Chinese
    names (`make fonts` installs one), then the generic family so an SVG opened where
    neither is installed still falls back to a sans-serif face."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    # matplotlib keeps the font list of its first run in its cache directory, so a font
    # installed since then is unknown to it until registered.
    known = {f.fname for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            with contextlib.suppress(Exception):  # a file FreeType cannot read is skipped
                manager.addfont(path)
    installed = {f.name for f in manager.ttflist}
    # The CJK fallbacks come in one weight: matplotlib says so ("Failed to find font weight
    # bold") each time a bold label falls back to one, which tells an operator nothing.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return ["DejaVu Sans", *(name for name in CJK_FONTS if name in installed), "sans-serif"]
