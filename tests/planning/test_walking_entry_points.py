"""Every entry point that takes a walking time refuses the same values with the same rule.

The API, the pages, the siting service and the read surface other apps use all go through
``territory.walking``: the same out-of-range value is a 4xx naming the field ``minutes``,
with the same message. (The settings are checked at start: tests/territory/test_walking.py.)
"""

import pytest

from precinct.core.errors import DomainError
from precinct.planning import metrics, services
from precinct.planning.models import SitingJob
from precinct.territory.walking import MAX_WALK_MINUTES, walking_minutes

pytestmark = pytest.mark.django_db

TOO_LONG, NONE_AT_ALL = MAX_WALK_MINUTES + 1, 0


def _rule(minutes) -> str:
    """The message of the one rule for this value."""
    with pytest.raises(DomainError) as exc:
        walking_minutes(minutes)
    return exc.value.message


def _refused_field(body: dict) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["field"], error["message"]


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_api_coverage(client, city, minutes):
    response = client.get(f"/api/v1/planning/coverage?minutes={minutes}")
    assert response.status_code == 400
    assert _refused_field(response.json()) == ("minutes", _rule(minutes))


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_api_siting(client, city, people, minutes):
    client.force_login(people.analyst)
    body = {"k": 2, "minutes": minutes}
    response = client.post("/api/v1/planning/siting", body, content_type="application/json")
    assert response.status_code == 400
    assert _refused_field(response.json()) == ("minutes", _rule(minutes))
    assert not SitingJob.objects.exists()


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_coverage_page(client, city, minutes):
    response = client.get(f"/planning/coverage/?minutes={minutes}")
    assert response.status_code == 400
    assert _rule(minutes) in response.content.decode()


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_coverage_map_data(client, city, minutes):
    response = client.get(f"/planning/coverage/map.json?minutes={minutes}")
    assert response.status_code == 400
    assert _refused_field(response.json()) == ("minutes", _rule(minutes))


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_scenario_form(client, city, people, minutes):
    client.force_login(people.analyst)
    response = client.post("/planning/scenarios/", {"minutes": minutes, "k": 2})
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"] == [_rule(minutes)]
    assert not SitingJob.objects.exists()


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_siting_service(city, people, minutes):
    with pytest.raises(DomainError) as exc:
        services.siting_job_create(actor=people.analyst, minutes=minutes, k=2)
    assert (exc.value.field, exc.value.message) == ("minutes", _rule(minutes))


@pytest.mark.parametrize("minutes", [TOO_LONG, NONE_AT_ALL])
def test_read_surface_for_other_apps(city, minutes):
    with pytest.raises(DomainError) as exc:
        metrics.coverage_by_department(minutes=minutes)
    assert (exc.value.field, exc.value.message) == ("minutes", _rule(minutes))


def test_the_limit_itself_is_served_everywhere(client, city, people):
    """The limit is inclusive at every entry point (one rule, not one per place)."""
    api = client.get(f"/api/v1/planning/coverage?minutes={MAX_WALK_MINUTES}&level=total")
    assert api.status_code == 200 and api.json()[0]["minutes"] == MAX_WALK_MINUTES
    page = client.get(f"/planning/coverage/map.json?minutes={MAX_WALK_MINUTES}")
    assert page.status_code == 200
    job = services.siting_job_create(actor=people.analyst, minutes=MAX_WALK_MINUTES, k=1)
    assert job.minutes == MAX_WALK_MINUTES
