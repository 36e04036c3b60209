"""Checking values as typed: every message names the study, the outcome, the time point, the
arm and the number at fault."""

import pytest
from django.core.exceptions import ValidationError

from extraction.values import Where, field_value_clean, outcome_row_clean

WHERE = Where("Lee 2019", "Acne scar score", "3 months", "Fat graft")


def clean(fmt, typed, **kwargs):
    return outcome_row_clean(
        where=WHERE,
        outcome_type=kwargs.pop("outcome_type", "continuous"),
        fmt=fmt,
        typed=typed,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("fmt", "typed", "message"),
    [
        ("mean_sd", {"n": "30", "mean": "2.1", "sd": "0"}, "SD: must be greater than 0 (got 0)"),
        ("mean_sd", {"n": "30", "mean": "2.1", "sd": "-1"}, "SD: must be greater than 0"),
        ("mean_se", {"n": "30", "mean": "2.1", "se": "0"}, "SE: must be greater than 0"),
        ("mean_sd", {"n": "31", "mean": "2", "sd": "1"}, "n: 31 is more than the arm's 30"),
        ("mean_sd", {"n": "2.5", "mean": "2", "sd": "1"}, "n: 2.5 is not a whole number"),
        ("mean_sd", {"n": "30", "mean": "2,1", "sd": "1"}, "use a point for decimals"),
        ("events_total", {"events": "12", "n": "10"}, "Events: 12 events exceed the total of 10"),
        ("events_total", {"events": "-1", "n": "10"}, "Events: must not be negative"),
        (
            "median_iqr",
            {"n": "30", "median": "2", "q1": "3", "q3": "4"},
            "Median: 2 is below Q1 3 (expected min ≤ Q1 ≤ median ≤ Q3 ≤ max)",
        ),
        (
            "median_iqr_range",
            {"n": "30", "median": "2", "q1": "1", "q3": "3", "min": "0", "max": "2.5"},
            "Max: 2.5 is below Q3 3",
        ),
        ("mean_ci", {"n": "30", "mean": "2", "ci_low": "3", "ci_high": "1"}, "95% CI upper"),
        ("mean_ci", {"n": "30", "mean": "5", "ci_low": "1", "ci_high": "3"}, "lies outside"),
        ("paired", {"r": "1.2"}, "r: a correlation lies between -1 and 1 (got 1.2)"),
        ("mean_sd", {"median": "3"}, "Median: not part of the format “mean_sd”"),
    ],
)
def test_wrong_numbers_are_refused_with_study_outcome_arm_and_number(fmt, typed, message):
    outcome_type = "dichotomous" if fmt == "events_total" else "continuous"
    with pytest.raises(ValidationError) as caught:
        clean(fmt, typed, arm_n=30, outcome_type=outcome_type)
    text = caught.value.messages[0]
    assert text.startswith("Lee 2019 · Acne scar score at 3 months · Fat graft · ")
    assert message in text


def test_a_partial_row_is_kept_with_what_is_missing_until_it_must_be_complete():
    row = clean("mean_sd", {"n": "30", "mean": "2.1"})
    assert row.missing == ["sd"]
    assert row.reported == {"n": "30", "mean": "2.1"}
    assert row.analysable.mean is None
    with pytest.raises(ValidationError, match="SD: missing"):
        clean("mean_sd", {"n": "30", "mean": "2.1"}, complete=True)


def test_numbers_are_kept_as_typed_and_converted_with_their_method():
    row = clean("mean_se", {"n": "25", "mean": "3.40", "se": "0.2"})
    assert row.reported == {"n": "25", "mean": "3.40", "se": "0.2"}
    assert row.analysable.sd == pytest.approx(1.0)
    assert "SE × √n" in row.analysable.method


def test_a_skewed_median_is_left_unconverted_with_the_reason():
    row = clean("median_range", {"n": "50", "median": "1", "min": "0", "max": "40"})
    assert row.complete
    assert row.analysable.mean is None and row.analysable.sd is None
    assert "skewed" in row.analysable.unconverted


def test_a_format_of_the_other_outcome_type_is_refused():
    with pytest.raises(ValidationError, match="not a dichotomous format"):
        clean("mean_sd", {"n": "3"}, outcome_type="dichotomous")


FIELD = {"label": "Sessions", "type": "integer", "choices": []}


@pytest.mark.parametrize(
    ("spec", "typed", "stored"),
    [
        ({"label": "Country", "type": "text"}, " China ", "China"),
        (FIELD, "3", 3),
        ({"label": "Dose", "type": "number"}, "2.5", 2.5),
        ({"label": "Type", "type": "choice", "choices": ["SVF", "ReCell"]}, "SVF", "SVF"),
        ({"label": "Types", "type": "multi_choice", "choices": ["A", "B"]}, ["A", "B"], ["A", "B"]),
        ({"label": "Types", "type": "multi_choice", "choices": ["A", "B"]}, "A; B", ["A", "B"]),
        ({"label": "Start", "type": "date"}, "2020-03-01", "2020-03-01"),
        ({"label": "Funded", "type": "yes_no"}, "yes", True),
        ({"label": "Funded", "type": "yes_no"}, "否", False),
        (FIELD, "", None),
    ],
)
def test_field_values_are_stored_in_their_type(spec, typed, stored):
    assert field_value_clean(spec, typed, Where("Lee 2019")) == stored


@pytest.mark.parametrize(
    ("spec", "typed", "message"),
    [
        (FIELD, "three", "Lee 2019 · Sessions: “three” is not a number"),
        (FIELD, "2.5", "Lee 2019 · Sessions: 2.5 is not a whole number"),
        (
            {"label": "Type", "type": "choice", "choices": ["SVF"]},
            "PRP",
            "“PRP” is not one of: SVF",
        ),
        ({"label": "Start", "type": "date"}, "March", "“March” is not a date (YYYY-MM-DD)"),
        ({"label": "Funded", "type": "yes_no"}, "maybe", "“maybe” is not yes or no"),
    ],
)
def test_wrong_field_values_name_the_study_and_the_field(spec, typed, message):
    with pytest.raises(ValidationError) as caught:
        field_value_clean(spec, typed, Where("Lee 2019"))
    assert message in caught.value.messages[0]
