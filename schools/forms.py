from django import forms
from django.utils.translation import gettext_lazy as _

from courses.progress import DONE, IN_PROGRESS, NOT_STARTED
from schools.dashboard import OVERDUE
from schools.models import CODE_ALPHABET, SchoolRequest, normalise_code
from schools.services import read_upload


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your school’s code"),
        max_length=20,
        help_text=_("It is on the letter or flyer from your school, for example 7KQ4-MX2P."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code or any(character not in CODE_ALPHABET for character in code):
            raise forms.ValidationError(
                _("Codes use only letters and the numbers 2 to 9. Please check it and try again.")
            )
        return code


class SchoolRequestForm(forms.ModelForm):
    class Meta:
        model = SchoolRequest
        fields = ["school_name", "town", "role", "message"]
        widgets = {
            "school_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "role": _("For example: deputy principal, office manager, teacher in charge of digital safety."),
            "message": _("Optional. For example, a school phone number we can call to check."),
        }


class InviteForm(forms.Form):
    rows = forms.CharField(
        label=_("Families to invite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("One family a line: email, then a name and a cohort if you like. For example: "
                    "aroha@example.nz, Aroha Smith, Year 7 2027"),
    )  # fmt: skip
    upload = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("Columns: email, name, cohort. A header row is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("rows") or ""
        upload = cleaned.get("upload")
        if upload:
            try:
                text = "\n".join(part for part in (text, read_upload(upload)) if part)
            except ValueError as problem:
                self.add_error("upload", str(problem))
                return cleaned
        if not text.strip() and not self.errors:
            self.add_error("rows", _("Add at least one email address, or upload a file."))
        cleaned["text"] = text
        return cleaned


STATUS_CHOICES = [
    ("", _("Any status")),
    (DONE, _("Completed")),
    (IN_PROGRESS, _("In progress")),
    (NOT_STARTED, _("Not started")),
    (OVERDUE, _("Overdue")),
]
SORT_CHOICES = [
    ("name", _("Name")),
    ("email", _("Email")),
    ("cohort", _("Cohort")),
    ("-progress", _("Most progress first")),
    ("progress", _("Least progress first")),
    ("due", _("Due date")),
]


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string."""

    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=200)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None, required=False, empty_label=_("All cohorts"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = school.cohorts.all()
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        """The valid filters, ignoring any that are not."""
        data = self.cleaned_data if self.is_valid() else {}
        cohort = data.get("cohort")
        return {
            "search": data.get("q") or "",
            "cohort": cohort.pk if cohort else None,
            "status": data.get("status") or "",
            "sort": data.get("sort") or "name",
        }


class FamilyChoiceForm(forms.Form):
    """Which families to remind: chosen ones, or everyone not finished."""

    families = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args, family_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["families"].choices = [(pk, pk) for pk in family_ids]


class CohortForm(forms.Form):
    """Add a cohort, or change the due date of one, by its name."""

    name = forms.CharField(label=_("Cohort name"), max_length=100, help_text=_("For example “Year 7 2027”."))
    due = forms.DateField(
        label=_("Finish the course by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. Families in the cohort see this date on “My learning”."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the cohort a name."))
        return name
