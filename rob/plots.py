"""Risk-of-bias figures in the style of robvis (McGuinness & Higgins 2021): the
traffic-light plot (studies by domains) and the summary bar plot (share of studies, or
of weight, at each judgement per domain).

Pure: plain data in (a tool id, the domains, the studies' judgements), a matplotlib
``Figure`` out (Agg, no pyplot state, no Django import), so the rob app's views only
pass dicts. Save with :func:`plotting.output.save_figure` or
:func:`plotting.output.figure_bytes`, or give ``path``.

Input
-----
``tool``: ``"rob2"``, ``"robins_i"``, ``"rob1"`` or ``"nos"`` (Newcastle-Ottawa: good,
fair or poor per domain and overall, as the AHRQ thresholds turn stars into a rating;
the stars themselves are left to a table on the page, which reads better than a figure).

``domains``: ``[{"id": "D1", "name": "Bias arising from the randomization process"},
...]`` (or ``(id, name)`` pairs), in column order.

``studies``: ``[{"label": "Smith 2020", "judgements": {"D1": "low", ...},
"overall": "high", "weight": 12.5}, ...]``. A domain left out, ``None`` or ``""`` is
drawn as "not assessed"; ``overall`` is optional (no study has it: no Overall column);
``weight`` is needed only for the weighted summary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from plotting.fonts import font_family
from plotting.judgements import LOOKS, NOT_ASSESSED, NOT_ASSESSED_LOOK, draw_marks, look
from plotting.output import save_figure
from plotting.text import shorten, text_width, wrap


@dataclass(frozen=True)
class Tool:
    name: str
    scale: tuple[str, ...]  # judgements, least to most concern, then "no information"


TOOLS = {
    "rob2": Tool("RoB 2", ("low", "some_concerns", "high", "no_information")),
    "robins_i": Tool("ROBINS-I", ("low", "moderate", "serious", "critical", "no_information")),
    "rob1": Tool("RoB 1", ("low", "unclear", "high")),
    "nos": Tool("Newcastle-Ottawa Scale", ("good", "fair", "poor")),
}
OVERALL = "Overall"
# The fixed words drawn, in English. A caller passes ``words`` to draw them in another
# language, with the judgements' legend labels keyed by judgement id ("low": ...); this
# module imports no Django, so rob.figures translates them (rob.labels.plot_words).
WORDS = {
    "study": "Study",
    "judgement": "Judgement",
    "domains_heading": "Risk of bias domains",
    "domains": "Domains:",
    "overall": "Overall",
    "overall_name": "Overall risk of bias",
    "share_of_weight": "Share of the studies' weight",
    "share_of_studies": "Share of studies",
}
FONT, SMALL = 8.0, 7.5  # points
MARGIN, GAP = 0.08, 0.15  # inches
LINE = 0.17  # inches per legend line
GREY_LINE, HEADER_FILL, OVERALL_FILL = "#bfbfbf", "#e6e6e6", "#ececec"


@dataclass(frozen=True)
class Assessments:
    """The checked input: one row of judgements per study, domains in column order."""

    tool: Tool
    domains: list[tuple[str, str]]  # (id, name), Overall last when present
    labels: list[str]
    judgements: list[list[str]]  # [study][domain]
    weights: list[float] | None


def assessments(
    *,
    tool: str,
    domains: Sequence[Mapping | tuple[str, str]],
    studies: Sequence[Mapping],
    weighted: bool = False,
    overall_name: str = WORDS["overall_name"],
) -> Assessments:
    """Check the plain input (see the module docstring) and put it in table form.

    Raises ValueError naming the study and domain of anything wrong.
    """
    if tool not in TOOLS:
        raise ValueError(
            f"unknown risk-of-bias tool {tool!r} (expected one of: {', '.join(TOOLS)})"
        )
    spec = TOOLS[tool]
    pairs: list[tuple[str, str]] = []
    for i, domain in enumerate(domains):
        d_id, name = (
            (domain["id"], domain.get("name", "")) if isinstance(domain, Mapping) else domain
        )
        if not d_id or not isinstance(d_id, str):
            raise ValueError(f"domains[{i}]: missing id")
        if d_id in {p[0] for p in pairs} or d_id == OVERALL:
            raise ValueError(f"domains[{i}]: domain id {d_id!r} is used twice or reserved")
        pairs.append((d_id, str(name or "")))
    if not pairs:
        raise ValueError("no domains to plot")
    if not studies:
        raise ValueError("no studies to plot")
    with_overall = any(s.get("overall") is not None for s in studies)
    ids = [d for d, _ in pairs]

    def judgement(value, where: str) -> str:
        if value is None or value == "":
            return NOT_ASSESSED
        if value not in spec.scale:
            raise ValueError(
                f"{where}: {value!r} is not a {spec.name} judgement "
                f"(expected one of: {', '.join(spec.scale)})"
            )
        return value

    labels, rows, weights = [], [], []
    for i, study in enumerate(studies):
        label = str(study.get("label") or "").strip()
        if not label:
            raise ValueError(f"studies[{i}]: missing label")
        given = study.get("judgements") or {}
        for d in given:
            if d not in ids:
                raise ValueError(f"study {label!r}: unknown domain {d!r}")
        row = [judgement(given.get(d), f"study {label!r}, domain {d!r}") for d in ids]
        if with_overall:
            row.append(judgement(study.get("overall"), f"study {label!r}, overall"))
        if weighted:
            w = study.get("weight")
            try:
                # a Decimal from the database is welcome too
                weight = math.nan if w is None else float(w)
            except (TypeError, ValueError):
                weight = math.nan
            if not math.isfinite(weight) or weight <= 0:
                raise ValueError(f"study {label!r}: weight must be a positive number, not {w!r}")
            weights.append(weight)
        labels.append(label)
        rows.append(row)
    if with_overall:
        pairs.append((OVERALL, overall_name))
    return Assessments(spec, pairs, labels, rows, weights if weighted else None)


def _words(words: Mapping[str, str] | None) -> dict[str, str]:
    return {**WORDS, **(words or {})}


def _head(domain_id: str, words: Mapping[str, str]) -> str:
    """A column's heading: the domain id, or the word for Overall."""
    return words["overall"] if domain_id == OVERALL else domain_id


