"""The form's definition: its normal form, the default template, and the checks that name the
field or outcome at fault."""

import pytest
from django.core.exceptions import ValidationError

from extraction.definitions import default_definition, definition_clean


def test_the_default_template_covers_pico_and_design():
    keys = [f["key"] for f in default_definition()["fields"]]
    for key in ("country", "setting", "population", "intervention", "comparator", "follow_up"):
        assert key in keys
    assert default_definition()["outcomes"] == []


def test_a_definition_is_normalised():
    clean = definition_clean(
        {
            "fields": [{"key": "country", "label": " Country "}],
            "outcomes": [{"key": "pain", "name": "Pain", "timepoints": [" 1 week ", ""]}],
        }
    )
    assert clean == {
        "fields": [
            {
                "key": "country",
                "label": "Country",
                "type": "text",
                "required": False,
                "help": "",
                "choices": [],
            }
        ],
        "outcomes": [
            {
                "key": "pain",
                "name": "Pain",
                "type": "continuous",
                "unit": "",
                "direction": "higher_better",
                "timepoints": ["1 week"],
                "primary": False,
            }
        ],
    }


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"fields": [{"key": "Country", "label": "C"}]}, "Field 1: key “Country” must start"),
        (
            {"fields": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]},
            "Field 2: key “a” is used twice",
        ),
        ({"fields": [{"key": "a", "label": "A", "type": "colour"}]}, "type “colour” is not"),
        ({"fields": [{"key": "a", "label": "A", "type": "choice"}]}, "needs choices"),
        ({"fields": [{"key": "a"}]}, "Field “a”: “label” is required"),
        ({"outcomes": [{"key": "pain", "name": "Pain"}]}, "Outcome “pain”: give at least one"),
        (
            {"outcomes": [{"key": "pain", "name": "Pain", "timepoints": ["1 w", "1 w"]}]},
            "“1 w” appears twice in time points",
        ),
        (
            {"outcomes": [{"key": "pain", "name": "Pain", "type": "ordinal", "timepoints": ["x"]}]},
            "type “ordinal” is not continuous or dichotomous",
        ),
        ({"sections": []}, "A form definition has no “sections”"),
    ],
)
def test_a_wrong_definition_names_the_field_or_outcome(definition, message):
    with pytest.raises(ValidationError) as caught:
        definition_clean(definition)
    assert message in caught.value.messages[0]
