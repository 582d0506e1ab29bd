"""The persona tables against the real endpoints: what each persona gets over HTTP.

tests/accounts/test_access.py asks the functions of ``accounts/access.py``; this module asks
the pages (Django test client, signed in with ``force_login``) and the JSON API (a bearer
token from ``/api/v1/auth/token``) that use them. Each row of ``ENDPOINTS`` names

- the rule, applied to the row's object, and the personas it lets through (``allowed``);
  the test first checks that the function agrees with this set, so a rule and the
  endpoint that uses it cannot drift apart unnoticed;
- the HTTP status each persona gets;
- optionally a text (a phone, a registration number, a save button) that a 2xx answer
  contains exactly for the allowed personas, and no other answer contains.

A new rule, or a new endpoint that uses one, adds a row.

The personas are those of tests/factories.py (the resident is anonymous) and three more
accounts that the admin, the integrity registry and the appeals' deadlines need: an
administrator of district A, internal security at the city department and the deputy
head of district A.
"""

import datetime as dt
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from precinct.accounts import access
from precinct.accounts.models import Role, User
from precinct.appeals.models import Appeal, Status
from precinct.dispatch import services as dispatch_services
from precinct.dispatch.models import Incident
from precinct.evaluation.models import Intervention
from precinct.planning.models import SitingJob
from precinct.surveys import selectors as survey_selectors
from precinct.surveys import services as survey_services
from precinct.territory import services as territory_services
from precinct.territory.models import Officer, Precinct
from tests import factories
from tests.appeals.builders import appeal_in_district_a, complaint_about
from tests.dispatch import builders as dispatch_builders

pytestmark = pytest.mark.django_db

PERSONAS = (
    "resident", "inspector", "patrol", "operator", "head", "analyst", "admin", "outsider",
    "district_admin", "security", "deputy",
)  # fmt: skip
STAFF = frozenset(PERSONAS) - {"resident"}
# Staff whose scope covers district A (the outsider heads district B).
IN_SCOPE_A = STAFF - {"outsider"}
DISPATCHERS_A = frozenset({"operator", "head", "admin", "district_admin"})
PLANNERS_A = frozenset({"head", "analyst", "admin", "district_admin"})
ADMINS = frozenset({"admin", "district_admin"})
APPEAL_WORKERS = frozenset(
    {"inspector", "operator", "head", "deputy", "admin", "district_admin", "outsider"}
)
# Who sees the appeal of district A (and its personal data): not its inspector until it is
# assigned to him, nor the outsider.
APPEAL_READERS_A = frozenset({"operator", "head", "deputy", "admin", "district_admin"})
# Precinct A's workspace: the inspector who serves it, and heads, analysts, admins over it.
PRECINCT_VIEWERS_A = frozenset({"inspector", "head", "analyst", "admin", "district_admin"})
ASSISTANT_PHONE = "+7 700 111 22 33"
INSPECTOR_PHONE = "+7 700 222 33 44"
CALLER_PHONE = "+7 701 555 12 34"
PNG = b"\x89PNG\r\n\x1a\n" + b"resident's photo" * 8
# Precinct A's priorities: its inspector and the heads over it; the pages' door lets in
# every head, deputy and inspector (the head of district B sets district B's).
PRIORITY_SETTERS_A = frozenset({"inspector", "head", "deputy"})
PRIORITY_DOORS = PRIORITY_SETTERS_A | {"outsider"}
# Heads (of any district), deputies, analysts and admins open the interventions' pages.
INTERVENTION_READERS = frozenset({"head", "outsider", "deputy", "analyst", "admin",
                                  "district_admin"})  # fmt: skip
# Staff without the appeals workspace at all: refused by the page's guard, not the object.
NO_APPEALS = {"patrol": 403, "analyst": 403, "security": 403}


@dataclass
class World:
    """The personas' territory with what the endpoints show: officers, a call, appeals."""

    users: dict[str, object]
    territory: factories.Territory
    inspector_a: Officer
    assistant_a: Officer
    head_a: Officer
    patrol_b: Officer
    head_b: Officer
    incident: Incident
    unit_id: int
    appeal: object
    complaint: object
    job: SitingJob
    survey_id: int


