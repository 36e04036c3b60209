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


def test_randomised_evidence_starts_high_and_is_not_rated_up(results):
    designs = {row["study"]: "parallel" for row in results["studies"]}
    proposals = grade.grade_proposals(results, mid=None, designs=designs)
    assert proposals["start"]["level"] == 4
    assert {proposals[k]["rating"] for k in grade.UPGRADE_KEYS} == {0}
    judged = {"dose_response": {"rating": 1, "reason": "x"}}
    # I2 = 92% (very serious) from high: low, whatever is judged for upgrading.
    assert grade.certainty(proposals, judged)["label"] == "Low"


def test_non_randomised_evidence_starts_low_and_a_large_effect_rates_it_up(results):
    designs = {row["study"]: "cohort" for row in results["studies"]}
    proposals = grade.grade_proposals(results, mid=None, designs=designs)
    assert proposals["start"]["level"] == 2
    # Pooled RR 0.49: more than a two-fold reduction, less than five-fold.
    assert proposals["large_effect"]["rating"] == 1
    assert proposals["dose_response"]["rating"] is None
    # Low, down two (I2 = 92%), up one: very low (never below).
    assert grade.certainty(proposals, {})["label"] == "Very low"
    judged = {
        "inconsistency": {"rating": 0, "reason": "explained by latitude"},
        "dose_response": {"rating": 1, "reason": "gradient with latitude"},
    }
    assert grade.certainty(proposals, judged)["label"] == "High"  # 2 - 0 + 1 + 1


def test_a_mix_of_designs_starts_high_and_says_so(results):
    studies = [row["study"] for row in results["studies"]]
    designs = dict.fromkeys(studies, "parallel") | {studies[0]: "case_control"}
    start = grade.grade_proposals(results, mid=None, designs=designs)["start"]
    assert start["level"] == 4 and "1 of 13 studies are non-randomised" in start["why"]


def test_cohort_studies_in_the_snapshot_start_low_and_upgrades_need_a_reason(review, lead):
    from analysis.demo_bcg import FORM, bcg_extraction_csv, bcg_plan
    from analysis.views_grade import grade_summary
    from extraction import locking
    from extraction import services as extraction_services
    from extraction.importer import extraction_import

    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    content = bcg_extraction_csv().replace(b",parallel,", b",cohort,")
    extraction_import(lead=lead, review=review, file_name="bcg.csv", content=content)
    locking.extraction_lock(lead=lead, review=review)
    plan = bcg_plan(lead=lead, review=review)
    bcg_run_here(lead=lead, plan=plan)
    summary = grade_summary(plan)
    assert summary["proposals"]["start"]["level"] == 2
    assert summary["certainty"]["start"] == 2
    with pytest.raises(ValidationError, match="Say why"):
        services.grade_update(
            lead=lead, plan=plan, data={"domains": {"large_effect": {"rating": 2}}}
        )
    services.grade_update(
        lead=lead,
        plan=plan,
        data={"domains": {"large_effect": {"rating": 2, "reason": "RR 0.2 in most trials"}}},
    )
    assert grade_summary(plan)["certainty"]["ratings"]["large_effect"] == 2
