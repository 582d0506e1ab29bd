"""The staff appeals API (bearer tokens): the same rules as the pages, through the same
services; the legal rules with their dates (tests/appeals/test_law.py for the pages)."""

import datetime as dt

import pytest
from django.test import Client

from precinct.accounts.models import Role
from precinct.appeals.models import Appeal, Notification, Status
from precinct.audit.models import AuditEntry
from tests import factories
from tests.appeals.builders import appeal_in_district_a, at, complaint_about

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def deputy(world):
    return factories.staff("deputy", Role.DEPUTY_HEAD, world.t.district_a)


@pytest.fixture(params=["head", "deputy"])
def extender(request, world, deputy):
    return world.p.head if request.param == "head" else deputy


# --- the queue ------------------------------------------------------------------------


def test_queue__paged_with_a_total_overdue_first_and_no_personal_data(world):
    old = appeal_in_district_a("старое", now=at("2025-01-10"))
    for i in range(4):
        appeal_in_district_a(f"новое {i}")
    api = bearer(world.p.head)
    first = api.get("/api/v1/appeals?limit=2").json()
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    assert first["items"][0]["registration_number"] == old.registration_number
    assert first["items"][0]["overdue"] is True
    rest = api.get("/api/v1/appeals?limit=2&offset=2").json()["items"]
    rest += api.get("/api/v1/appeals?limit=2&offset=4").json()["items"]
    numbers = [i["registration_number"] for i in first["items"] + rest]
    assert sorted(numbers) == sorted(Appeal.objects.values_list("registration_number", flat=True))
    text = api.get("/api/v1/appeals?limit=200").content.decode()
    assert "Сапарова" not in text and "+7 701" not in text
    assert not AuditEntry.objects.filter(action="read").exists()  # a list is not a read


def test_queue__the_number_of_queries_does_not_grow_with_the_page(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = bearer(world.p.head)
    appeal_in_district_a("1")
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/appeals").status_code == 200
    for i in range(20):
        appeal_in_district_a(f"обращение {i}", contact_phone=f"+7701000{i:04d}")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/appeals").json()["items"]) == 21
    assert len(many.captured_queries) == len(few.captured_queries)


def test_queue__filters_by_status_and_department_in_scope(world):
    answered = appeal_in_district_a("отвечено")
    appeal_in_district_a("открыто")
    api = bearer(world.p.head)
    api_post = post(api, f"/api/v1/appeals/{answered.pk}/answer", {"answer": "Меры приняты."})
    assert api_post.status_code == 200
    assert api.get("/api/v1/appeals").json()["total"] == 1
    assert api.get("/api/v1/appeals?status=answered").json()["total"] == 1
    assert api.get("/api/v1/appeals?status=all").json()["total"] == 2
    district_a = world.t.district_a.pk
    assert api.get(f"/api/v1/appeals?department_id={district_a}").json()["total"] == 1
    foreign = api.get(f"/api/v1/appeals?department_id={world.t.district_b.pk}")
    assert (foreign.status_code, foreign.json()["code"]) == (403, "forbidden")
    bad = api.get("/api/v1/appeals?status=lost&limit=0")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"status", "limit"}


def test_queue__a_complaint_never_listed_for_the_officer_or_his_unit(world, deputy):
    complaint = complaint_about(world.inspector_officer)
    head = bearer(world.p.head)
    for user in (world.p.inspector, world.p.head, deputy):
        listed = bearer(user).get("/api/v1/appeals?status=all&limit=200").json()["items"]
        assert complaint.registration_number not in {i["registration_number"] for i in listed}
        assert bearer(user).get(f"/api/v1/appeals/{complaint.pk}").status_code == 404
    listed = bearer(world.p.operator).get("/api/v1/appeals").json()["items"]
    assert complaint.registration_number in {i["registration_number"] for i in listed}
    assert head.get("/api/v1/appeals").json()["total"] == 0


def test_queue__refused_without_appeal_access_or_token(world):
    assert bearer(world.p.patrol).get("/api/v1/appeals").status_code == 403
    assert bearer(world.p.analyst).get("/api/v1/appeals").status_code == 403
    assert Client().get("/api/v1/appeals").status_code == 401


# --- one appeal -------------------------------------------------------------------------


def test_detail__personal_data_and_history_read_is_audited(world):
    appeal = appeal_in_district_a()
    head = bearer(world.p.head)
    post(head, f"/api/v1/appeals/{appeal.pk}/assignment", {"assignee_id": world.p.inspector.pk})
    body = head.get(f"/api/v1/appeals/{appeal.pk}").json()
    assert body["applicant"] == {
        "name": "Айгуль Сапарова",
        "phone": "+7 701 234 56 78",
        "email": "a@example.kz",
    }
    assert [(e["kind"], e["actor"], e["public"]) for e in body["events"]] == [
        ("registered", None, True),
        ("assigned", "head", False),
    ]
    [entry] = AuditEntry.objects.filter(action="read", subject_id=str(appeal.pk))
    assert (entry.actor_id, entry.context) == (world.p.head.pk, "appeal read through the API")


def test_detail__out_of_reach_is_404_like_a_missing_one(world):
    appeal = appeal_in_district_a()
    for user in (world.p.outsider, world.p.inspector):
        response = bearer(user).get(f"/api/v1/appeals/{appeal.pk}")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert bearer(world.p.head).get("/api/v1/appeals/999999").status_code == 404
    assert not AuditEntry.objects.filter(action="read").exists()


