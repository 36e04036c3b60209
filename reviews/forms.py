from django import forms

from reviews.models import Review, Role


class LinesField(forms.CharField):
    """A list of strings edited as a textarea, one item per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class ReviewForm(forms.ModelForm):
    inclusion_criteria = LinesField(required=False, help_text="One criterion per line.")
    exclusion_criteria = LinesField(required=False, help_text="One criterion per line.")

    class Meta:
        model = Review
        fields = [
            "title",
            "question",
            "population",
            "intervention",
            "comparator",
            "outcomes",
            "inclusion_criteria",
            "exclusion_criteria",
            "protocol_registration",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "intervention": forms.Textarea(attrs={"rows": 2}),
            "comparator": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
        }


class MemberAddForm(forms.Form):
    username = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
