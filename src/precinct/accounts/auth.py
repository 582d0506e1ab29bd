"""Authentication for the JSON API: a bearer token, or the web session (CSRF-checked)."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer, SessionAuth

from precinct.accounts import access
from precinct.accounts.services import token_user


class BearerToken(HttpBearer):
    """``Authorization: Bearer pct_…`` from ``POST /api/v1/auth/token``."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A signed-in web session also authorises API calls from the same browser.

    Ninja exempts its views from Django's CSRF middleware, so a cookie-based scheme must
    check CSRF itself (SessionAuth does, on unsafe methods); a plain function would let a
    cross-site form POST ride on the session cookie.
    """

    def _get_key(self, request):
        # Without a signed-in session there is nothing for a forged request to ride on:
        # answer 401 (sign in or send a token), not a puzzling "CSRF check failed".
        if not access.is_staff_member(getattr(request, "user", None)):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if access.is_staff_member(request.user) else None


session_user = StaffSession()  # the name other modules may already import
staff_auth = [BearerToken(), session_user]


def _resident(request):
    """No staff credentials: a resident, who sees what the rules show to anyone."""
    return AnonymousUser()


# Public endpoints whose answer depends on who asks (an officer's contact): a token or a
# session makes ``request.auth`` that user, anyone else is a resident (never a 401).
optional_staff_auth = [*staff_auth, _resident]
