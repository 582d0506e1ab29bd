"""Every access rule of ``precinct.accounts.access``, seen from every persona's side.

The territory (tests/factories.py): the city department over districts A and B. Staff of
district A: inspector, patrol, head. The operator works at the city department, the
analyst and the admin have national scope, the outsider heads district B. The resident is
an anonymous visitor. Each table below reads as one row of the permission matrix.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from precinct.accounts import access
from precinct.accounts.models import Role
from precinct.territory.models import Officer
from tests import factories

PERSONAS = ["resident", "inspector", "patrol", "operator", "head", "analyst", "admin", "outsider"]
DEPARTMENTS = ["city", "district_a", "district_b"]


def as_user(personas: factories.Personas, name: str):
    """The user behind a persona's name; the resident is anonymous."""
    return AnonymousUser() if name == "resident" else getattr(personas, name)


def deactivated(user):
    """The same account after it was switched off (someone left the service)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


# --- who is staff, who sees the whole country -------------------------------------------


@pytest.mark.parametrize(
    ("persona", "staff", "national"),
    [
        ("resident", False, False),
        ("inspector", True, False),
        ("patrol", True, False),
        ("operator", True, False),
        ("head", True, False),
        ("analyst", True, True),
        ("admin", True, True),
        ("outsider", True, False),
    ],
)
def test_staff_membership_and_national_scope(personas, persona, staff, national):
    user = as_user(personas, persona)
    assert access.is_staff_member(user) is staff
    assert access.has_national_scope(user) is national


def test_user_without_role__is_not_staff(territory):
    """A plain account (e.g. made by createsuperuser) has no role, hence no staff access."""
    plain = factories.User.objects.create_user(username="plain", password=factories.PASSWORD)
    assert access.is_staff_member(plain) is False
    assert access.departments_in_scope(plain).count() == 0


def test_analyst_with_department__is_scoped_not_national(territory):
    analyst = factories.staff("regional-analyst", Role.ANALYST, territory.district_b)
    assert access.has_national_scope(analyst) is False
    assert list(access.departments_in_scope(analyst)) == [territory.district_b]


# --- departments in scope ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("resident", set()),
        ("inspector", {"district_a"}),
        ("patrol", {"district_a"}),
        ("operator", {"city", "district_a", "district_b"}),
        ("head", {"district_a"}),
        ("analyst", {"city", "district_a", "district_b"}),
        ("admin", {"city", "district_a", "district_b"}),
        ("outsider", {"district_b"}),
    ],
)
def test_departments_in_scope(territory, personas, persona, visible):
    expected = {getattr(territory, name).pk for name in visible}
    scope = access.departments_in_scope(as_user(personas, persona))
    assert set(scope.values_list("pk", flat=True)) == expected


def test_head__sees_own_district__not_other(territory, personas):
    scope = access.departments_in_scope(personas.head)
    assert territory.district_a in scope
    assert territory.district_b not in scope
    assert territory.city not in scope


def test_operator_of_city__sees_both_districts(territory, personas):
    scope = access.departments_in_scope(personas.operator)
    assert {territory.district_a, territory.district_b} <= set(scope)


def test_outsider__does_not_see_district_a(territory, personas):
    assert territory.district_a not in access.departments_in_scope(personas.outsider)


def test_scope_prefix__does_not_leak_to_sibling_with_longer_id(territory):
    """Path "/1/" must not match "/11/": the trailing slash keeps siblings apart."""
    from precinct.territory import services

    siblings = [
        services.department_create(
            region=territory.region, parent=None, kind="regional", code=f"dp-{n}", name=f"ДП {n}"
        )
        for n in range(12)
    ]
    first = siblings[0]
    lookalikes = [d for d in siblings[1:] if d.path.startswith(first.path.rstrip("/"))]
    head = factories.staff("head-first", Role.HEAD, first)
    scope = set(access.departments_in_scope(head))
    assert scope == {first}
    assert not scope & set(lookalikes)


# --- in scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "city", "district_a", "district_b"),
    [
        ("resident", False, False, False),
        ("inspector", False, True, False),
        ("patrol", False, True, False),
        ("operator", True, True, True),
        ("head", False, True, False),
        ("analyst", True, True, True),
        ("admin", True, True, True),
        ("outsider", False, False, True),
    ],
)
def test_is_in_scope(territory, personas, persona, city, district_a, district_b):
    user = as_user(personas, persona)
    expected = {"city": city, "district_a": district_a, "district_b": district_b}
    actual = {name: access.is_in_scope(user, getattr(territory, name)) for name in DEPARTMENTS}
    assert actual == expected


# --- officers' contacts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("officer_role", "department", "who_may_see"),
    [
        # Inspectors and heads are public faces of the service: everyone sees their contact.
        (Officer.Role.INSPECTOR, "district_a", set(PERSONAS)),
        (Officer.Role.HEAD, "district_a", set(PERSONAS)),
        (Officer.Role.HEAD, "district_b", set(PERSONAS)),
        # Everyone else: only staff whose scope covers the officer's department.
        (
            Officer.Role.PATROL,
            "district_a",
            {"inspector", "patrol", "operator", "head", "analyst", "admin"},
        ),
        (
            Officer.Role.ASSISTANT,
            "district_a",
            {"inspector", "patrol", "operator", "head", "analyst", "admin"},
        ),
        (Officer.Role.PATROL, "district_b", {"operator", "analyst", "admin", "outsider"}),
        (Officer.Role.OPERATOR, "city", {"operator", "analyst", "admin"}),
        (Officer.Role.ANALYST, "city", {"operator", "analyst", "admin"}),
    ],
)
def test_can_view_officer_contact(territory, personas, officer_role, department, who_may_see):
    person = factories.officer(getattr(territory, department), officer_role)
    allowed = {
        name
        for name in PERSONAS
        if access.can_view_officer_contact(as_user(personas, name), person)
    }
    assert allowed == who_may_see


def test_patrol_contact__hidden_from_resident_and_outsider__shown_to_head(
    territory, personas, resident
):
    patrol = factories.officer(territory.district_a, Officer.Role.PATROL)
    assert access.can_view_officer_contact(resident, patrol) is False
    assert access.can_view_officer_contact(personas.outsider, patrol) is False
    assert access.can_view_officer_contact(personas.head, patrol) is True


# --- which officers a user may open -----------------------------------------------------


@pytest.fixture
def officers(territory) -> dict[str, Officer]:
    """Public and non-public officers in each department."""
    return {
        "inspector_a": factories.inspector_of(territory.precinct_a, "Иванов"),
        "patrol_a": factories.officer(territory.district_a, Officer.Role.PATROL, "Петров"),
        "head_b": factories.officer(territory.district_b, Officer.Role.HEAD, "Сидоров"),
        "patrol_b": factories.officer(territory.district_b, Officer.Role.PATROL, "Орлов"),
        "operator_city": factories.officer(territory.city, Officer.Role.OPERATOR, "Жумабаев"),
    }


PUBLIC_OFFICERS = {"inspector_a", "head_b"}
ALL_OFFICERS = {"inspector_a", "patrol_a", "head_b", "patrol_b", "operator_city"}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("resident", PUBLIC_OFFICERS),
        ("inspector", PUBLIC_OFFICERS | {"patrol_a"}),
        ("patrol", PUBLIC_OFFICERS | {"patrol_a"}),
        ("operator", ALL_OFFICERS),
        ("head", PUBLIC_OFFICERS | {"patrol_a"}),
        ("analyst", ALL_OFFICERS),
        ("admin", ALL_OFFICERS),
        ("outsider", PUBLIC_OFFICERS | {"patrol_b"}),
    ],
)
def test_officers_visible_to(personas, officers, persona, visible):
    names = {officer.pk: name for name, officer in officers.items()}
    shown = access.officers_visible_to(as_user(personas, persona), Officer.objects.all())
    assert {names[pk] for pk in shown.values_list("pk", flat=True)} == visible


def test_officers_visible_to__narrows_the_given_queryset(territory, personas, officers):
    """The rule restricts what it is given; it never widens a caller's filter."""
    only_b = Officer.objects.filter(department=territory.district_b)
    shown = set(access.officers_visible_to(personas.admin, only_b))
    assert shown == {officers["head_b"], officers["patrol_b"]}
    shown = set(access.officers_visible_to(personas.head, only_b))
    assert shown == {officers["head_b"]}


