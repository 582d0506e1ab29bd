"""The 102 API: intake, recommendations, dispatch, the units' devices, from each persona."""

import datetime as dt

import pytest
from django.utils import timezone

from precinct.audit.models import AuditEntry
from precinct.dispatch import services
from precinct.dispatch.models import Assignment, Incident, TimelineEvent, Unit, UnitPosition
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
INCIDENTS = "/api/v1/dispatch/incidents"


def _call(**over):
    return {"lat": builders.CENTRE[1], "lon": builders.CENTRE[0], "category": "violence",
            "caller_phone": "+7 701 000 00 01", "text": "shouting", **over}  # fmt: skip


def _post(client, url, data, **kw):
    return client.post(url, data, content_type="application/json", **kw)


def test_categories__codes_names_and_default_priorities(client, personas):
    client.force_login(personas.operator)
    rows = client.get("/api/v1/dispatch/categories").json()
    violence = next(r for r in rows if r["code"] == "violence")
    assert violence["default_priority"] == 1 and violence["name"]


def test_intake__operator_takes_a_call(client, personas, fleet):
    client.force_login(personas.operator)
    response = _post(client, INCIDENTS, _call())
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.priority == 1  # the category's default
    assert incident.department == fleet.near.department
    assert incident.received_at <= timezone.now()
    assert [e.kind for e in incident.events.all()] == ["received"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"category": "nonsense"}, "category"), ({"lat": 91.0}, "lat"), ({"lon": "x"}, "lon"),
     ({"priority": 9}, "priority")],
)  # fmt: skip
def test_intake__bad_input_is_400_naming_the_field_and_stores_nothing(
    client, personas, fleet, change, field
):
    client.force_login(personas.operator)
    response = _post(client, INCIDENTS, _call(**change))
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Incident.objects.exists()


def test_intake__point_no_department_serves_is_404(client, personas, fleet):
    client.force_login(personas.operator)
    assert _post(client, INCIDENTS, _call(lat=50.0, lon=60.0)).status_code == 404


@pytest.mark.parametrize("persona", ["inspector", "patrol", "analyst", "outsider"])
def test_intake__only_dispatchers_in_scope_take_calls(client, personas, fleet, persona):
    client.force_login(getattr(personas, persona))
    assert _post(client, INCIDENTS, _call()).status_code == 403


def test_intake__residents_must_sign_in(client, fleet):
    assert _post(client, INCIDENTS, _call()).status_code == 401


def test_intake__possible_duplicates_are_offered(client, personas, call):
    client.force_login(personas.operator)
    near = _call(lon=builders.CENTRE[0] + 0.001)  # ~80 m away, same category
    dupes = _post(client, INCIDENTS, near).json()["possible_duplicates"]
    assert [d["id"] for d in dupes] == [call.id]
    other = _call(category="crash")
    assert _post(client, INCIDENTS, other).json()["possible_duplicates"] == []


def test_recommendations__ranked_by_road_time_with_foot_patrols(client, personas, fleet, call):
    client.force_login(personas.operator)
    rows = client.get(f"{INCIDENTS}/{call.id}/recommendations").json()
    assert [r["unit_id"] for r in rows] == [fleet.near.id, fleet.foot.id, fleet.far.id]
    near = rows[0]
    # One block east at 36 km/h: ~160 m in ~16 s.
    assert 150 < near["distance_m"] < 180 and 14 < near["eta_seconds"] < 19
    assert rows[1]["kind"] == "foot" and 100 < rows[1]["eta_seconds"] < 150
    # Ten blocks of a grid: the road distance exceeds the straight line.
    assert rows[2]["distance_m"] > rows[2]["straight_line_m"] * 1.3


def test_recommendations__limit_gives_the_fastest_as_the_full_ranking(
    client, personas, fleet, call
):
    for k in range(8):
        builders.unit(fleet.near.department, f"A-3{k}", builders.grid_point(k, 9 - k % 3))
    client.force_login(personas.operator)
    url = f"{INCIDENTS}/{call.id}/recommendations"
    every = client.get(url).json()
    assert len(every) == 11 and all(r["eta_seconds"] is not None for r in every)
    for limit in (1, 2, 4, 11, 50):
        rows = client.get(url, {"limit": limit}).json()
        assert rows == every[:limit]


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "x"])
def test_recommendations__bad_limit_is_400_naming_it(client, personas, call, limit):
    client.force_login(personas.operator)
    response = client.get(f"{INCIDENTS}/{call.id}/recommendations", {"limit": limit})
    assert response.status_code == 400
    assert "limit" in {e["field"] for e in response.json()["errors"]}