@pytest.fixture
def world(territory, personas, settings, tmp_path) -> World:
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    settings.MEDIA_ROOT = tmp_path / "media"
    dispatch_builders.write_grids(settings.PRECINCT_NETWORK_DIR)
    dispatch_services.category_defaults_create()
    t = territory
    inspector_a = factories.inspector_of(t.precinct_a, "Ахметов")
    Officer.objects.filter(pk=inspector_a.pk).update(phone=INSPECTOR_PHONE)
    assistant_a = factories.officer(
        t.district_a, Officer.Role.ASSISTANT, "Помощникова", phone=ASSISTANT_PHONE
    )
    territory_services.inspector_assign(
        officer=assistant_a, precinct=t.precinct_a, starts_on=dt.date.today()
    )
    head_a = factories.officer(t.district_a, Officer.Role.HEAD, "Бекова")
    patrol_b = factories.officer(t.district_b, Officer.Role.PATROL, "Орлов")
    head_b = factories.officer(t.district_b, Officer.Role.HEAD, "Сидоров")
    User.objects.filter(pk=personas.inspector.pk).update(officer=inspector_a)
    User.objects.filter(pk=personas.head.pk).update(officer=head_a)
    users = {name: getattr(personas, name) for name in PERSONAS if hasattr(personas, name)}
    users["resident"] = AnonymousUser()
    users["district_admin"] = factories.staff("district-admin", Role.ADMIN, t.district_a)
    users["security"] = factories.staff("security", Role.INTERNAL_SECURITY, t.city)
    users["deputy"] = factories.staff("deputy", Role.DEPUTY_HEAD, t.district_a)
    for user in users.values():
        if user.is_authenticated:
            user.refresh_from_db()
    unit = dispatch_builders.unit(t.district_a, "A-11", dispatch_builders.grid_point(6, 5))
    incident = dispatch_services.incident_create(
        actor=personas.operator, lon=dispatch_builders.CENTRE[0],
        lat=dispatch_builders.CENTRE[1], category_code="violence", caller_phone=CALLER_PHONE,
        text="fight",
    )  # fmt: skip
    today = timezone.localdate()
    survey = survey_services.survey_create(
        questionnaire=survey_selectors.questionnaire_standard(), region=t.region,
        period="2026", opens_on=today, closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    return World(
        users=users, territory=t, inspector_a=inspector_a, assistant_a=assistant_a,
        head_a=head_a, patrol_b=patrol_b, head_b=head_b, incident=incident, unit_id=unit.pk,
        appeal=appeal_in_district_a(attachments=[("photo.png", PNG)]),
        complaint=complaint_about(inspector_a),
        job=SitingJob.objects.create(department=t.district_a, minutes=15, k=1),
        survey_id=survey.pk,
    )  # fmt: skip


# --- how a persona asks ------------------------------------------------------------------


def page_client(world: World, persona: str) -> Client:
    """A browser: signed in with a session, or a resident's anonymous one."""
    client = Client()
    user = world.users[persona]
    if user.is_authenticated:
        client.force_login(user)
    return client


def api_client(world: World, persona: str) -> Client:
    """An API client: a bearer token from the token endpoint's service, no session."""
    user = world.users[persona]
    if not user.is_authenticated:
        return Client()
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


# --- the table ---------------------------------------------------------------------------


def statuses(allowed, *, granted=200, refused=403, resident=302, **others) -> dict[str, int]:
    """Every persona's status: ``granted`` for the allowed, ``refused`` for other staff,
    ``resident`` for the anonymous visitor, and exceptions by name."""
    table = {p: granted if p in allowed else refused for p in PERSONAS}
    table["resident"] = resident
    return {**table, **others}


def guarded_page(allowed, **others) -> dict[str, int]:
    """A staff page: the allowed get it, other staff 403, residents go to sign in."""
    return statuses(allowed, **others)


def guarded_api(allowed, **others) -> dict[str, int]:
    """A staff API endpoint: the allowed get it, other staff 403, no credentials 401."""
    return statuses(allowed, resident=401, **others)


def admin_page() -> dict[str, int]:
    """The admin: administrators get in, everyone else is sent to the admin's sign-in."""
    return statuses(ADMINS, refused=302)


def out_of_scope(status: int, *names: str) -> dict[str, int]:
    return dict.fromkeys(names, status)


@dataclass(frozen=True)
class Endpoint:
    name: str
    rule: Callable[[World, object], bool]  # the access function on this row's object
    allowed: frozenset[str]  # the personas the rule lets through
    via: str  # "page" (session) or "api" (bearer token)
    method: str
    url: Callable[[World], str]
    status: dict[str, int]
    shows: Callable[[World], str] | None = None  # in a 2xx answer exactly for the allowed
    # Of a POST (a GET's query is in the url); a function of the world when it names rows.
    body: dict | Callable[[World], dict] = field(default_factory=dict)
    # Puts back what an allowed persona's action changed, before the next persona asks.
    reset: Callable[[World], None] | None = None


def _intervention_a(world: World):
    """A change recorded in district A (made on first use, then the same one)."""
    found = Intervention.objects.filter(department=world.territory.district_a).first()
    if found is None:
        found = Intervention.objects.create(
            kind="foot_patrol", name="Пилот в районе A", starts_on=dt.date(2026, 1, 1),
            department=world.territory.district_a,
        )  # fmt: skip
        found.precincts.set([world.territory.precinct_a])
    return found


def _last_day() -> str:
    now = timezone.now()
    return urlencode({"start": (now - dt.timedelta(days=1)).isoformat(), "end": now.isoformat()})


ENDPOINTS = [
    # --- officers' contacts (territory) --------------------------------------------------
    Endpoint(
        "locate api: an inspector's phone is public",
        lambda w, u: access.can_view_officer_contact(u, w.inspector_a),
        frozenset(PERSONAS),
        "api",
        "get",
        lambda w: "/api/v1/locate?lon=76.90&lat=43.24",
        statuses(PERSONAS, resident=200),
        shows=lambda w: INSPECTOR_PHONE,
    ),
    Endpoint(
        "locate api: an assistant's phone only in scope",
        lambda w, u: access.can_view_officer_contact(u, w.assistant_a),
        IN_SCOPE_A,
        "api",
        "get",
        lambda w: "/api/v1/locate?lon=76.90&lat=43.24",
        statuses(PERSONAS, resident=200),
        shows=lambda w: ASSISTANT_PHONE,
    ),
    Endpoint(
        "locate page: an assistant's phone only in scope",
        lambda w, u: access.can_view_officer_contact(u, w.assistant_a),
        IN_SCOPE_A,
        "page",
        "get",
        lambda w: "/territory/locate/result/?lon=76.90&lat=43.24",
        statuses(PERSONAS, resident=200),
        shows=lambda w: ASSISTANT_PHONE,
    ),
    Endpoint(
        "roster api",
        lambda w, u: access.can_view_staff_roster(u, w.territory.district_a),
        frozenset({"head", "analyst", "admin", "district_admin"}),
        "api",
        "get",
        lambda w: f"/api/v1/departments/{w.territory.district_a.pk}/officers",
        guarded_api({"head", "analyst", "admin", "district_admin"}),
        shows=lambda w: ASSISTANT_PHONE,
    ),
    # --- the admin -------------------------------------------------------------------------
    Endpoint(
        "admin index",
        lambda w, u: access.can_use_admin(u),
        ADMINS,
        "page",
        "get",
        lambda w: "/admin/",
        admin_page(),
    ),
    Endpoint(
        "admin officers: a patrol officer of B is listed where visible",
        lambda w, u: (
            access.officers_visible_to(u, Officer.objects.all()).filter(pk=w.patrol_b.pk).exists()
        ),
        frozenset({"operator", "analyst", "admin", "outsider", "security"}),
        "page",
        "get",
        lambda w: "/admin/territory/officer/",
        admin_page(),
        shows=lambda w: "Орлов",
    ),
    Endpoint(
        "admin officer of B: saved only by those who edit B",
        lambda w, u: access.can_edit_territory(u, w.territory.district_b),
        frozenset({"admin", "outsider"}),
        "page",
        "get",
        lambda w: f"/admin/territory/officer/{w.head_b.pk}/change/",
        admin_page(),
        shows=lambda w: 'name="_save"',
    ),
    Endpoint(
        "admin audit log",
        lambda w, u: access.can_read_audit_log(u),
        ADMINS,
        "page",
        "get",
        lambda w: "/admin/audit/auditentry/",
        admin_page(),
    ),
    Endpoint(
        "admin accounts: the outsider's account only for a national administrator",
        lambda w, u: access.can_manage_staff_account(u, w.users["outsider"]),
        frozenset({"admin"}),
        "page",
        "get",
        lambda w: "/admin/accounts/user/",
        admin_page(),
        shows=lambda w: ">outsider<",
    ),
    # --- 102 dispatch ----------------------------------------------------------------------
    Endpoint(
        "dispatch console",
        lambda w, u: access.can_take_calls(u),
        DISPATCHERS_A | {"outsider"},
        "page",
        "get",
        lambda w: "/dispatch/",
        guarded_page(DISPATCHERS_A | {"outsider"}),
    ),
    Endpoint(
        "dispatch board: the call of A is listed in scope",
        lambda w, u: (
            access.incidents_visible_to(u, Incident.objects.all()).filter(pk=w.incident.pk).exists()
        ),
        IN_SCOPE_A,
        "page",
        "get",
        lambda w: "/dispatch/board/",
        guarded_page(STAFF),
        shows=lambda w: f'data-incident="{w.incident.pk}"',
    ),
    Endpoint(
        "incident page",
        lambda w, u: access.can_view_incident(u, w.incident),
        IN_SCOPE_A,
        "page",
        "get",
        lambda w: f"/dispatch/incidents/{w.incident.pk}/",
        guarded_page(IN_SCOPE_A, refused=404),
    ),
    Endpoint(
        "incident api: the caller's phone for dispatchers in scope",
        lambda w, u: access.can_view_caller_phone(u, w.incident),
        DISPATCHERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/dispatch/incidents/{w.incident.pk}?phone=true",
        guarded_api(IN_SCOPE_A, refused=404),
        shows=lambda w: CALLER_PHONE,
    ),
    Endpoint(
        "incident page: the caller's phone on request",
        lambda w, u: access.can_view_caller_phone(u, w.incident),
        DISPATCHERS_A,
        "page",
        "post",
        lambda w: f"/dispatch/incidents/{w.incident.pk}/phone/",
        guarded_page(DISPATCHERS_A, **out_of_scope(404, "outsider")),
        shows=lambda w: CALLER_PHONE,
    ),
    Endpoint(
        "recommendations api",
        lambda w, u: access.can_dispatch_incident(u, w.incident),
        DISPATCHERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/dispatch/incidents/{w.incident.pk}/recommendations",
        guarded_api(DISPATCHERS_A, **out_of_scope(404, "outsider")),
        shows=lambda w: "A-11",
    ),
    Endpoint(
        "dispatch measures api for district A",
        lambda w, u: access.can_read_dispatch_measures(u, w.territory.district_a),
        frozenset({"operator", "head", "analyst", "admin", "district_admin"}),
        "api",
        "get",
        lambda w: (
            f"/api/v1/dispatch/measures?department_id={w.territory.district_a.pk}&" + _last_day()
        ),
        guarded_api({"operator", "head", "analyst", "admin", "district_admin"}),
    ),
    Endpoint(
        "dispatch measures page (own scope)",
        lambda w, u: access.can_open_dispatch_measures(u),
        frozenset({"operator", "head", "analyst", "admin", "district_admin", "outsider"}),
        "page",
        "get",
        lambda w: "/dispatch/measures/",
        guarded_page({"operator", "head", "analyst", "admin", "district_admin", "outsider"}),
    ),
    Endpoint(
        "unit token api",
        lambda w, u: access.can_manage_units(u, w.territory.district_a),
        frozenset({"head", "admin", "district_admin"}),
        "api",
        "post",
        lambda w: f"/api/v1/dispatch/units/{w.unit_id}/token",
        guarded_api({"head", "admin", "district_admin"}, granted=201),
    ),
    # --- planning --------------------------------------------------------------------------
    Endpoint(
        "staffing page",
        lambda w, u: access.can_use_planning_tools(u),
        PLANNERS_A | {"outsider"},
        "page",
        "get",
        lambda w: "/planning/staffing/",
        guarded_page(PLANNERS_A | {"outsider"}),
    ),
    Endpoint(
        "staffing api",
        lambda w, u: access.can_use_planning_tools(u),
        PLANNERS_A | {"outsider"},
        "api",
        "get",
        lambda w: "/api/v1/planning/staffing",
        guarded_api(PLANNERS_A | {"outsider"}),
    ),
    Endpoint(
        "scenario page of A",
        lambda w, u: (
            access.siting_jobs_visible_to(u, SitingJob.objects.all()).filter(pk=w.job.pk).exists()
        ),
        PLANNERS_A,
        "page",
        "get",
        lambda w: f"/planning/scenarios/{w.job.pk}/",
        guarded_page(PLANNERS_A, **out_of_scope(404, "outsider")),
    ),
    Endpoint(
        "siting job api of A",
        lambda w, u: (
            access.siting_jobs_visible_to(u, SitingJob.objects.all()).filter(pk=w.job.pk).exists()
        ),
        PLANNERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/planning/siting/{w.job.pk}",
        guarded_api(PLANNERS_A, refused=404),
    ),
    # --- interventions (evaluation) -------------------------------------------------------
    Endpoint(
        "interventions page",
        lambda w, u: access.can_view_interventions(u),
        INTERVENTION_READERS,
        "page",
        "get",
        lambda w: "/evaluation/interventions/",
        guarded_page(INTERVENTION_READERS),
    ),
    Endpoint(
        "interventions api",
        lambda w, u: access.can_view_interventions(u),
        INTERVENTION_READERS,
        "api",
        "get",
        lambda w: "/api/v1/evaluation/interventions",
        guarded_api(INTERVENTION_READERS),
    ),
    Endpoint(
        "intervention page of A",
        lambda w, u: (
            access.interventions_visible_to(u, Intervention.objects.all())
            .filter(pk=_intervention_a(w).pk)
            .exists()
        ),
        INTERVENTION_READERS - {"outsider"},
        "page",
        "get",
        lambda w: f"/evaluation/interventions/{_intervention_a(w).pk}/",
        guarded_page(INTERVENTION_READERS, **out_of_scope(404, "outsider")),
        shows=lambda w: "Пилот в районе A",
    ),
    Endpoint(
        "intervention api of A",
        lambda w, u: (
            access.interventions_visible_to(u, Intervention.objects.all())
            .filter(pk=_intervention_a(w).pk)
            .exists()
        ),
        INTERVENTION_READERS - {"outsider"},
        "api",
        "get",
        lambda w: f"/api/v1/evaluation/interventions/{_intervention_a(w).pk}",
        guarded_api(INTERVENTION_READERS, **out_of_scope(404, "outsider")),
        shows=lambda w: '"treated"',
    ),
    # --- integrity registry ----------------------------------------------------------------
    Endpoint(
        "integrity page of A",
        lambda w, u: access.can_view_integrity(u, w.territory.district_a),
        frozenset({"head", "analyst", "security"}),
        "page",
        "get",
        lambda w: f"/integrity/departments/{w.territory.district_a.pk}/",
        guarded_page({"head", "analyst", "security"}),
    ),
    Endpoint(
        "integrity api of A",
        lambda w, u: access.can_view_integrity(u, w.territory.district_a),
        frozenset({"head", "analyst", "security"}),
        "api",
        "get",
        lambda w: f"/api/v1/integrity/departments/{w.territory.district_a.pk}/offences",
        guarded_api({"head", "analyst", "security"}),
    ),
    Endpoint(
        "head's record page",
        lambda w, u: access.can_view_head_record(u, w.head_a),
        frozenset({"head", "analyst", "security"}),
        "page",
        "get",
        lambda w: f"/integrity/heads/{w.head_a.pk}/",
        guarded_page({"head", "analyst", "security"}),
    ),
    Endpoint(
        "recording integrity page of A",
        lambda w, u: access.can_view_recording_integrity(u, w.territory.district_a),
        frozenset({"analyst", "admin", "security"}),
        "page",
        "get",
        lambda w: f"/integrity/recording/?department={w.territory.district_a.pk}",
        guarded_page({"analyst", "admin", "security"}),
    ),
    Endpoint(
        "recording integrity api of A",
        lambda w, u: access.can_view_recording_integrity(u, w.territory.district_a),
        frozenset({"analyst", "admin", "security"}),
        "api",
        "get",
        lambda w: f"/api/v1/integrity/recording?department_id={w.territory.district_a.pk}",
        guarded_api({"analyst", "admin", "security"}),
    ),
    # --- surveys ---------------------------------------------------------------------------
    Endpoint(
        "survey invitations api",
        lambda w, u: access.can_manage_surveys(u),
        frozenset({"analyst", "admin", "district_admin"}),
        "api",
        "post",
        lambda w: f"/api/v1/surveys/{w.survey_id}/invitations",
        guarded_api({"analyst", "admin", "district_admin"}, granted=201),
        body={"count": 1},
    ),
    # --- menus and links: shown only to those the page's guard lets in --------------------
    Endpoint(
        "menu: the appeals workspace",
        lambda w, u: access.can_work_on_appeals(u),
        APPEAL_WORKERS,
        "page",
        "get",
        lambda w: "/",
        statuses(PERSONAS, resident=200),
        shows=lambda w: 'href="/appeals/staff/"',
    ),
    Endpoint(
        "menu: the planners' pages",
        lambda w, u: access.can_use_planning_tools(u),
        PLANNERS_A | {"outsider"},
        "page",
        "get",
        lambda w: "/planning/construction/",
        statuses(PERSONAS, resident=200),
        shows=lambda w: 'href="/planning/staffing/"',
    ),
    Endpoint(
        "board: the link to take a call",
        lambda w, u: access.can_take_calls(u),
        DISPATCHERS_A | {"outsider"},
        "page",
        "get",
        lambda w: "/dispatch/board/",
        guarded_page(STAFF),
        shows=lambda w: 'href="/dispatch/"',
    ),
    # --- appeals (read-only here) ----------------------------------------------------------
    Endpoint(
        "appeal queue: an appeal of A is listed",
        lambda w, u: (
            access.appeals_visible_to(u, type(w.appeal).objects.all())
            .filter(pk=w.appeal.pk)
            .exists()
        ),
        APPEAL_READERS_A,
        "page",
        "get",
        lambda w: "/appeals/staff/",
        guarded_page(APPEAL_WORKERS),
        shows=lambda w: w.appeal.registration_number,
    ),
    Endpoint(
        "appeal queue: a complaint never listed for the officer or his unit",
        lambda w, u: (
            access.appeals_visible_to(u, type(w.appeal).objects.all())
            .filter(pk=w.complaint.pk)
            .exists()
        ),
        frozenset({"operator", "admin"}),
        "page",
        "get",
        lambda w: "/appeals/staff/",
        guarded_page(APPEAL_WORKERS),
        shows=lambda w: w.complaint.registration_number,
    ),
    Endpoint(
        "appeal page",
        lambda w, u: access.can_view_appeal(u, w.appeal),
        APPEAL_READERS_A,
        "page",
        "get",
        lambda w: f"/appeals/staff/{w.appeal.pk}/",
        guarded_page(APPEAL_READERS_A),
        shows=lambda w: w.appeal.contact_phone,
    ),
    Endpoint(
        "complaint page: closed to the officer's unit",
        lambda w, u: access.can_view_appeal(u, w.complaint),
        frozenset({"operator", "admin"}),
        "page",
        "get",
        lambda w: f"/appeals/staff/{w.complaint.pk}/",
        guarded_page({"operator", "admin"}),
        shows=lambda w: w.complaint.contact_phone,
    ),
    Endpoint(
        "appeal attachment download: an audited read of the appeal",
        lambda w, u: access.can_view_appeal(u, w.appeal),
        APPEAL_READERS_A,
        "page",
        "get",
        lambda w: f"/appeals/staff/{w.appeal.pk}/attachments/{w.appeal.attachments.get().pk}/",
        guarded_page(APPEAL_READERS_A, refused=404, **NO_APPEALS),
    ),
    Endpoint(
        "appeal attachment api",
        lambda w, u: access.can_view_appeal(u, w.appeal),
        APPEAL_READERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}/attachments/{w.appeal.attachments.get().pk}",
        guarded_api(APPEAL_READERS_A, refused=404, **NO_APPEALS),
    ),
    # --- the staff appeals API: the same rules as the pages --------------------------------
    Endpoint(
        "appeal queue api: an appeal of A is listed",
        lambda w, u: access.appeals_visible_to(u, Appeal.objects.filter(pk=w.appeal.pk)).exists(),
        APPEAL_READERS_A,
        "api",
        "get",
        lambda w: "/api/v1/appeals?status=all&limit=200",
        guarded_api(APPEAL_WORKERS),
        shows=lambda w: w.appeal.registration_number,
    ),
    Endpoint(
        "appeal queue api: a complaint never listed for the officer or his unit",
        lambda w, u: access.appeals_visible_to(
            u, Appeal.objects.filter(pk=w.complaint.pk)
        ).exists(),
        frozenset({"operator", "admin"}),
        "api",
        "get",
        lambda w: "/api/v1/appeals?status=all&limit=200",
        guarded_api(APPEAL_WORKERS),
        shows=lambda w: w.complaint.registration_number,
    ),
    Endpoint(
        "appeal api: personal data for those who see the appeal",
        lambda w, u: access.can_view_appeal(u, w.appeal),
        APPEAL_READERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}",
        guarded_api(APPEAL_READERS_A, **out_of_scope(404, "inspector", "outsider")),
        shows=lambda w: w.appeal.contact_phone,
    ),
    Endpoint(
        "complaint api: closed to the officer's unit",
        lambda w, u: access.can_view_appeal(u, w.complaint),
        frozenset({"operator", "admin"}),
        "api",
        "get",
        lambda w: f"/api/v1/appeals/{w.complaint.pk}",
        guarded_api(
            {"operator", "admin"},
            **out_of_scope(404, "inspector", "head", "deputy", "district_admin", "outsider"),
        ),
        shows=lambda w: w.complaint.contact_phone,
    ),
    Endpoint(
        "assignment api: the heads over the appeal",
        lambda w, u: access.can_manage_appeal(u, w.appeal),
        frozenset({"head", "admin", "district_admin"}),
        "api",
        "post",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}/assignment",
        guarded_api(
            {"head", "admin", "district_admin"}, **out_of_scope(404, "inspector", "outsider")
        ),
        body=lambda w: {"assignee_id": w.users["head"].pk},
    ),
    Endpoint(
        "extension api: the head or his deputy (APPC art. 76), not an administrator",
        lambda w, u: access.can_extend_appeal(u, w.appeal),
        frozenset({"head", "deputy"}),
        "api",
        "post",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}/extension",
        guarded_api({"head", "deputy"}, **out_of_scope(404, "inspector", "outsider")),
        body=lambda w: {
            "due_date": (w.appeal.due_date + dt.timedelta(days=7)).isoformat(),
            "reason": "Нужна экспертиза",
        },
        reset=lambda w: Appeal.objects.filter(pk=w.appeal.pk).update(
            due_date=w.appeal.due_date, extended=False
        ),
    ),
    Endpoint(
        "forward api: the heads over the appeal",
        lambda w, u: access.can_manage_appeal(u, w.appeal),
        frozenset({"head", "admin", "district_admin"}),
        "api",
        "post",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}/forward",
        guarded_api(
            {"head", "admin", "district_admin"}, **out_of_scope(404, "inspector", "outsider")
        ),
        body={"to": "Акимат Алмалинского района"},
        reset=lambda w: _reopened(w.appeal),
    ),
    Endpoint(
        "answer api: the assignee or the heads over the appeal",
        lambda w, u: access.can_answer_appeal(u, w.appeal),
        frozenset({"head", "admin", "district_admin"}),
        "api",
        "post",
        lambda w: f"/api/v1/appeals/{w.appeal.pk}/answer",
        guarded_api(
            {"head", "admin", "district_admin"}, **out_of_scope(404, "inspector", "outsider")
        ),
        body={"answer": "Проведена беседа."},
        reset=lambda w: _reopened(w.appeal),
    ),
    # --- receptions -----------------------------------------------------------------------
    # --- workspaces (start pages) ----------------------------------------------------------
    Endpoint(
        "inspector's workspace: his own precinct",
        lambda w, u: access.can_open_inspector_workspace(u),
        frozenset({"inspector"}),
        "page",
        "get",
        lambda w: "/workspace/",
        guarded_page({"inspector"}),
        shows=lambda w: 'id="ws-appeals"',
    ),
    Endpoint(
        "precinct workspace page of A",
        lambda w, u: access.can_view_precinct_workspace(u, w.territory.precinct_a),
        PRECINCT_VIEWERS_A,
        "page",
        "get",
        lambda w: f"/workspace/precincts/{w.territory.precinct_a.pk}/",
        guarded_page(PRECINCT_VIEWERS_A),
        shows=lambda w: 'id="ws-figures"',
    ),
    Endpoint(
        "workspace api of precinct A",
        lambda w, u: access.can_view_precinct_workspace(u, w.territory.precinct_a),
        PRECINCT_VIEWERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/workspace?precinct_id={w.territory.precinct_a.pk}",
        guarded_api(PRECINCT_VIEWERS_A),
        shows=lambda w: '"figures"',
    ),
    Endpoint(
        "head's department page",
        lambda w, u: access.can_open_head_workspace(u),
        frozenset({"head", "deputy", "outsider"}),
        "page",
        "get",
        lambda w: "/workspace/department/",
        guarded_page({"head", "deputy", "outsider"}),
        shows=lambda w: 'id="ws-queue"',
    ),
    # --- priorities residents set ----------------------------------------------------------
    Endpoint(
        "priorities index: the precincts a user sets",
        lambda w, u: access.priority_precincts_visible_to(
            u, Precinct.objects.filter(pk=w.territory.precinct_a.pk)
        ).exists(),
        PRIORITY_SETTERS_A,
        "page",
        "get",
        lambda w: "/priorities/",
        guarded_page(PRIORITY_DOORS),
        shows=lambda w: f'data-precinct="{w.territory.precinct_a.pk}"',
    ),
    Endpoint(
        "priorities page of precinct A",
        lambda w, u: access.can_set_priorities(u, w.territory.precinct_a),
        PRIORITY_SETTERS_A,
        "page",
        "get",
        lambda w: f"/priorities/precincts/{w.territory.precinct_a.pk}/",
        guarded_page(PRIORITY_SETTERS_A),
        shows=lambda w: 'id="set"',
    ),
    Endpoint(
        "priorities api of precinct A",
        lambda w, u: access.can_set_priorities(u, w.territory.precinct_a),
        PRIORITY_SETTERS_A,
        "api",
        "get",
        lambda w: f"/api/v1/priorities/themes?precinct_id={w.territory.precinct_a.pk}",
        guarded_api(PRIORITY_SETTERS_A),
        shows=lambda w: '"themes"',
    ),
    Endpoint(
        "priorities pages' door",
        lambda w, u: access.can_work_on_priorities(u),
        PRIORITY_DOORS,
        "page",
        "get",
        lambda w: "/priorities/",
        guarded_page(PRIORITY_DOORS),
    ),
    Endpoint(
        "menu: the receptions of heads",
        lambda w, u: access.can_use_receptions_workspace(u),
        frozenset({"head", "admin", "district_admin", "outsider"}),
        "page",
        "get",
        lambda w: "/",
        statuses(PERSONAS, resident=200),
        shows=lambda w: 'href="/receptions/staff/"',
    ),
    Endpoint(
        "menu: every staff member's start page",
        lambda w, u: access.is_staff_member(u),
        STAFF,
        "page",
        "get",
        lambda w: "/",
        statuses(PERSONAS, resident=200),
        shows=lambda w: 'href="/accounts/start/"',
    ),
    Endpoint(
        "receptions page of heads",
        lambda w, u: access.can_use_receptions_workspace(u),
        frozenset({"head", "admin", "district_admin", "outsider"}),
        "page",
        "get",
        lambda w: "/receptions/staff/",
        guarded_page({"head", "admin", "district_admin", "outsider"}),
    ),
]


