"""The plan form of the analysis pages (`analysis.services` checks the values again)."""

from django import forms

from analysis.models import MEASURES, METHODS, AnalysisPlan


class PlanForm(forms.Form):
    outcome_timepoint = forms.ChoiceField(label="Outcome and time point")
    name = forms.CharField(max_length=100, initial="Main analysis")
    measure = forms.ChoiceField(choices=[(m, m) for m in MEASURES])
    method = forms.ChoiceField(
        choices=[(m, m) for m in METHODS],
        initial="REML",
        help_text="FE common effect; DL, REML, PM … random effects (τ² estimator); MH, PETO.",
    )
    test = forms.ChoiceField(choices=AnalysisPlan.Test.choices, initial="z")
    subgroup = forms.ChoiceField(required=False)
    leave_one_out = forms.BooleanField(required=False, initial=True)
    exclude_high_rob = forms.BooleanField(required=False, label="Excluding high risk of bias")
    compare_models = forms.BooleanField(
        required=False, initial=True, label="Common vs random effects"
    )
    r_values = forms.CharField(
        required=False,
        label="Other within-person correlations",
        help_text="e.g. 0.2, 0.8 (paired designs only)",
    )
    small_study = forms.BooleanField(
        required=False, initial=True, label="Small-study checks (funnel; Egger, Begg at k ≥ 10)"
    )

    def __init__(self, *args, outcomes=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_timepoint"].choices = [
            (f"{o.key}|{t}", f"{o.name} — {t}" if t else o.name)
            for o in outcomes
            for t in o.timepoints
        ]
        self.fields["subgroup"].choices = [
            ("", "None"),
            ("design", "Design"),
            ("rob", "Risk-of-bias judgement"),
            *((f"field:{f['key']}", f["label"]) for f in fields),
        ]

    def plan_data(self) -> dict:
        data = dict(self.cleaned_data)
        outcome, _, timepoint = data.pop("outcome_timepoint").partition("|")
        text = data.pop("r_values") or ""
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            data["r_values"] = [float(p) for p in parts]
        except ValueError:
            data["r_values"] = parts  # the service names the field
        return {**data, "outcome": outcome, "timepoint": timepoint}
