"""Keep private links out of logs.

A tracking code, a receipt code or a survey invitation token in a URL is a key: whoever
has it reads that resident's appeal or answers on his behalf. Request paths are logged by
gunicorn's access log and by Django's request warnings, so both pass through ``redact``.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# The segment after these path parts is a secret (see appeals, surveys, Open311 and alerts
# URLs).
_SECRET_SEGMENT = re.compile(r"(/(?:track|receipt|tokens|i|confirm|unsubscribe)/)[^/?#\s.]+")


def redact(text: str) -> str:
    """The text with every private-link segment replaced by '…'."""
    return _SECRET_SEGMENT.sub(r"\1…", text)


class RedactPrivateLinks(logging.Filter):
    """A logging filter for Django's loggers: redacts the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with private links redacted from the access log's path atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
