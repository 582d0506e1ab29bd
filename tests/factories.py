"""Purposeful builders of test data: a small territory and one user per persona."""

import datetime as dt
from dataclasses import dataclass

from shapely.geometry import box

from precinct.accounts.models import Role, User
from precinct.accounts.services import staff_user_create
from precinct.territory import services
from precinct.territory.models import Department, Officer, Precinct, Provenance, Region

PASSWORD = "correct horse battery staple"


def sign_in_request(address: str = "192.0.2.1"):
    """A request to hand to ``authenticate``: sign-ins are counted per source address, so
    every door passes its request (django-axes refuses to check a password without one)."""
    from django.test import RequestFactory

    return RequestFactory(REMOTE_ADDR=address).post("/accounts/login/")


@dataclass
class Territory:
    """A city with a regional department over two district departments."""

    region: Region
    city: Department
    district_a: Department
    district_b: Department
    precinct_a: Precinct


def build_territory() -> Territory:
    """Almaty-like: the city department and two districts, one precinct in the first."""
    region = Region.objects.create(code="almaty", kind=Region.Kind.CITY, name="Алматы")
    city = services.department_create(
        region=region,
        parent=None,
        kind=Department.Kind.REGIONAL,
        code="dp-almaty",
        name="ДП г. Алматы",
        name_en="Almaty City Police Department",
    )
    district_a = services.department_create(
        region=region,
        parent=city,
        kind=Department.Kind.DISTRICT,
        code="up-almaly",
        name="УП Алмалинского района",
        name_en="Almaly District Police",
        geometry=box(76.88, 43.22, 76.92, 43.27),
        boundary_source=Provenance.DERIVED,
    )
    district_b = services.department_create(
        region=region,
        parent=city,
        kind=Department.Kind.DISTRICT,
        code="up-medeu",
        name="УП Медеуского района",
        name_en="Medeu District Police",
        geometry=box(76.92, 43.22, 76.96, 43.27),
        boundary_source=Provenance.DERIVED,
    )
    precinct_a = services.precinct_create(
        department=district_a,
        number=1,
        geometry=box(76.88, 43.22, 76.92, 43.27),
        residents=5000,
        source=Provenance.DERIVED,
    )
    return Territory(region, city, district_a, district_b, precinct_a)


def officer(department: Department, role: str, last_name: str = "Ахметов", **fields) -> Officer:
    """An officer with a public-looking contact."""
    defaults = {"first_name": "Серик", "phone": "+7 700 000 00 00", "email": "o@police.kz"}
    return Officer.objects.create(
        department=department, role=role, last_name=last_name, **{**defaults, **fields}
    )


def inspector_of(precinct: Precinct, last_name: str = "Ахметов") -> Officer:
    """An inspector assigned to the precinct since a year ago."""
    person = officer(precinct.department, Officer.Role.INSPECTOR, last_name)
    services.inspector_assign(
        officer=person, precinct=precinct, starts_on=dt.date.today() - dt.timedelta(days=365)
    )
    return person


def staff(username: str, role: str, department: Department | None) -> User:
    """A staff user signed in with PASSWORD."""
    return staff_user_create(username=username, password=PASSWORD, role=role, department=department)


@dataclass
class Personas:
    """One user per persona; the outsider heads another district."""

    inspector: User
    patrol: User
    operator: User
    head: User
    analyst: User
    admin: User
    outsider: User


def build_personas(t: Territory) -> Personas:
    """Staff of district A, a national analyst and admin, and a head of district B."""
    return Personas(
        inspector=staff("inspector", Role.INSPECTOR, t.district_a),
        patrol=staff("patrol", Role.PATROL, t.district_a),
        operator=staff("operator", Role.OPERATOR, t.city),
        head=staff("head", Role.HEAD, t.district_a),
        analyst=staff("analyst", Role.ANALYST, None),
        admin=staff("admin", Role.ADMIN, None),
        outsider=staff("outsider", Role.HEAD, t.district_b),
    )
