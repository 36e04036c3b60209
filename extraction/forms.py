"""Forms of the extraction pages: the form builder (fields, outcomes, settings) and adding or
editing a study. `extraction.definitions` checks the definition they produce."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

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
        label=_("Key"),
        required=False,
        max_length=64,
        help_text=_("Stable name; made from the label if empty."),
    )
    label = forms.CharField(label=_("Label"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=list(FIELD_TYPES.items()), initial="text")
    required = forms.BooleanField(label=_("Required"), required=False)
    help = forms.CharField(label=_("Help"), required=False, max_length=500)
    choices = forms.CharField(
        label=_("Choices"), required=False, help_text=_("For choice fields, separated by ;")
    )

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
    key = forms.CharField(label=_("Key"), required=False, max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), choices=list(OUTCOME_TYPES.items()), initial="continuous"
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=50)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=list(DIRECTIONS.items()), initial="higher_better"
    )
    timepoints = forms.CharField(
        label=_("Time points"), help_text=_("Separated by ;, e.g. 3 months; 6 months")
    )
    primary = forms.BooleanField(label=_("Primary"), required=False)

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
        label=_("Extractors required"),
        choices=[(1, _("1 (one extractor)")), (2, _("2 (dual, blinded)"))],
        coerce=int,
        initial=2,
    )
    assumed_r = forms.FloatField(
        min_value=-1,
        max_value=1,
        label=_("Assumed within-person correlation"),
        help_text=_(
            "Used for paired designs (split-face, crossover, before–after) whose report gives no r."
        ),
    )
    arbiter = forms.ModelChoiceField(
        label=_("Arbiter"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("A reviewer who builds consensus too (leads always can)."),
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arbiter"].queryset = get_user_model().objects.filter(
            memberships__review=review, memberships__role=Role.REVIEWER
        )


class StudyForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, help_text=_("e.g. Smith 2020"))
    design = forms.ChoiceField(
        label=_("Design"), choices=[("", _("Not set yet")), *Design.choices], required=False
    )
    citation = forms.CharField(
        label=_("Citation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for a study added by hand."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX, one row per study × outcome × time point × arm."),
    )
    replace = forms.BooleanField(
        label=_("Replace"),
        required=False,
        help_text=_("Replace the consensus data of studies that already have some."),
    )
