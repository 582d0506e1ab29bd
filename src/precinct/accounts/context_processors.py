"""``may`` in every template: which staff pages the signed-in user may open.

Menus and links show a page only when the rule that guards it lets the user in, so a
template never decides from role names. Each answer is computed when a template asks.
"""

from functools import cached_property

from precinct.accounts import access


class PagesAllowed:
    """The guard rules of the staff pages that templates link to, for one user."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def work_on_appeals(self) -> bool:
        return access.can_work_on_appeals(self._user)

    @cached_property
    def watch_dispatch_board(self) -> bool:
        return access.is_staff_member(self._user)

    @cached_property
    def take_calls(self) -> bool:
        return access.can_take_calls(self._user)

    @cached_property
    def read_dispatch_measures(self) -> bool:
        return access.can_open_dispatch_measures(self._user)

    @cached_property
    def use_planning_tools(self) -> bool:
        return access.can_use_planning_tools(self._user)

    @cached_property
    def view_interventions(self) -> bool:
        return access.can_view_interventions(self._user)

    @cached_property
    def have_start_page(self) -> bool:
        return access.is_staff_member(self._user)

    @cached_property
    def use_receptions_workspace(self) -> bool:
        return access.can_use_receptions_workspace(self._user)


def may(request) -> dict:
    return {"may": PagesAllowed(getattr(request, "user", None))}
