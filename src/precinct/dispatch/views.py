"""The 102 operator's console, incident pages, the live board and the measures page."""

import datetime as dt
from html import escape

import shapely
from django import forms
from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.core import listing
from precinct.core.replica import reads_from_replica
from precinct.dispatch import metrics, selectors, services
from precinct.dispatch.models import Incident
from precinct.dispatch.templatetags.dispatch_format import priority_label
from precinct.territory import geo, geocoding, mapdata
from precinct.territory.models import Precinct


class IntakeForm(forms.Form):
    """What the operator types while the caller speaks."""

    caller_phone = forms.CharField(
        label=gettext_lazy("Caller phone"), max_length=40, required=False
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300, required=False)
    lat = forms.FloatField(label=gettext_lazy("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=gettext_lazy("Longitude"), min_value=-180, max_value=180)
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), coerce=int, required=False, empty_value=None,
        choices=[("", gettext_lazy("category default"))] + [(p, str(p)) for p in range(1, 5)],
    )  # fmt: skip
    text = forms.CharField(label=gettext_lazy("What happened"), widget=forms.Textarea(
        attrs={"rows": 3}), required=False, max_length=5000)  # fmt: skip

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.code, f"{c.display_name} ({priority_label(c.default_priority)})") for c in categories
        ]


# The operator picks among the fastest few; the long tail (foot patrols an hour away)
# stays folded so the dispatch buttons sit on the first screen.
UNITS_SHOWN_FIRST = 10


def _map_config(**extra) -> dict:
    config = mapdata.map_config(result_url="", labels={})
    config["labels"] = {
        "incident": _("Incident"), "car": _("Patrol car"), "foot": _("Foot patrol"),
        "open": _("Open incident"),
    }  # fmt: skip
    config.update(extra)
    return config


@staff_page(access.can_take_calls)
@require_http_methods(["GET", "POST"])
def console(request):
    """Take a call: phone, place (address, map click or coordinates), category, text."""
    categories = selectors.categories()
    form = IntakeForm(request.POST or None, categories=categories)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_create(
                actor=request.user, lon=data["lon"], lat=data["lat"],
                category_code=data["category"], priority=data["priority"],
                caller_phone=data["caller_phone"], text=data["text"], place=data["place"],
            )  # fmt: skip
        except services.DispatchError as exc:
            error = str(exc)
        else:
            return redirect("dispatch:incident", incident_id=incident.id)
    priorities = {c.code: c.default_priority for c in categories}
    context = {
        "form": form, "error": error, "priorities": priorities,
        "map_config": _map_config(clickable=True, points=[]),
    }  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return render(request, "dispatch/console.html", context, status=status)


@staff_page(access.can_take_calls)
@require_GET
def places(request):
    """Address candidates for the console (buttons that fill in the coordinates)."""
    query = request.GET.get("place", "").strip()
    candidates = geocoding.address_search(query=query) if len(query) >= 2 else []
    return render(request, "dispatch/_places.html", {"candidates": candidates, "query": query})


def _incident_or_404(request, incident_id: int) -> Incident:
    """The incident, if the user may see it; otherwise 404 (not even its existence)."""
    item = get_object_or_404(
        Incident.objects.select_related("category", "department"), pk=incident_id
    )
    if not access.can_view_incident(request.user, item):
        raise Http404
    return item


@staff_page(access.is_staff_member)
@require_GET
def incident(request, incident_id: int):
    """One incident: duplicates to link, ranked units to send, map and timeline."""
    from precinct.territory.network import NetworkMissing, OutsideRegions

    item = _incident_or_404(request, incident_id)
    can_dispatch = access.can_dispatch_incident(request.user, item)
    ranked, network_missing = [], False
    if can_dispatch and item.state == Incident.State.OPEN:
        try:
            # The first ten are ranked exactly; the folded rest shows how slow it at least is.
            ranked = [
                selectors.recommendation_payload(r)
                for r in selectors.recommendations(incident=item, first=UNITS_SHOWN_FIRST)
            ]
            for r in ranked:
                r["eta_label"] = _eta_label(r["eta_seconds"], r["eta_at_least_seconds"])
        except OutsideRegions:
            network_missing = "region"
        except NetworkMissing:
            network_missing = True
    duplicates = selectors.possible_duplicates(incident=item) if can_dispatch else []
    points = [{"lon": r["lon"], "lat": r["lat"], "kind": r["kind"], "label": r["callsign"]}
              for r in ranked]  # fmt: skip
    detail = selectors.incident_detail(user=request.user, incident=item, with_phone=False)
    context = {
        **detail, "can_dispatch": can_dispatch, "ranked": ranked, "duplicates": duplicates,
        "best": ranked[:UNITS_SHOWN_FIRST], "rest": ranked[UNITS_SHOWN_FIRST:],
        "rest_bounded": any(r["eta_seconds"] is None for r in ranked),
        "network_missing": network_missing, "phases": services.phases(item),
        "target": selectors.target_seconds(item.priority, item.area_type),
        "map_config": _map_config(
            clickable=False, points=points,
            incident={"lon": item.lon, "lat": item.lat} if item.lon is not None else None,
        ),
    }  # fmt: skip
    return render(request, "dispatch/incident.html", context)


