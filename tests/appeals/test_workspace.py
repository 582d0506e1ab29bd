"""The staff workspace: queues, detail (audited), actions, and the public form's errors."""

import pytest
from django.db import connection
from django.urls import reverse

from precinct.appeals.models import Appeal, Status
from precinct.audit.models import AuditEntry
from tests import factories
from tests.appeals.builders import appeal_in_district_a, complaint_about
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    assert client.login(
        request=factories.sign_in_request(), username=user.username, password=PASSWORD
    )
    return client


def test_queue__head_sees_his_department_overdue_first(client, world):
    from tests.appeals.builders import at

    old = appeal_in_district_a("старое", now=at("2025-01-10"))
    new = appeal_in_district_a("новое")
    page = signed_in(client, world.p.head).get(reverse("appeals:staff-queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(old.registration_number) < html.index(new.registration_number)
    assert "Сапарова" not in html  # listing shows no personal data


def queries_of(client, url) -> list[str]:
    """Every statement a request runs (a wrapper, so nothing resets the count midway)."""
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return seen


def test_queue__query_count_is_fixed(client, world):
    signed_in(client, world.p.head)
    appeal_in_district_a("1")
    url = reverse("appeals:staff-queue")
    few = queries_of(client, url)
    for i in range(30):
        appeal_in_district_a(f"обращение {i}", contact_phone=f"+7701000{i:04d}")
    many = queries_of(client, url)
    # session, user, departments (filter), count, page rows, departments in scope
    assert len(many) == len(few) == 6


@pytest.mark.parametrize("persona", ["patrol", "analyst"])
def test_queue__refused_to_roles_without_appeal_access(client, world, persona):
    response = signed_in(client, getattr(world.p, persona)).get(reverse("appeals:staff-queue"))
    assert response.status_code == 403


def test_queue__resident_is_sent_to_sign_in(client, world):
    assert client.get(reverse("appeals:staff-queue")).status_code == 302


def test_queue__the_officer_complained_about_never_sees_it(client, world):
    complaint = complaint_about(world.inspector_officer)
    for user in (world.p.inspector, world.p.head):
        client.logout()
        signed_in(client, user)
        html = client.get(reverse("appeals:staff-queue") + "?status=").content.decode()
        assert complaint.registration_number not in html
        url = reverse("appeals:staff-appeal", args=[complaint.pk])
        assert client.get(url).status_code == 403
    client.logout()
    signed_in(client, world.p.operator)
    html = client.get(reverse("appeals:staff-queue")).content.decode()
    assert complaint.registration_number in html


def test_detail__read_is_audited_and_actions_work(client, world):
    appeal = appeal_in_district_a()
    signed_in(client, world.p.head)
    page = client.get(reverse("appeals:staff-appeal", args=[appeal.pk]))
    assert page.status_code == 200 and "Сапарова" in page.content.decode()
    assert AuditEntry.objects.filter(subject_id=str(appeal.pk), action="read").count() == 1
    url = reverse("appeals:staff-action", args=[appeal.pk, "assign"])
    assert client.post(url, {"assignee": world.p.inspector.pk}).status_code == 302
    url = reverse("appeals:staff-action", args=[appeal.pk, "answer"])
    assert client.post(url, {"answer": ""}).status_code == 400
    assert client.post(url, {"answer": "Меры приняты."}).status_code == 302
    assert Appeal.objects.get().status == Status.ANSWERED


def test_staff_entry__a_phone_appeal_shows_the_official_on_the_receipt(client, world):
    signed_in(client, world.p.operator)
    response = client.post(
        reverse("appeals:staff-new"),
        {
            "channel": "phone",
            "type": "request",
            "text": "По телефону",
            "department_id": world.t.district_a.pk,
            "contact_name": "Иван",
            "contact_phone": "+77010000000",
            "form_token": "t1",
        },
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert "operator" in receipt and Appeal.objects.get().channel == "phone"


def test_public_form__errors_next_to_fields_and_one_appeal_per_double_click(client, world):
    response = client.post(
        reverse("appeals:new"), {"type": "request", "text": "", "form_token": "abc"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="text-error"' in html
    data = {
        "type": "request",
        "text": "Шумят",
        "lat": "43.24",
        "lon": "76.90",
        "contact_name": "Айгуль",
        "contact_phone": "+77011234567",
        "form_token": "abc",
    }
    first = client.post(reverse("appeals:new"), data)
    second = client.post(reverse("appeals:new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appeal.objects.count() == 1
    receipt = client.get(first["Location"]).content.decode()
    assert Appeal.objects.get().registration_number in receipt


def test_track_page__rates_the_answer(client, world):
    from precinct.appeals.services import appeal_answer

    appeal = appeal_in_district_a()
    appeal_answer(actor=world.p.head, appeal=appeal, answer="Ответ дан")
    url = reverse("appeals:track", args=[appeal.tracking_code])
    assert "Ответ дан" in client.get(url).content.decode()
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert client.post(url, {"rating": "4", "comment": "ок"}).status_code == 302
    assert Appeal.objects.get().rating == 4


def test_queue__paged_with_the_shared_pager_keeping_the_filters(client, world, monkeypatch):
    from precinct.appeals import selectors

    monkeypatch.setattr(selectors, "QUEUE_PAGE", 2)
    numbers = [appeal_in_district_a(f"обращение {i}").registration_number for i in range(5)]
    staff = signed_in(client, world.p.head)
    url = reverse("appeals:staff-queue")
    html = staff.get(url + "?status=open&page=3", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5 found" in html and "page 3 of 3" in html
    assert 'href="?status=open&amp;page=2" rel="prev"' in html
    assert sum(n in html for n in numbers) == 1
    one = staff.get(url, {"q": numbers[0]}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 found" in one and numbers[0] in one and numbers[1] not in one
