"""GRADE proposals from a run's results, the lead's overrides with reasons, and the
summary-of-findings rows."""

import json

import pytest
from django.core.exceptions import ValidationError

from analysis import engine, grade, services
from analysis.demo_bcg import bcg_run_here
from extraction.snapshots import snapshot_latest


@pytest.fixture
def results(plan, lead):
    return json.loads(bcg_run_here(lead=lead, plan=plan).results)


def test_proposals_follow_the_bcg_data(results):
    proposals = grade.grade_proposals(results, mid=None)
    # I2 = 92%: very serious inconsistency.
    assert proposals["inconsistency"]["rating"] == 2
    assert "I\u00b2 = 92%" in proposals["inconsistency"]["why"]
    # The CI (RR 0.34 to 0.70) excludes no effect.
    assert proposals["imprecision"]["rating"] == 0
    # 13 studies: the tests ran; Egger's p for dat.bcg is about 0.19 (not suspected).
    assert results["small_study_tests_run"]
    assert proposals["publication_bias"]["rating"] == 0
    # No judgements yet, no data on indirectness: the lead judges.
    assert proposals["risk_of_bias"]["rating"] is None
    assert proposals["indirectness"]["rating"] is None


def test_imprecision_against_a_minimal_important_difference(results):
    # On the log scale the CI is about -1.08 to -0.36: an MID of 0.5 lies inside it.
    assert grade.grade_proposals(results, mid=0.5)["imprecision"]["rating"] == 1
    assert grade.grade_proposals(results, mid=0.2)["imprecision"]["rating"] == 0


def test_risk_of_bias_from_the_share_of_weight_at_high_risk(plan, locked):
    spec = plan.spec()
    snapshot = snapshot_latest(locked)
    heavy = {"TPT Madras 1980": "high", "Comstock et al 1974": "high", "Aronson 1948": "low"}
    results, _ = engine.run_analysis(snapshot, spec, heavy)
    share = sum(
        s["weight"]
        for s in results["studies"]
        if s["study"] in heavy and heavy[s["study"]] == "high"
    )
    proposal = grade.grade_proposals(results, mid=None)["risk_of_bias"]
    assert f"{share / 100:.0%}" in proposal["why"]
    assert proposal["rating"] == (2 if share >= 50 else 1 if share >= 25 else 0)


def test_a_lead_overrides_only_with_a_reason(plan, lead, results):
    with pytest.raises(ValidationError, match="Say why"):
        services.grade_update(
            lead=lead, plan=plan, data={"domains": {"inconsistency": {"rating": 1}}}
        )
    assessment = services.grade_update(
        lead=lead,
        plan=plan,
        data={
            "domains": {
                "inconsistency": {"rating": 1, "reason": "Explained by latitude."},
                "indirectness": {"rating": 0},
            },
            "assumed_control_risk": 0.01,
        },
    )
    level = grade.certainty(grade.grade_proposals(results, mid=None), assessment.domains)
    # High (4) minus serious inconsistency (1): moderate.
    assert level["label"] == "Moderate"


def test_absolute_effects_from_the_assumed_control_risk(results):
    absolute = grade.absolute_effects(results, 0.01)
    assert absolute["control_per_1000"] == 10
    assert absolute["intervention_per_1000"]["estimate"] == 5  # 0.489 x 10 per 1000
    assert grade.absolute_effects(results, None) == {}
