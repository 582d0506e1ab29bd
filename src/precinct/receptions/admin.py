from django.contrib import admin

from precinct.receptions.models import ReceptionSlot


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "department", "head", "place", "capacity", "cancelled"]
