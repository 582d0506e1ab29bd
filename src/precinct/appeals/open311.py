"""Open311 GeoReport v2 over appeals: services, requests (GET and POST), tokens.

Service codes are the category codes. Public request listings never carry the
resident's text or contacts: the description is the category and type, the place is
rounded to about 100 m ("on or near"), and complaints about officers and reports of
offences are not listed at all. ``expected_datetime`` is the appeal's due date.
"""

import datetime as dt
import secrets
from xml.sax.saxutils import escape

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from precinct.appeals import services as appeal_services
from precinct.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealType,
    Category,
    Channel,
    Open311Key,
)
from precinct.appeals.validators import AppealInputError
from precinct.core.hashing import token_hash
from precinct.core.http import client_address

MAX_DAYS = 90
MAX_ROWS = 1000


def key_create(*, name: str) -> str:
    """A new API key: printed once, stored hashed."""
    raw = "o311_" + secrets.token_urlsafe(24)
    Open311Key.objects.create(name=name, key_hash=token_hash(raw))
    return raw


def key_valid(raw: str) -> bool:
    if not raw:
        return False
    return Open311Key.objects.filter(key_hash=token_hash(raw), revoked=False).exists()


def _xml(root: str, item: str, rows: list[dict]) -> str:
    def value(v):
        return "" if v is None else escape(str(v).lower() if isinstance(v, bool) else str(v))

    body = "".join(
        f"<{item}>" + "".join(f"<{k}>{value(v)}</{k}>" for k, v in row.items()) + f"</{item}>"
        for row in rows
    )
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</{root}>'


def _respond(fmt: str, root: str, item: str, rows: list[dict], status: int = 200):
    if fmt == "xml":
        return HttpResponse(
            _xml(root, item, rows), status=status, content_type="text/xml; charset=utf-8"
        )
    return JsonResponse(rows, safe=False, status=status)


def _error(fmt: str, status: int, description: str, code=None):
    return _respond(
        fmt, "errors", "error", [{"code": code or status, "description": description}], status
    )


def _fmt(fmt: str) -> str | None:
    return fmt if fmt in ("json", "xml") else None


@require_GET
def services(request, fmt):
    if not _fmt(fmt):
        return _error("json", 404, "format must be json or xml")
    rows = [
        {
            "service_code": c.code,
            "service_name": c.name_en or c.name,
            "description": c.name,
            "metadata": False,
            "type": "realtime",
            "keywords": c.service,
            "group": "police" if not c.outside_competence else "other",
        }
        for c in Category.objects.filter(is_active=True).order_by("code")
    ]
    return _respond(fmt, "services", "service", rows)


def _iso(value, tz=None):
    return timezone.localtime(value, tz).isoformat() if value else None


def _rows(appeals) -> list[dict]:
    """The rows of a page. The kinds' names and the zone are looked up once per page:
    ``get_type_display`` and the zone per row were half the time of 1,000 rows."""
    kinds = {value: str(label) for value, label in AppealType.choices}
    tz = timezone.get_current_timezone()
    return [_request_row(a, kinds, tz) for a in appeals]


def _request_row(a: Appeal, kinds: dict[str, str], tz) -> dict:
    is_open = a.status in OPEN_STATUSES
    last = a.closed_at or a.answered_at or a.registered_at
    notes = {
        "forwarded": f"forwarded to {a.forwarded_to}",
        "answered": "answered",
        "closed": "answered and closed",
    }.get(a.status, a.status.replace("_", " "))
    due = dt.datetime.combine(a.due_date, dt.time(18, 0), tzinfo=tz)
    return {
        "service_request_id": a.registration_number,
        "status": "open" if is_open else "closed",
        "status_notes": notes + (" (deadline extended)" if a.extended else ""),
        "service_name": (a.category.name_en or a.category.name) if a.category else a.type,
        "service_code": a.category.code if a.category else "",
        "description": kinds.get(a.type, a.type)
        + (f": {a.category.name_en or a.category.name}" if a.category else ""),
        "agency_responsible": a.department.name_en or a.department.name,
        "service_notice": "",
        "requested_datetime": _iso(a.registered_at, tz),
        "updated_datetime": _iso(last, tz),
        "expected_datetime": _iso(due, tz),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": round(a.lat, 3) if a.lat is not None else None,
        "long": round(a.lon, 3) if a.lon is not None else None,
        "media_url": "",
    }