def _reopened(appeal) -> None:
    """The appeal open again, as before an answer or a forwarding."""
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Status.REGISTERED, answer="", answered_at=None, closed_at=None, forwarded_to=""
    )


def _answer(endpoint: Endpoint, world: World, persona: str):
    make = page_client if endpoint.via == "page" else api_client
    client = make(world, persona)
    url = endpoint.url(world)
    if endpoint.reset is not None:
        endpoint.reset(world)
    if endpoint.method == "get":
        return client.get(url)
    body = endpoint.body(world) if callable(endpoint.body) else endpoint.body
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_endpoint_answers_each_persona_as_its_rule_decides(world, endpoint):
    by_rule = {p for p in PERSONAS if endpoint.rule(world, world.users[p])}
    assert by_rule == set(endpoint.allowed), "the rule and this table disagree"
    got, expected = {}, {}
    for persona in PERSONAS:
        response = _answer(endpoint, world, persona)
        shown = None
        if endpoint.shows is not None:
            text = endpoint.shows(world)
            shown = text in response.content.decode()
        got[persona] = (response.status_code, shown)
        status = endpoint.status[persona]
        visible = 200 <= status < 300 and persona in endpoint.allowed
        expected[persona] = (status, visible if endpoint.shows is not None else None)
    assert got == expected


