"""GRADE: proposals for each domain from a run's results, the certainty they give, and the
rows of the summary-of-findings table (Schünemann et al., GRADE Handbook 2013; Cochrane
Handbook ch. 14). The proposals are rules of thumb stated in their `why`; the lead confirms
or overrides each with a reason."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from analysis.engine import HIGH_ROB, fmt

# Translators: GRADE certainty of the evidence.
LEVELS = {
    4: pgettext_lazy("GRADE certainty", "High"),
    3: pgettext_lazy("GRADE certainty", "Moderate"),
    2: pgettext_lazy("GRADE certainty", "Low"),
    1: pgettext_lazy("GRADE certainty", "Very low"),
}
# Translators: how serious a GRADE concern is (a reason to rate the certainty down).
RATINGS = {
    0: gettext_lazy("not serious"),
    1: gettext_lazy("serious"),
    2: gettext_lazy("very serious"),
}
# Share of the weight from studies at high risk of bias above which it is serious.
HIGH_ROB_SHARE = (0.25, 0.5)
I2_LIMITS = (50.0, 75.0)
EGGER_ALPHA = 0.10
LARGE_RATIO = (2.0, 5.0)
NON_RANDOMISED = frozenset({"cohort", "case_control", "before_after"})
DOWNGRADE_KEYS = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
)
UPGRADE_KEYS = ("large_effect", "dose_response", "plausible_confounding")
UPGRADE_RATINGS = {
    0: pgettext_lazy("GRADE rating up", "none"),
    1: gettext_lazy("up one level"),
    2: gettext_lazy("up two levels"),
}


def _proposal(rating: int | None, why: str) -> dict[str, Any]:
    return {"rating": rating, "why": why}


def _risk_of_bias(results: Mapping[str, Any]) -> dict[str, Any]:
    judged = {s: j for s, j in results["rob"].items() if j}
    if not judged:
        return _proposal(None, _("No risk-of-bias judgements yet; judge it from the assessments."))
    weights = {row["study"]: row["weight"] or 0.0 for row in results["studies"]}
    share = sum(w for s, w in weights.items() if judged.get(s) in HIGH_ROB) / 100
    rating = 2 if share >= HIGH_ROB_SHARE[1] else (1 if share >= HIGH_ROB_SHARE[0] else 0)
    return _proposal(
        rating,
        _("%(share)s of the weight comes from studies at high risk of bias.")
        % {"share": f"{share:.0%}"},
    )


def _crosses(low: float | None, high: float | None, value: float) -> bool:
    return low is not None and high is not None and low < value < high


def _inconsistency(results: Mapping[str, Any]) -> dict[str, Any]:
    if results["k"] < 2 or results["i2"] is None:
        return _proposal(0, _("A single study: no inconsistency to judge."))
    i2 = results["i2"]
    pi_crosses = _crosses(results.get("pi_low"), results.get("pi_high"), 0.0)
    rating = 2 if i2 >= I2_LIMITS[1] else (1 if i2 >= I2_LIMITS[0] or pi_crosses else 0)
    values = {"i2": f"{i2:.0f}"}
    if results.get("pi_low") is None:
        why = _("I² = %(i2)s%%.") % values
    elif pi_crosses:
        why = _("I² = %(i2)s%%; the prediction interval crosses no effect.") % values
    else:
        why = _("I² = %(i2)s%%; the prediction interval excludes no effect.") % values
    return _proposal(rating, why)


def _imprecision(results: Mapping[str, Any], mid: float | None) -> dict[str, Any]:
    low, high = results["ci_low"], results["ci_high"]
    crosses_null = _crosses(low, high, 0.0)
    if mid is None:
        rating = 1 if crosses_null else 0
        if crosses_null:
            why = _("The 95% CI includes no effect (no minimal important difference set).")
        else:
            why = _("The 95% CI excludes no effect (no minimal important difference set).")
        return _proposal(rating, why)
    # The MID is given on the analysis scale (log for ratios, see the page).
    both = low is not None and high is not None and low < -abs(mid) and high > abs(mid)
    crosses_mid = _crosses(low, high, abs(mid)) or _crosses(low, high, -abs(mid))
    rating = 2 if both else (1 if crosses_null or crosses_mid else 0)
    values = {"low": fmt(low), "high": fmt(high), "mid": fmt(abs(mid))}
    if both:
        why = _(
            "The 95%% CI (%(low)s to %(high)s) spans both an important benefit and harm "
            "(MID %(mid)s)."
        )
    elif rating:
        why = _("The 95%% CI (%(low)s to %(high)s) crosses no effect or the MID (MID %(mid)s).")
    else:
        why = _("The 95%% CI (%(low)s to %(high)s) excludes no effect and the MID (MID %(mid)s).")
    return _proposal(rating, why % values)


def _publication_bias(results: Mapping[str, Any]) -> dict[str, Any]:
    if not results.get("small_study_tests_run"):
        return _proposal(
            0,
            ngettext(
                "%(k)s study: too few for small-study tests (10 needed); not suspected.",
                "%(k)s studies: too few for small-study tests (10 needed); not suspected.",
                results["k"],
            )
            % {"k": results["k"]},
        )
    p = results.get("egger_p")
    k0 = results.get("trimfill_k0") or 0
    rating = 1 if (p is not None and p < EGGER_ALPHA) else 0
    why = ngettext(
        "Egger's test p = %(p)s; trim-and-fill adds %(k0)s study.",
        "Egger's test p = %(p)s; trim-and-fill adds %(k0)s studies.",
        k0,
    ) % {"p": fmt(p, 3), "k0": k0}
    return _proposal(rating, why)


def start_level(designs: Mapping[str, str]) -> dict[str, Any]:
    """Where the certainty starts (GRADE Handbook 5.1): high for randomised trials, low when
    the studies pooled are non-randomised (cohort, case-control, before-after)."""
    found = [d for d in designs.values() if d in NON_RANDOMISED]
    if designs and len(found) == len(designs):
        return {"level": 2, "why": _("Non-randomised studies only: certainty starts at low.")}
    why = _("Randomised trials: certainty starts at high.")
    if found:
        why = ngettext(
            "%(found)s of %(k)s study is non-randomised: certainty starts at high; judge "
            "its risk of bias (and consider analysing it apart).",
            "%(found)s of %(k)s studies are non-randomised: certainty starts at high; judge "
            "their risk of bias (and consider analysing them apart).",
            len(designs),
        ) % {"found": len(found), "k": len(designs)}
    return {"level": 4, "why": why}


def _large_effect(results: Mapping[str, Any]) -> dict[str, Any]:
    # GRADE Handbook 5.2.1: RR above 2 (or below 0.5) large, above 5 (below 0.2) very large.
    if results["measure"] not in ("RR", "OR") or results.get("estimate") is None:
        return _proposal(None, _("Not a ratio: judge whether the effect is large."))
    rr = math.exp(abs(results["estimate"]))
    rating = 2 if rr > LARGE_RATIO[1] else (1 if rr > LARGE_RATIO[0] else 0)
    shown = math.exp(results["estimate"])
    values = {"measure": results["measure"], "value": fmt(shown)}
    if rating == 2:
        why = _("%(measure)s %(value)s: very large (more than 2-fold: large; 5-fold: very large).")
    elif rating:
        why = _("%(measure)s %(value)s: large (more than 2-fold: large; 5-fold: very large).")
    else:
        why = _("%(measure)s %(value)s: not large (more than 2-fold: large; 5-fold: very large).")
    return _proposal(rating, why % values)


def _upgrades(results: Mapping[str, Any], start: int) -> dict[str, Any]:
    if start == 4:
        none = _proposal(0, _("Evidence that starts high is not rated up."))
        return dict.fromkeys(UPGRADE_KEYS, none)
    return {
        "large_effect": _large_effect(results),
        "dose_response": _proposal(
            None, _("The pooled data cannot tell; judge from the studies' dose–effect gradients.")
        ),
        "plausible_confounding": _proposal(
            None, _("Judge whether plausible confounding would reduce the effect seen.")
        ),
    }


def grade_proposals(
    results: Mapping[str, Any] | None,
    *,
    mid: float | None,
    designs: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Proposed rating (0, 1, 2 or None: no proposal) and why, per domain: levels down for
    the five domains, levels up for the three upgrading domains (only for evidence that
    starts low). ``designs``: the design of each pooled study (snapshot), for the start."""
    if results is None:
        return {}
    start = start_level(designs or {})
    return _upgrades(results, start["level"]) | {
        "start": start,
        "risk_of_bias": _risk_of_bias(results),
        "inconsistency": _inconsistency(results),
        "indirectness": _proposal(
            None, _("The data cannot tell; compare the studies' PICO with the question.")
        ),
        "imprecision": _imprecision(results, mid),
        "publication_bias": _publication_bias(results),
    }


