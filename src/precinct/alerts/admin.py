"""Alerts in the admin: counts per precinct and state, never an address.

Decision (docs/alerts.md, "Who sees what"): no staff role needs a subscriber's address —
mails go out by themselves and every mail carries its own unsubscribe link — so the admin
shows subscriptions without their address or hashes, read-only, with a table of counts
per precinct above the list. No rule of ``accounts/access.py`` opens an address; the
database operator is the only one who can read it.
"""

from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin, ReadOnlyAdminMixin
from precinct.alerts import selectors
from precinct.alerts.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, AccessAdmin):
    change_list_template = "admin/alerts/subscription/change_list.html"
    list_display = ["id", "precinct", "state", "language", "requested_at", "confirmed_at"]
    list_filter = ["state", "language"]
    fields = [
        "precinct", "state", "language", "wants_priorities", "wants_receptions",
        "wants_figures", "requested_at", "confirmed_at", "ended_at",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related = ["precinct__department"]

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "counts": selectors.counts_per_precinct()}
        return super().changelist_view(request, extra_context=extra)