def test_every_access_rule_used_by_an_endpoint_has_a_row():
    """The rules the app calls from its pages, API and admin are all in the table."""
    source = inspect.getsource(sys.modules[__name__])
    tabled = {name for name in dir(access) if f"access.{name}(" in source}
    rules = {
        name for name, f in vars(access).items()
        if inspect.isfunction(f) and f.__module__ == access.__name__ and not name.startswith("_")
    }  # fmt: skip
    # Building blocks of the rules rather than rules of an endpoint of their own.
    helpers = {"is_staff_member", "has_national_scope", "departments_in_scope", "is_in_scope",
               "user_role_in", "has_public_contact", "serves_precinct"}  # fmt: skip
    # Decided inside the services that write; their refusals are tested with the services.
    writes = {"can_plan", "can_edit_post_project", "can_manage_siting_job",
              "can_record_intervention",
              "can_record_integrity", "can_register_appeal", "can_manage_appeal",
              "can_answer_appeal", "can_be_assigned_appeal", "can_manage_receptions"}  # fmt: skip
    # Doors of pages whose rows above use the finer rule inside (the menu asks them too).
    doors = {"can_open_integrity_registry", "can_open_recording_integrity"}
    # Queries that choose among accounts, tested against their object rule below.
    choices = {"appeal_assignees"}
    # Which head a published reception hour is for (tests/receptions/test_receptions.py).
    choices |= {"can_publish_receptions_for_any_head"}
    missing = rules - helpers - writes - doors - choices - tabled
    assert not missing, sorted(missing)


