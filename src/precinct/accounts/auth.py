"""Authentication for the JSON API: a bearer token, or the web session (CSRF-checked)."""

from ninja.security import HttpBearer, SessionAuth

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
        if not _signed_in(request):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if _signed_in(request) else None


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active and user.role)


session_user = StaffSession()  # the name other modules may already import
staff_auth = [BearerToken(), session_user]