# --- the actions ------------------------------------------------------------------------


def test_extension__capped_at_two_months_from_receipt_across_the_new_year(world, extender):
    """Registered 20 December 2024: due 15 January 2025 (5 January a working Sunday), and
    an extension reaches 20 February 2025 at the latest."""
    appeal = appeal_in_district_a(now=at("2024-12-20"))
    assert appeal.due_date == dt.date(2025, 1, 15)
    api = bearer(extender)
    assert api.get(f"/api/v1/appeals/{appeal.pk}").json()["extension_latest"] == "2025-02-20"
    url = f"/api/v1/appeals/{appeal.pk}/extension"
    refused = post(api, url, {"due_date": "2025-02-21", "reason": "Экспертиза"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "extension_beyond_legal_cap"
    [error] = body["errors"]
    assert error["field"] == "due_date"
    assert "76" in error["message"] and "20.02.2025" in error["message"]
    granted = post(api, url, {"due_date": "2025-02-20", "reason": "Экспертиза"})
    assert granted.status_code == 200
    assert (granted.json()["due_date"], granted.json()["extended"]) == ("2025-02-20", True)
    assert Notification.objects.filter(appeal=appeal, event="extended").count() == 2


def test_extension__malformed_or_unreasoned_is_400_naming_the_field(world):
    appeal = appeal_in_district_a()
    api = bearer(world.p.head)
    url = f"/api/v1/appeals/{appeal.pk}/extension"
    bad = post(api, url, {"due_date": "20.02.2025", "reason": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "due_date"
    later = (appeal.due_date + dt.timedelta(days=3)).isoformat()
    bad = post(api, url, {"due_date": later, "reason": "  "})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    earlier = post(api, url, {"due_date": appeal.due_date.isoformat(), "reason": "x"})
    assert earlier.status_code == 400 and earlier.json()["errors"][0]["field"] == "due_date"


def test_extension__not_for_an_administrator_an_operator_or_another_district(world):
    appeal = appeal_in_district_a()
    later = (appeal.due_date + dt.timedelta(days=3)).isoformat()
    body = {"due_date": later, "reason": "Экспертиза"}
    url = f"/api/v1/appeals/{appeal.pk}/extension"
    for user, status in ((world.p.admin, 403), (world.p.operator, 403), (world.p.outsider, 404)):
        assert post(bearer(user), url, body).status_code == status, user.username
    assert not Appeal.objects.get().extended


def test_forward__tells_the_applicant_and_is_the_heads(world, deputy):
    appeal = appeal_in_district_a(category_code="utilities", now=at("2025-01-03"))
    url = f"/api/v1/appeals/{appeal.pk}/forward"
    assert post(bearer(deputy), url, {"to": "Акимат"}).status_code == 403
    response = post(bearer(world.p.head), url, {"to": "Акимат Алмалинского района"})
    assert response.status_code == 200
    assert response.json()["status"] == Status.FORWARDED
    assert response.json()["forward_due_date"] == "2025-01-08"
    notices = Notification.objects.filter(appeal=appeal, event="forwarded")
    assert {n.medium for n in notices} == {"email", "sms"}
    again = post(bearer(world.p.head), url, {"to": "Акимат"})
    assert (again.status_code, again.json()["errors"][0]["field"]) == (400, "status")


def test_assignment_and_answer_through_the_services(world):
    appeal = appeal_in_district_a()
    head, inspector = bearer(world.p.head), bearer(world.p.inspector)
    url = f"/api/v1/appeals/{appeal.pk}"
    unknown = post(head, url + "/assignment", {"assignee_id": 999999})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_officer")
    outsider = post(head, url + "/assignment", {"assignee_id": world.p.outsider.pk})
    assert (outsider.status_code, outsider.json()["errors"][0]["field"]) == (400, "assignee")
    assert post(inspector, url + "/answer", {"answer": "x"}).status_code == 404  # not his yet
    assigned = post(head, url + "/assignment", {"assignee_id": world.p.inspector.pk})
    assert assigned.status_code == 200 and assigned.json()["status"] == Status.ASSIGNED
    assert (
        post(inspector, url + "/assignment", {"assignee_id": world.p.inspector.pk}).status_code
        == 403
    )
    assert post(inspector, url + "/answer", {"answer": " "}).status_code == 400
    answered = post(inspector, url + "/answer", {"answer": "Проведена беседа."})
    assert answered.status_code == 200 and answered.json()["status"] == Status.ANSWERED


def test_openapi__the_staff_operations_are_declared_exactly():
    doc = Client().get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    queue = paths["/api/v1/appeals"]["get"]
    assert set(queue["responses"]) == {"200", "400", "401", "403"}
    assert {p["name"] for p in queue["parameters"]} == {
        "status",
        "department_id",
        "limit",
        "offset",
    }
    # 400: a path id that is not a number (tests/core/test_api_schema.py found it).
    assert set(paths["/api/v1/appeals/{appeal_id}"]["get"]["responses"]) == {
        "200", "400", "401", "403", "404",
    }  # fmt: skip
    for action in ("assignment", "extension", "forward", "answer"):
        operation = paths[f"/api/v1/appeals/{{appeal_id}}/{action}"]["post"]
        assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}, action
    extension = doc["components"]["schemas"]["ExtensionIn"]
    assert extension["properties"]["due_date"]["format"] == "date"
    assert set(extension["required"]) == {"due_date", "reason"}
