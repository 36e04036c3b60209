"""Saving a figure as SVG or PNG, to a file or to bytes for a response."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

PNG_DPI = 300  # print quality; a page shows the SVG
FORMATS = ("svg", "png")
PAD = 0.1  # inches of white around the content


class ExactFigure(Figure):
    """A figure whose layout was computed to fit all its content (as the forest plots'
    is): saving it pads the figure's own box instead of a "tight" box, which would draw
    and measure every text once more just to find the same edges."""


def _bbox(fig: Figure) -> str | Bbox:
    if isinstance(fig, ExactFigure):
        width, height = fig.get_size_inches()
        return Bbox.from_extents(-PAD, -PAD, width + PAD, height + PAD)
    return "tight"


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
                buffer,
                format="svg",
                bbox_inches=_bbox(fig),
                pad_inches=PAD,
                metadata={"Date": None},
            )
    else:
        fig.savefig(
            buffer,
            format="png",
            dpi=dpi,
            bbox_inches=_bbox(fig),
            pad_inches=PAD,
            facecolor="white",
        )
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int = PNG_DPI) -> None:
    """Write the figure to ``path``; the suffix (``.svg`` or ``.png``) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"plot file must end in .svg or .png: {path}")
    path.write_bytes(figure_bytes(fig, fmt, dpi=dpi))
