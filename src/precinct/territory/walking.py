"""Walking times: minutes as people give them, checked once against one limit; and the
one rule of how a walk is measured, door to door.

A walk from a resident's door to a post's door is the straight leg from the door to the
nearest street node (its snap distance), the way along the walking network, and the
straight leg from the network to the post's door; the legs are walked at the network's
own pace, and the whole is never shorter than the straight line between the doors. Every
walking figure (locate, coverage, siting, the planning pages) is measured this way, with
the analytics core's ``access_seconds`` and ``door_to_door``.

Every entry point that takes a walking time (the planning API and pages, the siting
service, the measures other apps read, settings such as ``PRECINCT_EVAL_WALK_MINUTES``)
checks it here, then hands the analytics core seconds: the core keeps seconds and metres,
the edge converts for people. A foundation module, so that any app may use it.
"""

import math

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from precinct.analytics.network import access_seconds, door_to_door
from precinct.analytics.network.graph import haversine_m
from precinct.core.errors import DomainError

# The longest walk anyone may ask about. The reform's "within walking distance" means 10 to
# 15 minutes; a planner may still ask about a rural district, where an hour or two on foot
# is a real answer. Two hours (about 9 km at 4.5 km/h) already crosses a whole city
# district, and every minute more lets each coverage request search farther through the
# network for an answer no plan needs.
MAX_WALK_MINUTES = 120

# Settings that hold walking times in minutes (a list or a single number).
WALKING_SETTINGS = ("PRECINCT_COVERAGE_MINUTES", "PRECINCT_EVAL_WALK_MINUTES")


def walking_minutes(value, *, field: str = "minutes") -> float:
    """``value`` as a walking time in minutes, or a DomainError naming ``field``.

    A walking time is a number more than 0 and at most ``MAX_WALK_MINUTES``; text such
    as a query string's ``"15"`` is read as a number.
    """
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise DomainError(_("The walking time must be a number of minutes."), field=field) from None
    if not math.isfinite(minutes) or not 0 < minutes <= MAX_WALK_MINUTES:
        message = _("The walking time must be more than 0 and at most %(max)d minutes.")
        raise DomainError(message % {"max": MAX_WALK_MINUTES}, field=field)
    return minutes


def walking_seconds(value, *, field: str = "minutes") -> float:
    """A walking time given in minutes, checked, in the analytics core's unit: seconds."""
    return walking_minutes(value, field=field) * 60.0


def access_leg_seconds(graph, metres):
    """Seconds to walk straight between doors and their street nodes (``metres`` each)."""
    return access_seconds(graph, metres)


def walk_door_to_door(graph, *, origin, destination, network_s, network_m):
    """(seconds, metres) of one walk door to door: ``origin`` and ``destination`` are
    (lon, lat, snap metres); ``network_s``/``network_m`` the way between their nodes."""
    straight = haversine_m(origin[0], origin[1], destination[0], destination[1])
    seconds, metres = door_to_door(
        graph,
        network_s=network_s,
        network_m=network_m,
        first_m=origin[2],
        last_m=destination[2],
        straight_m=straight,
    )
    return float(seconds), float(metres)


def check_walking_settings(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: every walking time in the settings obeys the one rule.

    Django runs it before ``migrate``, ``runserver``, ``worker`` and every other command,
    so a deployment with a walking time out of range stops at start with the setting named.
    """
    errors = []
    for name in WALKING_SETTINGS:
        value = getattr(settings, name)
        for minutes in value if isinstance(value, list | tuple) else [value]:
            try:
                walking_minutes(minutes, field=name)
            except DomainError as exc:
                message = f"{name}={minutes!r}: {exc.message}"
                errors.append(checks.Error(message, id="territory.E001"))
    return errors
