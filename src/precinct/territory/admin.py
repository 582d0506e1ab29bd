"""Admin of the territory: administrators edit the departments of their scope."""

from django.contrib import admin

from precinct.accounts import access
from precinct.accounts.admin_site import AccessAdmin, TerritoryAdmin
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.territory import models, services


@admin.register(models.Region)
class RegionAdmin(AccessAdmin):
    list_display = ("name", "kind", "code", "population", "timezone")
    exclude = ("boundary",)


@admin.register(models.Department)
class DepartmentAdmin(TerritoryAdmin):
    list_display = ("name", "kind", "region", "parent", "boundary_source")
    list_filter = ("kind", "region", "boundary_source")
    search_fields = ("name", "name_kk", "name_en", "code")
    exclude = ("boundary",)
    department_field = ""

    def has_add_permission(self, request):
        # A new department hangs anywhere in the tree: only a national administrator adds one.
        return access.can_use_admin(request.user) and access.has_national_scope(request.user)

    def save_model(self, request, obj, form, change):
        # The materialised path drives every scope check: only the service may set it.
        services.department_save(department=obj)


@admin.register(models.Precinct)
class PrecinctAdmin(TerritoryAdmin):
    list_display = ("__str__", "department", "number", "residents", "boundary_source")
    list_filter = ("department",)
    list_select_related = ("department",)
    exclude = ("boundary",)


@admin.register(models.Post)
class PostAdmin(TerritoryAdmin):
    list_display = ("name", "department", "state", "opened_on", "planned_opening", "source")
    list_filter = ("state", "source", "department")
    list_select_related = ("department",)
    search_fields = ("name", "address")


@admin.register(models.Officer)
class OfficerAdmin(TerritoryAdmin):
    list_display = ("full_name", "role", "rank", "department", "is_active", "source")
    list_filter = ("role", "department", "is_active")
    list_select_related = ("department",)
    search_fields = ("last_name", "first_name")

    def get_queryset(self, request):
        # Officers of the scope, and the public faces (inspectors, heads) of other units.
        queryset = AccessAdmin.get_queryset(self, request)
        return access.officers_visible_to(request.user, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening the form shows the officer's phone and e-mail: that is a read to audit.
        if request.method == "GET":
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.READ,
                subject_type="territory.officer",
                subject_id=str(object_id),
                fields=["phone", "email"],
                context="admin",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(models.PrecinctAssignment)
class PrecinctAssignmentAdmin(TerritoryAdmin):
    department_field = "precinct__department"
    list_display = ("officer", "precinct", "starts_on", "ends_on")
    list_select_related = ("officer", "precinct__department")
    raw_id_fields = ("officer", "precinct")


@admin.register(models.PopulationPoint)
class PopulationPointAdmin(TerritoryAdmin):
    list_display = ("__str__", "department", "precinct", "source")
    list_select_related = ("department", "precinct__department")
    raw_id_fields = ("department", "precinct")


@admin.register(models.Address)
class AddressAdmin(AccessAdmin):
    list_display = ("street", "housenumber", "lat", "lon")
    search_fields = ("street", "street_key")
