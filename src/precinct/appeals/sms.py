"""A small SMS gateway interface: a backend sends one text to one number, once per key.

Every ``send`` gets the message's idempotency key; a gateway sends a key at most once:

- ``file`` writes one file per message, ``PRECINCT_SMS_DIR/<key>.txt`` (the number on the
  first line, the text after it); a second write of the same key writes nothing.
- ``http`` POSTs ``{"to": …, "text": …}`` as JSON to ``PRECINCT_SMS_URL`` with the header
  ``Idempotency-Key: <key>`` (and ``Authorization: Bearer PRECINCT_SMS_TOKEN`` if set).
  The operator's gateway must answer a repeated key without sending again; any 2xx is
  success, anything else or no answer within ``PRECINCT_SMS_TIMEOUT_SECONDS`` is an
  ``SmsError`` and the outbox retries (with the same key).
- ``console`` prints (development only: it cannot tell a repeat).

A real operator's gateway may also be a class with the same ``send``, named by its dotted
path in PRECINCT_SMS_BACKEND.
"""

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from precinct.core.files import SAFE_KEY, write_once

KEY_HEADER = "Idempotency-Key"


class SmsError(Exception):
    """The gateway refused or could not be reached: the outbox retries later."""


class ConsoleSms:
    def send(self, *, to: str, text: str, key: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileSms:
    def send(self, *, to: str, text: str, key: str) -> None:
        if not SAFE_KEY.match(key):
            raise SmsError("unusable idempotency key")
        path = Path(settings.PRECINCT_SMS_DIR) / f"{key}.txt"
        write_once(path, f"{to}\n{text}\n".encode())


class HttpSms:
    def send(self, *, to: str, text: str, key: str) -> None:
        headers = {"Content-Type": "application/json", KEY_HEADER: key}
        if settings.PRECINCT_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.PRECINCT_SMS_TOKEN}"
        request = urllib.request.Request(
            settings.PRECINCT_SMS_URL,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers=headers,
            method="POST",
        )
        try:
            timeout = settings.PRECINCT_SMS_TIMEOUT_SECONDS
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from None
        except OSError as exc:  # refused, unreachable, timed out
            raise SmsError(type(exc).__name__) from None
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")


BACKENDS = {"console": ConsoleSms, "file": FileSms, "http": HttpSms}


def sms_backend():
    name = settings.PRECINCT_SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
