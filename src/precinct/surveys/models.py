"""Population surveys: versioned questionnaires, survey waves, invitations and responses.

Answers are personal data: they are read only in aggregate (weighted estimates with
suppression below a minimum effective sample) and never shown one by one in public.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TextsMixin(models.Model):
    """A text in Russian, Kazakh and English, shown in the reader's language."""

    text = models.CharField(_("text (Russian)"), max_length=400)
    text_kk = models.CharField(_("text (Kazakh)"), max_length=400, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=400, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        """The text in the active language, falling back to Russian."""
        lang = (get_language() or "ru")[:2]
        return {"kk": self.text_kk, "en": self.text_en}.get(lang) or self.text


class Questionnaire(TextsMixin):
    """One version of a questionnaire; a published version is never edited, only superseded."""

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Question(TextsMixin):
    """A question of a questionnaire version, with its type and (for choices) options."""

    class Kind(models.TextChoices):
        LIKERT5 = "likert5", _("Agreement scale 1–5")
        SCALE10 = "scale10", _("Scale 0–10")
        YESNO = "yesno", _("Yes or no")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=60)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind)
    required = models.BooleanField(default=False)
    # [{"value": "theft", "text": "…", "text_kk": "…", "text_en": "…"}] for choices,
    # or the labels of the scale's ends for scales.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"


class Survey(TextsMixin):
    """A wave of fieldwork with one questionnaire version in a region or department."""

    class Mode(models.TextChoices):
        INVITATION = "invitation", _("One-time invitation links")
        OPEN = "open", _("Open link with abuse limits")
        FIELD = "field", _("Field interviews (imported)")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026 or 2026-Q1"))
    mode = models.CharField(max_length=12, choices=Mode, default=Mode.INVITATION)
    opens_on = models.DateField()
    closes_on = models.DateField()
    # The open link's secret part; empty for invitation-only waves.
    open_key = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "id"]


class Invitation(models.Model):
    """A one-time link; only the hash of its token is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    department = models.ForeignKey(
        "territory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.pk} to survey {self.survey_id}"


class Response(models.Model):
    """One respondent's answers with the demographics used for weighting."""

    class Source(models.TextChoices):
        INVITATION = "invitation", _("Invitation link")
        OPEN = "open", _("Open link")
        IMPORT = "import", _("Imported field file")
        DEMO = "demo", _("Generated for the demo")

    class AgeGroup(models.TextChoices):
        A18 = "18-29", "18–29"
        A30 = "30-44", "30–44"
        A45 = "45-59", "45–59"
        A60 = "60+", "60+"

    class Sex(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    # The district department the respondent lives in (the place margin of the weighting).
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="+"
    )
    age_group = models.CharField(max_length=6, choices=AgeGroup)
    sex = models.CharField(max_length=1, choices=Sex)
    answers = models.JSONField(default=dict)
    source = models.CharField(max_length=12, choices=Source)
    # An identifier from the field file (KoboToolbox _uuid, LimeSurvey id), unique per survey.
    respondent_ref = models.CharField(max_length=80, blank=True)
    # Salted hash of the client address, kept only for the open link's abuse limit.
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_ref"],
                condition=~models.Q(respondent_ref=""),
                name="response_respondent_unique",
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk} to survey {self.survey_id}"


class PopulationMargin(models.Model):
    """A population total for one category of one weighting margin in a region."""

    class Dimension(models.TextChoices):
        AGE_SEX = "age_sex", _("Age group × sex")
        DISTRICT = "district", _("District")

    region = models.ForeignKey("territory.Region", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension)
    # "18-29:m" for age × sex, a department id for districts.
    category = models.CharField(max_length=40)
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["region", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "dimension", "category"], name="margin_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.category}: {self.population}"
