"""Admin of head terms only: offences are read through the audited registry pages."""

from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin
from precinct.integrity.models import HeadTerm


@admin.register(HeadTerm)
class HeadTermAdmin(AccessAdmin):
    list_display = ["department", "officer", "starts_on", "ends_on"]
    raw_id_fields = ["officer"]
