"""Times that arrive from outside, made safe to store and compare.

ISO 8601 allows any UTC offset up to ±23:59, but PostgreSQL accepts at most ±15:59: an
offset such as -21:58 reached the database as is and failed there (a 500). Every time an
API takes is therefore turned into UTC at the door; a time without an offset is read in
the deployment's zone (TIME_ZONE), as pages read what people type.
"""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator


def as_utc(value: dt.datetime) -> dt.datetime:
    """The same instant in UTC; a naive time is taken in the current time zone."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]
