"""Alerts pages, thin: the form, the confirmation and the unsubscribe pages.

Links from mails open a page with a button (GET changes nothing: mail scanners open links
too); the button POSTs. The unsubscribe POST needs no CSRF token: RFC 8058's one-click
unsubscribe is a POST from the mail client, and the token in the URL is the credential.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from precinct.alerts import selectors, services
from precinct.alerts.models import KINDS
from precinct.core.errors import DomainError
from precinct.core.http import client_address


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _fields(exc: DomainError) -> dict:
    return {(field or "form"): message for field, message in exc.errors}


def _form(request, *, precinct, values: dict, errors: dict, status: int = 200):
    ctx = {
        "precinct": precinct,
        "values": values,
        "errors": errors,
        "kinds": selectors.kind_choices(),
        "languages": [(code, name) for code, name in settings.LANGUAGES],
    }
    return render(request, "alerts/subscribe.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The subscription form for one precinct (``?precinct=<id>``), and its sending."""
    data = request.POST if request.method == "POST" else request.GET
    precinct = selectors.precinct_for_form(_int(data.get("precinct")))
    if request.method == "GET":
        if precinct is None:
            return _form(request, precinct=None, values={}, errors={}, status=404)
        values = {"kinds": list(KINDS), "language": get_language()[:2]}
        return _form(request, precinct=precinct, values=values, errors={})
    values = {
        "email": request.POST.get("email", "")[:300],
        "kinds": request.POST.getlist("kinds"),
        "language": request.POST.get("language", ""),
    }
    try:
        services.subscription_request(
            precinct_id=precinct.pk if precinct else None,
            email=values["email"], language=values["language"], kinds=values["kinds"],
            client=client_address(request),
        )  # fmt: skip
    except DomainError as exc:
        return _form(
            request, precinct=precinct, values=values, errors=_fields(exc), status=exc.status
        )
    return render(request, "alerts/requested.html", {"precinct": precinct})


def _link_page(request, *, template: str, purpose: str, token: str, act):
    """GET: the subscription the link is for and a button; POST: ``act`` on it."""
    client = client_address(request)
    try:
        if request.method == "POST":
            sub = act(token=token, client=client)
            return render(request, template, {"sub": sub, "done": True})
        sub = services.subscription_for_link(purpose=purpose, token=token, client=client)
    except DomainError as exc:
        ctx = {"error": exc.message}
        return render(request, "alerts/link_refused.html", ctx, status=exc.status)
    return render(request, template, {"sub": sub, "done": False})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    return _link_page(
        request, template="alerts/confirm.html", purpose="confirm", token=token,
        act=services.subscription_confirm,
    )  # fmt: skip


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    return _link_page(
        request, template="alerts/unsubscribe.html", purpose="unsubscribe", token=token,
        act=services.subscription_unsubscribe,
    )  # fmt: skip
