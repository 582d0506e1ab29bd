from django.contrib import admin

from precinct.accounts import access
from precinct.accounts.admin_site import AccessAdmin, ReadOnlyAdminMixin
from precinct.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, AccessAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ("at", "actor_username", "action", "subject_type", "subject_id", "context")
    list_filter = ("action", "subject_type")
    search_fields = ("actor_username", "subject_id")

    def has_module_permission(self, request):
        return access.can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_read_audit_log(request.user)
