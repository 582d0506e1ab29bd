"""Appeal pages: the public form, receipt and tracking; the staff workspace; public lists.

Views parse the request, call one service or selector, and render; every read goes
through ``selectors``, every decision of who may do what through ``accounts.access``.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.appeals import metrics, routing, selectors, services
from precinct.appeals.models import AppealType, Channel, Status
from precinct.appeals.validators import AppealInputError
from precinct.core import listing
from precinct.core.http import client_address, file_download
from precinct.core.replica import reads_from_replica
from precinct.territory import mapdata

STAFF_CHANNELS = (Channel.PHONE, Channel.RECEPTION, Channel.EOTINISH)


def _float(value: str):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return "bad"


def _int(value: str):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _fields(errors: list[tuple[str | None, str]]) -> dict:
    """A DomainError's errors by field name usable in templates: "contact.name" → "contact_name"."""
    return {(k or "form").replace(".", "_").replace("-", "_"): v for k, v in errors}


def _form_token() -> str:
    """A one-time token in the form: a double click or a retry stores one appeal."""
    return secrets.token_hex(16)


def _form_context(*, values, **extra) -> dict:
    labels = {"pin": _("The place of the appeal"), "found": _("The address found")}
    return {
        "map_config": mapdata.map_config(result_url=reverse("appeals:destination"), labels=labels),
        "types": AppealType.choices,
        "categories": selectors.active_categories(),
        "departments": selectors.appeal_departments(),
        "values": values,
        "preview": _destination_preview(values),
        **extra,
    }


def _destination_preview(values) -> dict:
    """Where the appeal would go with these values: the department and precinct, or why
    there is none yet (and, for an address that is not one house, the houses to pick)."""
    lat, lon = _float(values.get("lat")), _float(values.get("lon"))
    address, department_id = values.get("address", ""), _int(values.get("department_id"))
    if lat is None and lon is None and not address.strip() and department_id is None:
        return {"empty": True}
    if "bad" in (lat, lon):
        return {"errors": [_("The point must be two numbers: latitude and longitude.")]}
    try:
        destination = routing.appeal_destination(
            lat=lat, lon=lon, address=address, department_id=department_id
        )
    except routing.AddressNotExact as exc:
        return {"errors": [exc.message], "choices": exc.choices}
    except AppealInputError as exc:
        return {"errors": [message for _field, message in exc.errors]}
    point = {"lat": destination.lat, "lon": destination.lon, "by": destination.by}
    return {"destination": destination, "point": point}


@require_GET
def appeal_destination(request):
    """htmx fragment of the form: where the appeal will go, for what is typed so far.

    A place that is not one yet (a street, half a point) is an answer of the preview, not
    a failed request: 200 with the reason. Sending the form with it is refused (400).
    """
    preview = _destination_preview(request.GET)
    return render(request, "appeals/_destination.html", {"preview": preview})


def _register_from_post(request, *, channel: str, registered_by=None):
    post = request.POST
    lat, lon = _float(post.get("lat")), _float(post.get("lon"))
    errors = {}
    if lat == "bad":
        errors["lat"] = _("Latitude must be a number.")
    if lon == "bad":
        errors["lon"] = _("Longitude must be a number.")
    if errors:
        raise AppealInputError.of_fields(errors)
    # One byte over the limit is enough for the service to refuse the file as too large.
    max_bytes = settings.PRECINCT_APPEALS["ATTACHMENT_MAX_BYTES"]
    files = [(f.name, f.read(max_bytes + 1)) for f in request.FILES.getlist("attachments")]
    return services.appeal_register(
        type=post.get("type", ""),
        text=post.get("text", ""),
        channel=channel,
        category_code=post.get("category") or None,
        lat=lat,
        lon=lon,
        department_id=_int(post.get("department_id")),
        address=post.get("address", ""),
        about_officer_id=_int(post.get("about_officer_id")),
        contact_name=post.get("contact_name", ""),
        contact_phone=post.get("contact_phone", ""),
        contact_email=post.get("contact_email", ""),
        language=(get_language() or "ru")[:2],
        idempotency_key=post.get("form_token") or None,
        client=client_address(request) if registered_by is None else "",
        registered_by=registered_by,
        attachments=files,
    )


@require_http_methods(["GET", "POST"])
def appeal_new(request):
    """The public form; a hidden one-time token makes a double click store one appeal."""
    if request.method == "GET":
        ctx = _form_context(errors={}, values=_prefill(request.GET), form_token=_form_token())
        return render(request, "appeals/new.html", ctx)
    try:
        appeal, _created = _register_from_post(request, channel=Channel.WEB)
    except AppealInputError as exc:
        ctx = _form_context(
            errors=_fields(exc.errors),
            values=request.POST,
            form_token=request.POST.get("form_token", ""),
        )
        return render(request, "appeals/new.html", ctx, status=400)
    except services.RateLimited as exc:
        ctx = _form_context(
            errors=_fields(exc.errors),
            values=request.POST,
            form_token=_form_token(),
        )
        return render(request, "appeals/new.html", ctx, status=429)
    return redirect("appeals:receipt", code=appeal.tracking_code)


