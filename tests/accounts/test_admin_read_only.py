"""The read-only admins (audit log, alert subscriptions, a priority's history) refuse every
write to the administrator, and still show him the rows."""

import pytest
from django.contrib import admin

from precinct.accounts.admin_site import ReadOnlyAdminMixin
from precinct.alerts.models import Subscription
from precinct.audit.models import AuditEntry
from precinct.priorities.models import Priority

pytestmark = pytest.mark.django_db


def _read_only_admins():
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ReadOnlyAdminMixin):
            yield model_admin
        for inline in model_admin.get_inline_instances(None) if model_admin.inlines else ():
            if isinstance(inline, ReadOnlyAdminMixin):
                yield inline


def test_read_only_admins__are_the_log_the_subscriptions_and_the_priority_history():
    models = {type(a).__name__: a.model for a in _read_only_admins()}
    assert AuditEntry in models.values() and Subscription in models.values()
    assert {"PriorityActionInline", "PriorityReviewInline"} <= set(models)
    assert admin.site._registry[Priority] not in list(_read_only_admins())


def test_read_only_admins__refuse_every_write_to_the_administrator(rf, personas):
    request = rf.get("/admin/")
    request.user = personas.admin
    for model_admin in _read_only_admins():
        assert model_admin.has_add_permission(request) is False, model_admin
        assert model_admin.has_change_permission(request, None) is False, model_admin
        assert model_admin.has_delete_permission(request, None) is False, model_admin
    subscriptions = admin.site._registry[Subscription]
    assert subscriptions.has_view_permission(request) is True
