"""Admin of staff accounts and API tokens, within the administrator's scope."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from precinct.accounts import access
from precinct.accounts.admin_site import AccessAdmin
from precinct.accounts.models import ApiToken, User


@admin.register(User)
class StaffUserAdmin(AccessAdmin, UserAdmin):
    list_display = ("username", "role", "department", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("precinct", {"fields": ("role", "department", "officer")}))
    raw_id_fields = ("officer",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.has_national_scope(request.user):
            return queryset
        return queryset.filter(department__in=access.departments_in_scope(request.user))

    def may_change(self, request, obj) -> bool:
        return access.can_manage_staff_account(request.user, obj)

    def save_model(self, request, obj, form, change):
        # The account as it will be saved: its department may just have been changed.
        if not access.can_manage_staff_account(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(AccessAdmin):
    list_display = ("user", "created_at", "expires_at", "last_used_at", "revoked")
    readonly_fields = ("user", "key_hash", "created_at", "expires_at", "last_used_at")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.has_national_scope(request.user):
            return queryset
        return queryset.filter(user__department__in=access.departments_in_scope(request.user))

    def may_change(self, request, obj) -> bool:
        return access.can_manage_staff_account(request.user, obj.user)