# What a link to the form may fill in (the locate result's "write to this precinct").
_PREFILL = ("lat", "lon", "department_id", "address")


def _prefill(query) -> dict:
    """Initial values from the link; they are checked like typed ones when sent."""
    return {name: query[name] for name in _PREFILL if query.get(name)}


def _resident_appeal(request, code: str):
    """The appeal of this tracking code; a miss counts against the client (404, or 429
    when there were too many)."""
    appeal = services.appeal_find_for_resident(client=client_address(request), code=code)
    if appeal is None:
        raise Http404
    return appeal


@require_GET
def appeal_receipt(request, code: str):
    try:
        appeal = _resident_appeal(request, code)
    except services.TooManyLookups as exc:
        return _lookup_page(request, errors={"form": exc.message}, status=429)
    ctx = {"appeal": appeal, "copies": selectors.receipt_copies(appeal=appeal)}
    return render(request, "appeals/receipt.html", ctx)


@require_http_methods(["GET", "POST"])
def appeal_track(request, code: str):
    """Status, history and answer; the rating form while the answer awaits one."""
    try:
        appeal = _resident_appeal(request, code)
    except services.TooManyLookups as exc:
        return _lookup_page(request, errors={"form": exc.message}, status=429)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            services.appeal_rate(
                appeal=appeal,
                rating=_int(request.POST.get("rating")) or 0,
                comment=request.POST.get("comment", ""),
                request_review=request.POST.get("request_review") == "on",
            )
            return redirect(reverse("appeals:track", args=[code]) + "?rated=1")
        except AppealInputError as exc:
            errors, status = _fields(exc.errors), 400
    ctx = {
        "appeal": appeal,
        "history": selectors.public_history(appeal=appeal),
        "errors": errors,
        "just_rated": request.GET.get("rated") == "1" and appeal.rated_at is not None,
        "under_review": appeal.reopened_count > 0 and appeal.is_open,
    }
    return render(request, "appeals/track.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def track_lookup(request):
    """Follow an appeal by its tracking code, or by its number with the phone or e-mail."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("appeals:track", code=code)
    if request.method == "GET":
        return _lookup_page(request, errors={})
    number, contact = request.POST.get("number", ""), request.POST.get("contact", "")
    errors = {}
    if not number.strip():
        errors["number"] = _("Enter the registration number.")
    if not contact.strip():
        errors["contact"] = _("Enter the phone or e-mail given in the appeal.")
    if errors:
        return _lookup_page(request, errors=errors, status=400)
    try:
        appeal = services.appeal_find_for_resident(
            client=client_address(request), number=number, contact=contact
        )
    except services.TooManyLookups as exc:
        return _lookup_page(request, errors={"form": exc.message}, status=429)
    if appeal is None:
        message = _("No appeal has this number with this phone or e-mail. Check both.")
        return _lookup_page(request, errors={"form": message}, status=404)
    return redirect("appeals:track", code=appeal.tracking_code)


def _lookup_page(request, *, errors: dict, status: int = 200):
    ctx = {"errors": errors, "values": request.POST}
    return render(request, "appeals/track_lookup.html", ctx, status=status)


# --- staff workspace ------------------------------------------------------------------------


@staff_page(access.can_work_on_appeals)
@require_GET
def staff_queue(request):
    """Queues per department and per officer, overdue first, filters and search."""
    user = request.user
    rows = selectors.appeal_queue_rows(
        user=user,
        department_id=_int(request.GET.get("department")),
        assigned_to_me=request.GET.get("mine") == "1",
        status=request.GET.get("status"),
        type=request.GET.get("type") or None,
        search=listing.search_query(request),
        overdue_only=request.GET.get("overdue") == "1",
    )
    ctx = {
        "page": listing.page_of(request, rows, per_page=selectors.QUEUE_PAGE),
        "today": timezone.localdate(),
        "statuses": Status.choices,
        "types": AppealType.choices,
        "departments": access.departments_in_scope(user),
        "can_hold_receptions": access.can_use_receptions_workspace(user),
        "filters": request.GET,
    }
    template = "appeals/_queue_rows.html" if request.htmx else "appeals/queue.html"
    return render(request, template, ctx)


@staff_page(access.can_work_on_appeals)
@require_GET
def staff_appeal(request, pk: int):
    """One appeal with its personal data (the read is audited) and the actions allowed."""
    return _staff_appeal_page(request, pk, errors={})


def _staff_appeal_page(request, pk: int, *, errors: dict, values=None, status: int = 200):
    """The appeal with every action the user may take; after a refused action the same
    page again (assignees and templates included), the refusal beside the form and the
    values typed kept."""
    user = request.user
    appeal = selectors.appeal_detail(user=user, appeal_id=pk)
    ctx = {
        "appeal": appeal,
        "events": selectors.appeal_events(appeal=appeal),
        "can_manage": access.can_manage_appeal(user, appeal),
        "can_extend": access.can_extend_appeal(user, appeal),
        "can_answer": access.can_answer_appeal(user, appeal),
        "assignees": selectors.appeal_assignees(appeal=appeal),
        "templates": selectors.answer_templates_for(
            department=appeal.department, language=appeal.language
        ),
        "extension_latest": selectors.extension_latest(appeal=appeal),
        "attachments": selectors.appeal_attachments(appeal=appeal),
        "errors": errors,
        "values": values or {},
    }
    return render(request, "appeals/staff_appeal.html", ctx, status=status)


@staff_page(access.can_work_on_appeals)
@require_GET
def staff_attachment(request, pk: int, attachment_id: int):
    """One of the resident's files, as a download; the read is audited."""
    opened = selectors.attachment_for_reader(
        user=request.user, appeal_id=pk, attachment_id=attachment_id
    )
    if opened is None:
        raise Http404
    return file_download(opened.file, filename=opened.name, content_type=opened.content_type)


def _assign(user, appeal, post) -> None:
    assignee = selectors.staff_user(user_id=_int(post.get("assignee")))
    if assignee is None:
        raise AppealInputError(_("Choose an officer."), field="assignee")
    services.appeal_assign(actor=user, appeal=appeal, assignee=assignee, note=post.get("note", ""))


def _start(user, appeal, post) -> None:
    services.appeal_start(actor=user, appeal=appeal)


def _answer(user, appeal, post) -> None:
    services.appeal_answer(actor=user, appeal=appeal, answer=post.get("answer", ""))


def _extend(user, appeal, post) -> None:
    try:
        new_due = dt.date.fromisoformat(post.get("due_date", ""))
    except ValueError:
        raise AppealInputError(_("Enter a date."), field="due_date") from None
    services.appeal_extend(
        actor=user, appeal=appeal, new_due_date=new_due, reason=post.get("reason", "")
    )


def _forward(user, appeal, post) -> None:
    services.appeal_forward(
        actor=user, appeal=appeal, to=post.get("to", ""), note=post.get("note", "")
    )


def _close(user, appeal, post) -> None:
    services.appeal_close(actor=user, appeal=appeal, note=post.get("note", ""))


STAFF_ACTIONS = {
    "assign": _assign,
    "start": _start,
    "answer": _answer,
    "extend": _extend,
    "forward": _forward,
    "close": _close,
}


@staff_page(access.can_work_on_appeals)
@require_POST
def staff_action(request, pk: int, action: str):
    """Assign, start, answer, extend, forward or close, through the services."""
    appeal = selectors.appeal_to_act_on(user=request.user, appeal_id=pk)
    if appeal is None:
        raise PermissionDenied
    if action not in STAFF_ACTIONS:
        raise Http404
    try:
        STAFF_ACTIONS[action](request.user, appeal, request.POST)
    except AppealInputError as exc:
        return _staff_appeal_page(
            request, pk, errors=_fields(exc.errors), values=request.POST, status=400
        )
    return redirect("appeals:staff-appeal", pk=pk)


@staff_page(access.can_work_on_appeals)
@require_http_methods(["GET", "POST"])
def staff_new(request):
    """Staff enter an appeal taken by phone, at a reception or forwarded from e-Otinish."""
    channels = [(c, label) for c, label in Channel.choices if c in STAFF_CHANNELS]
    if request.method == "GET":
        ctx = _form_context(
            errors={}, values={}, channels=channels, staff=True, form_token=_form_token()
        )
        return render(request, "appeals/new.html", ctx)
    channel = request.POST.get("channel")
    if channel not in STAFF_CHANNELS:
        channel = Channel.PHONE
    try:
        appeal, _created = _register_from_post(request, channel=channel, registered_by=request.user)
    except AppealInputError as exc:
        ctx = _form_context(
            errors=_fields(exc.errors),
            values=request.POST,
            channels=channels,
            staff=True,
            form_token=request.POST.get("form_token", ""),
        )
        return render(request, "appeals/new.html", ctx, status=400)
    return redirect("appeals:receipt", code=appeal.tracking_code)


# --- public pages ------------------------------------------------------------------------------


@require_GET
@reads_from_replica
def proposals(request):
    """Residents' proposals, without names or contacts, and what was done about them."""
    return render(request, "appeals/proposals.html", {"rows": selectors.public_proposals()})


@require_GET
@reads_from_replica
def statistics(request):
    """Per-department appeal statistics for the last twelve months."""
    end = timezone.localdate()
    start = end - dt.timedelta(days=365)
    rows = metrics.public_department_statistics(start=start, end=end)
    names, codes = selectors.department_names(), selectors.department_codes()
    for row in rows:
        row["department"] = names.get(row["department_id"], "")
        row["department_code"] = codes.get(row["department_id"], "")
    return render(request, "appeals/statistics.html", {"rows": rows, "start": start, "end": end})