def certainty(proposals: Mapping[str, Any], judgements: Mapping[str, Any]) -> dict[str, Any]:
    """The certainty from the lead's judgements where given, else the proposals: the start
    (high for randomised trials, low for non-randomised studies), down for each level of
    concern, up for each upgrading level (only from a low start), between very low and high."""
    start = proposals.get("start", {"level": 4})["level"]
    ratings = {}
    for key in (*DOWNGRADE_KEYS, *UPGRADE_KEYS):
        if key not in proposals:
            continue
        given = judgements.get(key)
        ratings[key] = given["rating"] if given is not None else (proposals[key]["rating"] or 0)
    down = sum(ratings.get(k, 0) for k in DOWNGRADE_KEYS)
    up = sum(ratings.get(k, 0) for k in UPGRADE_KEYS) if start < 4 else 0
    level = min(4, max(1, start - down + up))
    return {"level": level, "label": str(LEVELS[level]), "ratings": ratings, "start": start}


def absolute_effects(results: Mapping[str, Any], control_risk: float | None) -> dict[str, Any]:
    """Per 1000 people: the assumed control risk and the risk with the intervention (with
    its CI), from the pooled ratio or difference; None for continuous outcomes."""
    measure = results["measure"]
    if control_risk is None or measure not in ("RR", "OR", "RD"):
        return {}

    def risk(effect: float | None) -> float | None:
        if effect is None:
            return None
        if measure == "RR":
            return min(1.0, math.exp(effect) * control_risk)
        if measure == "OR":
            odds = math.exp(effect) * control_risk / (1 - control_risk)
            return odds / (1 + odds)
        return min(1.0, max(0.0, control_risk + effect))

    per = {k: risk(results[k]) for k in ("estimate", "ci_low", "ci_high")}
    return {
        "control_per_1000": round(control_risk * 1000),
        "intervention_per_1000": {
            k: None if v is None else round(v * 1000) for k, v in per.items()
        },
        "difference_per_1000": {
            k: None if v is None else round((v - control_risk) * 1000) for k, v in per.items()
        },
    }
