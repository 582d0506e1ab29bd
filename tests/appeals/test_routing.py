"""Where an appeal goes: the form's preview and the stored appeal agree, and an address
that is not one house is refused with choices instead of taking the street's first hit."""

import pytest
import shapely
from django.urls import reverse
from django.utils import translation

from precinct.appeals import routing
from precinct.appeals.models import Appeal
from precinct.territory import services as territory_services
from precinct.territory.geocoding import address_key_fields
from precinct.territory.models import Address, Provenance

pytestmark = pytest.mark.django_db

HOUSE_52 = (76.900, 43.240)  # precinct 1 of district A (Almaly)
STREET_MIDDLE = (76.930, 43.240)  # precinct 2 of district B: where the bug sent "пр. Абая, 52"


@pytest.fixture
def abay(world):
    """Abay Avenue crossing two districts: its street row lies in B, house 52 in A."""
    territory_services.precinct_create(
        department=world.t.district_b,
        number=2,
        geometry=shapely.box(76.92, 43.22, 76.96, 43.27),
        source=Provenance.DERIVED,
    )
    for house, (lon, lat) in (("", STREET_MIDDLE), ("52", HOUSE_52), ("54", (76.902, 43.240))):
        Address.objects.create(
            region=world.t.region, street="проспект Абая", housenumber=house, lon=lon, lat=lat,
            **address_key_fields("проспект Абая", house),
        )  # fmt: skip
    return world


def _form(**place) -> dict:
    return {
        "type": "request",
        "text": "Во дворе ночью громкая музыка",
        "category": "noise",
        "contact_name": "Айгуль",
        "contact_phone": "+7 701 234 56 78",
        "form_token": "t-" + "-".join(f"{k}{v}" for k, v in place.items()),
        **place,
    }


def test_a_house_address_goes_where_find_my_inspector_puts_it(abay):
    destination = routing.appeal_destination(address="пр. Абая, 52")
    assert destination.department == abay.t.district_a
    assert destination.precinct == abay.t.precinct_a
    assert (destination.lon, destination.lat) == HOUSE_52 and destination.by == "address"


def test_a_street_without_a_house_is_refused_with_choices(abay):
    with translation.override("ru"), pytest.raises(routing.AddressNotExact) as refused:
        routing.appeal_destination(address="пр. Абая")
    assert refused.value.field == "address"
    assert "номер дома" in refused.value.message
    assert refused.value.choices[0].label == "проспект Абая"


def test_an_unknown_house_offers_the_nearest_numbers(abay):
    with pytest.raises(routing.AddressNotExact) as refused:
        routing.appeal_destination(address="проспект Абая 60")
    labels = [c.label for c in refused.value.choices]
    assert "проспект Абая, 54" in labels and "проспект Абая, 52" in labels


def test_the_pin_wins_over_the_address(abay):
    lon, lat = STREET_MIDDLE
    destination = routing.appeal_destination(lat=lat, lon=lon, address="пр. Абая, 52")
    assert destination.department == abay.t.district_b and destination.by == "pin"


PLACES = [
    {"address": "пр. Абая, 52"},
    {"address": "пр. Абая, 52", "lat": "43.240000", "lon": "76.930000"},
    {"lat": "43.250000", "lon": "76.890000"},
]


@pytest.mark.parametrize("place", PLACES)
def test_the_preview_names_the_department_the_appeal_is_stored_under(client, abay, place):
    preview = client.get(reverse("appeals:destination"), place)
    assert preview.status_code == 200
    html = preview.content.decode()
    response = client.post(reverse("appeals:new"), _form(**place))
    assert response.status_code == 302
    stored = Appeal.objects.get()
    assert f'data-department="{stored.department_id}"' in html
    assert stored.department.display_name in html
    assert f"участок {stored.precinct.number}" in html


def test_the_preview_of_a_department_chosen_from_the_list(client, abay):
    department = abay.t.district_b
    html = client.get(reverse("appeals:destination"), {"department_id": department.pk})
    assert f'data-department="{department.pk}"' in html.content.decode()


def test_a_street_only_address_is_refused_in_the_form_and_nothing_is_stored(client, abay):
    preview = client.get(reverse("appeals:destination"), {"address": "пр. Абая"})
    assert preview.status_code == 200 and 'role="alert"' in preview.content.decode()
    assert "data-department" not in preview.content.decode()
    assert 'data-lat="43.240000" data-lon="76.900000"' not in preview.content.decode()
    response = client.post(reverse("appeals:new"), _form(address="пр. Абая"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "добавьте номер дома или поставьте метку на карте" in page
    assert 'id="destination"' in page and "проспект Абая</button>" in page
    assert not Appeal.objects.exists()


def test_the_refusal_is_in_the_page_language(client, abay):
    response = client.post(
        reverse("appeals:new"), _form(address="пр. Абая"), HTTP_ACCEPT_LANGUAGE="kk"
    )
    assert "үй нөмірін қосыңыз" in response.content.decode()


def test_an_empty_form_explains_the_preview(client, abay):
    response = client.get(reverse("appeals:destination"))
    assert response.status_code == 200 and "data-department" not in response.content.decode()
