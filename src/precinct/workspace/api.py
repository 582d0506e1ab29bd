"""The inspector's workspace over the API: the same content as his start page."""

from ninja import Router, Status

from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.workspace import selectors
from precinct.workspace.schemas import WorkspaceOut

router = Router(tags=["workspace"])


@router.get(
    "/workspace",
    response={200: WorkspaceOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def workspace(request, precinct_id: int | None = None):
    """The token's officer's precinct (or ``precinct_id``, for an inspector only his own;
    heads, analysts and admins any in their scope): the precinct with its posts, his open
    appeals by due date, the head's next receptions, recent 102 calls (their reads
    audited) and the precinct's figures against the city's."""
    precinct = selectors.precinct_for(user=request.auth, precinct_id=precinct_id)
    return Status(200, selectors.precinct_workspace(user=request.auth, precinct=precinct))