# --- staff roster, territory editing, audit log -----------------------------------------


@pytest.mark.parametrize(
    ("persona", "city", "district_a", "district_b"),
    [
        ("resident", False, False, False),
        ("inspector", False, False, False),
        ("patrol", False, False, False),
        ("operator", False, False, False),
        ("head", False, True, False),
        ("analyst", True, True, True),
        ("admin", True, True, True),
        ("outsider", False, False, True),
    ],
)
def test_can_view_staff_roster(territory, personas, persona, city, district_a, district_b):
    user = as_user(personas, persona)
    expected = {"city": city, "district_a": district_a, "district_b": district_b}
    actual = {
        name: access.can_view_staff_roster(user, getattr(territory, name)) for name in DEPARTMENTS
    }
    assert actual == expected


@pytest.mark.parametrize(
    ("persona", "city", "district_a", "district_b"),
    [
        ("resident", False, False, False),
        ("inspector", False, False, False),
        ("patrol", False, False, False),
        ("operator", False, False, False),
        ("head", False, True, False),
        ("analyst", False, False, False),
        ("admin", True, True, True),
        ("outsider", False, False, True),
    ],
)
def test_can_edit_territory(territory, personas, persona, city, district_a, district_b):
    user = as_user(personas, persona)
    expected = {"city": city, "district_a": district_a, "district_b": district_b}
    actual = {
        name: access.can_edit_territory(user, getattr(territory, name)) for name in DEPARTMENTS
    }
    assert actual == expected


