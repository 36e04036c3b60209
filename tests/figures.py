"""Reading what a matplotlib figure draws, for the plot tests: its texts, the text of its
SVG, its marks by gid, and any character drawn as a missing-glyph box."""

from __future__ import annotations

import contextlib
import warnings
import xml.etree.ElementTree as ET

from matplotlib.figure import Figure

from plotting.output import figure_bytes

SVG = "{http://www.w3.org/2000/svg}"


def texts(fig: Figure) -> list[str]:
    """Every text artist's string: figure texts, axes texts, tick labels and legends."""
    found = [t.get_text() for t in fig.texts]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend() is not None:
            found += [t.get_text() for t in ax.get_legend().get_texts()]
    return found


def text_artist(fig: Figure, prefix: str):
    """The one axes text starting with ``prefix``."""
    hits = [t for ax in fig.axes for t in ax.texts if t.get_text().startswith(prefix)]
    assert len(hits) == 1, f"{len(hits)} texts start with {prefix!r}"
    return hits[0]


def svg_texts(fig: Figure | bytes) -> list[str]:
    """The strings of the SVG's <text> elements (one per line of text), from a figure or
    from SVG bytes already rendered."""
    root = ET.fromstring(fig if isinstance(fig, bytes) else figure_bytes(fig, "svg"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def marks(fig: Figure) -> dict[str, int]:
    """Number of points in each scatter that has a gid, by gid."""
    counts: dict[str, int] = {}
    for ax in fig.axes:
        for collection in ax.collections:
            gid = collection.get_gid()
            if gid:
                counts[gid] = counts.get(gid, 0) + len(collection.get_offsets())
    return counts


@contextlib.contextmanager
def no_missing_glyphs():
    """Fail if matplotlib draws any character as a box: it warns for every character no
    font in the list can draw (`make fonts` installs a CJK font)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def render_both(fig: Figure) -> tuple[bytes, bytes]:
    """The figure as SVG and PNG bytes, checked to be what they claim (the PNG at
    screen resolution: print resolution only costs the tests time)."""
    svg, png = figure_bytes(fig, "svg"), figure_bytes(fig, "png", dpi=72)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return svg, png
