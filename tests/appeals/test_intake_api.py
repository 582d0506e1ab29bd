"""POST /api/v1/appeals and tracking: receipts, field errors, idempotency, rate limits."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from precinct.appeals.models import Appeal, Notification
from tests.appeals.conftest import appeal_payload

URL = "/api/v1/appeals"


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def test_submit__registers_and_returns_the_receipt(client, world):
    response = post(client, appeal_payload(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"registration_number", "registered_at", "due_date", "tracking_code"}
    assert body["registered_by"] == "online"
    appeal = Appeal.objects.get(registration_number=body["registration_number"])
    assert appeal.department == world.t.district_a
    assert appeal.precinct == world.t.precinct_a
    assert appeal.service == "inspectors"
    assert appeal.events.get().kind == "registered"
    assert set(Notification.objects.values_list("medium", flat=True)) == {"email", "sms"}


def test_submit__bad_input_names_each_field(client, world):
    payload = appeal_payload(type="rant", text="", lat=95, lon=76.9)
    payload["contact"] = {"name": "", "phone": "call me", "email": "nope"}
    response = post(client, payload)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"type", "text", "lat", "contact.name", "contact.phone", "contact.email"} <= fields
    assert not Appeal.objects.exists()


def test_submit__schema_errors_are_400_with_field(client, world):
    response = post(client, {"type": "request"})
    assert response.status_code == 400
    assert "text" in {e["field"] for e in response.json()["errors"]}


def test_submit__contacts_required_except_offence_reports(client, world):
    anonymous = appeal_payload(contact={})
    assert post(client, anonymous).status_code == 400
    anonymous["type"] = "offence"
    response = post(client, anonymous)
    assert response.status_code == 201
    assert not Notification.objects.exists()  # nobody to tell


def test_submit__place_required(client, world):
    payload = appeal_payload()
    del payload["lat"], payload["lon"]
    response = post(client, payload)
    assert response.status_code == 400
    assert "department_id" in {e["field"] for e in response.json()["errors"]}
    payload["department_id"] = world.t.district_b.pk
    assert post(client, payload).status_code == 201


def test_submit__outside_the_territory_is_a_field_error(client, world):
    response = post(client, appeal_payload(lat=51.1, lon=71.4))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lat"


def test_submit__idempotency_key_stores_one_appeal(client, world):
    first = post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-123")
    again = post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["registration_number"] == again.json()["registration_number"]
    assert Appeal.objects.count() == 1


def test_submit__idempotency_key_reused_for_other_content_is_refused(client, world):
    post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-1")
    other = post(client, appeal_payload(text="Другое обращение"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 400
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert "tracking_code" not in other.json()


def test_submit__a_retry_refused_as_new_still_gets_its_receipt(client, world, settings):
    """The key is looked up only when a submission cannot be stored as new: here the
    retry comes after the double-submit window, with the hour's limit reached."""
    settings.PRECINCT_APPEALS = {
        **settings.PRECINCT_APPEALS,
        "SUBMISSIONS_PER_HOUR": 1,
        "DOUBLE_SUBMIT_SECONDS": 0,
    }
    first = post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-9")
    again = post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-9")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["registration_number"] == again.json()["registration_number"]
    other = post(client, appeal_payload(text="Другое"), HTTP_IDEMPOTENCY_KEY="k-10")
    assert other.status_code == 429


def test_submit__each_row_is_written_once(client, world):
    """On PostgreSQL an accepted appeal is numbered in its INSERT and its outbox messages
    are inserted with their tasks' ids: no UPDATE after; nor a look-up of its key or a
    query of the precincts' stamp of their own (once the worker's index is built)."""
    assert post(client, appeal_payload(text="Первое")).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = post(client, appeal_payload(), HTTP_IDEMPOTENCY_KEY="k-once")
    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    updates = [s for s in statements if s.startswith("UPDATE")]
    if connection.vendor == "postgresql":
        assert updates == []
    else:  # no sequence to reserve the id from: the number follows the INSERT
        assert len(updates) == 1 and "registration_number" in updates[0]
    assert not [s for s in statements if s.startswith("SELECT") and "idempotency_key" in s]
    assert not [s for s in statements if s.startswith('SELECT COUNT("territory_precinct"')]
    appeal = Appeal.objects.get(idempotency_key="k-once")
    assert appeal.registration_number == f"{localtime(appeal.registered_at):%Y}-{appeal.pk:07d}"
    for note in Notification.objects.all():
        assert note.task_id


def test_submit__double_click_stores_one_appeal(client, world):
    a = post(client, appeal_payload())
    b = post(client, appeal_payload())
    assert a.json()["registration_number"] == b.json()["registration_number"]
    assert Appeal.objects.count() == 1


def test_submit__rate_limited_per_client(client, world, settings):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "SUBMISSIONS_PER_HOUR": 2}
    for i in range(2):
        assert post(client, appeal_payload(text=f"обращение {i}")).status_code == 201
    assert post(client, appeal_payload(text="третье")).status_code == 429
    other_client = post(client, appeal_payload(text="третье"), REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 201


def test_track__status_history_and_answer_without_personal_data(client, world):
    code = post(client, appeal_payload()).json()["tracking_code"]
    response = client.get(f"{URL}/track/{code}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "registered"
    assert [e["kind"] for e in body["history"]] == ["registered"]
    assert "Сапарова" not in response.content.decode()
    assert client.get(f"{URL}/track/nope").status_code == 404


@pytest.mark.parametrize("field", ["contact_phone", "contact_email", "contact_name"])
def test_submit__no_personal_data_in_logs(client, world, caplog, field):
    with caplog.at_level("DEBUG"):
        post(client, appeal_payload())
    appeal = Appeal.objects.get()
    assert getattr(appeal, field) not in caplog.text


def test_receipt_in_russian_and_kazakh(client, world):
    ru = post(client, appeal_payload(), HTTP_ACCEPT_LANGUAGE="ru").json()
    assert ru["registered_by"] == "онлайн"
    page = client.get(f"/appeals/receipt/{ru['tracking_code']}/", HTTP_ACCEPT_LANGUAGE="kk")
    assert "Өтінішіңіз тіркелді" in page.content.decode()


def test_rating_through_the_api(client, world):
    from precinct.appeals.services import appeal_answer

    code = post(client, appeal_payload()).json()["tracking_code"]
    url = f"{URL}/track/{code}/rating"
    early = client.post(url, json.dumps({"rating": 5}), content_type="application/json")
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "rating"
    appeal_answer(actor=world.p.head, appeal=Appeal.objects.get(), answer="Сделано")
    bad = client.post(url, json.dumps({"rating": "five"}), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "rating"
    ok = client.post(
        url, json.dumps({"rating": 5, "comment": "Спасибо"}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["rating"] == 5
    assert ok.json()["answer"] == "Сделано"