def test_recommendations__categories_decide_which_kinds_suit(client, personas, fleet):
    client.force_login(personas.operator)
    crash = _post(client, INCIDENTS, _call(category="crash_injury")).json()["id"]
    kinds = {r["kind"] for r in client.get(f"{INCIDENTS}/{crash}/recommendations").json()}
    assert kinds == {"car"}


def test_recommendations__outsider_sees_no_incident(client, personas, call):
    client.force_login(personas.outsider)
    assert client.get(f"{INCIDENTS}/{call.id}/recommendations").status_code == 404
    assert client.get(f"{INCIDENTS}/{call.id}").status_code == 404


def test_dispatch__then_the_same_unit_again_is_409(client, personas, fleet, call):
    client.force_login(personas.operator)
    url = f"{INCIDENTS}/{call.id}/assignments"
    assert _post(client, url, {"unit_id": fleet.near.id}).status_code == 201
    second = _post(client, url, {"unit_id": fleet.near.id})
    assert second.status_code == 409
    assert second.json()["code"] == "unit_not_available"
    assert Assignment.objects.count() == 1
    call.refresh_from_db()
    assert call.dispatched_at is not None and call.handling_seconds is not None
    fleet.near.refresh_from_db()
    assert fleet.near.state == Unit.State.DISPATCHED
    rows = client.get(f"{INCIDENTS}/{call.id}/recommendations").json()
    assert fleet.near.id not in [r["unit_id"] for r in rows]


def test_dispatch__unknown_unit_is_404(client, personas, call):
    client.force_login(personas.operator)
    assert _post(client, f"{INCIDENTS}/{call.id}/assignments", {"unit_id": 999}).status_code == 404


def test_dispatch_several__all_units_go_in_one_action(client, personas, fleet, call):
    client.force_login(personas.operator)
    units = [{"unit_id": fleet.near.id, "eta_seconds": 61.5}, {"unit_id": fleet.far.id}]
    response = _post(client, f"{INCIDENTS}/{call.id}/assignments/batch", {"units": units})
    assert response.status_code == 201
    sent = response.json()["assignments"]
    assert sorted(a["unit_id"] for a in sent) == sorted([fleet.near.id, fleet.far.id])
    assert Assignment.objects.get(unit=fleet.near).eta_seconds == 61.5
    assert set(Unit.objects.filter(pk__in=[fleet.near.id, fleet.far.id])
               .values_list("state", flat=True)) == {Unit.State.DISPATCHED}  # fmt: skip
    events = call.events.filter(kind=TimelineEvent.Kind.DISPATCHED)
    assert sorted(events.values_list("unit_id", flat=True)) == sorted([fleet.near.id, fleet.far.id])


def test_dispatch_several__one_taken_means_none_sent(client, personas, fleet, call):
    client.force_login(personas.operator)
    services.unit_report_state(unit=fleet.far, state=Unit.State.BUSY)
    units = [{"unit_id": fleet.near.id}, {"unit_id": fleet.far.id}]
    response = _post(client, f"{INCIDENTS}/{call.id}/assignments/batch", {"units": units})
    assert response.status_code == 409
    assert response.json()["code"] == "unit_not_available"
    assert "A-12" in response.json()["detail"]
    assert not Assignment.objects.exists()
    fleet.near.refresh_from_db()
    assert fleet.near.state == Unit.State.AVAILABLE  # rolled back with the rest
    call.refresh_from_db()
    assert call.dispatched_at is None


@pytest.mark.parametrize(
    ("units", "code"),
    [([], None), ([{"unit_id": 1}, {"unit_id": 1}], "unit_twice"),
     ([{"unit_id": n} for n in range(1, 13)], "unit_count")],
)  # fmt: skip
def test_dispatch_several__empty_repeated_or_too_many_is_400(client, personas, call, units, code):
    client.force_login(personas.operator)
    response = _post(client, f"{INCIDENTS}/{call.id}/assignments/batch", {"units": units})
    assert response.status_code == 400
    if code:
        assert response.json()["code"] == code
    assert not Assignment.objects.exists()


def test_detail__phone_only_on_request_and_audited(client, personas, call):
    client.force_login(personas.operator)
    assert client.get(f"{INCIDENTS}/{call.id}").json()["caller_phone"] is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.READ).exists()
    assert client.get(f"{INCIDENTS}/{call.id}?phone=1").json()["caller_phone"] == "+7 701 555 12 34"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.READ)
    assert (entry.actor, entry.fields, entry.subject_id) == (
        personas.operator,
        ["caller_phone"],
        str(call.id),
    )


