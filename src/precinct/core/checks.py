"""Deployment checks of precinct's own (`precinct check --deploy`): keys must be private."""

from django.conf import settings
from django.core import checks

from precinct.core import secrets


@checks.register(checks.Tags.security, deploy=True)
def keys_are_strong(app_configs, **kwargs):
    """A weak or shared key is an error, not a warning: `check --deploy` must fail on it."""
    errors = []
    for name, key in (
        ("SECRET_KEY", settings.SECRET_KEY),
        ("PRECINCT_HASH_KEY", settings.PRECINCT_HASH_KEY),
    ):
        why = secrets.weakness(key)
        if why:
            errors.append(checks.Error(f"{name} is weak: {why}.", id="precinct.E001"))
    if settings.PRECINCT_HASH_KEY == settings.SECRET_KEY:
        errors.append(
            checks.Error(
                "PRECINCT_HASH_KEY must differ from SECRET_KEY: keyed hashes of personal "
                "data must survive neither a leak nor a rotation of the other key.",
                id="precinct.E002",
            )
        )
    for path in (settings.SECRET_KEY_FILE, settings.PRECINCT_HASH_KEY_FILE):
        why = secrets.file_exposure(path)
        if why:
            errors.append(checks.Error(why, id="precinct.E003"))
    return errors
