"""Admin of the 102 classification and units (incidents are read in the console, audited)."""

from django.contrib import admin

from precinct.accounts import access
from precinct.accounts.admin_site import AccessAdmin, TerritoryAdmin
from precinct.dispatch.models import Category, Unit


@admin.register(Category)
class CategoryAdmin(AccessAdmin):
    list_display = ["code", "name", "default_priority", "unit_kinds", "active"]
    list_editable = ["default_priority", "active"]


@admin.register(Unit)
class UnitAdmin(TerritoryAdmin):
    list_display = ["callsign", "kind", "department", "shift", "state", "position_at"]
    list_filter = ["kind", "state", "department"]
    exclude = ["token_hash"]

    def may_change(self, request, obj) -> bool:
        return access.can_manage_units(request.user, obj.department)
