"""Forms of the planners' pages: they parse input; the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from precinct.planning.models import Settlement


class ScenarioForm(forms.Form):
    """A siting request: k new posts, or the fewest posts for a target share."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    minutes = forms.FloatField(label=_("Walking time, minutes"), initial=15)
    k = forms.IntegerField(label=_("New posts (k)"), required=False, initial=5)
    target_share = forms.FloatField(
        label=_("…or target share of residents within reach (0–1)"), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("Everyone")
    )
    candidates = forms.FileField(
        label=_("Candidate sites (CSV: lon,lat or osm_ref; empty: every street node)"),
        required=False,
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def candidates_text(self) -> str | None:
        upload = self.cleaned_data.get("candidates")
        if not upload:
            return None
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("candidates", _("The file must be UTF-8 text (CSV)."))
            return None


class StaffingUploadForm(forms.Form):
    """A staff return: department,inspectors[,settlement][,as_of]."""

    file = forms.FileField(label=_("CSV file"))
    source = forms.CharField(label=_("Source of the figures"), max_length=200, required=False)


class NormForm(forms.Form):
    """A staffing norm with the document it comes from."""

    settlement = forms.ChoiceField(label=_("Settlement"), choices=Settlement.choices)
    residents_per_inspector = forms.IntegerField(label=_("Residents per inspector"), min_value=1)
    source = forms.CharField(label=_("Source"), max_length=300)
    valid_from = forms.DateField(label=_("In force from"), widget=forms.DateInput({"type": "date"}))
