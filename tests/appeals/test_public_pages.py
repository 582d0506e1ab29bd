"""Public pages: proposals without names, statistics per department."""

import pytest
from django.urls import reverse

from precinct.appeals import services
from tests.appeals.builders import appeal_in_district_a

pytestmark = pytest.mark.django_db


def test_proposals_are_published_without_names_or_numbers(client, world):
    a = appeal_in_district_a(
        "Поставьте камеру, звоните мне +7 701 999 88 77 или a@b.kz", type="proposal"
    )
    services.appeal_answer(actor=world.p.head, appeal=a, answer="Камера установлена")
    html = client.get(reverse("appeals:proposals")).content.decode()
    assert "Камера установлена" in html and "Поставьте камеру" in html
    assert "999 88 77" not in html and "a@b.kz" not in html and "Сапарова" not in html


def test_statistics_page(client, world):
    appeal_in_district_a()
    response = client.get(reverse("appeals:statistics"))
    assert response.status_code == 200
    assert "Almaly" in response.content.decode() or "Алмалин" in response.content.decode()


PUBLIC_PAGES = [
    "appeals:new",
    "appeals:track-lookup",
    "appeals:proposals",
    "receptions:list",
    "receptions:cancel",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_open_for_residents(client, world, name):
    assert client.get(reverse(name)).status_code == 200


def test_new__a_link_fills_in_the_point_and_department(client, world):
    department = world.t.district_a
    response = client.get(
        reverse("appeals:new"), {"lat": "43.250000", "lon": "76.950000",
                                 "department_id": department.pk, "text": "not taken"}
    )  # fmt: skip
    html = response.content.decode()
    assert 'name="lat" inputmode="decimal" value="43.250000"' in html
    assert 'name="lon" inputmode="decimal" value="76.950000"' in html
    assert f'<option value="{department.pk}" selected>' in html
    assert "not taken" not in html  # only the place comes from a link, never the text


@pytest.mark.parametrize(("language", "name"), [("ru", "Транспорт"), ("kk", "Көлік")])
def test_categories_are_named_in_the_page_language(client, world, language, name):
    from precinct.appeals.models import Category

    Category.objects.update_or_create(
        code="traffic-test",
        defaults={"name": "Транспорт", "name_kk": "Көлік", "name_en": "Traffic"},
    )
    page = client.get(reverse("appeals:new"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{name}</option>" in page and ">Traffic</option>" not in page
