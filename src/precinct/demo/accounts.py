"""One demo account per staff role, with the password from PRECINCT_DEMO_PASSWORD."""

import os
import secrets

from precinct.accounts.models import Role
from precinct.accounts.services import staff_user_create
from precinct.territory.models import Officer

DEMO_USERNAMES = {role: f"demo-{role}" for role in Role.values}


def demo_password() -> tuple[str, bool]:
    """The password for every demo account, and whether it was generated now."""
    password = os.environ.get("PRECINCT_DEMO_PASSWORD", "")
    if password:
        return password, False
    return secrets.token_urlsafe(12), True


def create_demo_accounts(city, departments, password: str) -> list[str]:
    """Accounts for the first district (inspector, patrol, head), the city and the ministry."""
    district = departments[0]

    def first(role, department):
        return Officer.objects.filter(role=role, department=department).order_by("id").first()

    scopes = {
        Role.INSPECTOR: (district, first(Officer.Role.INSPECTOR, district)),
        Role.PATROL: (district, first(Officer.Role.PATROL, district)),
        Role.OPERATOR: (city, first(Officer.Role.OPERATOR, city)),
        Role.HEAD: (district, first(Officer.Role.HEAD, district)),
        Role.DEPUTY_HEAD: (district, None),
        Role.ANALYST: (None, None),
        Role.ADMIN: (None, None),
        Role.INTERNAL_SECURITY: (city, None),  # reads the integrity registry of the city
    }
    for role, (department, officer) in scopes.items():
        staff_user_create(
            username=DEMO_USERNAMES[role],
            password=password,
            role=role,
            department=department,
            officer=officer,
        )
    return list(DEMO_USERNAMES.values())
