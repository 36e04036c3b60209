"""Plots of :mod:`analysis.stats` results (matplotlib ``Figure`` objects, Agg, no pyplot).

Each function returns the figure and, given a path ending in ``.svg`` or ``.png``, saves
it there; :func:`plotting.output.figure_bytes` turns a figure into bytes for a response.
"""

from .forest import forest_plot
from .funnel import funnel_plot
from .leave_one_out import leave_one_out_plot

__all__ = ["forest_plot", "funnel_plot", "leave_one_out_plot"]
