"""A forest plot's table: rows of text columns around an effect panel (RevMan layout).

The layout is computed in inches before anything is drawn: each text column is as wide
as its widest cell, the effect panel has a fixed width, and the figure is exactly as
large as its content, so long labels, many arm columns or risk-of-bias columns never
overlap. One background axes spans the figure in inches (y grows downwards) and holds
the text; the effect panel is a second axes whose rows line up with the text rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from plotting.fonts import font_family
from plotting.judgements import LOOKS, NOT_ASSESSED, draw_marks, look
from plotting.output import ExactFigure
from plotting.text import shorten, text_width, widest, wrap

from .common import set_effect_axis
from .i18n import _

FONT, SMALL = 8.0, 7.0  # points
ROW = 0.24  # inches per table row
LINE = 0.16  # inches per footer line
PANEL = 2.8  # width of the effect panel
GAP = 0.16  # between columns
MARGIN = 0.08
MAX_LABEL = 3.0  # longer study labels are shortened with an ellipsis
AXIS_SPACE = 0.48  # tick labels and the "favours" labels under the panel
ROB_DIAMETER = 11.0  # points
ROB_CELL = 0.21  # inches per risk-of-bias column
INK, STUDY_BLUE, SUBTOTAL_BLUE, PI_RED = "black", "#1f4e79", "#5b8fc7", "#b22222"


@dataclass(frozen=True)
class Column:
    """A text column; consecutive columns with the same ``group`` share a header above."""

    header: str
    group: str = ""
    align: str = "right"  # or "left"


@dataclass
class Row:
    """One table row.

    ``kind`` is one of ``header`` (a subgroup's name), ``study`` (square and CI line;
    no marker when ``est`` is None), ``subtotal`` and ``total`` (diamonds), ``pi`` (the
    prediction interval as a line), ``note`` (small italic text) or ``gap``. ``size`` is
    the study's weight relative to the heaviest, for the square's area.
    """

    kind: str
    label: str = ""
    est: float | None = None
    lo: float | None = None
    hi: float | None = None
    size: float = 1.0
    left: Sequence[str] = ()
    right: Sequence[str] = ()
    rob: Mapping[str, str] | None = None


@dataclass
class Forest:
    rows: list[Row]
    measure: str  # heads the effect panel
    ratio: bool
    left: list[Column] = field(default_factory=list)
    right: list[Column] = field(default_factory=list)
    favours: tuple[str, str] | None = None
    reference: float | None = None  # dashed line, e.g. the pooled estimate
    footer: list[str] = field(default_factory=list)
    rob_domains: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    title: str | None = None
    label_header: str = ""  # "Study" in the active language when empty

    def __post_init__(self) -> None:
        if not self.label_header:
            self.label_header = _("Study")


def _domain_id(domain: str) -> str:
    """A risk-of-bias column's heading: the domain's id (D1 …), or the overall judgement's."""
    # Translators: the column of the overall risk-of-bias judgement in a forest plot.
    return _("Overall") if domain == "Overall" else domain


def _weight(row: Row) -> str:
    return "bold" if row.kind in ("header", "total") else "normal"


def _columns(columns: list[Column], rows: list[Row], side: str, x: float) -> tuple[list, float]:
    """(left, width) of each column of ``side`` ("left" or "right" cells) starting at
    ``x``, and the x after the last."""
    placed = []
    for j, col in enumerate(columns):
        cells = [(getattr(row, side), _weight(row)) for row in rows]
        width = max(
            text_width(col.header, FONT, "bold"),
            *(
                widest((c[j] for c, w in cells if w == weight and j < len(c)), FONT, weight)
                for weight in ("normal", "bold")
            ),
        )
        placed.append((x, width))
        x += width + GAP
    return placed, x


def _anchor(col: Column, left: float, width: float) -> tuple[float, str]:
    return (left, "left") if col.align == "left" else (left + width, "right")


def _favours(forest: Forest) -> tuple[str, ...]:
    if not forest.favours:
        return ()
    return (f"\u2190 {forest.favours[0]}", f"{forest.favours[1]} \u2192")


def _null_fraction(rows: list[Row]) -> float:
    """Where the null line falls across the effect panel, as :func:`set_effect_axis` will
    set its limits (so the layout can be made before the axes exist)."""
    low = min([*(r.lo for r in rows if r.lo is not None), 0.0])
    high = max([*(r.hi for r in rows if r.hi is not None), 0.0])
    pad = 0.05 * ((high - low) or 1.0)
    return (0.0 - (low - pad)) / ((high + pad) - (low - pad))


