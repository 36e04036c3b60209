from django import forms
from django.utils.translation import gettext_lazy as _

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
    inclusion_criteria = LinesField(
        required=False, label=_("Inclusion criteria"), help_text=_("One criterion per line.")
    )
    exclusion_criteria = LinesField(
        required=False, label=_("Exclusion criteria"), help_text=_("One criterion per line.")
    )

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
            "dedup_auto_threshold": _("Merge duplicates automatically at score"),
            "dedup_review_threshold": _("Ask a person about duplicates from score"),
        }


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Username or email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REVIEWER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ImportForm(forms.Form):
    # Empty files reach our own check, whose message names the file.
    file = forms.FileField(label=_("Export file"), allow_empty_file=True)
    database = forms.ChoiceField(
        label=_("Database"), choices=[("", _("Choose…")), *Database.choices]
    )
    interface = forms.CharField(
        max_length=100,
        required=False,
        label=_("Interface"),
        help_text=_("e.g. Ovid, Embase.com, EBSCOhost"),
    )
    search_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Date searched")
    )
    search_string = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Search string")
    )
    format = forms.ChoiceField(required=False, label=_("Format"))
    encoding = forms.ChoiceField(
        required=False,
        label=_("Encoding"),
        choices=[
            ("", _("Detect")),
            ("utf-8", "UTF-8"),
            ("utf-8-sig", _("UTF-8 with BOM")),
            ("utf-16", "UTF-16"),
            ("gb18030", _("GB18030 / GBK (Chinese)")),
            ("big5", _("Big5 (traditional Chinese)")),
            ("cp1252", "Windows-1252"),
            ("latin-1", "ISO-8859-1"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", _("Detect")), *format_choices()]
