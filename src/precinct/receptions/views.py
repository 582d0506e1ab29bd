"""Reception pages: the public list of hours, booking and cancelling; the head's page."""

import datetime as dt

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.appeals import metrics as appeals_metrics
from precinct.appeals.models import AppealType
from precinct.core.errors import DomainError
from precinct.core.http import client_address
from precinct.receptions import selectors, services


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _fields(exc: DomainError) -> dict:
    """Messages by field, as the templates name them: "contact.name" → "contact_name"."""
    return {(field or "form").replace(".", "_"): message for field, message in exc.errors}


@require_GET
def receptions(request):
    """Upcoming reception hours of department heads, per department."""
    department_id = _int(request.GET.get("department"))
    ctx = {
        "slots": selectors.upcoming_receptions(department_id=department_id),
        "departments": selectors.reception_departments(),
        "department_id": department_id,
    }
    return render(request, "receptions/receptions.html", ctx)


@require_http_methods(["GET", "POST"])
def reception_book(request, slot_id: int):
    """A resident books a place: name, phone and topic; the page shows the code."""
    slot = selectors.slot_open_for_booking(slot_id=slot_id)
    if slot is None:
        raise Http404
    if request.method == "GET":
        # A full hour shows that it is full, and no form to fill in for nothing.
        return render(request, "receptions/book.html", {"slot": slot, "errors": {}, "values": {}})
    try:
        booking = services.booking_create(
            slot_id=slot_id,
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            topic=request.POST.get("topic", ""),
        )
    except DomainError as exc:
        slot = selectors.slot_open_for_booking(slot_id=slot_id) or slot  # places left now
        ctx = {"slot": slot, "errors": _fields(exc), "values": request.POST}
        return render(request, "receptions/book.html", ctx, status=exc.status)
    return render(request, "receptions/booked.html", {"booking": booking, "slot": slot})


@require_http_methods(["GET", "POST"])
def reception_cancel(request):
    """A resident cancels a booking with its confirmation code."""
    if request.method == "GET":
        return render(request, "receptions/cancel.html", {"errors": {}})
    try:
        services.booking_cancel(code=request.POST.get("code", ""), client=client_address(request))
    except DomainError as exc:
        ctx = {"errors": _fields(exc)}
        return render(request, "receptions/cancel.html", ctx, status=exc.status)
    return render(request, "receptions/cancel.html", {"done": True, "errors": {}})


@staff_page(access.can_use_receptions_workspace)
@require_http_methods(["GET", "POST"])
def staff_receptions(request):
    """A head's reception hours with bookings; record outcomes, turn them into appeals."""
    if request.method == "GET":
        return _staff_page(request, errors={})
    if request.POST.get("publish"):
        return _publish_schedule(request)
    return _record_outcome(request)


def _staff_page(request, *, errors: dict, status: int = 200):
    ctx = {
        "slots": selectors.reception_slots_for_staff(user=request.user),
        "errors": errors,
        "types": AppealType.choices,
        "categories": sorted(appeals_metrics.category_labels().items(), key=lambda c: c[1]),
    }
    return render(request, "receptions/staff_receptions.html", ctx, status=status)


def _record_outcome(request):
    """Came or not, what was done, and optionally the topic registered as an appeal."""
    booking = selectors.booking_for_outcome(booking_id=_int(request.POST.get("booking")))
    if booking is None:
        raise Http404
    try:
        services.booking_record_outcome(
            actor=request.user,
            booking=booking,
            attended=request.POST.get("attended") == "1",
            outcome=request.POST.get("outcome", ""),
            register_appeal_type=request.POST.get("register_as") or None,
            register_category=request.POST.get("register_category") or None,
        )
    except DomainError as exc:
        return _staff_page(request, errors=_fields(exc), status=400)
    return redirect("receptions:staff")


def _publish_schedule(request):
    """A head publishes his weekly reception hours (admins for any head in scope)."""
    user, post = request.user, request.POST
    head = user.officer if user.officer_id else None
    if access.can_publish_receptions_for_any_head(user):
        head = selectors.reception_head(officer_id=_int(post.get("head"))) or head
    errors = {}
    first = _local_datetime(post.get("first_start", ""))
    if first is None:
        errors["first_start"] = _("Enter the date and time of the first reception.")
    if head is None:
        errors["head"] = _("Your account is not linked to a head of department.")
    if errors:
        return _staff_page(request, errors=errors, status=400)
    try:
        services.reception_schedule_publish(
            actor=user,
            head=head,
            first_start=first,
            weeks=_int(post.get("weeks")) or 0,
            place=post.get("place", ""),
            capacity=_int(post.get("capacity")) or 0,
            language=post.get("language", "ru")[:12],
        )
    except DomainError as exc:
        return _staff_page(request, errors=_fields(exc), status=400)
    return redirect("receptions:staff")


def _local_datetime(text: str) -> dt.datetime | None:
    """A date and time from the form, in local time unless it names its offset."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
