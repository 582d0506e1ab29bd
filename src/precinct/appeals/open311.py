"""Open311 GeoReport v2 over appeals: services, service definitions, requests, tokens.

Service codes are the category codes; a service that needs more facts has attributes
(``ATTRIBUTES``), announced with ``metadata: true`` and answered on POST as
``attribute[code]=value``. Every answer, errors included, is in the spec's JSON or XML
format and in English (the language the services are named in).

What the public may read: public request listings never carry the resident's text or
contacts: the description is the category and type, the place is rounded to about 100 m
("on or near") and the address is the street without house or flat numbers. Requests
about officers are never listed nor shown by id, whoever filed them: complaints naming an
officer, every request of a service that handles officers' conduct (``PRIVATE_SERVICES``)
and reports of offences. ``expected_datetime`` is the appeal's due date.

``requests.json`` answers in pages (``page``, ``page_size`` of at most ``PAGE_SIZE_MAX``,
the spec's own 1,000) newest first, with ``Link: <…>; rel="next"`` while more remain.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

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
PAGE_SIZE_MAX = 1000
# The service that handles officers' conduct: residents' complaints about the police are
# theirs to make public, not ours (the brief: never visible to the officer or his unit,
# no personal data in public exports; a place and a date can name the resident).
PRIVATE_SERVICES = ("internal-security",)
MEDIA_URL_MAX = 500


@dataclass(frozen=True)
class Attribute:
    """One question of a service definition (the spec's ``attribute``)."""

    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    description: str  # translatable: English in Open311, the reader's language to staff
    required: bool
    values: tuple[tuple[str, str], ...] = ()  # (key, name) of the list types
    datatype_description: str = ""
    max_length: int = 200

    def spec(self, order: int) -> dict:
        row = {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": self.datatype_description or None,
            "order": order,
            "description": str(self.description),
        }
        if self.values:
            row["values"] = [{"key": k, "name": str(n)} for k, n in self.values]
        return row


def service_facts(appeal: Appeal) -> list[tuple[str, str]]:
    """The answers an Open311 client gave to the service's questions, as (question, answer)
    in the reader's language, for the staff page."""
    facts = []
    for a in ATTRIBUTES.get(appeal.category.code if appeal.category else "", ()):
        given = appeal.service_attributes.get(a.code)
        if given:
            names = dict(a.values)
            values = given if isinstance(given, list) else [given]
            facts.append((str(a.description), ", ".join(str(names.get(v, v)) for v in values)))
    return facts


# The facts an officer needs before he can act, per service code.
ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "noise": (
        Attribute(
            "time_of_day",
            "singlevaluelist",
            _("When does the noise happen?"),
            required=True,
            values=(
                ("morning", _("Morning")),
                ("day", _("Day")),
                ("evening", _("Evening")),
                ("night", _("Night")),
            ),
        ),
    ),
    "traffic": (
        Attribute(
            "vehicle",
            "string",
            _("The vehicle, if one is involved: registration plate, or make and colour."),
            required=False,
            datatype_description="At most 100 characters, e.g. 123ABC02 or white Toyota Camry.",
            max_length=100,
        ),
    ),
}


class Refused(Exception):
    """A request refused in the spec's terms: a status and one description per field."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status, self.descriptions = status, descriptions


def key_create(*, name: str) -> str:
    """A new API key: printed once, stored hashed."""
    raw = "o311_" + secrets.token_urlsafe(24)
    Open311Key.objects.create(name=name, key_hash=token_hash(raw))
    return raw


def key_valid(raw: str) -> bool:
    if not raw:
        return False
    return Open311Key.objects.filter(key_hash=token_hash(raw), revoked=False).exists()


# --- the two formats ----------------------------------------------------------------------
# A list's items are written as elements named by the list (the spec's plural → singular).
_ITEM = {"attributes": "attribute", "values": "value"}


def _xml_value(name: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml_value(k, v) for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(_xml_value(_ITEM.get(name, "item"), v) for v in value)
    elif value is None:
        inner = ""
    else:
        inner = escape(str(value).lower() if isinstance(value, bool) else str(value))
    return f"<{name}>{inner}</{name}>"


def _respond(fmt: str, root: str, item: str | None, body, status: int = 200):
    """``body``: a list of rows written as ``<root><item>…`` or one dict as ``<root>…``."""
    if fmt == "xml":
        inner = (
            "".join(_xml_value(item, row) for row in body)
            if item
            else "".join(_xml_value(k, v) for k, v in body.items())
        )
        xml = f'<?xml version="1.0" encoding="utf-8"?><{root}>{inner}</{root}>'
        return HttpResponse(xml, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(body, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _errors(fmt: str, refused: Refused):
    rows = [{"code": refused.status, "description": d} for d in refused.descriptions]
    return _respond(fmt, "errors", "error", rows, refused.status)


def _fmt_of_path(path: str) -> str:
    return "xml" if path.rstrip("/").endswith(".xml") else "json"


def open311_view(*methods: str):
    """An Open311 view: English, the format checked, refusals and wrong methods in the
    spec's error format."""

    def wrap(view):
        @csrf_exempt
        def run(request, *args, fmt: str, **kwargs):
            with translation.override("en"):
                if fmt not in ("json", "xml"):
                    return _errors("json", Refused(404, f"format {fmt!r}: use json or xml"))
                if request.method not in methods:
                    refused = Refused(405, f"method {request.method}: use {' or '.join(methods)}")
                    response = _errors(fmt, refused)
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    return view(request, *args, fmt=fmt, **kwargs)
                except Refused as refused:
                    return _errors(fmt, refused)

        return run

    return wrap


