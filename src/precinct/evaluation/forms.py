"""The form of a change to evaluate: it parses input; the service decides what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from precinct.evaluation.models import Intervention
from precinct.evaluation.outcomes import OUTCOMES


class InterventionForm(forms.Form):
    """A dated change and where it applies (its precincts, or a post whose walking reach
    decides them)."""

    kind = forms.ChoiceField(label=_("Kind of change"), choices=Intervention.Kind.choices)
    name = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput({"type": "date"}))
    state = forms.ChoiceField(
        label=_("State"), choices=Intervention.State.choices, initial="in_effect"
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    precincts = forms.ModelMultipleChoiceField(
        label=_("Precincts where it applies"), queryset=None, required=False,
        help_text=_("Leave empty for a post: the precincts it brings within walking reach."),
    )  # fmt: skip
    post = forms.ModelChoiceField(label=_("Post"), queryset=None, required=False)
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes to estimate"), widget=forms.CheckboxSelectMultiple,
        choices=[(o.code, o.label) for o in OUTCOMES.values()], initial=list(OUTCOMES),
    )  # fmt: skip

    def __init__(self, *args, departments=None, precincts=None, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["precincts"].queryset = precincts
        self.fields["post"].queryset = posts

    def request(self) -> dict:
        """The service's keyword arguments."""
        d = self.cleaned_data
        return {
            "kind": d["kind"], "name": d["name"], "name_kk": d["name_kk"],
            "name_en": d["name_en"], "starts_on": d["starts_on"], "state": d["state"],
            "department_id": d["department"].pk,
            "precinct_ids": [p.pk for p in d["precincts"]],
            "post_id": d["post"].pk if d["post"] else None, "outcomes": d["outcomes"],
        }  # fmt: skip
