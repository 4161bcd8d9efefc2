"""The family plan's forms: a conversation starter, the per-app checklist and the trusted adults."""

from collections.abc import Mapping

from django import forms
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from courses import plans
from courses.models import AppGuide

SETTINGS_PREFIX = "settings-"


class StarterForm(forms.Form):
    """One "Try saying" line, as the lesson's button sends it (Django refuses NUL bytes and overlong text)."""

    text = forms.CharField(max_length=1000)


class ChecklistForm(forms.Form):
    """Which apps the family uses and, for each one chosen, the settings checked so far.

    Each chosen app's settings are a field of their own, so they render as a fieldset with the
    app's name as its legend. Settings sent for an app that is not ticked are left out: unticking
    an app takes it, and its ticks, out of the plan.
    """

    apps = forms.MultipleChoiceField(
        label=_("Which apps and games does your child use?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick them and save. Each app’s settings then appear below, ready to tick off."),
        error_messages={
            "invalid_choice": _("One of the apps you ticked is no longer on our checklist. Please look again and save.")
        },
    )

    def __init__(self, data=None, *, guides: list[AppGuide], saved: Mapping[str, set[str]]):
        initial = {"apps": list(saved)} | {SETTINGS_PREFIX + slug: sorted(done) for slug, done in saved.items()}
        super().__init__(data, initial=initial)
        self.guides = guides
        self.fields["apps"].choices = [(guide.slug, guide.name) for guide in guides]
        chosen = set(data.getlist("apps")) if data is not None else set(saved)
        for guide in guides:
            if guide.slug in chosen and guide.setting_list:
                self.fields[SETTINGS_PREFIX + guide.slug] = forms.MultipleChoiceField(
                    label=guide.name,
                    required=False,
                    choices=[(setting, setting) for setting in guide.setting_list],
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_settings_help(guide),
                    error_messages={
                        "invalid_choice": _(
                            "One of these settings has changed on our checklist since you opened this page. "
                            "Please look again and save."
                        )
                    },
                )

    def settings_fields(self) -> list[forms.BoundField]:
        """The chosen apps' settings, one fieldset each, in the checklist's order."""
        return [self[name] for name in self.fields if name.startswith(SETTINGS_PREFIX)]

    def picks(self) -> tuple[list[str], dict[str, list[str]]]:
        """The chosen app slugs and, by slug, the settings ticked for each."""
        apps = self.cleaned_data["apps"]
        ticks = {slug: self.cleaned_data.get(SETTINGS_PREFIX + slug, []) for slug in apps}
        return apps, ticks


class TrustedAdultsForm(forms.Form):
    trusted_adults = forms.CharField(
        label=_("Your family’s trusted adults"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in here, in the language of the request, rather than once when the module loads.
        self.fields["trusted_adults"].help_text = _(
            "One person per line, up to %(count)d. Add how your child can reach them if you like, "
            "for example: Aunty Mere, 021 123 4567."
        ) % {"count": plans.MAX_TRUSTED_ADULTS}

    def clean_trusted_adults(self) -> list[str]:
        names = plans.tidy_names(self.cleaned_data["trusted_adults"].splitlines())
        if len(names) > plans.MAX_TRUSTED_ADULTS:
            raise forms.ValidationError(
                _("Please name up to %(count)d people: a short list is easier for your child to remember."),
                params={"count": plans.MAX_TRUSTED_ADULTS},
            )
        if any(len(name) > plans.MAX_TRUSTED_ADULT_LENGTH for name in names):
            raise forms.ValidationError(
                _("Please keep each line to %(count)d characters or fewer."),
                params={"count": plans.MAX_TRUSTED_ADULT_LENGTH},
            )
        return names


def _settings_help(guide: AppGuide) -> str:
    tick = _("Tick each setting once you and your child have checked it.")
    if not guide.checked_on:
        return tick
    checked = _("We last checked these settings in %(app)s on %(date)s.") % {
        "app": escape(guide.name),
        "date": date_format(guide.checked_on, "j F Y"),
    }
    return f"{tick} {checked}"
