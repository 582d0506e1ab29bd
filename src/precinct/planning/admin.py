from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin
from precinct.planning import models, services


@admin.register(models.StaffingNorm)
class StaffingNormAdmin(AccessAdmin):
    list_display = ("settlement", "residents_per_inspector", "valid_from", "source", "entered_by")
    list_filter = ("settlement",)
    readonly_fields = ("entered_by", "entered_at")

    def save_model(self, request, obj, form, change):
        if change:  # a norm in force is history: record a new one instead of editing
            return super().save_model(request, obj, form, change)
        services.staffing_norm_record(
            actor=request.user, settlement=obj.settlement,
            residents_per_inspector=obj.residents_per_inspector, source=obj.source,
            valid_from=obj.valid_from,
        )  # fmt: skip


@admin.register(models.DepartmentStaffing)
class DepartmentStaffingAdmin(AccessAdmin):
    list_display = ("department", "settlement", "inspectors", "as_of", "source")
    list_filter = ("settlement",)
    list_select_related = ("department",)


@admin.register(models.PostProject)
class PostProjectAdmin(AccessAdmin):
    list_display = ("post", "funding_body", "due_on", "budget_kzt", "programme")
    list_filter = ("funding_body", "programme")
    list_select_related = ("post",)
    raw_id_fields = ("post",)

    def save_model(self, request, obj, form, change):
        # The service checks scope and values, like every other writer.
        services.post_project_save(
            actor=request.user, post=obj.post, funding_body=obj.funding_body, due_on=obj.due_on,
            budget_kzt=obj.budget_kzt, programme=obj.programme,
            progress_notes=obj.progress_notes,
        )  # fmt: skip


@admin.register(models.SitingJob)
class SitingJobAdmin(AccessAdmin):
    list_display = ("__str__", "state", "method", "k", "minutes", "gap", "saved", "created_at")
    list_filter = ("state", "method", "saved")
    readonly_fields = [f.name for f in models.SitingJob._meta.fields]
