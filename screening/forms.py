from django import forms

from reviews.forms import LinesField


class StageSettingsForm(forms.Form):
    reviewers_required = forms.TypedChoiceField(
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        label="Reviewers per record",
        help_text="How many reviewers decide each record before it is settled.",
    )
    blinded = forms.BooleanField(
        required=False,
        label="Blinded",
        help_text="Reviewers see neither the others' decisions nor their names until every "
        "required decision is in.",
    )
    exclusion_reasons = LinesField(
        required=False, help_text="One per line; full-text exclusions must name one."
    )
    include_terms = LinesField(
        required=False,
        help_text="Highlighted in green. One per line; end a term with * to match prefixes.",
    )
    exclude_terms = LinesField(required=False, help_text="Highlighted in red. One per line.")
