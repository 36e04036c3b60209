"""The PRISMA 2020 flow diagram for new reviews ("identification of studies via databases
and registers", Page et al. 2021, BMJ 372:n71), drawn from :func:`screening.prisma.prisma_counts`.

Pure: takes the counts dict, returns SVG text or PNG bytes; its only Django import is
`gettext`, so the diagram is drawn in the language active when it is asked for (in Chinese,
the terms of the Chinese translation of PRISMA 2020: 识别, 筛选, 纳入 …).

The SVG is written by hand rather than with a charting library because the diagram is a
fixed domain layout (five rows of boxes, side labels, arrows) that no general layout engine
improves on. One layout (:func:`_layout`) feeds both renderers, so the SVG and the PNG
(matplotlib, Agg) show the same boxes in the same places. SVG text does not wrap, so the
layout wraps lines itself with a deliberately generous width estimate (DejaVu Sans, the
widest of the fonts a browser or matplotlib is likely to pick).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from plotting.fonts import font_family

# The key of full-text exclusions whose reviewers gave no reason, in `prisma_counts`' reasons
# (data: the JSON download and the API keep it in English); drawn translated.
NO_REASON = "No reason given"

WIDTH = 790
FONT_SIZE = 13  # px
LINE = 18  # px between baselines
PAD_X, PAD_Y = 12, 10
INDENT = 14  # px, for the per-database and per-reason lines
SIDE_X, SIDE_W = 10, 30
LEFT_X, RIGHT_X, BOX_W = 58, 450, 330
HEADER_Y, HEADER_H = 10, 34
TOP = HEADER_Y + HEADER_H + 22
ROW_GAP = 38  # room for the downward arrows
MIN_BOX_H = 56
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"
HEADER_FILL, SIDE_FILL, STROKE, INK = "#f7c85c", "#a9c6e8", "#1b2430", "#1b2430"


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    lines: list[tuple[str, int]]  # (text, indent in px)
    name: str  # a stable class name, e.g. "records-screened"


@dataclass
class Label:
    """A filled, rounded label: the header across the top or a vertical side label."""

    x: float
    y: float
    w: float
    h: float
    text: str
    fill: str
    vertical: bool


@dataclass
class Layout:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    arrows: list[tuple[float, float, float, float]] = field(default_factory=list)
    summary: str = ""


def _char_width(char: str, size: float, bold: bool = False) -> float:
    if unicodedata.east_asian_width(char) in "WF":
        em = 1.0
    elif char in " il.,:;'!|()[]ftrj/-":
        em = 0.4
    elif char.isupper() or char in "mwMW@%&":
        em = 0.8
    else:
        em = 0.64
    return em * size * (1.1 if bold else 1.0)


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """A generous estimate of the rendered width of ``text`` in px."""
    return sum(_char_width(c, size, bold) for c in text)


def _wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap to ``width`` px; words too long on their own break between
    characters (Chinese text has no spaces). "(n = 12)" never breaks."""
    tokens = text.replace("(n = ", "(n\u00a0=\u00a0").split(" ")
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = f"{current} {token}" if current else token
        if text_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in token:
            if current and text_width(current + char) > width:
                lines.append(current)
                current = ""
            current += char
    if current or not lines:
        lines.append(current)
    return [line.replace("\u00a0", " ") for line in lines]


def _n(value: int) -> str:
    return f"(n = {value})"


