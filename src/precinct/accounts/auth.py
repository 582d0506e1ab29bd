"""Authentication for the JSON API: a bearer token, or the web session."""

from ninja.security import HttpBearer

from precinct.accounts.services import token_user


class BearerToken(HttpBearer):
    """``Authorization: Bearer pct_…`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


def session_user(request):
    """A signed-in web session also authorises API calls from the same browser."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.role:
        return user
    return None


staff_auth = [BearerToken(), session_user]