def test_detail__analyst_reads_incident_but_not_phone(client, personas, call):
    client.force_login(personas.analyst)
    body = client.get(f"{INCIDENTS}/{call.id}?phone=1").json()
    assert body["caller_phone"] is None and body["priority"] == 1


# --- the units' devices ------------------------------------------------------------------


def _device(unit):
    return {"HTTP_AUTHORIZATION": f"Bearer {services.unit_token_issue(actor=None, unit=unit)}"}


def _fix(lon, lat, at):
    return {"lon": lon, "lat": lat, "recorded_at": at.isoformat()}


def test_positions__own_unit_moves_on_the_board(client, fleet):
    auth = _device(fleet.near)
    lon, lat = builders.grid_point(7, 5)
    response = _post(
        client, f"/api/v1/units/{fleet.near.id}/positions", _fix(lon, lat, timezone.now()), **auth
    )
    assert response.status_code == 201 and response.json()["accepted"]
    fleet.near.refresh_from_db()
    assert (fleet.near.lon, fleet.near.lat) == (lon, lat)


def test_positions__token_of_another_unit_or_none_is_refused(client, fleet):
    fix = _fix(*builders.grid_point(1, 1), timezone.now())
    url = f"/api/v1/units/{fleet.far.id}/positions"
    assert _post(client, url, fix, **_device(fleet.near)).status_code == 403
    assert _post(client, url, fix).status_code == 401
    assert _post(client, url, fix, HTTP_AUTHORIZATION="Bearer pcu_forged").status_code == 401


def test_positions__future_and_outside_region_are_refused(client, territory, fleet):
    auth = _device(fleet.near)
    url = f"/api/v1/units/{fleet.near.id}/positions"
    future = _post(
        client,
        url,
        _fix(*builders.grid_point(1, 1), timezone.now() + dt.timedelta(hours=1)),
        **auth,
    )
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "recorded_at"
    territory.region.min_lon, territory.region.max_lon = 76.8, 77.0
    territory.region.min_lat, territory.region.max_lat = 43.1, 43.4
    territory.region.save()
    outside = _post(client, url, _fix(75.0, 43.2, timezone.now()), **auth)
    assert outside.status_code == 400 and outside.json()["code"] == "outside_region"
    assert UnitPosition.objects.count() == 0


def test_positions__impossible_speed_is_flagged_and_does_not_move(client, fleet):
    auth = _device(fleet.near)
    url = f"/api/v1/units/{fleet.near.id}/positions"
    now = timezone.now()
    _post(client, url, _fix(*builders.grid_point(0, 0), now - dt.timedelta(seconds=10)), **auth)
    jump = _post(client, url, _fix(*builders.grid_point(10, 10), now), **auth).json()
    assert jump == {"id": jump["id"], "accepted": False, "flag": "impossible_speed"}
    fleet.near.refresh_from_db()
    assert (fleet.near.lon, fleet.near.lat) == builders.grid_point(0, 0)


def test_timeline__acknowledge_arrive_close(client, personas, fleet, call):
    services.assignment_create(actor=personas.operator, incident=call, unit_id=fleet.near.id)
    auth = _device(fleet.near)
    state = f"/api/v1/units/{fleet.near.id}/state"
    assert _post(client, state, {"state": "on_scene"}, **_device(fleet.far)).status_code == 403
    assert _post(client, state, {"state": "en_route"}, **auth).json()["state"] == "en_route"
    assert _post(client, state, {"state": "on_scene"}, **auth).status_code == 200
    call.refresh_from_db()
    assert call.received_at <= call.dispatched_at <= call.en_route_at <= call.on_scene_at
    assert call.response_seconds == call.handling_seconds + call.travel_seconds
    client.force_login(personas.operator)
    assert _post(client, f"{INCIDENTS}/{call.id}/close", {}).status_code == 200
    kinds = list(TimelineEvent.objects.filter(incident=call).values_list("kind", flat=True))
    assert kinds == ["received", "dispatched", "acknowledged", "en_route", "on_scene",
                     "cleared", "closed"]  # fmt: skip
    fleet.near.refresh_from_db()
    assert fleet.near.state == Unit.State.AVAILABLE


def test_state__bad_state_and_unassigned_arrival_are_refused(client, fleet):
    auth = _device(fleet.near)
    url = f"/api/v1/units/{fleet.near.id}/state"
    assert _post(client, url, {"state": "flying"}, **auth).status_code == 400
    assert _post(client, url, {"state": "on_scene"}, **auth).status_code == 409