@csrf_exempt
def not_found(request):
    """Every other address under /open311/: a 404 in the spec's format."""
    with translation.override("en"):
        refused = Refused(404, f"{request.path}: no such Open311 resource")
        return _errors(_fmt_of_path(request.path), refused)


# --- services -----------------------------------------------------------------------------
def _service_row(c: Category) -> dict:
    private = c.service in PRIVATE_SERVICES
    return {
        "service_code": c.code,
        "service_name": c.name_en or c.name,
        "description": (c.name_en or c.name)
        + (
            " (never listed publicly; follow it by the tracking link sent to you)"
            if private
            else ""
        ),
        "metadata": c.code in ATTRIBUTES,
        "type": "realtime",
        "keywords": c.service,
        "group": "police" if not c.outside_competence else "other",
    }


def _active_service(code: str, *, status: int = 404) -> Category:
    """The service named by ``code``: an unknown one is a missing resource (404) to read,
    a bad field (400) to post."""
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Refused(status, f"service_code {code!r}: no such service")
    return category


@open311_view("GET")
def services(request, fmt):
    rows = [_service_row(c) for c in Category.objects.filter(is_active=True).order_by("code")]
    return _respond(fmt, "services", "service", rows)


@open311_view("GET")
def service_definition(request, code, fmt):
    """The spec's service definition: the questions to answer when posting this service."""
    category = _active_service(code)
    attributes = [a.spec(order) for order, a in enumerate(ATTRIBUTES.get(category.code, ()), 1)]
    body = {"service_code": category.code, "attributes": attributes}
    return _respond(fmt, "service_definition", None, body)


# --- requests: reading ------------------------------------------------------------------
# The columns a public row shows, read as plain values: building 1,000 Appeal, Category
# and Department objects was half the time of a page.
_ROW_FIELDS = (
    "registration_number",
    "type",
    "status",
    "forwarded_to",
    "extended",
    "registered_at",
    "answered_at",
    "closed_at",
    "due_date",
    "address",
    "lat",
    "lon",
    "media_url",
    "category_id",
    "category__code",
    "category__name",
    "category__name_en",
    "department__name",
    "department__name_en",
)
_DUE_TIME = dt.time(18, 0)

# House, flat, block or floor: words that come before a number, dropped with it.
_NUMBER_WORDS = re.compile(
    r"^(д|дом|кв|квартира|корп|корпус|под|подъезд|эт|этаж|уй|үй|пәтер|house|apt|flat|no|№)\.?$",
    re.IGNORECASE,
)
_ADDRESS_SEPARATORS = re.compile(r"[\s,]+")


def street_only(address: str) -> str:
    """The address without house, flat or block numbers: the street, "on or near", like the
    rounded coordinates (a house number and a date can name the resident)."""
    kept = []
    for token in _ADDRESS_SEPARATORS.split(address.strip()):
        if not token or any(ch.isdigit() for ch in token) or _NUMBER_WORDS.match(token):
            continue
        kept.append(token)
    return " ".join(kept).strip(" ,.-")


