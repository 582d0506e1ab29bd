"""What a phone number given by a resident must look like, for every app that takes one."""

import re

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{6,20}$")


def looks_like_phone(value: str) -> bool:
    """Digits with an optional leading +, spaces, brackets and dashes, 8 to 22 characters."""
    return bool(PHONE_RE.match(value))
