"""Writers of accounts: tokens and staff users."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from precinct.accounts import access
from precinct.accounts.models import ApiToken, Role, User
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.core.hashing import token_hash

TOKEN_PREFIX = "pct_"


class InvalidCredentials(DomainError):
    """Wrong username or password, or a disabled or non-staff account (one message for all)."""

    status = 401
    code = "invalid_credentials"


def token_issue(*, request, username: str, password: str) -> tuple[str, ApiToken]:
    """Check the password and issue a bearer token; the raw token is returned only here.

    The request goes to ``authenticate`` so that failures count towards the lockout; the
    check runs outside the token's transaction, so a failure's count and audit entry are
    kept when the refusal rolls that transaction back."""
    user = authenticate(request, username=username, password=password)
    if user is None or not access.is_staff_member(user):
        raise InvalidCredentials("Unknown username or wrong password.")
    return _token_create(user)


@transaction.atomic
def _token_create(user: User) -> tuple[str, ApiToken]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=token_hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=settings.PRECINCT_API_TOKEN_DAYS),
    )
    audit_record(actor=user, action=AuditEntry.Action.SIGN_IN, subject=token, context="api token")
    return raw, token


def token_user(raw: str) -> User | None:
    """The active staff user a bearer token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(key_hash=token_hash(raw), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    # Same test as at issue: switching an account off or taking its role ends its tokens.
    if token is None or not access.is_staff_member(token.user):
        return None
    return token.user


@transaction.atomic
def staff_user_create(
    *, username: str, password: str, role: str, department=None, officer=None, **names
) -> User:
    """Create a staff account; every role but the national ones needs a department."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}.")
    if department is None and role not in access.NATIONAL_ROLES:
        raise ValueError(f"A {role} needs a department as territorial scope.")
    user = User(
        username=username,
        role=role,
        department=department,
        officer=officer,
        # Django's own flags, kept in step for tools outside precinct; precinct's admin
        # itself asks access.can_use_admin (the role), never these.
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        **names,
    )
    user.set_password(password)
    user.save()
    return user
