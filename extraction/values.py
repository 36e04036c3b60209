"""Checking extracted values as typed, with messages that name the study, the outcome, the
time point, the arm and the number at fault, e.g. “Lee 2019 · Acne scar score at 3 months ·
Fat graft · SD: must be greater than 0 (got 0)”.

A row may be saved before it is complete (entry saves as you go); what is missing is
reported (`CleanRow.missing`) and refused only when an extraction is marked done or a
consensus completed (`complete=True`). A number that is wrong is refused at once.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from extraction.conversions import (
    ALL_INPUTS,
    LABELS,
    PAIRED_FORMAT,
    PAIRED_INPUTS,
    WHOLE,
    Analysable,
    ConversionError,
    analysable,
    formats_for,
)
from extraction.definitions import shown


@dataclass(frozen=True)
class Where:
    study: str
    outcome: str = ""
    timepoint: str = ""
    arm: str = ""

    def __str__(self) -> str:
        parts = [self.study]
        if self.outcome:
            parts.append(
                _("%(outcome)s at %(timepoint)s")
                % {"outcome": self.outcome, "timepoint": self.timepoint}
                if self.timepoint
                else self.outcome
            )
        if self.arm:
            parts.append(self.arm)
        return " · ".join(parts)

    def error(self, name: str, message: str) -> ValueProblem:
        label = LABELS.get(name, name)
        return ValueProblem(f"{self} · {label}: {message}", name)  # punctuation only


class ValueProblem(ValidationError):
    """A value refused; `input` names the number at fault (the spreadsheet import turns it
    into a column)."""

    def __init__(self, message: str, input_name: str):
        super().__init__(message)
        self.input = input_name


def number(text: Any, where: Where, name: str) -> float | None:
    """A typed number, or None when nothing was typed."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise where.error(name, _("“%(text)s” is not a number") % {"text": text})
    if isinstance(text, int | float):
        value = float(text)
    else:
        text = str(text).strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            if "," in text:
                message = _("“%(text)s” is not a number (use a point for decimals)")
            else:
                message = _("“%(text)s” is not a number")
            raise where.error(name, message % {"text": text}) from None
    if not math.isfinite(value):
        raise where.error(name, _("“%(text)s” is not a finite number") % {"text": text})
    if name in WHOLE and value != int(value):
        raise where.error(name, _("%(text)s is not a whole number") % {"text": text})
    return value


