"""Who sees which appeal, from every persona's side; complaints about officers above all."""

import pytest

from precinct.accounts import access
from precinct.accounts.models import Role
from precinct.appeals import selectors
from precinct.appeals.models import Appeal
from precinct.audit.models import AuditEntry
from tests import factories
from tests.appeals.builders import appeal_in_district_a, complaint_about

pytestmark = pytest.mark.django_db


def visible(user) -> set[int]:
    return set(access.appeals_visible_to(user, Appeal.objects.all()).values_list("id", flat=True))


def test_an_ordinary_appeal_from_each_side(world, resident):
    p = world.p
    appeal = appeal_in_district_a()
    expected = {
        "resident": (resident, False),
        "inspector (not assigned)": (p.inspector, False),
        "patrol": (p.patrol, False),
        "operator (city)": (p.operator, True),
        "head": (p.head, True),
        "analyst": (p.analyst, False),
        "admin": (p.admin, True),
        "outsider head": (p.outsider, False),
    }
    for name, (user, allowed) in expected.items():
        assert access.can_view_appeal(user, appeal) is allowed, name
        assert (appeal.pk in visible(user)) is allowed, name


def test_the_assigned_inspector_sees_his_appeal(world):
    from precinct.appeals.services import appeal_assign

    appeal = appeal_in_district_a()
    appeal_assign(actor=world.p.head, appeal=appeal, assignee=world.p.inspector)
    appeal.refresh_from_db()
    assert access.can_view_appeal(world.p.inspector, appeal)
    assert access.can_answer_appeal(world.p.inspector, appeal)
    assert not access.can_manage_appeal(world.p.inspector, appeal)
    assert appeal.pk in visible(world.p.inspector)


def test_a_complaint_about_an_officer_goes_above_and_is_hidden_from_his_unit(world):
    p = world.p
    complaint = complaint_about(world.inspector_officer)
    assert complaint.department == world.t.city  # the level above district A
    assert complaint.hidden_from_department == world.t.district_a
    # never visible to the officer himself nor to anyone of his unit, head included
    for user in (p.inspector, p.head, p.patrol):
        assert not access.can_view_appeal(user, complaint)
        assert complaint.pk not in visible(user)
        assert not access.can_be_assigned_appeal(user, complaint)
    # the level above (the city's operator) and the national admin see it
    assert access.can_view_appeal(p.operator, complaint)
    assert access.can_view_appeal(p.admin, complaint)
    assert not access.can_view_appeal(p.outsider, complaint)
    assert not access.can_view_appeal(p.analyst, complaint)


def test_a_complaint_stays_hidden_even_from_a_head_whose_scope_covers_it(world):
    from precinct.accounts.models import Role
    from tests.factories import staff

    city_head = staff("cityhead", Role.HEAD, world.t.city)
    complaint = complaint_about(world.inspector_officer)
    assert access.can_manage_appeal(city_head, complaint)
    # a unit colleague promoted to the city keeps no back door through his officer record
    city_head.officer = world.inspector_officer
    assert not access.can_view_appeal(city_head, complaint)


def test_opening_an_appeal_is_an_audited_read(world):
    appeal = appeal_in_district_a()
    before = AuditEntry.objects.count()
    selectors.appeal_detail(user=world.p.head, appeal_id=appeal.pk)
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "read" and entry.subject_id == str(appeal.pk)
    assert "contact_phone" in entry.fields


def test_opening_an_appeal_out_of_reach_is_refused(world):
    from django.core.exceptions import PermissionDenied

    appeal = appeal_in_district_a()
    for user in (world.p.outsider, world.p.analyst, world.p.patrol, world.p.inspector):
        with pytest.raises(PermissionDenied):
            selectors.appeal_detail(user=user, appeal_id=appeal.pk)


def test_every_appeal_rule_from_each_persona(world, resident):
    p, t = world.p, world.t
    appeal = appeal_in_district_a()
    deputy = factories.staff("deputy", Role.DEPUTY_HEAD, t.district_a)
    deputy_b = factories.staff("deputy-b", Role.DEPUTY_HEAD, t.district_b)
    # persona: (register in district A, manage, extend, answer, receptions of A). The
    # measures of appeals are public (the statistics page), so no rule decides who reads
    # them. The law lets the head or his deputy extend; an administrator does not.
    table = {
        "resident": (resident, (False, False, False, False, False)),
        "inspector": (p.inspector, (True, False, False, False, False)),
        "patrol": (p.patrol, (False, False, False, False, False)),
        "operator": (p.operator, (True, False, False, False, False)),
        "head": (p.head, (True, True, True, True, True)),
        "deputy": (deputy, (True, False, True, False, False)),
        "analyst": (p.analyst, (False, False, False, False, False)),
        "admin": (p.admin, (True, True, False, True, True)),
        "outsider": (p.outsider, (False, False, False, False, False)),
        "deputy of B": (deputy_b, (False, False, False, False, False)),
    }
    for name, (user, expected) in table.items():
        got = (
            access.can_register_appeal(user, t.district_a),
            access.can_manage_appeal(user, appeal),
            access.can_extend_appeal(user, appeal),
            access.can_answer_appeal(user, appeal),
            access.can_manage_receptions(user, t.district_a),
        )
        assert got == expected, name


def test_a_deputy_never_sees_a_complaint_about_his_unit(world):
    complaint = complaint_about(world.inspector_officer)
    deputy = factories.staff("deputy", Role.DEPUTY_HEAD, world.t.district_a)
    city_deputy = factories.staff("city-deputy", Role.DEPUTY_HEAD, world.t.city)
    assert not access.can_view_appeal(deputy, complaint)
    assert not access.can_extend_appeal(deputy, complaint)
    assert access.can_extend_appeal(city_deputy, complaint)
    visible = access.appeals_visible_to(deputy, Appeal.objects.all())
    assert not visible.filter(pk=complaint.pk).exists()
