"""The console, incident page, board and measures: who may open them, and the board's queries."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from precinct.audit.models import AuditEntry
from precinct.dispatch import selectors, services
from precinct.dispatch.models import Incident
from tests.dispatch import builders

pytestmark = pytest.mark.django_db


def test_console__operator_registers_a_call_and_lands_on_its_page(client, personas, fleet):
    client.force_login(personas.operator)
    assert client.get(reverse("dispatch:console")).status_code == 200
    response = client.post(reverse("dispatch:console"), {
        "caller_phone": "+7 777 111 22 33", "lat": builders.CENTRE[1], "lon": builders.CENTRE[0],
        "category": "violence", "priority": "", "text": "fight in the yard",
    })  # fmt: skip
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:incident", args=[incident.id])
    page = client.get(response["Location"]).content.decode()
    assert "A-11" in page and "+7 777" not in page  # the phone only on request
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.READ).exists()


def test_console__bad_coordinates_are_explained_and_nothing_stored(client, personas, fleet):
    client.force_login(personas.operator)
    response = client.post(reverse("dispatch:console"), {"lat": "x", "lon": "76.9",
                                                          "category": "violence"})  # fmt: skip
    assert response.status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "patrol", "analyst"])
def test_console__only_dispatchers(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("dispatch:console")).status_code == 403


def test_console__residents_are_sent_to_sign_in(client):
    assert client.get(reverse("dispatch:console")).status_code == 302


def test_incident_page__send_unit_then_it_is_taken(client, personas, fleet, call):
    client.force_login(personas.operator)
    url = reverse("dispatch:assign", args=[call.id])
    assert client.post(url, {"unit_id": fleet.near.id}).status_code == 204
    again = client.post(url, {"unit_id": fleet.near.id})
    assert again.status_code == 409 and "A-11" in again.content.decode()


def test_incident_page__ticked_units_go_together(client, personas, fleet, call):
    client.force_login(personas.operator)
    page = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    assert 'id="send-selected"' in page and 'name="unit_id"' in page
    url = reverse("dispatch:assign", args=[call.id])
    data = {"unit_id": [fleet.near.id, fleet.foot.id], f"eta_{fleet.near.id}": "90.0"}
    assert client.post(url, data).status_code == 204
    assert set(call.assignments.values_list("unit_id", flat=True)) == {fleet.near.id, fleet.foot.id}
    again = client.post(url, {"unit_id": [fleet.far.id, fleet.near.id]})
    assert again.status_code == 409 and "A-11" in again.content.decode()
    assert call.assignments.count() == 2  # A-12 was not sent either


def test_incident_page__revealing_the_phone_is_audited(client, personas, call):
    client.force_login(personas.operator)
    body = client.post(reverse("dispatch:caller-phone", args=[call.id])).content.decode()
    assert "+7 701 555 12 34" in body
    assert AuditEntry.objects.get(action=AuditEntry.Action.READ).fields == ["caller_phone"]


def test_board__outsider_does_not_see_other_departments(client, personas, call):
    client.force_login(personas.outsider)
    assert (
        f'data-incident="{call.id}"' not in client.get(reverse("dispatch:board")).content.decode()
    )
    client.force_login(personas.head)
    assert f'data-incident="{call.id}"' in client.get(reverse("dispatch:board")).content.decode()


def test_board__query_count_does_not_grow_with_incidents(client, personas, fleet):
    client.force_login(personas.operator)
    url = reverse("dispatch:board-live")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def calls(n):
        for _ in range(n):
            incident = services.incident_create(
                actor=personas.operator,
                lon=builders.CENTRE[0],
                lat=builders.CENTRE[1],
                category_code="public_order",
            )
        return incident

    last = calls(1)
    services.assignment_create(actor=personas.operator, incident=last, unit_id=fleet.near.id)
    few = queries()
    calls(20)
    assert queries() == few == 7


def test_measures__analyst_reads_them(client, personas):
    client.force_login(personas.analyst)
    assert client.get(reverse("dispatch:measures")).status_code == 200
    client.force_login(personas.patrol)
    assert client.get(reverse("dispatch:measures")).status_code == 403


@pytest.fixture
def recent_calls(territory):
    """Last week's calls: six in precinct A (district A), two in precinct B (district B)."""
    precinct_b = builders.precinct_b(territory)
    week_ago = timezone.now() - dt.timedelta(days=7)
    calls = [
        builders.past_call(territory.district_a, 1, week_ago + dt.timedelta(hours=k), 60,
                           300 + 60 * k, lon=76.90, lat=43.25)
        for k in range(6)
    ] + [
        builders.past_call(territory.district_b, 1, week_ago, 60, 600, lon=76.94, lat=43.25)
        for _ in range(2)
    ]  # fmt: skip
    for call in calls:
        call.caller_phone = "+7 701 999 88 77"
    builders.insert_calls(calls)
    return precinct_b


