"""Planning's refusals, apart from the services because coverage and siting raise them too."""

from precinct.core.errors import DomainError


class PlanningError(DomainError):
    """A planning input refused for a reason the user can fix; ``field`` names what is wrong."""


class PlanningForbidden(DomainError):
    """The user may not do this for this department (kept apart: no form field can fix it)."""

    status = 403
    code = "forbidden"