def _label(judgement: str, words: Mapping[str, str]) -> str:
    """A judgement's legend label: from ``words`` when given, else the English one."""
    return words.get(judgement) or look(judgement).label


def _legend_keys(data: Assessments) -> list[str]:
    """The tool's scale, and "not assessed" when a cell is empty."""
    empty = any(NOT_ASSESSED in row for row in data.judgements)
    return [*data.tool.scale, *([NOT_ASSESSED] if empty else [])]


def traffic_light_plot(
    *,
    tool: str,
    domains: Sequence[Mapping | tuple[str, str]],
    studies: Sequence[Mapping],
    path: str | Path | None = None,
    title: str | None = None,
    words: Mapping[str, str] | None = None,
) -> Figure:
    """Studies (rows) by domains (columns), Overall last on a grey band: one coloured
    circle with a symbol per judgement, the domain names and the judgements' key under
    the grid."""
    vocab = _words(words)
    data = assessments(
        tool=tool, domains=domains, studies=studies, overall_name=vocab["overall_name"]
    )
    family = font_family()
    text_kw: dict[str, Any] = {
        "fontfamily": family,
        "parse_math": False,
        "va": "center",
        "fontsize": FONT,
    }
    row_h, cell_w, diameter = 0.3, 0.36, 17.0
    labels = [shorten(label, 3.0, FONT) for label in data.labels]
    study, judgement = vocab["study"], vocab["judgement"]
    label_w = max(text_width(s, FONT) for s in [*labels, study])
    widths = [max(cell_w, text_width(_head(d, vocab), FONT, "bold") + 0.1) for d, _ in data.domains]
    grid_x = MARGIN + label_w + GAP
    grid_w = sum(widths)
    domain_lines = [
        line
        for d, name in data.domains
        if d != OVERALL and name
        for line in wrap(f"{d}: {name}", 6.0, SMALL)
    ]
    keys = _legend_keys(data)
    key_w = sum(0.16 + text_width(_label(k, vocab), SMALL) + 0.22 for k in keys)
    width = MARGIN * 2 + max(
        grid_x - MARGIN + grid_w,
        max((text_width(s, SMALL) for s in domain_lines), default=0.0),
        text_width(judgement, SMALL, "bold") + 0.1 + key_w,
    )
    n = len(labels)
    title_h = 0.35 if title else 0.0
    head_top = MARGIN + title_h
    grid_top = head_top + 2 * row_h
    grid_bottom = grid_top + n * row_h
    legend_top = grid_bottom + 0.2
    height = legend_top + (len(domain_lines) + (1 if domain_lines else 0) + 1.5) * LINE + MARGIN

    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    lefts = [grid_x + sum(widths[:j]) for j in range(len(widths))]
    centres = [left + w / 2 for left, w in zip(lefts, widths, strict=True)]

    # Header: "Risk of bias domains" over the domain ids; Overall on its grey band.
    ax.add_patch(Rectangle((grid_x, head_top), grid_w, 2 * row_h, color=HEADER_FILL, lw=0))
    ax.text(
        grid_x + grid_w / 2,
        head_top + row_h / 2,
        vocab["domains_heading"],
        ha="center",
        fontweight="bold",
        **text_kw,
    )
    ax.text(MARGIN, head_top + 1.5 * row_h, study, fontweight="bold", **text_kw)
    for (d, _), cx in zip(data.domains, centres, strict=True):
        ax.text(
            cx, head_top + 1.5 * row_h, _head(d, vocab), ha="center", fontweight="bold", **text_kw
        )
    if data.domains[-1][0] == OVERALL:
        ax.add_patch(
            Rectangle((lefts[-1], grid_top), widths[-1], n * row_h, color=OVERALL_FILL, lw=0)
        )
    cells = []
    for i, (label, row) in enumerate(zip(labels, data.judgements, strict=True)):
        y = grid_top + (i + 0.5) * row_h
        ax.text(MARGIN, y, label, **text_kw)
        cells += [(cx, y, j) for cx, j in zip(centres, row, strict=True)]
    for i in range(n + 1):
        y = grid_top + i * row_h
        ax.plot([MARGIN, grid_x + grid_w], [y, y], color=GREY_LINE, lw=0.5)
    for x in [*lefts, grid_x + grid_w]:
        ax.plot([x, x], [head_top + row_h, grid_bottom], color=GREY_LINE, lw=0.5)
    draw_marks(ax, cells, diameter=diameter)

    # Legend: the domains' names, then the judgements' key.
    y = legend_top
    if domain_lines:
        ax.text(
            MARGIN,
            y + LINE / 2,
            vocab["domains"],
            fontweight="bold",
            **{**text_kw, "fontsize": SMALL},
        )
        for j, line in enumerate(domain_lines):
            ax.text(MARGIN, y + (j + 1.5) * LINE, line, **{**text_kw, "fontsize": SMALL})
        y += (len(domain_lines) + 1) * LINE
    y += 0.75 * LINE
    ax.text(MARGIN, y, judgement, fontweight="bold", **{**text_kw, "fontsize": SMALL})
    x = MARGIN + text_width(judgement, SMALL, "bold") + 0.2
    key_cells = []
    for key in keys:
        key_cells.append((x, y, key))
        ax.text(x + 0.13, y, _label(key, vocab), **{**text_kw, "fontsize": SMALL})
        x += 0.16 + text_width(_label(key, vocab), SMALL) + 0.22
    draw_marks(ax, key_cells, diameter=11.0, gid="rob-key")
    if title:
        ax.text(
            width / 2,
            MARGIN + 0.15,
            title,
            ha="center",
            fontweight="bold",
            **{**text_kw, "fontsize": 10},
        )
    if path is not None:
        save_figure(fig, path)
    return fig


