"""Admin of questionnaires and waves; individual responses are not browsable here."""

from django.contrib import admin

from precinct.surveys.models import PopulationMargin, Question, Questionnaire, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "published", "text"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # A published version has been answered: it is superseded, never edited.
        return ["code", "version", "published"] if obj and obj.published else []


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["id", "text", "region", "period", "mode", "opens_on", "closes_on"]
    readonly_fields = ["open_key"]


@admin.register(PopulationMargin)
class PopulationMarginAdmin(admin.ModelAdmin):
    list_display = ["region", "dimension", "category", "population", "source"]
    list_filter = ["dimension"]