def test_measures__hours_in_tenths_of_a_minute(client, personas, territory):
    received = timezone.now().replace(minute=0) - dt.timedelta(days=2)
    builders.insert_calls(
        [builders.past_call(territory.district_a, 1, received, 30, 225) for _ in range(3)]
    )  # 255 s = 4.25 min: shown as 4.2 (or 4.3), not rounded to a whole 4
    client.force_login(personas.analyst)
    html = client.get(reverse("dispatch:measures")).content.decode()
    hours = html[html.index('<table class="measures small">') :]  # the first: by hour
    assert re.search(r"<td>4[.,][23]</td>", hours[: hours.index("</table>")])


def _embedded_map(html: str) -> dict:
    """The map's data as the page embeds it (json_script), i.e. what leaves the server."""
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_measures__head_sees_the_polygons_of_his_precincts(client, personas, territory,
                                                             recent_calls):  # fmt: skip
    client.force_login(personas.head)  # head of district A
    page = client.get(reverse("dispatch:measures"))
    assert page.status_code == 200
    html = page.content.decode()
    config = _embedded_map(html)
    (feature,) = config["areas"]["features"]
    assert feature["id"] == territory.precinct_a.id
    assert feature["geometry"]["type"] == "Polygon"
    (stats,) = config["areaStats"]
    # Responses 360, 420, ..., 660 s: the median 510 s, the 90th percentile 630 s.
    assert stats == {"id": territory.precinct_a.id, "name": str(territory.precinct_a),
                     "calls": 6, "p50": 8.5, "p90": 10.5, "within": 100}  # fmt: skip
    assert f'data-precinct="{territory.precinct_a.id}"' in html
    assert f'data-precinct="{recent_calls.id}"' not in html
    assert "+7 701" not in html  # no caller's phone in the page or its map


def test_measures__other_head_sees_only_his_own_precinct_greyed(client, personas, recent_calls):
    client.force_login(personas.outsider)  # head of district B
    page = client.get(reverse("dispatch:measures"))
    (stats,) = _embedded_map(page.content.decode())["areaStats"]
    assert stats["id"] == recent_calls.id
    assert (stats["calls"], stats["p50"], stats["p90"], stats["within"]) == (2, None, None, None)
    assert "too-few" in page.content.decode()


def test_measures__refused_to_roles_without_measures_and_to_visitors(client, personas,
                                                                     recent_calls):  # fmt: skip
    assert client.get(reverse("dispatch:measures")).status_code == 302  # to the sign-in
    for user in (personas.patrol, personas.inspector):
        client.force_login(user)
        assert client.get(reverse("dispatch:measures")).status_code == 403


@pytest.mark.parametrize(
    ("language", "text"), [("ru", "Открытые происшествия"), ("kk", "Ашық оқиғалар")]
)
def test_board__translated(client, personas, language, text):
    client.force_login(personas.operator)
    page = client.get(reverse("dispatch:board"), headers={"accept-language": language})
    assert text in page.content.decode()


def test_console__street_and_house_search_offers_places(client, personas, territory):
    from precinct.territory.geocoding import address_key_fields
    from precinct.territory.models import Address

    Address.objects.create(
        region=territory.region, street="проспект Абая", housenumber="52", lon=76.9, lat=43.24,
        **address_key_fields("проспект Абая", "52"),
    )  # fmt: skip
    client.force_login(personas.operator)
    body = client.get(reverse("dispatch:places"), {"place": "Абая 52"}).content.decode()
    assert 'data-lon="76.900000"' in body and 'data-lat="43.240000"' in body


