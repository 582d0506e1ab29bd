"""The two ways precinct keeps a value it must recognise but never reveal.

- ``token_hash``: for random secrets (API tokens, unit and Open311 keys, invitation
  tokens). They carry enough entropy that a plain SHA-256 cannot be reversed, and the hash
  stays valid when SECRET_KEY rotates.
- ``private_hash``: for low-entropy personal values (a client's IP address), which a plain
  hash would not hide — anyone could hash every address. A keyed HMAC with a key of its
  own (PRECINCT_HASH_KEY, never in the source), and a purpose, so the same address gives
  unrelated values in different tables.
"""

import hashlib
import hmac

from django.conf import settings


def token_hash(raw: str) -> str:
    """SHA-256 of a random secret, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def private_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA-256 of a personal value, keyed with PRECINCT_HASH_KEY and the purpose, hex."""
    key = f"{settings.PRECINCT_HASH_KEY}|{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
