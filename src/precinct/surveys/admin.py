"""Admin of questionnaires and waves; individual responses are not browsable here."""

from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin, AccessInline
from precinct.surveys.models import PopulationMargin, Question, Questionnaire, Survey


class QuestionInline(AccessInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(AccessAdmin):
    list_display = ["code", "version", "published", "text"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # A published version has been answered: it is superseded, never edited.
        return ["code", "version", "published"] if obj and obj.published else []


@admin.register(Survey)
class SurveyAdmin(AccessAdmin):
    list_display = ["id", "text", "region", "period", "mode", "opens_on", "closes_on"]
    readonly_fields = ["open_key"]


@admin.register(PopulationMargin)
class PopulationMarginAdmin(AccessAdmin):
    list_display = ["region", "dimension", "category", "population", "source"]
    list_filter = ["dimension"]