class _Page:
    """What every row of one answer shares, resolved once: the time zone (a context-local
    lookup per call) and the kinds' names (``str`` of a lazy translation per call)."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()
        self.kind_names = {kind: str(name) for kind, name in AppealType.choices}

    def iso(self, value) -> str | None:
        return value.astimezone(self.tz).isoformat() if value else None

    def row(self, a: dict) -> dict:
        """One public request from the values of ``_ROW_FIELDS``."""
        status = a["status"]
        last = a["closed_at"] or a["answered_at"] or a["registered_at"]
        notes = {
            "forwarded": f"forwarded to {a['forwarded_to']}",
            "answered": "answered",
            "closed": "answered and closed",
        }.get(status, status.replace("_", " "))
        due = dt.datetime.combine(a["due_date"], _DUE_TIME, tzinfo=self.tz)
        has_category = a["category_id"] is not None
        category_name = (a["category__name_en"] or a["category__name"]) if has_category else ""
        lat, lon = a["lat"], a["lon"]
        return {
            "service_request_id": a["registration_number"],
            "status": "open" if status in OPEN_STATUSES else "closed",
            "status_notes": notes + (" (deadline extended)" if a["extended"] else ""),
            "service_name": category_name if has_category else a["type"],
            "service_code": a["category__code"] if has_category else "",
            "description": self.kind_names.get(a["type"], a["type"])
            + (f": {category_name}" if has_category else ""),
            "agency_responsible": a["department__name_en"] or a["department__name"],
            "service_notice": "",
            "requested_datetime": self.iso(a["registered_at"]),
            "updated_datetime": self.iso(last),
            "expected_datetime": self.iso(due),
            "address": street_only(a["address"]),
            "address_id": "",
            "zipcode": "",
            "lat": round(lat, 3) if lat is not None else None,
            "long": round(lon, 3) if lon is not None else None,
            "media_url": a["media_url"],
        }


def _request_rows(qs) -> list[dict]:
    """The public rows of the requests ``qs`` selects (sliced or not)."""
    page = _Page()
    return [page.row(a) for a in qs.values(*_ROW_FIELDS)]


def _public_requests():
    """Requests anyone may read: never about officers, never reports of offences."""
    return (
        Appeal.objects.filter(about_officer__isnull=True)
        .exclude(type="offence")
        .exclude(category__service__in=PRIVATE_SERVICES)
    )


def _when(params, name: str):
    value = params.get(name, "")
    moment = _datetime_or_none(value) if value else None  # 2025-02-30 is no date
    if value and moment is None:
        raise Refused(400, f"{name}: use w3 format, e.g. 2010-01-01T00:00:00Z")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def _datetime_or_none(value: str):
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _whole_number(params, name: str, default: int, most: int | None = None) -> int:
    value = params.get(name, "") or str(default)
    if not value.isdigit() or int(value) < 1:
        raise Refused(400, f"{name}: a whole number from 1")
    if most is not None and int(value) > most:
        raise Refused(400, f"{name}: at most {most}")
    return int(value)


def _filtered(params):
    """The public requests the spec's filters select, newest first (ties by id: stable pages)."""
    start, end = _when(params, "start_date"), _when(params, "end_date")
    end = end or timezone.now()
    start = start or end - dt.timedelta(days=MAX_DAYS)
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise Refused(400, f"start_date/end_date: the range may not exceed {MAX_DAYS} days")
    qs = _public_requests().filter(registered_at__gte=start, registered_at__lte=end)
    if params.get("service_code"):
        qs = qs.filter(category__code__in=params["service_code"].split(","))
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Refused(400, "status: open or closed")
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    return qs.order_by("-registered_at", "-id")


def _by_ids(fmt: str, params):
    ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()]
    if len(ids) > PAGE_SIZE_MAX:
        raise Refused(400, f"service_request_id: at most {PAGE_SIZE_MAX} ids at once")
    rows = _request_rows(_public_requests().filter(registration_number__in=ids))
    return _respond(fmt, "service_requests", "request", rows)


@open311_view("GET", "POST")
def requests(request, fmt):
    """GET with the spec's filters (90 days by default) in pages; POST creates with a key."""
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    if params.get("service_request_id"):
        return _by_ids(fmt, params)
    page = _whole_number(params, "page", 1)
    size = _whole_number(params, "page_size", PAGE_SIZE_MAX, most=PAGE_SIZE_MAX)
    qs = _filtered(params)
    first = (page - 1) * size
    found = _request_rows(qs[first : first + size + 1])  # one more tells if a next page exists
    response = _respond(fmt, "service_requests", "request", found[:size])
    if len(found) > size:
        following = {**params.dict(), "page": page + 1, "page_size": size}
        url = request.build_absolute_uri(f"{request.path}?{urlencode(following)}")
        response["Link"] = f'<{url}>; rel="next"'
    return response


@open311_view("GET")
def request_detail(request, request_id, fmt):
    rows = _request_rows(_public_requests().filter(registration_number=request_id)[:1])
    if not rows:
        raise Refused(404, f"service_request_id {request_id!r}: not found")
    return _respond(fmt, "service_requests", "request", rows)


@open311_view("GET")
def token(request, token, fmt):
    """Requests are registered at once, so the token is the request id itself."""
    appeal = _public_requests().filter(registration_number=token).first()
    if appeal is None:
        raise Refused(404, f"token {token!r}: not found")
    return _respond(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": appeal.registration_number, "token": token}],
    )