@pytest.mark.parametrize(
    ("persona", "may_read"),
    [
        ("resident", False),
        ("inspector", False),
        ("patrol", False),
        ("operator", False),
        ("head", False),
        ("analyst", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_can_read_audit_log(personas, persona, may_read):
    assert access.can_read_audit_log(as_user(personas, persona)) is may_read


@pytest.mark.parametrize(
    ("persona", "may_use"),
    [
        ("resident", False),
        ("inspector", False),
        ("patrol", False),
        ("operator", False),
        ("head", False),
        ("analyst", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_can_use_admin(personas, persona, may_use):
    assert access.can_use_admin(as_user(personas, persona)) is may_use


def test_can_use_admin__follows_the_role_not_the_django_flags(personas):
    """An administrator moved to analysis keeps is_staff/is_superuser: the role decides."""
    personas.admin.role = Role.ANALYST
    assert personas.admin.is_staff and personas.admin.is_superuser
    assert access.can_use_admin(personas.admin) is False


def test_createsuperuser__makes_a_national_administrator(db):
    first = factories.User.objects.create_superuser("root", "", factories.PASSWORD)
    assert first.role == Role.ADMIN and first.department_id is None
    assert access.can_use_admin(first) and access.has_national_scope(first)


@pytest.mark.parametrize(
    ("persona", "national", "city", "district_a", "district_b"),
    [
        ("resident", False, False, False, False),
        ("head", False, False, False, False),
        ("analyst", False, False, False, False),
        ("admin", True, True, True, True),
        ("admin_of_a", False, False, True, False),
    ],
)
def test_can_manage_staff_account(
    territory, personas, persona, national, city, district_a, district_b
):
    user = (
        factories.staff("admin-a", Role.ADMIN, territory.district_a)
        if persona == "admin_of_a"
        else as_user(personas, persona)
    )
    accounts = {
        "national": personas.analyst,
        "city": personas.operator,
        "district_a": personas.inspector,
        "district_b": personas.outsider,
    }
    expected = {"national": national, "city": city, "district_a": district_a}
    expected["district_b"] = district_b
    actual = {k: access.can_manage_staff_account(user, a) for k, a in accounts.items()}
    assert actual == expected


@pytest.mark.parametrize(
    ("persona", "roles", "expected"),
    [
        ("resident", set(Role), False),
        ("head", {Role.HEAD}, True),
        ("head", {Role.ADMIN, Role.ANALYST}, False),
        ("admin", {Role.ADMIN}, True),
    ],
)
def test_user_role_in(personas, persona, roles, expected):
    assert access.user_role_in(as_user(personas, persona), roles) is expected


# --- a deactivated account has no access at all -----------------------------------------


@pytest.mark.parametrize("persona", ["inspector", "patrol", "operator", "head", "analyst", "admin"])
def test_deactivated_user__has_no_access(territory, personas, officers, persona):
    user = deactivated(as_user(personas, persona))
    assert access.is_staff_member(user) is False
    assert access.has_national_scope(user) is False
    assert access.departments_in_scope(user).count() == 0
    assert not any(access.is_in_scope(user, getattr(territory, d)) for d in DEPARTMENTS)
    assert access.can_view_officer_contact(user, officers["patrol_a"]) is False
    assert not any(access.can_view_staff_roster(user, getattr(territory, d)) for d in DEPARTMENTS)
    assert not any(access.can_edit_territory(user, getattr(territory, d)) for d in DEPARTMENTS)
    assert access.can_read_audit_log(user) is False
    assert access.can_use_admin(user) is False
    assert access.user_role_in(user, set(Role)) is False
    # Like a resident, he still sees what is public.
    shown = set(access.officers_visible_to(user, Officer.objects.all()))
    assert shown == {officers["inspector_a"], officers["head_b"]}


# --- workspaces (start pages) -------------------------------------------------------------


@pytest.fixture
def inspector_serving_a(territory, personas):
    """The inspector persona's account behind an officer who serves precinct A."""
    officer = factories.inspector_of(territory.precinct_a)
    personas.inspector.officer = officer
    personas.inspector.save(update_fields=["officer"])
    return personas.inspector


@pytest.mark.parametrize(
    ("persona", "inspector_page", "precinct_a", "precinct_b", "head_page"),
    [
        ("resident", False, False, False, False),
        ("inspector", True, True, False, False),
        ("patrol", False, False, False, False),
        ("operator", False, False, False, False),
        ("head", False, True, False, True),
        ("analyst", False, True, True, False),
        ("admin", False, True, True, False),
        ("outsider", False, False, True, True),
    ],
)
def test_workspaces(
    territory, personas, inspector_serving_a, persona, inspector_page, precinct_a, precinct_b,
    head_page,
):  # fmt: skip
    from tests.dispatch.builders import precinct_b as make_precinct_b

    other = make_precinct_b(territory)
    user = as_user(personas, persona)
    assert access.can_open_inspector_workspace(user) is inspector_page
    assert access.can_view_precinct_workspace(user, territory.precinct_a) is precinct_a
    assert access.can_view_precinct_workspace(user, other) is precinct_b
    assert access.can_open_head_workspace(user) is head_page


def test_inspector__not_another_precinct_of_his_own_department(territory, inspector_serving_a):
    """Within his department an inspector still sees his own precinct only."""
    from shapely.geometry import box

    from precinct.territory import services
    from precinct.territory.models import Provenance

    neighbour = services.precinct_create(
        department=territory.district_a, number=2, geometry=box(76.88, 43.27, 76.92, 43.30),
        source=Provenance.DERIVED,
    )  # fmt: skip
    assert access.can_view_precinct_workspace(inspector_serving_a, neighbour) is False


def test_inspector__an_assignment_that_ended_closes_the_precinct(territory, inspector_serving_a):
    import datetime as dt

    from precinct.territory.models import PrecinctAssignment

    PrecinctAssignment.objects.update(ends_on=dt.date.today())
    assert access.serves_precinct(inspector_serving_a, territory.precinct_a) is False
    assert access.can_view_precinct_workspace(inspector_serving_a, territory.precinct_a) is False


# --- priorities residents set --------------------------------------------------------------


@pytest.fixture
def priority_precincts(territory):
    """Precinct A (the inspector persona serves it), a second one of district A he does not
    serve, and one of district B."""
    from shapely.geometry import box

    from precinct.territory import services
    from precinct.territory.models import Provenance

    def make(department, number, south):
        return services.precinct_create(
            department=department, number=number, source=Provenance.DERIVED,
            geometry=box(76.88, south, 76.92, south + 0.03),
        )  # fmt: skip

    return {
        "a": territory.precinct_a,
        "a2": make(territory.district_a, 2, 43.27),
        "b": make(territory.district_b, 1, 43.30),
    }


@pytest.mark.parametrize(
    ("persona", "pages", "may_set"),
    [
        ("resident", False, set()),
        ("inspector", True, {"a"}),  # his own precinct only, even within his department
        ("patrol", False, set()),
        ("operator", False, set()),
        ("head", True, {"a", "a2"}),
        ("deputy", True, {"a", "a2"}),
        ("analyst", False, set()),
        ("admin", False, set()),
        ("outsider", True, {"b"}),  # the head of district B: not district A's precincts
        ("city_head", True, {"a", "a2", "b"}),  # a head above both districts
    ],
)
def test_priorities__who_sets_which_precincts(
    territory, personas, inspector_serving_a, priority_precincts, persona, pages, may_set
):
    from precinct.territory.models import Precinct

    extra = {
        "deputy": (Role.DEPUTY_HEAD, territory.district_a),
        "city_head": (Role.HEAD, territory.city),
    }
    user = (
        factories.staff(persona, *extra[persona])
        if persona in extra
        else as_user(personas, persona)
    )
    assert access.can_work_on_priorities(user) is pages
    allowed = {k for k, p in priority_precincts.items() if access.can_set_priorities(user, p)}
    assert allowed == may_set
    # The list query agrees with the object rule.
    listed = access.priority_precincts_visible_to(user, Precinct.objects.all())
    assert {k for k, p in priority_precincts.items() if listed.filter(pk=p.pk).exists()} == may_set


def test_priorities__an_inspector_whose_assignment_ended_sets_none(territory, inspector_serving_a):
    import datetime as dt

    from precinct.territory.models import Precinct, PrecinctAssignment

    PrecinctAssignment.objects.update(ends_on=dt.date.today())
    assert access.can_set_priorities(inspector_serving_a, territory.precinct_a) is False
    assert not access.priority_precincts_visible_to(inspector_serving_a, Precinct.objects.all())


# --- interventions (evaluation) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "views", "city", "district_a", "district_b"),
    [
        ("resident", False, False, False, False),
        ("inspector", False, False, False, False),
        ("patrol", False, False, False, False),
        ("operator", False, False, False, False),
        ("head", True, False, True, False),
        ("analyst", True, True, True, True),
        ("admin", True, True, True, True),
        ("outsider", True, False, False, True),
    ],
)
def test_interventions__who_views_and_who_records_where(
    territory, personas, persona, views, city, district_a, district_b
):
    from precinct.evaluation.models import Intervention

    user = as_user(personas, persona)
    assert access.can_view_interventions(user) is views
    expected = {"city": city, "district_a": district_a, "district_b": district_b}
    actual = {
        name: access.can_record_intervention(user, getattr(territory, name)) for name in DEPARTMENTS
    }
    assert actual == expected
    # Each reader sees the changes of the departments he may record for (or read, deputy).
    for name in DEPARTMENTS:
        Intervention.objects.create(
            kind="other", name=name, starts_on="2026-01-01",
            department=getattr(territory, name),
        )  # fmt: skip
    visible = access.interventions_visible_to(user, Intervention.objects.all())
    assert {c.name for c in visible} == {n for n, ok in expected.items() if ok}


# --- recording integrity -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "door", "city", "district_a", "district_b", "country"),
    [
        ("resident", False, False, False, False, False),
        ("inspector", False, False, False, False, False),
        ("patrol", False, False, False, False, False),
        ("operator", False, False, False, False, False),
        # Heads never: the indicator questions how their own units record offences.
        ("head", False, False, False, False, False),
        ("outsider", False, False, False, False, False),
        ("analyst", True, True, True, True, True),
        ("admin", True, True, True, True, True),
        ("security_city", True, True, True, True, False),
        ("security_a", True, False, True, False, False),
        ("district_admin", True, False, False, False, False),
    ],
)
def test_can_view_recording_integrity(
    territory, personas, persona, door, city, district_a, district_b, country
):
    extra = {
        "security_city": (Role.INTERNAL_SECURITY, territory.city),
        "security_a": (Role.INTERNAL_SECURITY, territory.district_a),
        "district_admin": (Role.ADMIN, territory.district_a),
    }
    made = persona in extra
    user = factories.staff(persona, *extra[persona]) if made else as_user(personas, persona)
    assert access.can_open_recording_integrity(user) is door
    actual = {
        name: access.can_view_recording_integrity(user, getattr(territory, name))
        for name in DEPARTMENTS
    }
    assert actual == {"city": city, "district_a": district_a, "district_b": district_b}
    assert access.can_view_recording_integrity(user, None) is country
