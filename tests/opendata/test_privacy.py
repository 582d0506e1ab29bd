"""What the forces and neighbourhoods resources never publish: officers' phones and
e-mails, who booked a reception, what a resident raised, and small counts."""

import datetime as dt

import pytest
from django.test import override_settings

from precinct.territory import services
from precinct.territory.models import Officer
from tests import factories
from tests.opendata.conftest import SECRETS

API = "/opendata/api/"
RESOURCES = ("", "/boundary", "/people", "/events", "/priorities")


def _every_answer(client, lang: str) -> list[str]:
    paths = ["forces", "locate-neighbourhood?q=43.24,76.9"]
    for force, ids in {"up-almaly": ["1", "2"], "up-medeu": ["7"]}.items():
        paths += [f"forces/{force}", f"forces/{force}/people", f"{force}/neighbourhoods"]
        paths += [f"{force}/{n}{r}" for n in ids for r in RESOURCES]
    answers = [client.get(f"{API}{p}{'&' if '?' in p else '?'}lang={lang}") for p in paths]
    assert [a.status_code for a in answers] == [200] * len(paths)
    return [a.content.decode() for a in answers]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_no_contact_or_resident_text_in_any_answer(client, opendata_world, lang):
    assistant = factories.officer(
        opendata_world.territory.district_a,
        Officer.Role.ASSISTANT,
        "Помощников",
        phone="+7 701 555 55 55",
        email="assistant@police.kz",
    )
    services.inspector_assign(
        officer=assistant,
        precinct=opendata_world.precinct_a,
        starts_on=dt.date.today() - dt.timedelta(days=10),
    )
    bodies = "\n".join(_every_answer(client, lang))
    for secret in (*SECRETS, "+7 701 555 55 55", "assistant@police.kz"):
        assert secret not in bodies
    assert "Помощников" in bodies  # the team is named, only its contacts are kept back


def test_a_reception_is_published_without_its_bookings(client, opendata_world):
    (event,) = client.get(API + "up-almaly/1/events").json()
    assert set(event) == {
        "title", "description", "address", "type", "start_date", "end_date", "contact_details",
    }  # fmt: skip
    assert set(event["contact_details"]) == {"web", "telephone"}


def test_a_small_population_is_suppressed_by_the_disclosure_rule(client, opendata_world):
    # Precinct 2 has three residents: below the threshold of 5, so not published.
    assert client.get(API + "up-almaly/2").json()["population"] is None
    assert client.get(API + "up-almaly/1").json()["population"] == "5000"
    with override_settings(PRECINCT_DISCLOSURE_MIN_COUNT=3):
        assert client.get(API + "up-almaly/2").json()["population"] == "3"
    opendata_world.precinct_b.residents = 0
    opendata_world.precinct_b.save(update_fields=["residents"])
    assert client.get(API + "up-medeu/7").json()["population"] == "0"  # zero names nobody
