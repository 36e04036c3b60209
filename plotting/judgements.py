"""How a risk-of-bias judgement looks: one coloured circle with a symbol, robvis style.

Shared by the traffic-light plots (``rob.plots``) and the risk-of-bias columns of forest
plots (``analysis.plots``), so a judgement looks the same everywhere. Colours are the
Cochrane palette robvis uses (McGuinness & Higgins 2021, Res Synth Methods 12:55-61),
except "no information", which is grey here rather than robvis' blue.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

GREEN, YELLOW, RED, DARK_RED, GREY = "#02C100", "#E2DF07", "#BF0000", "#820000", "#A6A6A6"
MINUS, TIMES = "\u2212", "\u00d7"


@dataclass(frozen=True)
class Look:
    label: str
    colour: str
    symbol: str
    ink: str = "black"  # the symbol's colour


# Every judgement any supported tool uses, least to most concern, so legends and stacked
# bars read in the same order whatever the tool.
LOOKS: dict[str, Look] = {
    "low": Look("Low", GREEN, "+"),
    "good": Look("Good", GREEN, "+"),
    "some_concerns": Look("Some concerns", YELLOW, MINUS),
    "moderate": Look("Moderate", YELLOW, MINUS),
    "unclear": Look("Unclear", YELLOW, "?"),
    "fair": Look("Fair", YELLOW, MINUS),
    "high": Look("High", RED, TIMES, "white"),
    "serious": Look("Serious", RED, TIMES, "white"),
    "poor": Look("Poor", RED, TIMES, "white"),
    "critical": Look("Critical", DARK_RED, "!", "white"),
    "no_information": Look("No information", GREY, "?"),
}
NOT_ASSESSED = "not_assessed"  # a cell with no judgement yet: an empty ring
NOT_ASSESSED_LOOK = Look("Not assessed", "white", "", "black")


def look(judgement: str) -> Look:
    return NOT_ASSESSED_LOOK if judgement == NOT_ASSESSED else LOOKS[judgement]


def check_judgement(value: object, where: str) -> str:
    """``value`` as a judgement id (``None`` or "" is "not assessed"), or a ValueError
    naming ``where`` it was found."""
    if value is None or value == "":
        return NOT_ASSESSED
    if not isinstance(value, str) or value not in LOOKS:
        known = ", ".join(LOOKS)
        raise ValueError(f"{where}: unknown judgement {value!r} (expected one of: {known})")
    return value


def draw_marks(
    ax,
    cells: Iterable[tuple[float, float, str]],
    *,
    diameter: float,
    transform=None,
    gid: str = "rob",
) -> None:
    """Draw a circle with its symbol at each ``(x, y, judgement)``.

    One scatter per judgement, with the gid ``<gid>-<judgement>``, so a test (or a
    script) can count the marks of each judgement from the figure's artists.
    ``diameter`` is in points.
    """
    by_judgement: dict[str, list[tuple[float, float]]] = {}
    for x, y, judgement in cells:
        by_judgement.setdefault(judgement, []).append((x, y))
    transform = transform or ax.transData
    for judgement, points in by_judgement.items():
        style = look(judgement)
        xs, ys = zip(*points, strict=True)
        ax.scatter(
            xs,
            ys,
            s=diameter**2,
            c=style.colour,
            edgecolors="#7f7f7f" if judgement == NOT_ASSESSED else "black",
            linewidths=0.5,
            transform=transform,
            gid=f"{gid}-{judgement}",
            clip_on=False,
            zorder=3,
        )
        if style.symbol:
            ax.scatter(
                xs,
                ys,
                s=(diameter * 0.5) ** 2,
                marker=_symbol(style.symbol),
                c=style.ink,
                linewidths=0,
                transform=transform,
                clip_on=False,
                zorder=4,
            )


@functools.cache
def _symbol(symbol: str) -> Path:
    """The symbol's glyph (DejaVu Sans Bold) as a marker path centred on the origin.

    A marker rather than a text: one path stamped at every mark draws hundreds of
    cells in a fraction of the time that laying out as many texts takes.
    """
    glyph = TextPath(
        (0, 0), symbol, size=10, prop=FontProperties(family="DejaVu Sans", weight="bold")
    )
    (x0, y0), (x1, y1) = glyph.get_extents().get_points()
    return glyph.transformed(Affine2D().translate(-(x0 + x1) / 2, -(y0 + y1) / 2))
