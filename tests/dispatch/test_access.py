"""Every dispatch access rule from each persona's side, and the measures/token endpoints."""

import datetime as dt

import pytest
from django.utils import timezone

from precinct.accounts import access
from precinct.dispatch import services
from precinct.dispatch.models import Incident

pytestmark = pytest.mark.django_db
PERSONAS = ["inspector", "patrol", "operator", "head", "analyst", "admin", "outsider"]


@pytest.mark.parametrize(
    ("persona", "takes", "dispatches", "sees", "phone", "measures"),
    [
        ("inspector", False, False, True, False, False),
        ("patrol", False, False, True, False, False),
        ("operator", True, True, True, True, True),
        ("head", True, True, True, True, True),
        ("analyst", False, False, True, False, True),
        ("admin", True, True, True, True, True),
        ("outsider", True, False, False, False, False),
    ],
)  # fmt: skip
def test_access__per_persona(personas, territory, call, persona, takes, dispatches, sees, phone,
                             measures):  # fmt: skip
    user = getattr(personas, persona)
    assert access.can_take_calls(user) is takes
    assert access.can_dispatch_incident(user, call) is dispatches
    assert access.can_view_incident(user, call) is sees
    assert access.can_view_caller_phone(user, call) is phone
    assert access.can_read_dispatch_measures(user, territory.district_a) is measures
    visible = access.incidents_visible_to(user, Incident.objects.all())
    assert visible.filter(pk=call.pk).exists() is sees


def test_access__residents_nothing(resident, territory, call):
    assert not access.can_take_calls(resident)
    assert not access.can_view_incident(resident, call)
    assert not access.incidents_visible_to(resident, Incident.objects.all()).exists()
    assert not access.can_read_dispatch_measures(resident, territory.district_a)


def test_measures_api__analyst_reads_outsider_refused(client, personas, territory, call):
    now = timezone.now()
    query = {
        "start": (now - dt.timedelta(days=1)).isoformat(),
        "end": (now + dt.timedelta(hours=1)).isoformat(),
        "group_by": "priority,hour",
    }
    client.force_login(personas.analyst)
    rows = client.get("/api/v1/dispatch/measures", query).json()
    assert rows[0]["calls"] == 1 and rows[0]["group"]["priority"] == 1
    client.force_login(personas.outsider)
    refused = client.get(
        "/api/v1/dispatch/measures", {**query, "department_id": territory.district_a.id}
    )
    assert refused.status_code == 403
    client.force_login(personas.analyst)
    bad = client.get("/api/v1/dispatch/measures", {**query, "group_by": "weather"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "group_by"


def test_unit_token__head_issues_operator_cannot(client, personas, fleet):
    client.force_login(personas.operator)
    assert client.post(f"/api/v1/dispatch/units/{fleet.near.id}/token").status_code == 403
    client.force_login(personas.head)
    token = client.post(f"/api/v1/dispatch/units/{fleet.near.id}/token").json()["token"]
    assert services.unit_for_token(token) == fleet.near
    fleet.near.refresh_from_db()
    assert token not in fleet.near.token_hash  # stored hashed


@pytest.mark.parametrize("offset", ["-21:58", "+23:59", ""])
def test_measures_api__any_valid_offset_or_none_is_read_not_a_500(client, personas, call, offset):
    # PostgreSQL takes offsets up to ±15:59 only: the API turns every time into UTC first.
    client.force_login(personas.analyst)
    day = timezone.localdate()
    query = {
        "start": f"{day - dt.timedelta(days=2)}T00:00:00{offset}",
        "end": f"{day + dt.timedelta(days=2)}T00:00:00{offset}",
        "group_by": "priority",
    }
    response = client.get("/api/v1/dispatch/measures", query)
    assert response.status_code == 200, response.content
    assert response.json()[0]["calls"] == 1
