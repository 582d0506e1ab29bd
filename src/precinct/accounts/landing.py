"""Where each staff member starts: the one rule of the page a role lands on after sign-in
(the web sign-in, and the menu's "My start page").

Each role's first page is the one its daily work begins on; a role without a page of its
own lands on the public home page. The pages' own guards still decide what is shown.
"""

from django.urls import reverse

from precinct.accounts import access
from precinct.accounts.models import Role


def start_page(user) -> str:
    """The address of the user's start page (the home page for residents)."""
    if access.can_open_inspector_workspace(user):
        return reverse("workspace:inspector")
    if access.can_open_head_workspace(user):
        return reverse("workspace:head")
    if access.user_role_in(user, {Role.OPERATOR}):
        return reverse("dispatch:console")
    if access.user_role_in(user, {Role.PATROL}):
        return reverse("dispatch:board")
    if access.user_role_in(user, {Role.ANALYST}):
        return _scorecard_or_national(user)
    if access.user_role_in(user, {Role.INTERNAL_SECURITY}) and user.department_id:
        return reverse("integrity:department", args=[user.department_id])
    if access.can_use_admin(user):
        return reverse("admin:index")
    if access.is_staff_member(user):
        return _scorecard_or_national(user)
    return reverse("home")


def _scorecard_or_national(user) -> str:
    """Analysts of a department start on its scorecard; national ones on the country's."""
    if user.department_id is None:
        return reverse("evaluation:national")
    return reverse("evaluation:scorecard", args=[user.department_id])
