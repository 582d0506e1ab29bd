"""Admin of methodology versions and periods (read-only once published)."""

from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin, AccessInline
from precinct.evaluation.models import Indicator, Methodology, Period


class IndicatorInline(AccessInline):
    model = Indicator
    extra = 0
    fields = ["position", "code", "group", "direction", "unit", "weight", "min_n"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Methodology)
class MethodologyAdmin(AccessAdmin):
    list_display = ["version", "title", "published_on"]
    inlines = [IndicatorInline]

    def has_change_permission(self, request, obj=None):
        # A version in use is never edited: publish a new version instead.
        return False


@admin.register(Period)
class PeriodAdmin(AccessAdmin):
    list_display = ["label", "starts_on", "ends_on"]
