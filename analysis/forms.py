"""The plan form of the analysis pages (`analysis.services` checks the values again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from analysis.models import MEASURES, METHODS, AnalysisPlan
from extraction.definitions import shown


class PlanForm(forms.Form):
    outcome_timepoint = forms.ChoiceField(label=_("Outcome and time point"))
    name = forms.CharField(label=_("Name"), max_length=100, initial="Main analysis")
    measure = forms.ChoiceField(label=_("Measure"), choices=[(m, m) for m in MEASURES])
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(m, m) for m in METHODS],
        initial="REML",
        help_text=_("FE common effect; DL, REML, PM … random effects (τ² estimator); MH, PETO."),
    )
    test = forms.ChoiceField(label=_("Test"), choices=AnalysisPlan.Test.choices, initial="z")
    subgroup = forms.ChoiceField(label=_("Subgroup"), required=False)
    filter_field = forms.ChoiceField(
        required=False, label=_("Only studies whose field"), help_text=_("None: all studies.")
    )
    filter_values = forms.CharField(
        required=False,
        label=_("is one of"),
        help_text=_("Values as extracted, separated by commas, e.g. random, alternate"),
    )
    leave_one_out = forms.BooleanField(label=_("Leave one out"), required=False, initial=True)
    exclude_high_rob = forms.BooleanField(required=False, label=_("Excluding high risk of bias"))
    compare_models = forms.BooleanField(
        required=False, initial=True, label=_("Common vs random effects")
    )
    r_values = forms.CharField(
        required=False,
        label=_("Other within-person correlations"),
        help_text=_("e.g. 0.2, 0.8 (paired designs only)"),
    )
    small_study = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Small-study checks (funnel; Egger, Begg at k ≥ 10)"),
    )

    def __init__(self, *args, outcomes=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_timepoint"].choices = [
            (f"{o.key}|{t}", f"{o.name} — {t}" if t else o.name)
            for o in outcomes
            for t in o.timepoints
        ]
        self.fields["subgroup"].choices = [
            ("", _("None")),
            ("design", _("Design")),
            ("rob", _("Risk-of-bias judgement")),
            *((f"field:{f['key']}", shown(f["label"])) for f in fields),
        ]

        self.fields["filter_field"].choices = [
            ("", _("None")),
            *((f["key"], shown(f["label"])) for f in fields),
        ]

    def clean(self):
        data = super().clean()
        if data.get("filter_field") and not _values(data.get("filter_values")):
            self.add_error("filter_values", _("Give the values of the studies to keep."))
        return data

    def plan_data(self) -> dict:
        data = dict(self.cleaned_data)
        key, values = data.pop("filter_field"), _values(data.pop("filter_values"))
        data["study_filter"] = {key: values} if key else {}
        outcome, _, timepoint = data.pop("outcome_timepoint").partition("|")
        text = data.pop("r_values") or ""
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            data["r_values"] = [float(p) for p in parts]
        except ValueError:
            data["r_values"] = parts  # the service names the field
        return {**data, "outcome": outcome, "timepoint": timepoint}


def _values(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def filter_initial(study_filter: dict) -> dict:
    """The form's two filter fields from a plan's filter (the form sets one field; a filter
    of several fields, set through the API, shows its first)."""
    for key, values in study_filter.items():
        return {"filter_field": key, "filter_values": ", ".join(str(v) for v in values)}
    return {}
