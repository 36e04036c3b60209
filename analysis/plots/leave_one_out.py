"""Leave-one-out plot: the pooled estimate with each study omitted in turn."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from analysis.stats.results import LeaveOneOut, PooledResult
from plotting.output import save_figure

from .common import interval, level_text, measure_name, method_label, num, p_text, percent
from .i18n import _
from .layout import Column, Forest, Row, draw_forest


def leave_one_out_plot(
    loo: LeaveOneOut,
    fit: PooledResult,
    path: str | Path | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Draw the result of :func:`analysis.stats.leave_one_out` for ``fit``.

    One row per study, "Omitting <study>", with the refitted estimate and CI, its p
    value, I\u00b2 and \u03c4\u00b2; the estimate from all studies closes the table as a
    diamond and runs through the panel as a dashed line, so a study whose omission
    moves the estimate stands out. Ratio measures use a log axis labelled in ratios.
    """
    if tuple(loo.studies) != tuple(fit.studies):
        raise ValueError("leave-one-out result and fit are of different studies")
    ratio = fit.is_ratio
    rows = [
        Row(
            "study",
            _("Omitting %(study)s") % {"study": study},
            est,
            lo,
            hi,
            size=0.35,
            right=(interval(est, lo, hi, ratio), p_text(p), percent(i2), num(tau2, 3)),
        )
        for study, est, lo, hi, p, i2, tau2 in zip(
            loo.studies,
            loo.estimate,
            loo.ci_low,
            loo.ci_high,
            loo.p_value,
            loo.i2,
            loo.tau2,
            strict=True,
        )
    ]
    rows += [
        Row("gap"),
        Row(
            "total",
            _("All studies (k = %(k)s)") % {"k": fit.k},
            fit.estimate,
            fit.ci_low,
            fit.ci_high,
            right=(
                interval(fit.estimate, fit.ci_low, fit.ci_high, ratio),
                p_text(fit.p_value),
                percent(fit.i2),
                num(fit.tau2, 3),
            ),
        ),
    ]
    figure = draw_forest(
        Forest(
            rows=rows,
            measure=measure_name(fit.measure),
            ratio=ratio,
            right=[
                Column(_("Estimate [%(level)s]") % {"level": level_text(fit.level)}, align="left"),
                Column("p", align="left"),
                Column("I\u00b2"),
                Column("\u03c4\u00b2"),
            ],
            reference=fit.estimate,
            footer=[
                _(
                    "%(model)s model refitted without each study in turn; the dashed line is "
                    "the estimate from all %(k)s studies."
                )
                % {"model": method_label(fit), "k": fit.k}
            ],
            title=title,
            label_header=_("Study omitted"),
        )
    )
    if path is not None:
        save_figure(figure, path)
    return figure
