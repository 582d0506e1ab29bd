"""Weekly receptions: heads publish hours, residents book and cancel, outcomes become appeals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from precinct.receptions import services
from precinct.receptions.models import Booking, ReceptionSlot
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(world):
    return services.reception_slot_create(
        actor=world.p.head,
        head=world.head_officer,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="ул. Абая 1, каб. 5",
        capacity=1,
    )


def fields_of(error) -> set[str]:
    return {field for field, _message in error.errors}


def test_only_heads_in_scope_publish(world):
    when = timezone.now() + dt.timedelta(days=3)
    for user in (world.p.inspector, world.p.outsider, world.p.analyst):
        with pytest.raises(PermissionDenied):
            services.reception_slot_create(
                actor=user, head=world.head_officer, starts_at=when, place="x"
            )


def test_resident_books_without_an_account_and_cancels(client, world, slot):
    listing = client.get(reverse("receptions:list")).content.decode()
    assert "ул. Абая 1" in listing
    response = client.post(
        reverse("receptions:book", args=[slot.pk]),
        {"name": "Гульнар", "phone": "+77015554433", "topic": "Шум"},
    )
    assert response.status_code == 200
    booking = Booking.objects.get()
    assert booking.code in response.content.decode()
    full = client.post(
        reverse("receptions:book", args=[slot.pk]),
        {"name": "Другой", "phone": "+77015554400", "topic": "Шум"},
    )
    assert full.status_code == 409  # capacity 1
    assert client.post(reverse("receptions:cancel"), {"code": booking.code}).status_code == 200
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED
    again = client.post(reverse("receptions:cancel"), {"code": booking.code})
    assert again.status_code == 400


def test_booking_field_errors(world, slot):
    with pytest.raises(services.ReceptionInputError) as err:
        services.booking_create(slot_id=slot.pk, name="", phone="abc", topic="")
    assert fields_of(err.value) == {"name", "phone", "topic"}


def test_booking_form_shows_each_refusal_beside_its_field(client, world, slot):
    page = client.post(
        reverse("receptions:book", args=[slot.pk]),
        {"name": "", "phone": "abc", "topic": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Give your name." in html
    assert "Enter a phone number such as +7 701 234 56 78." in html
    assert "Say briefly what you want to discuss." in html


def test_head_turns_a_reception_into_an_appeal_in_one_step(client, world, slot):
    booking = services.booking_create(
        slot_id=slot.pk, name="Гульнар", phone="+77015554433", topic="Нет освещения во дворе"
    )
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    page = client.get(reverse("receptions:staff"))
    assert "Гульнар" in page.content.decode()
    response = client.post(
        reverse("receptions:staff"),
        {"booking": booking.pk, "attended": "1", "outcome": "Принято", "register_as": "request"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == Booking.State.ATTENDED
    assert booking.appeal.channel == "reception"
    assert booking.appeal.registered_by == world.p.head
    assert booking.appeal.department == world.t.district_a
    assert booking.appeal.text == "Нет освещения во дворе"
    page = client.get(reverse("receptions:staff")).content.decode()
    assert booking.appeal.registration_number in page


def test_an_unknown_kind_of_appeal_is_refused_and_nothing_is_recorded(client, world, slot):
    booking = services.booking_create(slot_id=slot.pk, name="Г", phone="+77015554433", topic="x")
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    response = client.post(
        reverse("receptions:staff"),
        {"booking": booking.pk, "attended": "1", "register_as": "petition"},
    )
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED and booking.appeal is None


def test_outsider_cannot_record_an_outcome(world, slot):
    booking = services.booking_create(slot_id=slot.pk, name="Г", phone="+77015554433", topic="x")
    with pytest.raises(PermissionDenied):
        services.booking_record_outcome(actor=world.p.outsider, booking=booking, attended=True)


def test_head_publishes_weekly_hours_from_the_page(client, world):
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    first = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT15:00")
    response = client.post(
        reverse("receptions:staff"),
        {
            "publish": "1",
            "first_start": first,
            "weeks": "4",
            "place": "ул. Абая 1",
            "capacity": "5",
            "language": "kk",
        },
    )
    assert response.status_code == 302
    slots = list(ReceptionSlot.objects.order_by("starts_at"))
    assert len(slots) == 4 and slots[1].starts_at - slots[0].starts_at == dt.timedelta(weeks=1)
    bad = client.post(reverse("receptions:staff"), {"publish": "1", "first_start": "x"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [("head", 200), ("admin", 200), ("inspector", 403), ("analyst", 403), ("operator", 403)],
)
def test_staff_page_is_for_heads_and_admins(client, world, persona, status):
    assert client.login(
        request=factories.sign_in_request(),
        username=getattr(world.p, persona).username,
        password=PASSWORD,
    )
    assert client.get(reverse("receptions:staff")).status_code == status


def test_staff_page_sends_a_visitor_to_sign_in(client, world):
    response = client.get(reverse("receptions:staff"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("/appeals/receptions/", "receptions:list"),
        ("/appeals/receptions/cancel/", "receptions:cancel"),
        ("/appeals/staff/receptions/", "receptions:staff"),
    ],
)
def test_addresses_under_appeals_still_lead_to_the_pages(client, old, name):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == reverse(name)


def test_an_old_booking_link_keeps_its_slot_and_query(client, world, slot):
    response = client.get(f"/appeals/receptions/{slot.pk}/book/?lang=kk")
    assert response.status_code == 301
    assert response["Location"] == reverse("receptions:book", args=[slot.pk]) + "?lang=kk"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("language", "title", "cancel"),
    [
        ("ru", "Приёмы руководителей подразделений", "Отменить запись"),
        ("kk", "Бөлімше басшыларының қабылдаулары", "Жазылуды болдырмау"),
        ("en", "Receptions of department heads", "Cancel a booking"),
    ],
)
def test_pages_speak_russian_and_kazakh(client, world, slot, language, title, cancel):
    html = client.get(reverse("receptions:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in html and cancel in html


def test_staff_page_query_count_does_not_grow_with_bookings(client, world):
    """Hours, bookings and the appeals they became come in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)

    def book_and_register(n: int) -> None:
        for i in range(n):
            hour = services.reception_slot_create(
                actor=world.p.head,
                head=world.head_officer,
                starts_at=timezone.now() + dt.timedelta(days=3, hours=i),
                place="каб. 5",
            )
            booking = services.booking_create(
                slot_id=hour.pk, name="Г", phone=f"+7701555{i:04d}", topic=f"тема {i}"
            )
            services.booking_record_outcome(
                actor=world.p.head, booking=booking, attended=True, register_appeal_type="request"
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(reverse("receptions:staff")).status_code == 200
        return len(seen)

    book_and_register(1)
    few = queries()
    book_and_register(5)
    assert queries() == few


@pytest.mark.parametrize(("persona", "shown"), [("head", True), ("operator", False)])
def test_the_queue_links_receptions_only_for_those_who_may_open_them(client, world, persona, shown):
    assert client.login(
        request=factories.sign_in_request(),
        username=getattr(world.p, persona).username,
        password=PASSWORD,
    )
    html = client.get(reverse("appeals:staff-queue")).content.decode()
    assert (f'href="{reverse("receptions:staff")}"' in html) is shown


@pytest.mark.parametrize(("persona", "for_the_head"), [("admin", True), ("outsider", False)])
def test_only_an_admin_publishes_hours_for_a_head_he_chooses(client, world, persona, for_the_head):
    user = getattr(world.p, persona)
    assert client.login(
        request=factories.sign_in_request(), username=user.username, password=PASSWORD
    )
    first = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT15:00")
    form = {"publish": "1", "first_start": first, "weeks": "1", "place": "каб. 5", "capacity": "3"}
    response = client.post(reverse("receptions:staff"), {**form, "head": world.head_officer.pk})
    published = ReceptionSlot.objects.filter(head=world.head_officer).exists()
    assert published is for_the_head
    # The outsider head is linked to no officer here: his own hours are refused, not hers.
    assert response.status_code == (302 if for_the_head else 400)


def test_a_full_hour_offers_no_booking_and_the_service_refuses_it(client, world, slot):
    services.booking_create(slot_id=slot.pk, name="Гульнар", phone="+77015554433", topic="Шум")
    listing = client.get(reverse("receptions:list"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert reverse("receptions:book", args=[slot.pk]) not in listing
    assert "Мест нет" in listing
    page = client.get(reverse("receptions:book", args=[slot.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert page.status_code == 200 and '<form method="post"' not in html
    assert "На этот приём мест нет." in html
    with pytest.raises(services.ReceptionInputError) as refused:
        services.booking_create(slot_id=slot.pk, name="Другой", phone="+77015554400", topic="x")
    assert refused.value.code == "fully_booked" and refused.value.status == 409
    assert Booking.objects.count() == 1


def test_the_confirmation_names_department_head_room_address_and_time(client, world, slot):
    world.t.district_a.__class__.objects.filter(pk=world.t.district_a.pk).update(
        address="пр. Абылай хана, 93"
    )
    local = timezone.localtime(slot.starts_at)
    html = client.post(
        reverse("receptions:book", args=[slot.pk]),
        {"name": "Гульнар", "phone": "+77015554433", "topic": "Шум"},
        HTTP_ACCEPT_LANGUAGE="ru",
    ).content.decode()
    summary = html.split('class="booking-summary"')[1].split("</dl>")[0]
    department = world.t.district_a
    for text in (department.display_name, world.head_officer.full_name, "ул. Абая 1, каб. 5",
                 "пр. Абылай хана, 93", local.strftime("%d.%m.%Y"), local.strftime("%H:%M"),
                 "Гульнар"):  # fmt: skip
        assert text in summary, text


@pytest.mark.parametrize(
    ("language", "message"), [("ru", "Укажите ваше имя."), ("kk", "Атыңызды көрсетіңіз.")]
)
def test_a_missing_name_has_its_own_message(client, world, slot, language, message):
    page = client.post(
        reverse("receptions:book", args=[slot.pk]),
        {"name": " ", "phone": "+77015554433", "topic": "Шум"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = page.content.decode()
    assert page.status_code == 400 and message in html
    assert "аноним" not in html.lower() and "anonym" not in html.lower()
    assert 'value="+77015554433"' in html  # what was typed is kept


@pytest.mark.django_db(transaction=True)
def test_two_residents_after_the_last_place_one_gets_it():
    """Real threads with their own connections, released together: one booking, one 409."""
    import threading

    from django.db import connection

    from precinct.territory.models import Officer

    territory = factories.build_territory()
    head = factories.officer(territory.district_a, Officer.Role.HEAD, "Бекова")
    slot = ReceptionSlot.objects.create(
        department=territory.district_a, head=head, place="каб. 5", capacity=2,
        starts_at=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip
    services.booking_create(slot_id=slot.pk, name="Первый", phone="+77015550000", topic="x")
    start, outcomes = threading.Barrier(2), {}

    def book(name):
        try:
            start.wait(timeout=10)
            services.booking_create(slot_id=slot.pk, name=name, phone="+77015551111", topic="y")
            outcomes[name] = "booked"
        except services.ReceptionInputError as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in ("Второй", "Третий")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["booked", "fully_booked"]
    assert slot.bookings.filter(state=Booking.State.BOOKED).count() == 2