def draw_forest(forest: Forest) -> Figure:
    rows = forest.rows
    family = font_family()
    text_kw = {"fontfamily": family, "parse_math": False, "clip_on": False}
    n = len(rows)

    # Horizontal layout, in inches from the left edge.
    labels = [
        row.label if row.kind == "note" else shorten(row.label, MAX_LABEL, FONT, _weight(row))
        for row in rows
    ]
    label_w = max(
        text_width(forest.label_header, FONT, "bold"),
        *(
            widest(
                (
                    label
                    for label, row in zip(labels, rows, strict=True)
                    if row.kind != "note" and _weight(row) == weight
                ),
                FONT,
                weight,
            )
            for weight in ("normal", "bold")
        ),
    )
    x = MARGIN + label_w + GAP
    left_cols, x = _columns(forest.left, rows, "left", x)
    # The favours labels sit either side of the null line: widen the label column when
    # the left one would run past the figure's left edge.
    null_at = _null_fraction(rows) * PANEL
    favours_w = [text_width(s, SMALL) for s in _favours(forest)]
    if favours_w and (short := MARGIN + favours_w[0] + 0.06 - (x + null_at)) > 0:
        label_w += short
        left_cols, x = _columns(forest.left, rows, "left", MARGIN + label_w + GAP)
    panel_x = x
    x += PANEL + GAP
    right_cols, x = _columns(forest.right, rows, "right", x)
    rob_x = []
    if forest.rob_domains:
        x += GAP
        rob_left = x
        for domain, _name in forest.rob_domains:
            width = max(ROB_CELL, text_width(_domain_id(domain), SMALL, "bold") + 0.06)
            rob_x.append(x + width / 2)
            x += width
        rob_right = x
        x += GAP
    width = x + MARGIN - GAP
    # Every text that is not in a column also fits, so the figure is exactly as large as
    # its content and saving it needs no second measuring pass (plotting.output).
    free = [text_width(line, SMALL) for line in forest.footer]
    free += [
        0.1 + text_width(row.label, SMALL, style="italic") for row in rows if row.kind == "note"
    ]
    if forest.title:
        free.append(text_width(forest.title, 10, "bold"))
    if len(favours_w) == 2:
        free.append(panel_x + null_at + 0.06 + favours_w[1] - MARGIN)
    width = max([width, *(MARGIN + w + MARGIN for w in free)])

    # Vertical layout, in inches from the top edge.
    legend_lines: list[str] = []
    if forest.rob_domains:
        for domain, name in forest.rob_domains:
            if name and domain != "Overall":  # the overall judgement needs no key
                legend_lines += wrap(f"{domain}: {name}", width - 0.3, SMALL)
    y = MARGIN
    title_y = y + 0.12
    if forest.title:
        y += 0.34
    grouped = any(col.group for col in forest.left + forest.right) or bool(forest.rob_domains)
    group_y = y + ROW / 2
    if grouped:
        y += ROW
    header_y = y + ROW / 2
    rows_top = y + ROW
    rows_bottom = rows_top + n * ROW
    footer_top = rows_bottom + AXIS_SPACE
    legend_top = footer_top + len(forest.footer) * LINE + (0.1 if forest.footer else 0)
    height = legend_top + MARGIN
    if forest.rob_domains:
        height += (len(legend_lines) + 2) * LINE + 0.1

    fig = ExactFigure(figsize=(width, height), dpi=100)
    bg = fig.add_axes((0, 0, 1, 1))
    bg.set_xlim(0, width)
    bg.set_ylim(height, 0)
    bg.axis("off")
    bg.set_zorder(1)  # above the panel, so a note's white box hides the lines behind it
    panel = fig.add_axes(
        (panel_x / width, 1 - rows_bottom / height, PANEL / width, n * ROW / height)
    )
    panel.set_ylim(n, 0)
    panel.patch.set_visible(False)
    panel.set_yticks([])
    for side in ("left", "right", "top"):
        panel.spines[side].set_visible(False)

    def text(x, y, s, **kw):
        kw = {"fontsize": FONT, "va": "center", **text_kw, **kw}
        bg.text(x, y, s, **kw)

    # Headers: the group row (spanning), then one header per column.
    text(MARGIN, header_y, forest.label_header, fontweight="bold")
    text(panel_x + PANEL / 2, header_y, forest.measure, fontweight="bold", ha="center")
    spans: list[tuple[str, float, float]] = []
    for cols, placed in ((forest.left, left_cols), (forest.right, right_cols)):
        for col, (left, w) in zip(cols, placed, strict=True):
            ax_x, ha = _anchor(col, left, w)
            text(ax_x, header_y, col.header, fontweight="bold", ha=ha)
            if col.group and spans and spans[-1][0] == col.group:
                spans[-1] = (col.group, spans[-1][1], left + w)
            elif col.group:
                spans.append((col.group, left, left + w))
    if forest.rob_domains:
        spans.append((_("Risk of bias"), rob_left, rob_right))
        for (domain, _name), cx in zip(forest.rob_domains, rob_x, strict=True):
            text(cx, header_y, _domain_id(domain), fontsize=SMALL, fontweight="bold", ha="center")
    for name, left, right in spans:
        text((left + right) / 2, group_y, name, fontweight="bold", ha="center")
        bg.plot([left, right], [group_y + ROW / 2 - 0.03] * 2, color=INK, lw=0.5)
    bg.plot([MARGIN, width - MARGIN], [rows_top - 0.02] * 2, color=INK, lw=0.5)

    # Rows: text in the background axes, marks in the panel.
    lows = [r.lo for r in rows if r.lo is not None]
    highs = [r.hi for r in rows if r.hi is not None]
    set_effect_axis(panel, min([*lows, 0.0]), max([*highs, 0.0]), forest.ratio, SMALL, family)
    squares, sizes, rob_cells = [], [], []
    for i, (row, label) in enumerate(zip(rows, labels, strict=True)):
        y = rows_top + (i + 0.5) * ROW
        py = i + 0.5
        if row.kind == "note":
            text(
                MARGIN + 0.1,
                y,
                label,
                fontsize=SMALL,
                fontstyle="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
        else:
            text(MARGIN, y, label, fontweight=_weight(row))
        for cols, placed, cells in (
            (forest.left, left_cols, row.left),
            (forest.right, right_cols, row.right),
        ):
            for col, (left, w), cell in zip(cols, placed, cells, strict=False):
                cx, ha = _anchor(col, left, w)
                text(cx, y, cell, ha=ha, fontweight=_weight(row))
        if row.rob is not None:
            rob_cells += [
                (cx, y, row.rob.get(domain, NOT_ASSESSED))
                for (domain, _name), cx in zip(forest.rob_domains, rob_x, strict=True)
            ]
        if row.est is None:
            continue
        if row.kind == "study":
            panel.plot([row.lo, row.hi], [py, py], color=INK, lw=0.8, solid_capstyle="butt")
            squares.append((row.est, py))
            sizes.append(9 + 81 * row.size)  # points^2: area proportional to weight
        elif row.kind in ("subtotal", "total"):
            colour = STUDY_BLUE if row.kind == "total" else SUBTOTAL_BLUE
            panel.add_patch(
                Polygon(
                    [(row.lo, py), (row.est, py - 0.32), (row.hi, py), (row.est, py + 0.32)],
                    closed=True,
                    facecolor=colour,
                    edgecolor=colour,
                    gid=f"diamond-{row.kind}",
                )
            )
        elif row.kind == "pi":
            panel.plot([row.lo, row.hi], [py, py], color=PI_RED, lw=2, gid="prediction-interval")
    if squares:
        xs, ys = zip(*squares, strict=True)
        panel.scatter(xs, ys, s=sizes, marker="s", color=STUDY_BLUE, zorder=3, gid="studies")
    panel.axvline(0.0, color="grey", lw=0.8)
    if forest.reference is not None:
        panel.axvline(forest.reference, color=STUDY_BLUE, lw=0.7, ls="--", gid="reference")
    if rob_cells:
        draw_marks(bg, rob_cells, diameter=ROB_DIAMETER)

    lo_lim, hi_lim = panel.get_xlim()
    null_x = panel_x + (0.0 - lo_lim) / (hi_lim - lo_lim) * PANEL
    if forest.favours:
        fy = rows_bottom + 0.34
        left_favours, right_favours = _favours(forest)
        text(null_x - 0.06, fy, left_favours, fontsize=SMALL, ha="right")
        text(null_x + 0.06, fy, right_favours, fontsize=SMALL, ha="left")
    for j, line in enumerate(forest.footer):
        text(MARGIN, footer_top + (j + 0.5) * LINE, line, fontsize=SMALL)
    if forest.rob_domains:
        _rob_legend(bg, rob_cells, legend_lines, legend_top, text)
    if forest.title:
        text(width / 2, title_y, forest.title, fontsize=10, fontweight="bold", ha="center")
    return fig


def _rob_legend(bg, rob_cells, lines: list[str], top: float, text) -> None:
    """The risk-of-bias key under the plot: the domains, then one mark per judgement
    drawn above."""
    text(MARGIN, top + 0.5 * LINE, _("Risk of bias"), fontsize=SMALL, fontweight="bold")
    for j, line in enumerate(lines):
        text(MARGIN, top + (j + 1.5) * LINE, line, fontsize=SMALL)
    used = {judgement for _x, _y, judgement in rob_cells}
    order = [j for j in [*LOOKS, NOT_ASSESSED] if j in used]
    y = top + (len(lines) + 1.6) * LINE
    x = MARGIN + 0.08
    keys = []
    for judgement in order:
        keys.append((x, y, judgement))
        label = look(judgement).label
        text(x + 0.12, y, label, fontsize=SMALL)
        x += 0.12 + text_width(label, SMALL) + 0.25
    draw_marks(bg, keys, diameter=9.0, gid="rob-key")
