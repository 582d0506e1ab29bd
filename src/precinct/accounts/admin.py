from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from precinct.accounts.models import ApiToken, User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "role", "department", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("precinct", {"fields": ("role", "department", "officer")}))
    raw_id_fields = ("officer",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "last_used_at", "revoked")
    readonly_fields = ("user", "key_hash", "created_at", "expires_at", "last_used_at")