@staff_page(access.can_take_calls)
@require_POST
def assign(request, incident_id: int):
    """Send the chosen unit or units (all or none); a clear message if one was taken first."""
    item = _incident_or_404(request, incident_id)
    try:
        etas = {}
        for value in request.POST.getlist("unit_id"):
            eta = float(request.POST.get(f"eta_{int(value)}") or "nan")
            etas[int(value)] = eta if eta == eta else None
        if not etas:
            raise ValueError
        sent = services.assignments_create(actor=request.user, incident=item, etas=etas)
    except ValueError as exc:  # DispatchError is a ValueError too
        message = str(exc) if isinstance(exc, services.DispatchError) else _("Choose a unit.")
        return render(request, "dispatch/_message.html", {"message": message}, status=409)
    messages.success(request, _dispatch_confirmation(sent))
    # The page reloads: the confirmation, the units sent and the timeline come back updated.
    return HttpResponse(status=204, headers={"HX-Refresh": "true"})


def _eta_label(eta: float | None, at_least: float) -> str:
    """ "3:20", or "≥ 12:05" for a unit the bounded search did not rank."""
    minutes, seconds = divmod(round(at_least if eta is None else eta), 60)
    return f"{minutes}:{seconds:02d}" if eta is not None else f"≥ {minutes}:{seconds:02d}"


def _dispatch_confirmation(sent) -> str:
    """ "Sent: A-11 (ETA 3:20), A-P1 (ETA 6:05) at 14:02:11." for the operator to read back."""
    parts = []
    for a in sent:
        if a.eta_seconds is None:
            parts.append(a.unit.callsign)
        else:
            minutes, seconds = divmod(round(a.eta_seconds), 60)
            parts.append(_("%(unit)s (ETA %(eta)s)") % {
                "unit": a.unit.callsign, "eta": f"{minutes}:{seconds:02d}"})  # fmt: skip
    at = timezone.localtime(sent[0].dispatched_at).strftime("%H:%M:%S")
    return _("Dispatched: %(units)s at %(time)s. The timeline below shows it.") % {
        "units": ", ".join(parts), "time": at}  # fmt: skip


@staff_page(access.can_take_calls)
@require_POST
def link(request, incident_id: int):
    """Link this call to an open incident it repeats."""
    item = _incident_or_404(request, incident_id)
    try:
        original = _incident_or_404(request, int(request.POST.get("original", "")))
        services.incident_link_duplicate(actor=request.user, incident=item, original=original)
    except ValueError as exc:  # DispatchError is a ValueError too
        message = str(exc) if isinstance(exc, services.DispatchError) else _("Choose an incident.")
        return render(request, "dispatch/_message.html", {"message": message}, status=400)
    return redirect("dispatch:incident", incident_id=item.id)


@staff_page(access.can_take_calls)
@require_POST
def close(request, incident_id: int):
    """Close the incident and free its units."""
    item = _incident_or_404(request, incident_id)
    try:
        services.incident_close(actor=request.user, incident=item)
    except services.DispatchError as exc:
        return render(request, "dispatch/_message.html", {"message": str(exc)}, status=409)
    return redirect("dispatch:board")


@staff_page(access.can_take_calls)
@require_POST
def caller_phone(request, incident_id: int):
    """Reveal the caller's phone on request; the read is audited."""
    item = _incident_or_404(request, incident_id)
    detail = selectors.incident_detail(user=request.user, incident=item, with_phone=True)
    return render(request, "dispatch/_phone.html", {"phone": detail["caller_phone"]})


def _board_context(user) -> dict:
    """The board with its rows rendered here, every value escaped: 500 rows through the
    template engine cost ~10x more (see docs/benchmarks.md, live board)."""
    data = selectors.board(user=user)
    base = escape(reverse("dispatch:incident", args=[0])[: -len("0/")])
    label = _("past target")
    past = f" <strong>{escape(label)}</strong>"
    data["incident_rows"] = mark_safe(  # every value below is escaped
        "\n".join(
            f'<tr class="incident{" overdue" if r["overdue"] else ""}" data-incident="{r["id"]}">'
            f'<td><a href="{base}{r["id"]}/">{r["id"]}</a></td>'
            f'<td><span class="prio p{r["priority"]}">{priority_label(r["priority"])}</span></td>'
            f"<td>{escape(r['category'])}</td><td>{r['waiting']}{past if r['overdue'] else ''}"
            f'</td><td>{r["target"]}</td><td class="assigned">{escape(r["units"])}</td></tr>'
            for r in data["incidents"]
        )
    )
    data["unit_rows"] = mark_safe(  # every value below is escaped
        "\n".join(
            f'<tr data-unit="{u["id"]}" class="unit {escape(u["state"])}">'
            f"<td>{escape(u['callsign'])}</td><td>{escape(u['kind'])}</td>"
            f'<td class="state">{escape(u["state_label"])}</td></tr>'
            for u in data["units"]
        )
    )
    return data


