"""Every door that takes a password: throttled, locked after repeated failures, audited.

django-axes counts failed sign-ins per account and per source address (either one over
the limit locks) at the staff sign-in page, the admin's and ``POST /api/v1/auth/token``;
a lockout ends after a cool-off period or when an operator unlocks it
(``precinct axes_reset_username NAME``, ``precinct axes_reset_ip ADDRESS``, or by deleting
the attempt in the admin). Each sign-in, failure and sign-out is written to the audit log.
"""

from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from precinct.accounts.models import User
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core.errors import error_body


def client_address(request) -> str:
    """The source address as the server sees it (a proxy in front must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def _door(request) -> str:
    path = getattr(request, "path_info", "") or ""
    if path.startswith("/api/"):
        return "api token"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """429 with a Retry-After, as JSON for the API and as a page of the site otherwise."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if _door(request) == "api token":
        detail = (
            f"Too many failed sign-ins: try again in {minutes} minutes, "
            "or ask an administrator to unlock the account."
        )
        response = JsonResponse(error_body("sign_in_locked", detail), status=429)
    else:
        context = {"minutes": minutes}
        response = render(request, "accounts/locked.html", context, status=429)
    response.headers["Retry-After"] = str(minutes * 60)
    return response


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditEntry.Action.SIGN_IN, subject=user, context=_door(request))


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user, action=AuditEntry.Action.SIGN_OUT, subject=user, context=_door(request)
        )


@receiver(user_login_failed)
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    """A failure names the account when it exists; a username nobody has is not kept (it
    is often a password typed into the wrong field)."""
    username = (credentials or {}).get("username") or ""
    user = User.objects.filter(username=username).first() if username else None
    door = _door(request) if request is not None else "unknown"
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor=None,
        action=AuditEntry.Action.SIGN_IN_FAILED,
        subject=user,
        subject_type="" if user else "accounts.user",
        context=f"{door}{', locked out' if locked else ''}{'' if user else ', unknown username'}",
    )
