from django.contrib import admin

from precinct.territory import models, services


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "population", "timezone")
    exclude = ("boundary",)


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "parent", "boundary_source")
    list_filter = ("kind", "region", "boundary_source")
    search_fields = ("name", "name_kk", "name_en", "code")
    exclude = ("boundary",)

    def save_model(self, request, obj, form, change):
        # The materialised path drives every scope check: only the service may set it.
        services.department_save(department=obj)


@admin.register(models.Precinct)
class PrecinctAdmin(admin.ModelAdmin):
    list_display = ("__str__", "department", "number", "residents", "boundary_source")
    list_filter = ("department",)
    list_select_related = ("department",)
    exclude = ("boundary",)


@admin.register(models.Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "state", "opened_on", "planned_opening", "source")
    list_filter = ("state", "source", "department")
    list_select_related = ("department",)
    search_fields = ("name", "address")


@admin.register(models.Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("full_name", "role", "rank", "department", "is_active", "source")
    list_filter = ("role", "department", "is_active")
    list_select_related = ("department",)
    search_fields = ("last_name", "first_name")


@admin.register(models.PrecinctAssignment)
class PrecinctAssignmentAdmin(admin.ModelAdmin):
    list_display = ("officer", "precinct", "starts_on", "ends_on")
    list_select_related = ("officer", "precinct__department")
    raw_id_fields = ("officer", "precinct")


@admin.register(models.PopulationPoint)
class PopulationPointAdmin(admin.ModelAdmin):
    list_display = ("__str__", "department", "precinct", "source")
    list_select_related = ("department", "precinct__department")
    raw_id_fields = ("department", "precinct")


@admin.register(models.Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("street", "housenumber", "lat", "lon")
    search_fields = ("street", "street_key")
