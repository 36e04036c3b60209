"""GRADE: proposals for each domain from a run's results, the certainty they give, and the
rows of the summary-of-findings table (Schünemann et al., GRADE Handbook 2013; Cochrane
Handbook ch. 14). The proposals are rules of thumb stated in their `why`; the lead confirms
or overrides each with a reason."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from analysis.engine import HIGH_ROB, fmt

LEVELS = {4: "High", 3: "Moderate", 2: "Low", 1: "Very low"}
RATINGS = {0: "not serious", 1: "serious", 2: "very serious"}
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
UPGRADE_RATINGS = {0: "none", 1: "up one level", 2: "up two levels"}


def _proposal(rating: int | None, why: str) -> dict[str, Any]:
    return {"rating": rating, "why": why}


def _risk_of_bias(results: Mapping[str, Any]) -> dict[str, Any]:
    judged = {s: j for s, j in results["rob"].items() if j}
    if not judged:
        return _proposal(None, "No risk-of-bias judgements yet; judge it from the assessments.")
    weights = {row["study"]: row["weight"] or 0.0 for row in results["studies"]}
    share = sum(w for s, w in weights.items() if judged.get(s) in HIGH_ROB) / 100
    rating = 2 if share >= HIGH_ROB_SHARE[1] else (1 if share >= HIGH_ROB_SHARE[0] else 0)
    return _proposal(rating, f"{share:.0%} of the weight comes from studies at high risk of bias.")


def _crosses(low: float | None, high: float | None, value: float) -> bool:
    return low is not None and high is not None and low < value < high


def _inconsistency(results: Mapping[str, Any]) -> dict[str, Any]:
    if results["k"] < 2 or results["i2"] is None:
        return _proposal(0, "A single study: no inconsistency to judge.")
    i2 = results["i2"]
    pi_crosses = _crosses(results.get("pi_low"), results.get("pi_high"), 0.0)
    rating = 2 if i2 >= I2_LIMITS[1] else (1 if i2 >= I2_LIMITS[0] or pi_crosses else 0)
    why = f"I\u00b2 = {i2:.0f}%"
    if results.get("pi_low") is not None:
        why += (
            "; the prediction interval " + ("crosses" if pi_crosses else "excludes") + " no effect"
        )
    return _proposal(rating, why + ".")


def _imprecision(results: Mapping[str, Any], mid: float | None) -> dict[str, Any]:
    low, high = results["ci_low"], results["ci_high"]
    crosses_null = _crosses(low, high, 0.0)
    if mid is None:
        rating = 1 if crosses_null else 0
        why = "The 95% CI " + ("includes" if crosses_null else "excludes") + " no effect"
        why += " (no minimal important difference set)."
        return _proposal(rating, why)
    # The MID is given on the analysis scale (log for ratios, see the page).
    both = low is not None and high is not None and low < -abs(mid) and high > abs(mid)
    crosses_mid = _crosses(low, high, abs(mid)) or _crosses(low, high, -abs(mid))
    rating = 2 if both else (1 if crosses_null or crosses_mid else 0)
    why = (
        f"The 95% CI ({fmt(low)} to {fmt(high)}) "
        + (
            "spans both an important benefit and harm"
            if both
            else "crosses no effect or the MID"
            if rating
            else "excludes no effect and the MID"
        )
        + f" (MID {fmt(abs(mid))})."
    )
    return _proposal(rating, why)


def _publication_bias(results: Mapping[str, Any]) -> dict[str, Any]:
    if not results.get("small_study_tests_run"):
        return _proposal(
            0, f"{results['k']} studies: too few for small-study tests (10 needed); not suspected."
        )
    p = results.get("egger_p")
    k0 = results.get("trimfill_k0") or 0
    rating = 1 if (p is not None and p < EGGER_ALPHA) else 0
    why = f"Egger's test p = {fmt(p, 3)}; trim-and-fill adds {k0} stud{'y' if k0 == 1 else 'ies'}."
    return _proposal(rating, why)


def start_level(designs: Mapping[str, str]) -> dict[str, Any]:
    """Where the certainty starts (GRADE Handbook 5.1): high for randomised trials, low when
    the studies pooled are non-randomised (cohort, case-control, before-after)."""
    found = [d for d in designs.values() if d in NON_RANDOMISED]
    if designs and len(found) == len(designs):
        return {"level": 2, "why": "Non-randomised studies only: certainty starts at low."}
    why = "Randomised trials: certainty starts at high."
    if found:
        why = (
            f"{len(found)} of {len(designs)} studies are non-randomised: certainty starts at "
            "high; judge their risk of bias (and consider analysing them apart)."
        )
    return {"level": 4, "why": why}


def _large_effect(results: Mapping[str, Any]) -> dict[str, Any]:
    # GRADE Handbook 5.2.1: RR above 2 (or below 0.5) large, above 5 (below 0.2) very large.
    if results["measure"] not in ("RR", "OR") or results.get("estimate") is None:
        return _proposal(None, "Not a ratio: judge whether the effect is large.")
    rr = math.exp(abs(results["estimate"]))
    rating = 2 if rr > LARGE_RATIO[1] else (1 if rr > LARGE_RATIO[0] else 0)
    shown = math.exp(results["estimate"])
    return _proposal(
        rating,
        f"{results['measure']} {fmt(shown)}: "
        + ("very large" if rating == 2 else "large" if rating else "not large")
        + " (more than 2-fold: large; 5-fold: very large).",
    )


def _upgrades(results: Mapping[str, Any], start: int) -> dict[str, Any]:
    if start == 4:
        none = _proposal(0, "Evidence that starts high is not rated up.")
        return dict.fromkeys(UPGRADE_KEYS, none)
    return {
        "large_effect": _large_effect(results),
        "dose_response": _proposal(
            None, "The pooled data cannot tell; judge from the studies' dose–effect gradients."
        ),
        "plausible_confounding": _proposal(
            None, "Judge whether plausible confounding would reduce the effect seen."
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
            None, "The data cannot tell; compare the studies' PICO with the question."
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
    return {"level": level, "label": LEVELS[level], "ratings": ratings, "start": start}


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
