"""Staff pages of the integrity registry: a department's offences, a head's record, and the
recording integrity of precincts."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.core.replica import reads_from_replica
from precinct.integrity import charts, recording, selectors
from precinct.territory.models import Department, Officer


@staff_page(access.can_open_integrity_registry)
@require_GET
def department_offences(request, department_id: int):
    """Offences in a department and below it, with the heads who answer for each."""
    department = get_object_or_404(Department, pk=department_id)
    if not access.can_view_integrity(request.user, department):
        raise PermissionDenied
    offences = selectors.offences_of_department(actor=request.user, department=department)
    context = {
        "department": department,
        "offences": offences,
        "recording_open": access.can_view_recording_integrity(request.user, department),
    }
    return render(request, "integrity/department.html", context)


@staff_page(access.can_open_integrity_registry)
@require_GET
def head_record(request, officer_id: int):
    """One head's record: his subordinates' offences on the dates he headed them."""
    head = get_object_or_404(Officer.objects.select_related("department"), pk=officer_id)
    if not access.can_view_head_record(request.user, head):
        raise PermissionDenied
    rows = selectors.head_record(actor=request.user, head=head)
    return render(request, "integrity/head.html", {"head": head, "rows": rows})


@staff_page(access.can_open_recording_integrity)
@require_GET
@reads_from_replica
def recording_integrity(request):
    """Precincts whose recording of offences falls out of line, with the evidence; a
    chart of one precinct (``?precinct=``, else the first flagged, else the first)."""
    department, error = _department_asked(request)
    if error:
        return render(request, "integrity/recording.html", {"error": error}, status=400)
    if not access.can_view_recording_integrity(request.user, department):
        raise PermissionDenied
    found = selectors.recording_integrity(department=department)
    rows = found["precincts"]
    labels = _flag_labels()
    for row in rows:
        row["flag_labels"] = [labels[f] for f in row["flags"]]
    chosen = _chosen(request.GET.get("precinct", ""), rows)
    context = {
        "department": department,
        "found": found,
        "flagged": [r for r in rows if r["flags"]],
        "others": [r for r in rows if not r["flags"]],
        "chosen": chosen,
        "figure": charts.recording_figure(chosen) if chosen else None,
        "definition": recording.definition_in_reader_language(),
    }
    return render(request, "integrity/recording.html", context)


def _flag_labels() -> dict[str, str]:
    return {
        "out_of_line": _("Recorded fewer than expected over the recent months"),
        "falling_faster_than_calls": _("Records fall faster than reports"),
    }


def _department_asked(request) -> tuple[Department | None, str]:
    """The department asked for (``?department=``), else the user's own (None: national)."""
    raw = request.GET.get("department", "").strip()
    if not raw:
        return request.user.department, ""
    if not raw.isdigit():
        return None, _("department: give the number of a department.")
    department = Department.objects.filter(pk=int(raw)).first()
    if department is None:
        return None, _("department: no department has this number.")
    return department, ""


def _chosen(raw: str, rows: list[dict]) -> dict | None:
    by_id = {str(r["precinct_id"]): r for r in rows}
    if raw in by_id:
        return by_id[raw]
    return next((r for r in rows if r["flags"]), rows[0] if rows else None)
