"""Exceptions raised by the statistics engine.

Every message names the study (and, where it applies, the column) so that the
command line and the web layer can show it to a reviewer as a single line.
"""

from __future__ import annotations


class StatsError(ValueError):
    """Base class: the input cannot be analysed as asked."""


class InputError(StatsError):
    """A value in the input is missing, out of range or not a number."""


class ConvergenceError(StatsError):
    """An iterative estimator did not converge; no number is reported."""