def _typed(value: Any) -> str:
    """The number as typed, kept as text so that exports show what the report printed."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


@dataclass
class CleanRow:
    format: str
    reported: dict[str, str]
    analysable: Analysable
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def outcome_row_clean(
    *,
    where: Where,
    outcome_type: str,
    fmt: str,
    typed: dict[str, Any],
    arm_n: int | None = None,
    complete: bool = False,
) -> CleanRow:
    """Check one arm's numbers (or, with `fmt="paired"`, a paired design's arm-less row)."""
    if fmt == PAIRED_FORMAT:
        needed: tuple[str, ...] = ()
        allowed: tuple[str, ...] = PAIRED_INPUTS
    else:
        formats = formats_for(outcome_type)
        if fmt not in formats:
            raise where.error(
                "format",
                _("“%(format)s” is not a %(type)s format (%(formats)s)")
                % {"format": fmt, "type": outcome_type, "formats": ", ".join(formats)},
            )
        needed = formats[fmt][1]
        allowed = needed
    unknown = [k for k, v in typed.items() if k in ALL_INPUTS and k not in allowed and _given(v)]
    if unknown:
        raise where.error(unknown[0], _("not part of the format “%(format)s”") % {"format": fmt})
    x = {}
    for name in allowed:
        value = number(typed.get(name), where, name)
        if value is not None:
            x[name] = value
    _check(where, fmt, x, arm_n)
    missing = [name for name in needed if name not in x]
    if fmt == PAIRED_FORMAT and "diff_mean" in x and not {"diff_sd", "diff_se"} & set(x):
        missing.append("diff_sd")
    if fmt == PAIRED_FORMAT and {"diff_mean", "diff_se"} <= set(x) and "n" not in x:
        missing.append("n")
    if missing and complete:
        raise where.error(missing[0], _("missing"))
    reported = {name: _typed(typed[name]) for name in allowed if name in x}
    if missing:
        return CleanRow(fmt, reported, Analysable(), missing)
    try:
        converted = analysable(fmt, x)
    except ConversionError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    return CleanRow(fmt, reported, converted)


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _check(where: Where, fmt: str, x: dict[str, float], arm_n: int | None) -> None:
    for name in ("sd", "se", "diff_sd", "diff_se"):
        if name in x and x[name] <= 0:
            raise where.error(
                name, _("must be greater than 0 (got %(value)s)") % {"value": f"{x[name]:g}"}
            )
    if "n" in x:
        if x["n"] < 1:
            raise where.error(
                "n", _("must be at least 1 (got %(value)s)") % {"value": f"{x['n']:g}"}
            )
        if arm_n is not None and x["n"] > arm_n:
            raise where.error(
                "n",
                _("%(n)s is more than the arm's %(arm_n)s randomised participants")
                % {"n": f"{x['n']:g}", "arm_n": arm_n},
            )
    if "events" in x:
        if x["events"] < 0:
            raise where.error(
                "events", _("must not be negative (got %(value)s)") % {"value": f"{x['events']:g}"}
            )
        if "n" in x and x["events"] > x["n"]:
            raise where.error(
                "events",
                _("%(events)s events exceed the total of %(n)s")
                % {"events": f"{x['events']:g}", "n": f"{x['n']:g}"},
            )
    if "r" in x and not -1 <= x["r"] <= 1:
        raise where.error(
            "r", _("a correlation lies between -1 and 1 (got %(value)s)") % {"value": f"{x['r']:g}"}
        )
    if "ci_low" in x and "ci_high" in x:
        if x["ci_low"] >= x["ci_high"]:
            raise where.error(
                "ci_high",
                _("%(high)s is not above the lower limit %(low)s")
                % {"high": f"{x['ci_high']:g}", "low": f"{x['ci_low']:g}"},
            )
        if "mean" in x and not x["ci_low"] <= x["mean"] <= x["ci_high"]:
            raise where.error(
                "mean",
                _("%(mean)s lies outside its 95%% CI %(low)s to %(high)s")
                % {
                    "mean": f"{x['mean']:g}",
                    "low": f"{x['ci_low']:g}",
                    "high": f"{x['ci_high']:g}",
                },
            )
    order = [(name, x[name]) for name in ("min", "q1", "median", "q3", "max") if name in x]
    for (low_name, low), (high_name, high) in pairwise(order):
        if low > high:
            raise where.error(
                high_name,
                _("%(high)s is below %(name)s %(low)s (expected min ≤ Q1 ≤ median ≤ Q3 ≤ max)")
                % {"high": f"{high:g}", "name": LABELS[low_name], "low": f"{low:g}"},
            )


YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}


def field_value_clean(definition: dict, typed: Any, where: Where) -> Any:
    """A study-level answer in its stored form (None: not reported)."""
    label = shown(definition["label"])
    kind = definition["type"]

    def error(message: str) -> ValidationError:
        return ValidationError(f"{where} · {label}: {message}")

    if typed is None or (isinstance(typed, str | list) and not typed):
        return None
    if kind == "multi_choice":
        values = typed if isinstance(typed, list) else [v for v in str(typed).split(";")]
        values = [str(v).strip() for v in values if str(v).strip()]
        wrong = [v for v in values if v not in definition["choices"]]
        if wrong:
            raise error(
                _("“%(text)s” is not one of: %(choices)s")
                % {"text": wrong[0], "choices": "; ".join(definition["choices"])}
            )
        return values or None
    if isinstance(typed, list):
        raise error(_("give one value"))
    text = str(typed).strip()
    if not text:
        return None
    if kind == "text":
        if len(text) > 2000:
            raise error(_("longer than 2000 characters"))
        return text
    if kind in ("number", "integer"):
        try:
            value = float(text)
        except ValueError:
            raise error(_("“%(text)s” is not a number") % {"text": text}) from None
        if not math.isfinite(value):
            raise error(_("“%(text)s” is not a finite number") % {"text": text})
        if kind == "integer":
            if value != int(value):
                raise error(_("%(text)s is not a whole number") % {"text": text})
            return int(value)
        return value
    if kind == "choice":
        if text not in definition["choices"]:
            raise error(
                _("“%(text)s” is not one of: %(choices)s")
                % {"text": text, "choices": "; ".join(definition["choices"])}
            )
        return text
    if kind == "date":
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise error(_("“%(text)s” is not a date (YYYY-MM-DD)") % {"text": text}) from None
    if kind == "yes_no":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise error(_("“%(text)s” is not yes or no") % {"text": text})
    raise error(_("unknown field type “%(kind)s”") % {"kind": kind})
