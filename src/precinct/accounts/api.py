"""Sign-in for API clients."""

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError

from precinct.accounts.auth import staff_auth
from precinct.accounts.services import InvalidCredentials, token_issue

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


@router.post("/auth/token", response=TokenOut, auth=None)
def issue_token(request, payload: TokenIn):
    """Exchange a staff username and password for a bearer token."""
    try:
        raw, token = token_issue(
            request=request, username=payload.username, password=payload.password
        )
    except InvalidCredentials as exc:
        raise HttpError(401, str(exc)) from None
    user = token.user
    return TokenOut(
        token=raw, expires_at=token.expires_at, role=user.role, department_id=user.department_id
    )


@router.get("/auth/me", response=MeOut, auth=staff_auth)
def me(request):
    """Who the token or session belongs to."""
    user = request.auth
    return MeOut(username=user.username, role=user.role, department_id=user.department_id)
