from django.contrib import admin

from precinct.accounts.admin_site import AccessAdmin
from precinct.receptions.models import ReceptionSlot


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(AccessAdmin):
    list_display = ["starts_at", "department", "head", "place", "capacity", "cancelled"]