def test_board__incidents_past_target_are_highlighted(client, personas, call):
    from django.utils import timezone

    Incident.objects.filter(pk=call.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=16)
    )
    client.force_login(personas.operator)
    body = client.get(reverse("dispatch:board-live")).content.decode()
    assert f'class="incident overdue" data-incident="{call.id}"' in body
    Incident.objects.filter(pk=call.pk).update(received_at=timezone.now() - dt.timedelta(minutes=5))
    body = client.get(reverse("dispatch:board-live")).content.decode()
    assert f'class="incident" data-incident="{call.id}"' in body


def test_incident_page__link_a_repeated_call_and_refuse_nonsense(client, personas, call):
    repeat = services.incident_create(
        actor=personas.operator, lon=builders.CENTRE[0], lat=builders.CENTRE[1],
        category_code="violence",
    )  # fmt: skip
    client.force_login(personas.operator)
    url = reverse("dispatch:link", args=[repeat.id])
    assert client.post(url, {"original": "x"}).status_code == 400
    assert client.post(url, {"original": repeat.id}).status_code == 400  # itself
    assert client.post(url, {"original": call.id}).status_code == 302
    repeat.refresh_from_db()
    assert repeat.duplicate_of == call
    assert repeat.events.last().kind == "linked"


def test_measures__map_of_one_priority(client, personas, territory, recent_calls):
    client.force_login(personas.head)
    page = client.get(reverse("dispatch:measures"), {"priority": "2"})
    (stats,) = _embedded_map(page.content.decode())["areaStats"]
    assert stats["calls"] == 0 and stats["p50"] is None  # all of last week's calls were P1
    assert client.get(reverse("dispatch:measures"), {"priority": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("language", "heading", "label"),
    [("ru", "Время прибытия по участкам", "90-й процентиль, мин"),
     ("kk", "Учаскелер бойынша келу уақыты", "90-процентиль, мин")],
)  # fmt: skip
def test_measures__map_translated(client, personas, recent_calls, language, heading, label):
    client.force_login(personas.head)
    page = client.get(reverse("dispatch:measures"), headers={"accept-language": language})
    html = page.content.decode()
    assert heading in html
    assert _embedded_map(html)["labels"]["p90"] == label


def test_board__most_urgent_first_then_longest_waiting(client, personas, call):
    from django.utils import timezone

    minor = services.incident_create(
        actor=personas.operator, lon=call.lon, lat=call.lat, category_code="other", text="noise"
    )
    older_minor = services.incident_create(
        actor=personas.operator, lon=call.lon, lat=call.lat, category_code="other", text="dog"
    )
    now = timezone.now()
    Incident.objects.filter(pk=call.pk).update(received_at=now - dt.timedelta(minutes=1))
    Incident.objects.filter(pk=minor.pk).update(
        priority=3, received_at=now - dt.timedelta(minutes=5)
    )
    Incident.objects.filter(pk=older_minor.pk).update(
        priority=3, received_at=now - dt.timedelta(minutes=9)
    )
    client.force_login(personas.operator)
    body = client.get(reverse("dispatch:board-live")).content.decode()
    order = [body.index(f'data-incident="{i.id}"') for i in (call, older_minor, minor)]
    assert order == sorted(order)


def test_incident_page__ten_fastest_first_the_rest_folded(client, personas, fleet, call):
    for k in range(9):  # 12 units in all: the ten fastest shown, two folded
        builders.unit(fleet.near.department, f"A-2{k}", builders.grid_point(k % 3, 9 - k % 4))
    client.force_login(personas.operator)
    html = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    shown, folded = html.split('<details class="more-units">')
    assert shown.count('class="recommendation') == 10 and folded.count('class="recommendation') == 2
    assert "A-11" in shown  # the fastest unit is among the first ten, marked best
    assert shown.index('class="recommendation best"') < shown.index("A-11")
    # The dispatch controls come before the call's details, the duplicates and the timeline.
    assert html.index('class="button send"') < html.index('id="timeline"')
    assert html.index('class="button send"') < html.index('id="phone"')


def test_incident_page__the_folded_rest_says_how_slow_it_at_least_is(client, personas, fleet, call):
    """The page ranks the ten fastest only; each folded unit gets an honest lower bound."""
    for k in range(14):
        builders.unit(fleet.near.department, f"A-4{k:02d}", builders.grid_point(k % 11, 10))
    client.force_login(personas.operator)
    html = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    shown, folded = html.split('<details class="more-units">')
    assert shown.count('class="recommendation') == 10 and folded.count('class="recommendation') == 7
    assert "≥ " not in shown and "≥ " in folded
    full = {r.unit.callsign: r.eta_seconds for r in selectors.recommendations(incident=call)}
    best = sorted(full, key=full.get)[:10]
    assert all(f"<strong>{c}</strong>" in shown for c in best)
    bounded = 0
    for row in folded.split('<tr class="recommendation')[1:]:
        callsign = re.search(r"<strong>([^<]+)</strong>", row).group(1)
        label = re.search(r"</span>(≥ )?(\d+):(\d\d)</td>", row)
        seconds = int(label.group(2)) * 60 + int(label.group(3))
        if label.group(1):  # a bound: never above the unit's real ETA (to the second)
            bounded += 1
            assert full[callsign] >= seconds - 0.5
        else:
            assert abs(full[callsign] - seconds) <= 0.5
    assert bounded
    # A folded unit without an ETA is sent without one (the assignment keeps none).
    assert 'value=""' in folded


def test_incident_page__a_dispatch_is_confirmed_and_on_the_timeline(client, personas, fleet, call):
    client.force_login(personas.operator)
    url = reverse("dispatch:assign", args=[call.id])
    sent = client.post(url, {"unit_id": fleet.near.id, f"eta_{fleet.near.id}": "200.0"})
    assert sent.status_code == 204 and sent["HX-Refresh"] == "true"
    html = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    message = re.search(r'<p class="notice ok" role="status">(.*?)</p>', html).group(1)
    assert "A-11" in message and "3:20" in message
    timeline = html.split('id="timeline"')[1].split("</ol>")[0]
    assert "A-11" in timeline
    again = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    assert 'class="notice ok"' not in again  # said once


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_incident_page__confirmation_translated(client, personas, fleet, call, language):
    client.force_login(personas.operator)
    client.cookies["django_language"] = language
    client.post(reverse("dispatch:assign", args=[call.id]), {"unit_id": fleet.near.id},
                HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
    html = client.get(reverse("dispatch:incident", args=[call.id])).content.decode()
    message = re.search(r'<p class="notice ok" role="status">(.*?)</p>', html).group(1)
    assert "Dispatched" not in message and "A-11" in message


def test_measures__precinct_table_sorted_searched_and_paged(client, personas, territory,
                                                            recent_calls, monkeypatch):  # fmt: skip
    from precinct.core import listing

    monkeypatch.setattr(listing, "PER_PAGE", 1)
    client.force_login(personas.analyst)
    url = reverse("dispatch:measures")
    a, b = territory.precinct_a.id, recent_calls.id

    def rows(query):
        html = client.get(url + query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        body = html.split('<table class="measures areas">')[1].split("</tbody>")[0]
        return re.findall(r'data-precinct="(\d+)"', body), html

    first, html = rows("")
    assert first == [str(a)]  # the longest median first, one a page
    assert "page 1 of 2" in html and _embedded_map(html)["areaStats"].__len__() == 2  # map: all
    assert rows("?sort=calls&page=2")[0] == [str(b)]  # 6 calls, then 2
    assert 'href="?sort=calls&amp;page=1#areas"' in rows("?sort=calls&page=2")[1]
    word = next(w for w in str(recent_calls).split() if w not in str(territory.precinct_a))
    found, html = rows(f"?q={word.upper()}&sort=name")
    assert found == [str(b)] and "1 found" in html
    assert 'aria-sort="ascending"' in html
    assert "No precinct matches." in rows("?q=zzzz")[1]


def test_incident_page__outside_every_imported_region_says_so(
    client, personas, call, settings, tmp_path
):
    import shapely

    from precinct.analytics.network import build_networks, regions
    from precinct.analytics.network.basemap import from_lines
    from tests.conftest import CUT_OSM

    settings.PRECINCT_NETWORK_DIR = tmp_path
    astana = shapely.box(71.2, 50.9, 71.7, 51.3)  # a region far from the call
    regions.save_region(tmp_path / "astana", build_networks(CUT_OSM), astana, from_lines([]))
    client.force_login(personas.operator)
    response = client.get(reverse("dispatch:incident", args=[call.id]))
    assert response.status_code == 200
    assert "Для региона этого происшествия дорожная сеть не загружена" in response.content.decode()
    api = client.get(f"/api/v1/dispatch/incidents/{call.id}/recommendations")
    assert api.status_code == 404 and api.json()["code"] == "no_region_network"
