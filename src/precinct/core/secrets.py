"""Keys no deployment may share with another: given, or generated once and kept private.

A key written in the source is known to everyone: with it, session cookies can be forged
and the keyed hash of a resident's IP address reversed by trying every address. So a key
is either given in the environment or generated at random on first start and kept in a
file readable by its owner only (mode 0600) under PRECINCT_VAR_DIR, so that restarts and
every process of one host share it. Several hosts behind one load balancer must be given
the same keys in the environment.
"""

import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys of earlier releases and the usual placeholders: never accepted by `check --deploy`.
KNOWN_KEYS = frozenset(
    {
        "precinct-insecure-development-key-change-me-in-production",
        "change-me",
        "changeme",
        "secret",
    }
)
MIN_LENGTH = 50  # Django's own rule for a strong SECRET_KEY (security.W009)
MIN_UNIQUE_CHARACTERS = 5


def persistent_key(variable: str, path: Path) -> str:
    """The key in the environment variable, else the one kept in ``path`` (made once)."""
    given = os.environ.get(variable)
    if given is not None:
        if not given.strip():
            raise ImproperlyConfigured(f"Environment variable {variable} is empty.")
        return given
    if not path.exists():
        _create(path)
    return path.read_text(encoding="ascii").strip()


def _create(path: Path) -> None:
    """Write a random key with mode 0600; a process that loses the race keeps the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(64))
    try:
        os.link(draft, path)  # atomic, and fails if another process made the key first
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def weakness(key: str) -> str | None:
    """Why the key must not be used in production, or None when it is strong."""
    if key in KNOWN_KEYS or key.startswith("django-insecure"):
        return "it is a publicly known key"
    if len(key) < MIN_LENGTH:
        return f"it has fewer than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {MIN_UNIQUE_CHARACTERS} different characters"
    return None


def file_exposure(path: Path) -> str | None:
    """Why the key file is readable by others, or None (also when there is no file)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} is readable by others (mode {stat.S_IMODE(mode):o}; use 600)"
    return None
