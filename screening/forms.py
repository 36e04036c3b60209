from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from reviews.forms import LinesField
from reviews.models import Role


class StageSettingsForm(forms.Form):
    reviewers_required = forms.TypedChoiceField(
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        label=_("Reviewers per record"),
        help_text=_("How many reviewers decide each record before it is settled."),
    )
    blinded = forms.BooleanField(
        required=False,
        label=_("Blinded"),
        help_text=_(
            "Reviewers see neither the others' decisions nor their names until every "
            "required decision is in."
        ),
    )
    exclusion_reasons = LinesField(
        required=False,
        label=_("Exclusion reasons"),
        help_text=_("One per line; full-text exclusions must name one."),
    )
    include_terms = LinesField(
        required=False,
        label=_("Include terms"),
        help_text=_("Highlighted in green. One per line; end a term with * to match prefixes."),
    )
    exclude_terms = LinesField(
        required=False, label=_("Exclude terms"), help_text=_("Highlighted in red. One per line.")
    )
    prioritise = forms.BooleanField(
        required=False,
        label=_("Order by relevance"),
        help_text=_(
            "Once one record is settled as included and one as excluded, show the records "
            "most likely to be included first, learnt from the settled decisions."
        ),
    )
    # Left empty, they keep what they were (older forms and scripts do not send them).
    recall_target = forms.FloatField(
        required=False,
        min_value=0.5,
        max_value=0.999,
        label=_("Recall target"),
        help_text=_(
            "The share of the includes the stopping estimate asks to have found (0.95 = 95%)."
        ),
    )
    stopping_confidence = forms.FloatField(
        required=False,
        min_value=0.5,
        max_value=0.999,
        label=_("Stopping confidence"),
        help_text=_(
            "How sure the stopping estimate must be that the recall target is reached (0.95 = 95%)."
        ),
    )
    arbiter = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Arbiter"),
        empty_label=_("Leads only"),
        help_text=_("A reviewer who may resolve this stage's conflicts too (leads always can)."),
    )

    def clean(self):
        cleaned = super().clean()
        for field in ("recall_target", "stopping_confidence"):
            if cleaned.get(field) is None:
                cleaned.pop(field, None)
        return cleaned

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arbiter"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__review=review, memberships__role__in=[Role.LEAD, Role.REVIEWER]
            )
            .order_by("username")
        )