# What a row of the list shows, and nothing more: a department's boundary is a large
# GeoJSON text and an appeal's text is the resident's (1,000 rows a page).
_ROW_FIELDS = (
    "registration_number", "status", "type", "extended", "forwarded_to", "lat", "lon",
    "registered_at", "answered_at", "closed_at", "due_date",
    "category__code", "category__name", "category__name_en",
    "department__name", "department__name_en",
)  # fmt: skip


def _public_requests():
    return (
        Appeal.objects.filter(about_officer__isnull=True)
        .exclude(type="offence")
        .select_related("category", "department")
        .only(*_ROW_FIELDS)
    )


def _parse_when(value: str):
    moment = parse_datetime(value) if value else None
    if value and moment is None:
        raise ValueError(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt):
    """GET with the spec's filters (90 days by default); POST creates with an API key."""
    if not _fmt(fmt):
        return _error("json", 404, "format must be json or xml")
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    qs = _public_requests()
    if params.get("service_request_id"):
        ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()]
        rows = _rows(qs.filter(registration_number__in=ids[:MAX_ROWS]))
        return _respond(fmt, "service_requests", "request", rows)
    try:
        start, end = (
            _parse_when(params.get("start_date", "")),
            _parse_when(params.get("end_date", "")),
        )
    except ValueError:
        return _error(fmt, 400, "start_date/end_date: use w3 format, e.g. 2010-01-01T00:00:00Z")
    end = end or timezone.now()
    start = start or end - dt.timedelta(days=MAX_DAYS)
    if end - start > dt.timedelta(days=MAX_DAYS):
        return _error(fmt, 400, "start_date/end_date: the range may not exceed 90 days")
    qs = qs.filter(registered_at__gte=start, registered_at__lte=end)
    if params.get("service_code"):
        qs = qs.filter(category__code__in=params["service_code"].split(","))
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        return _error(fmt, 400, "status: open or closed")
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    rows = _rows(qs.order_by("-registered_at")[:MAX_ROWS])
    return _respond(fmt, "service_requests", "request", rows)


def _create(request, fmt):
    data = request.POST
    if not key_valid(data.get("api_key", "")):
        return _error(fmt, 403, "api_key: missing or invalid")
    category = Category.objects.filter(code=data.get("service_code", ""), is_active=True).first()
    if category is None:
        return _error(fmt, 400, "service_code: unknown service")

    def number(name):
        try:
            return float(data[name]) if data.get(name) else None
        except ValueError:
            return "bad"

    lat, lon = number("lat"), number("long")
    if "bad" in (lat, lon):
        return _error(fmt, 400, "lat/long: must be numbers")
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    try:
        with transaction.atomic():
            appeal, _created = appeal_services.appeal_register(
                type="request",
                text=data.get("description", ""),
                channel=Channel.OPEN311,
                category_code=category.code,
                lat=lat,
                lon=lon,
                address=data.get("address_string", ""),
                contact_name=name,
                contact_phone=data.get("phone", ""),
                contact_email=data.get("email", ""),
                client=client_address(request),
            )
    except AppealInputError as exc:
        field = {
            "text": "description",
            "lon": "long",
            "contact.name": "first_name",
            "contact.phone": "phone",
            "contact.email": "email",
        }
        desc = "; ".join(f"{field.get(k, k)}: {v}" for k, v in exc.errors)
        return _error(fmt, 400, desc)
    except appeal_services.RateLimited:
        return _error(fmt, 429, "too many requests")
    row = {
        "service_request_id": appeal.registration_number,
        "service_notice": f"due {appeal.due_date.isoformat()}",
        "account_id": "",
    }
    return _respond(fmt, "service_requests", "request", [row], status=201)


@require_GET
def request_detail(request, request_id, fmt):
    if not _fmt(fmt):
        return _error("json", 404, "format must be json or xml")
    appeal = _public_requests().filter(registration_number=request_id).first()
    if appeal is None:
        return _error(fmt, 404, "service_request_id: not found")
    return _respond(fmt, "service_requests", "request", _rows([appeal]))


@require_GET
def token(request, token, fmt):
    """Requests are registered at once, so the token is the request id itself."""
    if not _fmt(fmt):
        return _error("json", 404, "format must be json or xml")
    appeal = _public_requests().filter(registration_number=token).first()
    if appeal is None:
        return _error(fmt, 404, "token: not found")
    return _respond(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": appeal.registration_number, "token": token}],
    )
