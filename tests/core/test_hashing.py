"""Random secrets are hashed plainly; personal values with a key and a purpose."""

import hashlib

from precinct.core.hashing import private_hash, token_hash


def test_token_hash_is_plain_sha256():
    assert token_hash("pct_abc") == hashlib.sha256(b"pct_abc").hexdigest()


def test_private_hash_cannot_be_recomputed_without_the_key(settings):
    address = "192.0.2.7"
    first = private_hash(address, purpose="appeal-client")
    assert first != hashlib.sha256(address.encode()).hexdigest()
    assert first != private_hash(address, purpose="survey-client")
    settings.PRECINCT_HASH_KEY = "another deployment"
    assert private_hash(address, purpose="appeal-client") != first