# --- what the table's rows do not show ---------------------------------------------------


def test_admin__an_administrator_moved_to_another_role_is_refused(world):
    """Django's flags stay set when a role changes; the admin asks the role."""
    former = world.users["admin"]
    former.role = Role.ANALYST
    former.save(update_fields=["role"])
    assert former.is_staff and former.is_superuser
    client = Client()
    client.force_login(former)
    assert client.get("/admin/").status_code == 302
    response = Client().post("/admin/login/", {"username": "admin", "password": factories.PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session


def test_admin__a_district_administrator_cannot_move_an_officer_out_of_scope(world):
    patrol_a = factories.officer(world.territory.district_a, Officer.Role.PATROL, "Петров")
    client = page_client(world, "district_admin")
    response = client.post(
        f"/admin/territory/officer/{patrol_a.pk}/change/",
        {"department": world.territory.district_b.pk, "last_name": "Петров",
         "first_name": "Серик", "role": "patrol", "is_active": "on", "source": "entered"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the error
    assert "department" in response.context["adminform"].form.errors
    patrol_a.refresh_from_db()
    assert patrol_a.department_id == world.territory.district_a.pk


def test_locate__an_assistants_contact_shown_to_staff_is_audited(world):
    from precinct.audit.models import AuditEntry

    reads = AuditEntry.objects.filter(subject_type="territory.officer", action="read")
    page_client(world, "resident").get("/api/v1/locate?lon=76.90&lat=43.24")
    assert not reads.exists()
    api_client(world, "head").get("/api/v1/locate?lon=76.90&lat=43.24")
    [entry] = reads  # the assistant's contact, not the inspector's public one
    assert entry.subject_id == str(world.assistant_a.pk)
    assert (entry.actor_id, entry.context) == (world.users["head"].pk, "locate")


def test_appeal_assignees__the_query_agrees_with_can_be_assigned_appeal(world):
    """The list of accounts offered as assignees, in one query, is the rule's own."""
    city_head = factories.staff("city-head", Role.HEAD, world.territory.city)
    accounts = [u for u in world.users.values() if u.is_authenticated] + [city_head]
    for appeal in (world.appeal, world.complaint):
        by_query = set(access.appeal_assignees(appeal, User.objects.all()))
        by_rule = {u for u in accounts if access.can_be_assigned_appeal(u, appeal)}
        assert by_query == by_rule
    # Who they are: staff of district A and the city's head; the complaint about the
    # inspector of A goes neither to him nor to anyone of his unit.
    names = {u.username for u in access.appeal_assignees(world.appeal, User.objects.all())}
    assert names == {"inspector", "head", "city-head"}
    names = {u.username for u in access.appeal_assignees(world.complaint, User.objects.all())}
    assert names == {"city-head"}
