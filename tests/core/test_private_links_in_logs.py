"""Private links (tracking codes, invitation tokens) never reach a log."""

import contextlib
import logging
import os
import urllib.request

import pytest

from precinct.core.logging import RedactPrivateLinks, redact
from tests.processes import free_port, start_gunicorn


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/appeals/track/7kK4VuXTstWc/", "/appeals/track/…/"),
        ("/api/v1/appeals/track/s5hC7NC2gc", "/api/v1/appeals/track/…"),
        ("/appeals/receipt/abc_DEF-1/", "/appeals/receipt/…/"),
        ("/surveys/i/tok3n/", "/surveys/i/…/"),
        ("/open311/v2/tokens/t0k.json", "/open311/v2/tokens/….json"),
        ("/territory/locate/", "/territory/locate/"),
    ],
)
def test_redact(path, expected):
    assert redact(path) == expected


def test_django_request_warnings_are_redacted():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s",
        ("/api/v1/appeals/track/SECRET123",), None,
    )  # fmt: skip
    RedactPrivateLinks().filter(record)
    assert "SECRET123" not in record.getMessage()


def test_console_handler_applies_the_filter(settings):
    assert "private_links" in settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_has_no_tracking_code(tmp_path):
    access_log = tmp_path / "access.log"
    port = free_port()
    server = start_gunicorn(
        port, "--access-logfile", str(access_log),
        "--logger-class", "precinct.core.logging.RedactingGunicornLogger",
    )  # fmt: skip
    try:
        for path in ("/appeals/track/SECRET123/", "/api/v1/appeals/track/SECRET456"):
            # An unknown code is a 404; what matters is the log line.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    text = access_log.read_text()
    assert "/appeals/track/…/" in text
    assert "SECRET123" not in text and "SECRET456" not in text
