"""A small SMS gateway interface: a backend sends one text to one number.

``console`` prints, ``file`` appends a line to PRECINCT_SMS_FILE; a real operator's
gateway is a class with the same ``send`` named by its dotted path in PRECINCT_SMS_BACKEND.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway refused or could not be reached: the outbox retries later."""


class ConsoleSms:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileSms:
    def send(self, *, to: str, text: str) -> None:
        path = Path(settings.PRECINCT_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"{to}\t{text}\n")


BACKENDS = {"console": ConsoleSms, "file": FileSms}


def sms_backend():
    name = settings.PRECINCT_SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