def summary_shares(data: Assessments) -> list[dict[str, float]]:
    """Per domain (in column order), the percentage of studies, or of the total weight
    when weighted, at each judgement ("not_assessed" for empty cells)."""
    weights = data.weights or [1.0] * len(data.labels)
    total = sum(weights)
    shares = []
    for j in range(len(data.domains)):
        share: dict[str, float] = {}
        for row, w in zip(data.judgements, weights, strict=True):
            share[row[j]] = share.get(row[j], 0.0) + 100.0 * w / total
        shares.append(share)
    return shares


def summary_plot(
    *,
    tool: str,
    domains: Sequence[Mapping | tuple[str, str]],
    studies: Sequence[Mapping],
    weighted: bool = False,
    path: str | Path | None = None,
    title: str | None = None,
    words: Mapping[str, str] | None = None,
) -> Figure:
    """Per domain a horizontal 100% stacked bar of the share of studies (or of their
    weight, ``weighted=True``, each study's ``weight`` being e.g. its weight in the
    meta-analysis) at each judgement; Overall last and bold. Shares of 8% or more are
    printed on their segment."""
    vocab = _words(words)
    data = assessments(
        tool=tool,
        domains=domains,
        studies=studies,
        weighted=weighted,
        overall_name=vocab["overall_name"],
    )
    shares = summary_shares(data)
    family = font_family()
    text_kw: dict[str, Any] = {"fontfamily": family, "parse_math": False}
    names = [
        wrap(name or d, 3.2, FONT, "bold" if d == OVERALL else "normal") for d, name in data.domains
    ]
    names = [
        lines if len(lines) <= 2 else [lines[0], shorten(" ".join(lines[1:]), 3.2, FONT)]
        for lines in names
    ]
    label_w = max(text_width(line, FONT, "bold") for lines in names for line in lines)
    row_h, bar_w = 0.36, 4.2
    keys = _legend_keys(data)
    n = len(data.domains)
    title_h = 0.35 if title else 0.0
    plot_top = MARGIN + title_h + 0.05
    plot_h = n * row_h
    legend_h = 0.75
    height = plot_top + plot_h + legend_h + MARGIN
    width = MARGIN + label_w + GAP + bar_w + 0.3
    fig = Figure(figsize=(width, height), dpi=100)
    left = MARGIN + label_w + GAP
    ax = fig.add_axes((left / width, (legend_h + MARGIN) / height, bar_w / width, plot_h / height))
    ax.set_xlim(0, 100)
    ax.set_ylim(n - 0.5, -0.5)
    ys = list(range(n))
    starts = [0.0] * n
    for key in keys:
        widths = [share.get(key, 0.0) for share in shares]
        style = NOT_ASSESSED_LOOK if key == NOT_ASSESSED else LOOKS[key]
        ax.barh(
            ys,
            widths,
            left=starts,
            height=0.7,
            color=style.colour,
            edgecolor="black",
            linewidth=0.5,
            label=_label(key, vocab),
            gid=f"summary-{key}",
        )
        for y, start, w in zip(ys, starts, widths, strict=True):
            if w >= 8:
                ax.text(
                    start + w / 2,
                    y,
                    f"{w:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=SMALL,
                    color=style.ink,
                    **text_kw,
                )
        starts = [s + w for s, w in zip(starts, widths, strict=True)]
    ax.set_yticks(ys, ["\n".join(lines) for lines in names])
    ax.tick_params(axis="y", length=0, labelsize=FONT, labelfontfamily=family)
    ax.tick_params(axis="x", labelsize=SMALL, labelfontfamily=family)
    if data.domains[-1][0] == OVERALL:
        ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [
        Patch(facecolor=look(k).colour, edgecolor="black", linewidth=0.5, label=_label(k, vocab))
        for k in keys
    ]
    ax.set_xlabel(
        vocab["share_of_weight"] if weighted else vocab["share_of_studies"],
        fontsize=SMALL,
        **text_kw,
    )
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=((left + bar_w / 2) / width, MARGIN / height),
        ncol=len(handles),
        frameon=False,
        prop={"family": family, "size": SMALL},
        handlelength=1.2,
        columnspacing=1.2,
    )
    if title:
        fig.text(
            0.5,
            1 - (MARGIN + 0.15) / height,
            title,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            **text_kw,
        )
    if path is not None:
        save_figure(fig, path)
    return fig
