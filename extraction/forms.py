"""Forms of the extraction pages: the form builder (fields, outcomes, settings) and adding or
editing a study. `extraction.definitions` checks the definition they produce."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from extraction.definitions import DIRECTIONS, FIELD_TYPES, OUTCOME_TYPES
from extraction.models import Design
from reviews.models import Review, Role


def _key(value: str, fallback: str) -> str:
    key = value.strip() or slugify(fallback).replace("-", "_")[:60]
    return key if not key or key[0].isalpha() else f"x_{key}"


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


class FieldForm(forms.Form):
    key = forms.CharField(
        required=False, max_length=64, help_text="Stable name; made from the label if empty."
    )
    label = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=list(FIELD_TYPES.items()), initial="text")
    required = forms.BooleanField(required=False)
    help = forms.CharField(required=False, max_length=500)
    choices = forms.CharField(required=False, help_text="For choice fields, separated by ;")

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "key": _key(data["key"], data["label"]),
            "label": data["label"],
            "type": data["type"],
            "required": data["required"],
            "help": data["help"],
            "choices": _names(data["choices"]),
        }


class OutcomeForm(forms.Form):
    key = forms.CharField(required=False, max_length=64)
    name = forms.CharField(max_length=200)
    type = forms.ChoiceField(choices=list(OUTCOME_TYPES.items()), initial="continuous")
    unit = forms.CharField(required=False, max_length=50)
    direction = forms.ChoiceField(choices=list(DIRECTIONS.items()), initial="higher_better")
    timepoints = forms.CharField(help_text="Separated by ;, e.g. 3 months; 6 months")
    primary = forms.BooleanField(required=False)

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "key": _key(data["key"], data["name"]),
            "name": data["name"],
            "type": data["type"],
            "unit": data["unit"],
            "direction": data["direction"],
            "timepoints": _names(data["timepoints"]),
            "primary": data["primary"],
        }


FieldFormSet = forms.formset_factory(FieldForm, extra=2, can_delete=True)
OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=2, can_delete=True)


def as_initial(definition: dict) -> tuple[list[dict], list[dict]]:
    fields = [{**f, "choices": "; ".join(f["choices"])} for f in definition["fields"]]
    outcomes = [{**o, "timepoints": "; ".join(o["timepoints"])} for o in definition["outcomes"]]
    return fields, outcomes


def definition_from(fields: forms.BaseFormSet, outcomes: forms.BaseFormSet) -> dict:
    def kept(formset):
        # Blank extra rows have no cleaned data; deleted rows are ticked DELETE.
        return [
            form.item()
            for form in formset
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    return {"fields": kept(fields), "outcomes": kept(outcomes)}


class SettingsForm(forms.Form):
    extractors_required = forms.TypedChoiceField(
        choices=[(1, "1 (one extractor)"), (2, "2 (dual, blinded)")], coerce=int, initial=2
    )
    assumed_r = forms.FloatField(
        min_value=-1,
        max_value=1,
        label="Assumed within-person correlation",
        help_text="Used for paired designs (split-face, crossover, before–after) whose report "
        "gives no r.",
    )
    arbiter = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="A reviewer who builds consensus too (leads always can).",
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arbiter"].queryset = get_user_model().objects.filter(
            memberships__review=review, memberships__role=Role.REVIEWER
        )


class StudyForm(forms.Form):
    label = forms.CharField(max_length=100, help_text="e.g. Smith 2020")
    design = forms.ChoiceField(choices=[("", "Not set yet"), *Design.choices], required=False)
    citation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for a study added by hand.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, one row per study × outcome × time point × arm.")
    replace = forms.BooleanField(
        required=False, help_text="Replace the consensus data of studies that already have some."
    )