def _lines(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    wrapped = []
    for text, indent in items:
        # Continuation lines hang by one more indent, so wrap to the narrower width.
        for i, line in enumerate(_wrap(text, BOX_W - 2 * PAD_X - indent - INDENT)):
            wrapped.append((line, indent + (INDENT if i else 0)))
    return wrapped


def _box_h(lines: list[tuple[str, int]]) -> float:
    return max(MIN_BOX_H, len(lines) * LINE + 2 * PAD_Y)


def unfinished(counts: dict, stage: str) -> dict | None:
    """The stage's progress while it has records not yet settled, else None (complete, or
    nothing to screen). Counts without `progress` are of a finished review."""
    progress = counts.get("progress", {}).get(stage)
    if not progress or progress["status"] == "complete":
        return None
    if not (progress["screened"] + progress["awaiting"] + progress["conflicts"]):
        return None
    return progress


def _so_far(what: str, progress: dict) -> list[tuple[str, int]]:
    """`what`: a message with %(n)s, e.g. "Records screened so far %(n)s"."""
    return [
        (what % {"n": _n(progress["screened"])}, 0),
        (_("Awaiting decisions %(n)s") % {"n": _n(progress["awaiting"])}, INDENT),
        (_("In conflict %(n)s") % {"n": _n(progress["conflicts"])}, INDENT),
    ]


def _reason(reason: str) -> str:
    return _("No reason given") if reason == NO_REASON else reason


def _layout(counts: dict) -> Layout:
    identified = {k: v for k, v in counts["identified"].items() if k != "total"}
    excluded = counts["reports_excluded"]
    reasons = sorted(excluded["reasons"].items(), key=lambda item: (-item[1], item[0]))
    stopped = counts.get("stopped", {}).get("title_abstract")
    # Stopped early by a lead's decision: final boxes, with the records left unscreened in the
    # screened box as PRISMA 2020 asks of records not screened because screening stopped.
    title_abstract = None if stopped else unfinished(counts, "title_abstract")
    full_text = None if title_abstract else unfinished(counts, "full_text")
    if stopped:
        screened_box = [
            (_("Records screened %(n)s") % {"n": _n(stopped["screened"])}, 0),
            (_("Not screened: stopped early %(n)s") % {"n": _n(stopped["not_screened"])}, INDENT),
        ]
    elif title_abstract:
        screened_box = _so_far(_("Records screened so far %(n)s"), title_abstract)
    else:
        screened_box = [(_("Records screened %(n)s") % {"n": _n(counts["records_screened"])}, 0)]
    reason_lines = [(f"{_reason(r)} {_n(n)}", INDENT) for r, n in reasons]
    if not reasons:
        reports_excluded = [(_("Reports excluded %(n)s") % {"n": _n(excluded["total"])}, 0)]
    elif full_text:
        reports_excluded = [(_("Reports excluded so far:"), 0), *reason_lines]
    else:
        reports_excluded = [(_("Reports excluded:"), 0), *reason_lines]
    rows = [
        (
            "records-identified",
            [
                (_("Records identified from:"), 0),
                (_("Databases %(n)s") % {"n": _n(counts["identified"]["total"])}, 0),
                *((f"{name} {_n(n)}", INDENT) for name, n in identified.items()),
            ],
            "records-removed",
            [
                (_("Records removed before screening:"), 0),
                (
                    _("Duplicate records removed %(n)s") % {"n": _n(counts["duplicates_removed"])},
                    INDENT,
                ),
            ],
        ),
        (
            "records-screened",
            screened_box,
            "records-excluded",
            [
                (
                    (
                        _("Records excluded so far %(n)s")
                        if title_abstract
                        else _("Records excluded %(n)s")
                    )
                    % {"n": _n(counts["records_excluded"])},
                    0,
                )
            ],
        ),
    ]
    if not title_abstract:
        rows += [
            (
                "reports-sought",
                [
                    (
                        _("Reports sought for retrieval %(n)s")
                        % {"n": _n(counts["reports_sought"])},
                        0,
                    )
                ],
                "reports-not-retrieved",
                [
                    (
                        _("Reports not retrieved %(n)s")
                        % {"n": _n(counts["reports_not_retrieved"])},
                        0,
                    )
                ],
            ),
            (
                "reports-assessed",
                _so_far(_("Reports assessed so far %(n)s"), full_text)
                if full_text
                else [
                    (
                        _("Reports assessed for eligibility %(n)s")
                        % {"n": _n(counts["reports_assessed"])},
                        0,
                    )
                ],
                "reports-excluded",
                reports_excluded,
            ),
        ]
    if title_abstract or full_text:
        rows.append(
            (
                "in-progress",
                [
                    (
                        _("Title/abstract screening in progress.")
                        if title_abstract
                        else _("Full-text screening in progress."),
                        0,
                    ),
                    (_("The remaining boxes appear when every record is settled."), 0),
                ],
                None,
                None,
            )
        )
    else:
        rows.append(
            (
                "studies-included",
                [
                    (
                        _("Studies included in review %(n)s")
                        % {"n": _n(counts["studies_included"])},
                        0,
                    ),
                    (
                        _("Reports of included studies %(n)s")
                        % {"n": _n(counts["reports_included"])},
                        0,
                    ),
                ],
                None,
                None,
            )
        )
    # Side labels span rows: Identification row 0, Screening rows 1-3, Included row 4. A row
    # spanned alone must be tall enough for its label's (rotated) text.
    last = len(rows) - 1
    identification = pgettext("PRISMA 2020 side label", "Identification")
    screening = pgettext("PRISMA 2020 side label", "Screening")
    spans = (
        [
            (identification, 0, 0),
            (screening, 1, last - 1),
            (pgettext("PRISMA 2020 side label", "Included"), last, last),
        ]
        if rows[-1][0] == "studies-included"
        else [(identification, 0, 0), (screening, 1, last)]
    )
    min_h = {
        first: text_width(text, bold=True) + 24 for text, first, last in spans if first == last
    }

    layout = Layout(width=WIDTH, height=0)
    layout.labels.append(
        Label(
            LEFT_X,
            HEADER_Y,
            RIGHT_X + BOX_W - LEFT_X,
            HEADER_H,
            _("Identification of studies via databases and registers"),
            HEADER_FILL,
            False,
        )
    )
    y = TOP
    row_bounds = []
    previous_left: Box | None = None
    for i, (left_name, left_items, right_name, right_items) in enumerate(rows):
        left_lines = _lines(left_items)
        right_lines = _lines(right_items) if right_items else []
        # Boxes of a row share one height, so the diagram reads as a grid.
        h = max(_box_h(left_lines), _box_h(right_lines) if right_items else 0, min_h.get(i, 0))
        left = Box(LEFT_X, y, BOX_W, h, left_lines, left_name)
        layout.boxes.append(left)
        if right_items:
            layout.boxes.append(Box(RIGHT_X, y, BOX_W, h, right_lines, right_name))
            layout.arrows.append((LEFT_X + BOX_W, y + h / 2, RIGHT_X, y + h / 2))
        if previous_left is not None:
            cx = LEFT_X + BOX_W / 2
            layout.arrows.append((cx, previous_left.y + previous_left.h, cx, y))
        previous_left = left
        row_bounds.append((y, y + h))
        y += h + ROW_GAP
    for text, first, last in spans:
        top, bottom = row_bounds[first][0], row_bounds[last][1]
        layout.labels.append(Label(SIDE_X, top, SIDE_W, bottom - top, text, SIDE_FILL, True))
    layout.height = y - ROW_GAP + 12
    layout.summary = ". ".join(" ".join(text for text, _ in box.lines) for box in layout.boxes)
    return layout


def prisma_svg(counts: dict) -> str:
    """The diagram as a standalone SVG document (UTF-8 text, no XML declaration so it can
    also be inlined in HTML). Screen readers get the title and a description listing every
    box's text; every text is escaped."""
    layout = _layout(counts)
    w, h = layout.width, layout.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" '
        f'width="{w:g}" height="{h:g}" role="img" class="prisma-diagram" '
        'aria-labelledby="prisma-title prisma-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">',
        '<title id="prisma-title">'
        + escape(
            _("PRISMA 2020 flow diagram: identification of studies via databases and registers")
        )
        + "</title>",
        f'<desc id="prisma-desc">{escape(layout.summary)}</desc>',
        "<defs>"
        '<marker id="prisma-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{STROKE}"/></marker></defs>',
        f'<rect width="{w:g}" height="{h:g}" fill="#ffffff"/>',
    ]
    for label in layout.labels:
        cx, cy = label.x + label.w / 2, label.y + label.h / 2
        rotate = f' transform="rotate(-90 {cx:g} {cy:g})"' if label.vertical else ""
        out.append(
            f'<g class="prisma-label"><rect x="{label.x:g}" y="{label.y:g}" width="{label.w:g}" '
            f'height="{label.h:g}" rx="8" fill="{label.fill}"/>'
            f'<text x="{cx:g}" y="{cy + FONT_SIZE * 0.35:g}" text-anchor="middle" '
            f'font-weight="bold"{rotate}>{escape(label.text)}</text></g>'
        )
    for box in layout.boxes:
        out.append(
            f'<g class="prisma-box {box.name}"><rect x="{box.x:g}" y="{box.y:g}" '
            f'width="{box.w:g}" height="{box.h:g}" fill="#ffffff" stroke="{STROKE}"/>'
        )
        first_baseline = box.y + (box.h - len(box.lines) * LINE) / 2 + LINE - 5
        for i, (text, indent) in enumerate(box.lines):
            out.append(
                f'<text x="{box.x + PAD_X + indent:g}" y="{first_baseline + i * LINE:g}">'
                f"{escape(text)}</text>"
            )
        out.append("</g>")
    for x1, y1, x2, y2 in layout.arrows:
        out.append(
            f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{STROKE}" '
            'stroke-width="1.2" marker-end="url(#prisma-arrow)"/>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def prisma_png(counts: dict, *, dpi: int = 200) -> bytes:
    """The same diagram as a PNG, drawn with matplotlib (Agg, no pyplot state) from the
    same layout as the SVG; one layout px is 1/100 inch."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    layout = _layout(counts)
    w, h = layout.width, layout.height
    figure = Figure(figsize=(w / 100, h / 100), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, w)
    axes.set_ylim(h, 0)
    axes.axis("off")
    points = FONT_SIZE * 72 / 100
    font = {"family": font_family(), "size": points, "color": INK}
    for label in layout.labels:
        axes.add_patch(
            FancyBboxPatch(
                (label.x, label.y),
                label.w,
                label.h,
                boxstyle="round,pad=0,rounding_size=8",
                facecolor=label.fill,
                edgecolor="none",
            )
        )
        axes.text(
            label.x + label.w / 2,
            label.y + label.h / 2,
            label.text,
            ha="center",
            va="center",
            rotation=90 if label.vertical else 0,
            fontweight="bold",
            parse_math=False,
            **font,
        )
    for box in layout.boxes:
        axes.add_patch(
            Rectangle((box.x, box.y), box.w, box.h, facecolor="white", edgecolor=STROKE, lw=0.8)
        )
        first_baseline = box.y + (box.h - len(box.lines) * LINE) / 2 + LINE - 5
        for i, (text, indent) in enumerate(box.lines):
            axes.text(
                box.x + PAD_X + indent,
                first_baseline + i * LINE,
                text,
                ha="left",
                va="baseline",
                parse_math=False,
                **font,
            )
    for x1, y1, x2, y2 in layout.arrows:
        axes.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                arrowstyle="-|>,head_length=6,head_width=3",
                color=STROKE,
                lw=0.9,
                shrinkA=0,
                shrinkB=0,
            )
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
