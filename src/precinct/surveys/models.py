"""Population surveys: versioned questionnaires, survey waves, invitations and responses.

Answers are personal data: they are read only in aggregate (weighted estimates with
suppression below a minimum effective sample) and never shown one by one in public.
"""

from django.db import models, transaction
from django.utils import timezone
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


def mark_cells_dirty(survey_ids) -> None:
    """Mark waves whose responses changed (``surveys.cells``), in the caller's transaction:
    a log, one row per write, so respondents answering at once never wait on each other;
    a recount deletes a wave's marks before it reads the wave's responses."""
    ids = sorted({int(i) for i in survey_ids if i is not None})
    if ids:
        now = timezone.now()
        SurveyCellsDirty.objects.bulk_create(
            [SurveyCellsDirty(survey_id=i, marked_at=now) for i in ids]
        )


class ResponseQuerySet(models.QuerySet):
    """Bulk writes mark their waves' cells dirty, as ``Response.save`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            mark_cells_dirty(o.survey_id for o in objs)
        return made

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            mark_cells_dirty(self.order_by().values_list("survey_id", flat=True).distinct())
            done = super().update(**kwargs)
            if "survey" in kwargs or "survey_id" in kwargs:
                mark_cells_dirty(self.order_by().values_list("survey_id", flat=True).distinct())
        return done


class Response(models.Model):
    """One respondent's answers with the demographics used for weighting. Every write
    marks its wave's cells dirty in its own transaction (``save``, the queryset's
    ``bulk_create`` and ``update``, deletion through the signal in ``surveys.apps``)."""

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

    objects = ResponseQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        with transaction.atomic():
            before = None
            if self.pk is not None:
                before = Response.objects.filter(pk=self.pk).values_list("survey_id").first()
            super().save(*args, **kwargs)
            mark_cells_dirty([self.survey_id, *(before or ())])


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


class SurveyCell(models.Model):
    """How many respondents of a wave in one cell (district department × age group ×
    sex) there are (``key`` empty, ``value`` empty), and how many gave each value to each
    scored question (``surveys.cells``)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    department_id = models.IntegerField()
    age_group = models.CharField(max_length=6)
    sex = models.CharField(max_length=1)
    key = models.CharField(max_length=60, blank=True)
    value = models.FloatField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["survey", "key"])]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.department_id} {self.age_group}:{self.sex} {self.key}"


class SurveyCellsDirty(models.Model):
    """A mark: a wave whose responses changed since its cells were counted (durable; one
    row per write, see ``mark_cells_dirty``)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.survey_id)
