"""The staff roster: contacts of every officer, for heads, analysts and admins in scope."""

import pytest

from precinct.audit.models import AuditEntry
from precinct.territory.models import Officer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return factories.build_territory()


@pytest.fixture
def people(tree):
    return factories.build_personas(tree)


@pytest.fixture
def patrol_officer(tree):
    return factories.officer(tree.district_a, Officer.Role.PATROL, "Патрульный")


def _roster(client, user, department):
    client.force_login(user)
    return client.get(f"/api/v1/departments/{department.pk}/officers")


@pytest.mark.parametrize("persona", ["head", "analyst", "admin"])
def test_roster__allowed_personas_see_every_contact(client, tree, people, patrol_officer, persona):
    response = _roster(client, getattr(people, persona), tree.district_a)
    assert response.status_code == 200
    row = next(r for r in response.json() if r["id"] == patrol_officer.id)
    assert row["phone"] == patrol_officer.phone


@pytest.mark.parametrize("persona", ["inspector", "patrol", "operator", "outsider"])
def test_roster__other_personas_are_refused(client, tree, people, patrol_officer, persona):
    response = _roster(client, getattr(people, persona), tree.district_a)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["detail"] == "Этот список сотрудников вне вашей зоны ответственности."


def test_roster__residents_must_sign_in(client, tree):
    response = client.get(f"/api/v1/departments/{tree.district_a.pk}/officers")
    assert response.status_code == 401


def test_roster__reading_non_public_contacts_is_audited(client, tree, people, patrol_officer):
    factories.officer(tree.district_a, Officer.Role.INSPECTOR, "Публичный")
    _roster(client, people.head, tree.district_a)
    entries = AuditEntry.objects.filter(actor=people.head, action="read")
    assert [(e.subject_type, e.subject_id) for e in entries] == [
        ("territory.officer", str(patrol_officer.pk))
    ]
    assert entries[0].fields == ["email", "phone"]


def test_departments__public_tree_without_personal_data(client, tree):
    rows = client.get("/api/v1/departments").json()
    by_id = {r["id"]: r for r in rows}
    assert by_id[tree.district_a.pk]["parent_id"] == tree.city.pk
    assert set(rows[0]) == {"id", "parent_id", "name", "kind", "boundary_source"}


def test_admin__opening_an_officer_is_audited(client, tree, people, patrol_officer):
    client.force_login(people.admin)
    response = client.get(f"/admin/territory/officer/{patrol_officer.pk}/change/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(actor=people.admin, subject_id=str(patrol_officer.pk))
    assert (entry.action, entry.context) == ("read", "admin")
