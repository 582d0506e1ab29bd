"""Staff pages of the integrity registry: a department's offences and a head's record."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.integrity import selectors
from precinct.territory.models import Department, Officer


@staff_page(access.can_open_integrity_registry)
@require_GET
def department_offences(request, department_id: int):
    """Offences in a department and below it, with the heads who answer for each."""
    department = get_object_or_404(Department, pk=department_id)
    if not access.can_view_integrity(request.user, department):
        raise PermissionDenied
    offences = selectors.offences_of_department(actor=request.user, department=department)
    return render(
        request, "integrity/department.html", {"department": department, "offences": offences}
    )


@staff_page(access.can_open_integrity_registry)
@require_GET
def head_record(request, officer_id: int):
    """One head's record: his subordinates' offences on the dates he headed them."""
    head = get_object_or_404(Officer.objects.select_related("department"), pk=officer_id)
    if not access.can_view_head_record(request.user, head):
        raise PermissionDenied
    rows = selectors.head_record(actor=request.user, head=head)
    return render(request, "integrity/head.html", {"head": head, "rows": rows})