# --- requests: posting --------------------------------------------------------------------
def _number(data, name: str) -> float | None:
    try:
        return float(data[name]) if data.get(name) else None
    except ValueError:
        raise Refused(400, f"{name}: must be a number") from None


def _location(data) -> tuple[float | None, float | None, str]:
    """lat and long, or address_string (the spec's three ways, less our missing ids)."""
    lat, lon = _number(data, "lat"), _number(data, "long")
    address = data.get("address_string", "").strip()
    if (lat is None) != (lon is None):
        raise Refused(400, "lat/long: give both latitude and longitude")
    if data.get("address_id"):
        raise Refused(
            400, "address_id: this server keeps no address ids; give lat and long or address_string"
        )
    if lat is None and not address:
        raise Refused(
            400, "lat/long, address_string or address_id: give the location of the request"
        )
    return lat, lon, address[:300]


def _media_url(data) -> str:
    url = data.get("media_url", "").strip()
    if not url:
        return ""
    try:
        if len(url) > MEDIA_URL_MAX:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise Refused(
            400, f"media_url: an http(s) address of at most {MEDIA_URL_MAX} characters"
        ) from None
    return url


def _answers(data, code: str) -> dict[str, list[str]]:
    """``attribute[x]=v`` (and ``attribute[x][]=v`` for lists) as {x: [v, …]}."""
    answers: dict[str, list[str]] = {}
    for key in data:
        match = re.fullmatch(r"attribute\[([^\]]+)\](\[\])?", key)
        if match:
            answers.setdefault(match.group(1), []).extend(v for v in data.getlist(key) if v != "")
    known = {a.code for a in ATTRIBUTES.get(code, ())}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise Refused(
            400, *(f"attribute[{u}]: service {code!r} has no such attribute" for u in unknown)
        )
    return answers


def _attribute_error(a: Attribute, given: list[str]) -> str | None:
    """Why the answer to one question is refused, or None."""
    keys = [k for k, _ in a.values]
    if not given:
        return f"attribute[{a.code}]: required ({a.description})" if a.required else None
    if a.datatype != "multivaluelist" and len(given) > 1:
        return f"attribute[{a.code}]: one value only"
    if a.datatype in ("singlevaluelist", "multivaluelist") and set(given) - set(keys):
        return f"attribute[{a.code}]: one of {', '.join(keys)}"
    if a.datatype in ("string", "text") and len(given[0]) > a.max_length:
        return f"attribute[{a.code}]: at most {a.max_length} characters"
    if a.datatype == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", given[0]):
        return f"attribute[{a.code}]: a number"
    if a.datatype == "datetime" and _datetime_or_none(given[0]) is None:
        return f"attribute[{a.code}]: a w3 date and time, e.g. 2010-01-01T00:00:00Z"
    return None


def service_attributes(data, code: str) -> dict:
    """The answers to the service's questions, checked against its definition."""
    answers = _answers(data, code)
    errors, kept = [], {}
    for a in ATTRIBUTES.get(code, ()):
        given = answers.get(a.code, [])
        error = _attribute_error(a, given)
        if error:
            errors.append(error)
        elif given:
            kept[a.code] = given if a.datatype == "multivaluelist" else given[0]
    if errors:
        raise Refused(400, *errors)
    return kept


# The service's field names, as the spec calls them.
_SPEC_FIELD = {
    "text": "description",
    "lon": "long",
    "address": "address_string",
    "category": "service_code",
    "department_id": "lat/long, address_string or address_id",
    "contact.name": "first_name",
    "contact.phone": "phone",
    "contact.email": "email",
}


def _create(request, fmt):
    data = request.POST
    if not key_valid(data.get("api_key", "")):
        raise Refused(403, "api_key: missing or invalid")
    category = _active_service(data.get("service_code", ""), status=400)
    lat, lon, address = _location(data)
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
                address=address,
                contact_name=name,
                contact_phone=data.get("phone", ""),
                contact_email=data.get("email", ""),
                media_url=_media_url(data),
                service_attributes=service_attributes(data, category.code),
                client=client_address(request),
            )
    except AppealInputError as exc:
        raise Refused(400, *(f"{_SPEC_FIELD.get(k, k)}: {v}" for k, v in exc.errors)) from None
    except appeal_services.RateLimited:
        raise Refused(429, "too many requests; try again later") from None
    notice = f"due {appeal.due_date.isoformat()}"
    if category.service in PRIVATE_SERVICES:
        notice += "; not listed publicly: follow it by the tracking link sent to the resident"
    row = {
        "service_request_id": appeal.registration_number,
        "service_notice": notice,
        "account_id": "",
    }
    return _respond(fmt, "service_requests", "request", [row], status=201)