@staff_page(access.is_staff_member)
@require_GET
def board(request):
    """The live board: open incidents and units, refreshed by htmx polling."""
    return render(request, "dispatch/board.html", _board_context(request.user))


@staff_page(access.is_staff_member)
@require_GET
def board_fragment(request):
    """The board's body alone, for the polling refresh."""
    return render(request, "dispatch/_board.html", _board_context(request.user))


@staff_page(access.can_open_dispatch_measures)
@require_GET
@reads_from_replica
def measures(request):
    """Response-time measures of the user's scope for the last days, and a map of precincts."""
    try:
        days = min(max(int(request.GET.get("days", "365")), 1), 3660)
    except ValueError:
        days = 365
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    department = request.user.department
    by_priority = metrics.response_measures(department=department, start=start, end=end)
    by_hour = metrics.response_measures(
        department=department, start=start, end=end, group_by=("hour",), priority=1
    )
    for row in by_hour:  # tenths of a minute: whole minutes hide the rush hours
        row["response_min"] = _minutes(row["response_seconds_p50"])
    map_priority = request.GET.get("priority", "")
    map_priority = int(map_priority) if map_priority in {"1", "2", "3", "4"} else None
    area = metrics.area_map(department=department, start=start, end=end, priority=map_priority)
    rows = [_area_row(r) for r in area["precincts"]]
    sort = request.GET.get("sort") if request.GET.get("sort") in AREA_SORTS else "p50"
    found = listing.matching(rows, listing.search_query(request), lambda r: r["name"])
    if AREA_SORTS[sort]:
        found.sort(key=AREA_SORTS[sort])
    context = {
        "days": days, "by_priority": by_priority, "by_hour": by_hour,
        "targets": selectors.target_table(), "map_priority": map_priority,
        "areas": listing.page_of(request, found), "sort": sort,
        "sort_query": _query_without(request, "sort", "page"),
        "outside": _area_row(area["outside"]), "unlocated": area["unlocated"],
        "min_sample": metrics.MIN_SAMPLE, "map_config": _area_map_config(rows),
    }  # fmt: skip
    return render(request, "dispatch/measures.html", context)


# The precinct table's orders: the metrics give the longest median first ("p50").
AREA_SORTS = {
    "p50": None,
    "name": lambda r: r["name"].casefold(),
    "calls": lambda r: -r["calls"],
}


def _query_without(request, *names: str) -> str:
    """The page's query string less ``names``, ending in "&" when not empty."""
    kept = request.GET.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode() + "&" if kept else ""


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _area_row(row: dict) -> dict:
    """A precinct's (or the outside line's) measures in minutes and per cent, for display."""
    share = row["share_within_target"]
    return {
        **row, "p50_min": _minutes(row["response_seconds_p50"]),
        "p90_min": _minutes(row["response_seconds_p90"]),
        "within_pct": None if share is None else round(100 * share),
    }  # fmt: skip


# The precinct polygons as GeoJSON per process, until a precinct changes: simplifying,
# rounding and parsing a city's 300 jagged polygons took half a second of every page.
_polygons: dict[tuple, tuple] = {}


def _precinct_polygons(precinct_ids) -> tuple[frozenset, tuple | None, dict]:
    """(ids drawn, their bounds, their FeatureCollection) of these precincts."""
    ids = tuple(sorted(set(precinct_ids)))
    changed = Precinct.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (changed["n"], changed["last"], ids)
    found = _polygons.get(key)
    if found is None:
        shapes = geo.precinct_shapes(ids)
        bounds = tuple(shapely.total_bounds(list(shapes.values()))) if shapes else None
        found = (frozenset(shapes), bounds, mapdata.area_features(shapes))
        if len(_polygons) >= 32:  # a few scopes per process; never grows without bound
            _polygons.clear()
        _polygons[key] = found
    return found


def _area_map_config(rows: list[dict]) -> dict:
    """The map of precinct polygons: measures per precinct id, only aggregates leave."""
    drawn, bounds, features = _precinct_polygons(r["precinct_id"] for r in rows)
    config = mapdata.map_config(result_url="", labels={}, bounds=bounds)
    config["labels"] = {
        "median": _("Median response, min"), "p90": _("90th percentile, min"),
        "calls": _("Calls"), "within": _("Within target"),
        "tooFew": _("Too few responses to show"),
    }  # fmt: skip
    config["areas"] = features
    config["areaStats"] = [
        {"id": r["precinct_id"], "name": r["name"], "calls": r["calls"], "p50": r["p50_min"],
         "p90": r["p90_min"], "within": r["within_pct"]}
        for r in rows if r["precinct_id"] in drawn
    ]  # fmt: skip
    return config
