from django import forms

from reviews.importers.formats import format_choices
from reviews.models import REVIEW_DETAILS, REVIEW_SETTINGS, Database, Review, Role


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
        fields = list(REVIEW_DETAILS)
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "intervention": forms.Textarea(attrs={"rows": 2}),
            "comparator": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
        }


class ReviewSettingsForm(ReviewForm):
    """The review's details plus the settings a lead tunes once work has started."""

    class Meta(ReviewForm.Meta):
        fields = [*REVIEW_DETAILS, *REVIEW_SETTINGS]
        labels = {
            "dedup_auto_threshold": "Merge duplicates automatically at score",
            "dedup_review_threshold": "Ask a person about duplicates from score",
        }


class MemberAddForm(forms.Form):
    username = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ImportForm(forms.Form):
    # Empty files reach our own check, whose message names the file.
    file = forms.FileField(label="Export file", allow_empty_file=True)
    database = forms.ChoiceField(choices=[("", "Choose…"), *Database.choices])
    interface = forms.CharField(
        max_length=100, required=False, help_text="e.g. Ovid, Embase.com, EBSCOhost"
    )
    search_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date searched"
    )
    search_string = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Search string"
    )
    format = forms.ChoiceField(required=False, label="Format")
    encoding = forms.ChoiceField(
        required=False,
        label="Encoding",
        choices=[
            ("", "Detect"),
            ("utf-8", "UTF-8"),
            ("utf-8-sig", "UTF-8 with BOM"),
            ("utf-16", "UTF-16"),
            ("gb18030", "GB18030 / GBK (Chinese)"),
            ("big5", "Big5 (traditional Chinese)"),
            ("cp1252", "Windows-1252"),
            ("latin-1", "ISO-8859-1"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", "Detect"), *format_choices()]
