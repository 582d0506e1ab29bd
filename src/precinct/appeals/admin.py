from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin
from precinct.appeals.models import AnswerTemplate, Category, Open311Key


@admin.register(Category)
class CategoryAdmin(AccessAdmin):
    list_display = ["code", "name", "service", "outside_competence", "is_active"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AccessAdmin):
    list_display = ["title", "department"]


@admin.register(Open311Key)
class Open311KeyAdmin(AccessAdmin):
    list_display = ["name", "created_at", "revoked"]
    readonly_fields = ["key_hash"]
