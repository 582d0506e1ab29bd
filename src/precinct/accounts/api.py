"""Sign-in for API clients."""

import datetime as dt

from ninja import Router, Schema

from precinct.accounts.auth import staff_auth
from precinct.accounts.services import token_issue
from precinct.core.errors import error_responses

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime
    role: str
    department_id: int | None


class MeOut(Schema):
    username: str
    role: str
    department_id: int | None


@router.post("/auth/token", response={200: TokenOut, **error_responses(400, 401, 429)}, auth=None)
def issue_token(request, payload: TokenIn):
    """Exchange a staff username and password for a bearer token (401 when they do not match)."""
    raw, token = token_issue(request=request, username=payload.username, password=payload.password)
    user = token.user
    return TokenOut(
        token=raw, expires_at=token.expires_at, role=user.role, department_id=user.department_id
    )


@router.get("/auth/me", response={200: MeOut, **error_responses(401)}, auth=staff_auth)
def me(request):
    """Who the token or session belongs to."""
    user = request.auth
    return MeOut(username=user.username, role=user.role, department_id=user.department_id)
