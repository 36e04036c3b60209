"""Saving a figure as SVG or PNG, to a file or to bytes for a response."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

PNG_DPI = 300  # print quality; a page shows the SVG
FORMATS = ("svg", "png")


def figure_bytes(fig: Figure, fmt: str, *, dpi: int = PNG_DPI) -> bytes:
    """The figure as SVG (UTF-8) or PNG bytes.

    SVG text stays text (``svg.fonttype: none``) so labels can be searched, selected
    and read by screen readers, and the file carries no date so the same data give the
    same bytes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"plot format must be 'svg' or 'png', not {fmt!r}")
    buffer = io.BytesIO()
    if fmt == "svg":
        # rc_context is the only switch for SVG text; it only touches this render.
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(
                buffer, format="svg", bbox_inches="tight", pad_inches=0.1, metadata={"Date": None}
            )
    else:
        fig.savefig(
            buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.1, facecolor="white"
        )
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int = PNG_DPI) -> None:
    """Write the figure to ``path``; the suffix (``.svg`` or ``.png``) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"plot file must end in .svg or .png: {path}")
    path.write_bytes(figure_bytes(fig, fmt, dpi=dpi))
