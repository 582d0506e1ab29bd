"""The integrity registry: offences linked to the chain of command on their date."""

import datetime as dt

import pytest

from precinct.accounts import access
from precinct.audit.models import AuditEntry
from precinct.integrity import metrics, selectors, services
from precinct.integrity.models import Offence

pytestmark = pytest.mark.django_db


def _record(actor, chain, on, kind="corruption", outcome="dismissal"):
    return services.offence_record(
        actor=actor,
        officer=chain.inspector,
        occurred_on=on,
        kind=kind,
        article="УК РК ст. 366 (получение взятки)",
        outcome=outcome,
    )


def test_offence__answers_to_the_heads_of_that_date(security, chain):
    before = _record(security, chain, dt.date(2025, 3, 1))
    after = _record(security, chain, dt.date(2025, 7, 1))
    assert [(r.head, r.level) for r in before.responsible.all()] == [
        (chain.old_head, 0),
        (chain.city_head, 1),
    ]
    assert [(r.head, r.level) for r in after.responsible.all()] == [
        (chain.new_head, 0),
        (chain.city_head, 1),
    ]


def test_head_record__shows_subordinates_offences_of_his_term(security, chain):
    _record(security, chain, dt.date(2025, 3, 1))
    _record(security, chain, dt.date(2025, 7, 1))
    old = selectors.head_record(actor=security, head=chain.old_head)
    city = selectors.head_record(actor=security, head=chain.city_head)
    assert [r.offence.occurred_on for r in old] == [dt.date(2025, 3, 1)]
    assert len(city) == 2


def test_reads__are_audited(security, chain, personas, territory):
    offence = _record(security, chain, dt.date(2025, 3, 1))
    selectors.offences_of_department(actor=personas.head, department=territory.district_a)
    entry = AuditEntry.objects.get(actor=personas.head, action="read")
    assert (entry.subject_type, entry.subject_id) == ("integrity.offence", str(offence.pk))


def test_offence__a_future_date_or_unknown_kind_is_refused(security, chain):
    with pytest.raises(services.IntegrityRuleError) as err:
        _record(security, chain, dt.date.today() + dt.timedelta(days=2))
    assert err.value.field == "occurred_on"
    with pytest.raises(services.IntegrityRuleError):
        _record(security, chain, dt.date(2025, 1, 1), kind="gossip")


def test_counts__only_confirmed_offences_of_the_period(security, chain, territory):
    _record(security, chain, dt.date(2025, 3, 1))
    _record(security, chain, dt.date(2025, 4, 1), kind="disciplinary", outcome="reprimand")
    _record(security, chain, dt.date(2025, 5, 1), outcome="pending")
    _record(security, chain, dt.date(2024, 5, 1))
    counts = metrics.offence_counts(
        department_ids=[territory.district_a.pk],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    assert counts[territory.district_a.pk] == {"corruption": 1, "disciplinary": 1}


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("head", True),
        ("analyst", True),
        ("security", True),
        ("inspector", False),
        ("patrol", False),
        ("operator", False),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_api__department_offences_per_persona(
    client, personas, security, chain, territory, persona, allowed
):
    _record(security, chain, dt.date(2025, 3, 1))
    user = security if persona == "security" else getattr(personas, persona)
    client.force_login(user)
    response = client.get(f"/api/v1/integrity/departments/{territory.district_a.pk}/offences")
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        [row] = response.json()
        assert [r["level"] for r in row["responsible"]] == [0, 1]


def test_api__residents_must_sign_in(client, territory):
    response = client.get(f"/api/v1/integrity/departments/{territory.district_a.pk}/offences")
    assert response.status_code == 401


def test_api__only_internal_security_records(client, personas, security, chain):
    body = {
        "officer_id": chain.inspector.pk,
        "occurred_on": "2025-02-01",
        "kind": "disciplinary",
        "article": "опоздание на службу",
    }
    client.force_login(personas.head)
    assert client.post("/api/v1/integrity/offences", body, "application/json").status_code == 403
    client.force_login(security)
    created = client.post("/api/v1/integrity/offences", body, "application/json")
    assert created.status_code == 201
    assert created.json()["responsible"][0]["head_id"] == chain.old_head.pk
    bad = client.post("/api/v1/integrity/offences", {**body, "kind": "x"}, "application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"
    assert bad.json()["detail"] == "Неизвестный вид «x»."  # the page's default language
    assert Offence.objects.count() == 1


@pytest.mark.parametrize("persona", ["head", "security", "analyst"])
def test_pages__department_and_head_record(client, personas, security, chain, territory, persona):
    _record(security, chain, dt.date(2025, 3, 1))
    client.force_login(security if persona == "security" else getattr(personas, persona))
    page = client.get(f"/integrity/departments/{territory.district_a.pk}/")
    assert page.status_code == 200 and "Нарушитель" in page.content.decode()
    record = client.get(f"/integrity/heads/{chain.old_head.pk}/")
    assert record.status_code == 200 and "Нарушитель" in record.content.decode()


@pytest.mark.parametrize("persona", ["inspector", "admin", "outsider"])
def test_pages__closed_to_others(client, personas, chain, territory, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(f"/integrity/departments/{territory.district_a.pk}/").status_code == 403
    assert client.get(f"/integrity/heads/{chain.old_head.pk}/").status_code == 403


def test_access__head_sees_his_own_record(personas, chain):
    personas.head.officer = chain.new_head
    assert access.can_view_head_record(personas.head, chain.new_head)
    assert not access.can_view_head_record(personas.outsider, chain.new_head)
