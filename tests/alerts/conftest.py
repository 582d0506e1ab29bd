"""Alerts fixtures: the small territory, and helpers that go through the real pages."""

import re

import pytest

from precinct.alerts.models import AlertMail

LINK = re.compile(r"https?://\S+/alerts/(confirm|unsubscribe)/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _digests_any_hour(settings):
    """Digests are built from a local hour on; tests build them whenever they run."""
    settings.PRECINCT_ALERTS = {**settings.PRECINCT_ALERTS, "DIGEST_FROM_HOUR": 0}


def subscribe(client, precinct, email="resident@example.kz", *, kinds=None, language="en",
              address="198.51.100.7"):  # fmt: skip
    """POST the subscription form as a resident's browser would."""
    data = {
        "precinct": precinct.pk,
        "email": email,
        "kinds": kinds or ["priorities", "receptions", "figures"],
        "language": language,
    }
    return client.post("/alerts/subscribe/", data, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def link_in(text: str, purpose: str) -> str:
    """The path of the confirmation or unsubscribe link in a mail's text."""
    for found in LINK.finditer(text):
        if found.group(1) == purpose:
            return f"/alerts/{purpose}/{found.group(2)}/"
    raise AssertionError(f"no {purpose} link in the mail")


def last_mail(kind: str) -> AlertMail:
    return AlertMail.objects.filter(kind=kind).latest("pk")
