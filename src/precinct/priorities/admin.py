"""Priorities in the admin: administrators look them up within their scope, read-only.

Who sets, reviews and closes a priority is ``access.can_set_priorities`` (the precinct's
heads and inspector, on the staff pages and the API); an administrator is not among them,
so here every row is shown and none is changed, the history of "we did" staying as written.
"""

from django.contrib import admin

from precinct.accounts import access
from precinct.accounts.admin_site import AccessAdmin, AccessInline, ReadOnlyAdminMixin
from precinct.priorities.models import Priority, PriorityAction, PriorityReview


class ReadOnlyInline(ReadOnlyAdminMixin, AccessInline):
    extra = 0
    can_delete = False


class PriorityActionInline(ReadOnlyInline):
    model = PriorityAction
    fields = ["done_on", "text", "text_kk", "text_en"]
    readonly_fields = fields


class PriorityReviewInline(ReadOnlyInline):
    model = PriorityReview
    fields = ["reviewed_on", "reviewed_by"]
    readonly_fields = fields


@admin.register(Priority)
class PriorityAdmin(AccessAdmin):
    list_display = ["issue", "precinct", "theme", "since", "reviewed_on", "state"]
    list_filter = ["state"]
    search_fields = ["issue", "place"]
    list_select_related = ["precinct__department"]
    inlines = [PriorityActionInline, PriorityReviewInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.has_national_scope(request.user):
            return queryset
        return queryset.filter(precinct__department__in=access.departments_in_scope(request.user))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_change(self, request, obj) -> bool:
        return access.can_set_priorities(request.user, obj.precinct)
