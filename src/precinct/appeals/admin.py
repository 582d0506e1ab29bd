from django.contrib import admin

from precinct.appeals.models import AnswerTemplate, Category, Open311Key


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "service", "outside_competence", "is_active"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "department"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at", "revoked"]
    readonly_fields = ["key_hash"]
