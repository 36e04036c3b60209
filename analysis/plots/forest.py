"""Forest plot of a pooled analysis, with subgroups, arm data and risk-of-bias marks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from analysis.stats.results import PooledResult, SubgroupAnalysis
from plotting.judgements import check_judgement
from plotting.output import save_figure

from .common import (
    heterogeneity_text,
    interval,
    is_random,
    level_text,
    measure_name,
    method_label,
    num,
    overall_effect_text,
    p_text,
    percent,
    z_crit,
)
from .i18n import _
from .layout import Column, Forest, Row, draw_forest

OVERALL = "Overall"


def forest_plot(
    fit: PooledResult,
    path: str | Path | None = None,
    *,
    subgroups: SubgroupAnalysis | None = None,
    favours: tuple[str, str] | None = None,
    title: str | None = None,
    arm_data: Mapping | None = None,
    rob: Mapping[str, Mapping[str, str | None]] | None = None,
    rob_domains: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
) -> Figure:
    """Draw a forest plot; save it to ``path`` (``.svg`` or ``.png``) when given.

    Rows show each study's effect with its CI and weight (square area proportional to
    the weight), then the pooled diamond with the prediction interval as a line. With
    ``subgroups``, each subgroup gets a header, its studies, a subtotal diamond and its
    heterogeneity and overall-effect tests; the test for subgroup differences is in
    the footer under the total. Ratio measures are drawn on a log axis labelled with
    the ratios.

    Parameters
    ----------
    arm_data : mapping, optional
        Per-study columns left of the plot, RevMan style: ``headers`` (list of
        str), ``rows`` ({study: [str, ...]}, one cell per header), and optionally
        ``groups`` ([(name, number of columns), ...], e.g. ``[("BCG", 2),
        ("Control", 2)]`` over "Events", "Total", "Events", "Total"), ``total``
        ([str, ...]) and ``subtotals`` ({subgroup: [str, ...]}).
    rob : mapping, optional
        ``{study: {"D1": "low", ..., "Overall": "high"}}``: a judgement mark per
        domain right of the plot (see :data:`plotting.judgements.LOOKS`); a missing
        or empty judgement is drawn as an empty ring.
    rob_domains : mapping or sequence of pairs, optional
        Domain ids and names in column order, e.g. ``{"D1": "Bias arising from the
        randomization process", ...}``; the names are listed under the plot.
        Without it the columns follow the ids in ``rob``, Overall last.
    """
    if favours is None:
        favours = (_("Favours treatment"), _("Favours control"))
    blocks = [(None, fit)] if subgroups is None else list(subgroups.groups.items())
    studies = {s for _group, r in blocks for s in r.studies}
    arms = _ArmData(arm_data, studies, [g for g, _result in blocks if g is not None])
    domains, judgements = _rob(rob, rob_domains, studies)
    ratio = fit.is_ratio
    z = z_crit(fit.level)

    def study_rob(study: str) -> dict[str, str] | None:
        return None if judgements is None else judgements.get(study, {})

    rows: list[Row] = []
    for group, result in blocks:
        if group is not None:
            rows.append(Row("header", str(group)))
        finite = result.weights[np.isfinite(result.weights)]
        wmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        for study, y, v, w in zip(
            result.studies, result.yi, result.vi, result.weights, strict=True
        ):
            left, rob_row = arms.cells(study), study_rob(study)
            if not (np.isfinite(y) and np.isfinite(v)):
                rows.append(
                    Row("study", study, left=left, right=(_("Not estimable"), ""), rob=rob_row)
                )
                continue
            half = z * math.sqrt(v)
            weight = f"{w:.1f}%" if np.isfinite(w) else ""
            rows.append(
                Row(
                    "study",
                    study,
                    y,
                    y - half,
                    y + half,
                    size=(w / wmax) if np.isfinite(w) else 1.0,
                    left=left,
                    right=(interval(y, y - half, y + half, ratio), weight),
                    rob=rob_row,
                )
            )
        if group is not None:
            ci = interval(result.estimate, result.ci_low, result.ci_high, ratio)
            rows += [
                Row(
                    "subtotal",
                    _("Subtotal (k = %(k)s)") % {"k": result.k},
                    result.estimate,
                    result.ci_low,
                    result.ci_high,
                    left=arms.subtotal(str(group)),
                    right=(ci, ""),
                ),
                Row("note", _heterogeneity(result)),
                Row("note", overall_effect_text(result)),
                Row("gap"),
            ]
    total_ci = interval(fit.estimate, fit.ci_low, fit.ci_high, ratio)
    rows.append(
        Row(
            "total",
            _("Total: %(model)s") % {"model": method_label(fit)},
            fit.estimate,
            fit.ci_low,
            fit.ci_high,
            left=arms.total,
            right=(total_ci, "100.0%" if subgroups is None else ""),
        )
    )
    # A prediction interval says little below three studies (IntHout et al. 2016, BMJ
    # Open 6:e010247); with one study it is just the study's CI again.
    if fit.pi_low is not None and fit.pi_high is not None and is_random(fit) and fit.k >= 3:
        tr = math.exp if ratio else float
        rows.append(
            Row(
                "pi",
                _("Prediction interval"),
                fit.estimate,
                fit.pi_low,
                fit.pi_high,
                right=(f"[{num(tr(fit.pi_low))}, {num(tr(fit.pi_high))}]", ""),
            )
        )
    footer = [_heterogeneity(fit), overall_effect_text(fit)]
    if subgroups is not None:
        footer.append(_subgroup_test(subgroups))
    figure = draw_forest(
        Forest(
            rows=rows,
            measure=measure_name(fit.measure),
            ratio=ratio,
            left=arms.columns,
            right=[
                Column(_("Estimate [%(level)s]") % {"level": level_text(fit.level)}, align="left"),
                Column(_("Weight") if subgroups is None else _("Weight in subgroup")),
            ],
            favours=favours,
            reference=fit.estimate,
            footer=footer,
            rob_domains=domains,
            title=title,
        )
    )
    if path is not None:
        save_figure(figure, path)
    return figure


def _heterogeneity(fit: PooledResult) -> str:
    if fit.k < 2:
        return _("Heterogeneity: not applicable (one study)")
    return heterogeneity_text(fit)


def _subgroup_test(sub: SubgroupAnalysis) -> str:
    # I^2 for the subgroup test as RevMan reports it (Higgins & Thompson 2002):
    # the share of the between-subgroup Q beyond its degrees of freedom.
    q, df = sub.q_between, sub.q_between_df
    i2 = max(0.0, (q - df) / q) * 100 if q > 0 else 0.0
    return _("Test for subgroup differences: Q = %(q)s, df = %(df)s (%(p)s), I² = %(i2)s") % {
        "q": num(q),
        "df": df,
        "p": p_text(sub.q_between_p),
        "i2": percent(i2),
    }


class _ArmData:
    """The checked ``arm_data`` argument: columns and each row's cells."""

    def __init__(self, arm_data: Mapping | None, studies: set[str], groups: list[str]):
        self.columns: list[Column] = []
        self.rows: dict[str, list[str]] = {}
        self.total: list[str] = []
        self.subtotals: dict[str, list[str]] = {}
        if arm_data is None:
            return
        headers = [str(h) for h in arm_data.get("headers", ())]
        if not headers:
            raise ValueError("arm_data: 'headers' must list at least one column")
        names = [""] * len(headers)
        spans = arm_data.get("groups") or []
        if spans:
            if sum(int(n) for _name, n in spans) != len(headers):
                raise ValueError(
                    f"arm_data: 'groups' cover {sum(int(n) for _name, n in spans)} columns "
                    f"but there are {len(headers)} headers"
                )
            names = [str(name) for name, n in spans for _i in range(int(n))]
        self.columns = [Column(h, g) for h, g in zip(headers, names, strict=True)]

        def cells(where: str, values) -> list[str]:
            values = ["" if v is None else str(v) for v in values]
            if len(values) != len(headers):
                raise ValueError(
                    f"arm_data: {where} has {len(values)} cells for {len(headers)} headers"
                )
            return values

        for study, values in (arm_data.get("rows") or {}).items():
            if study not in studies:
                raise ValueError(f"arm_data: row {study!r} matches no study in the analysis")
            self.rows[study] = cells(f"row {study!r}", values)
        if arm_data.get("total") is not None:
            self.total = cells("'total'", arm_data["total"])
        for group, values in (arm_data.get("subtotals") or {}).items():
            if group not in groups:
                raise ValueError(f"arm_data: subtotal {group!r} matches no subgroup")
            self.subtotals[group] = cells(f"subtotal {group!r}", values)

    def cells(self, study: str) -> list[str]:
        return self.rows.get(study, [])

    def subtotal(self, group: str) -> list[str]:
        return self.subtotals.get(group, [])


def _rob(
    rob: Mapping[str, Mapping[str, str | None]] | None,
    rob_domains: Mapping[str, str] | Sequence[tuple[str, str]] | None,
    studies: set[str],
) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]] | None]:
    """Checked domains ``[(id, name)]`` and judgements ``{study: {domain: judgement}}``."""
    if rob is None:
        return [], None
    if rob_domains is not None:
        pairs = rob_domains.items() if isinstance(rob_domains, Mapping) else rob_domains
        domains = [(str(d), str(name or "")) for d, name in pairs]
    else:
        seen = dict.fromkeys(d for row in rob.values() for d in row if d != OVERALL)
        domains = [(d, "") for d in seen]
    ids = {d for d, _name in domains}
    if OVERALL not in ids and any(OVERALL in row for row in rob.values()):
        domains.append((OVERALL, ""))
        ids.add(OVERALL)
    judgements = {}
    for study, row in rob.items():
        if study not in studies:
            raise ValueError(f"rob: study {study!r} matches no study in the analysis")
        for domain in row:
            if domain not in ids:
                raise ValueError(f"rob[{study!r}]: unknown domain {domain!r}")
        judgements[study] = {
            d: check_judgement(row.get(d), f"rob[{study!r}][{d!r}]") for d, _name in domains
        }
    return domains, judgements
