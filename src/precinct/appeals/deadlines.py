"""Deadlines of appeals from the configured limits and the working-day calendar."""

import datetime as dt
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from precinct.analytics.calendar import WorkingCalendar, kazakhstan_calendar

# The rule as the product names it to staff (the full citation is settings' LEGAL_SOURCE).
LEGAL_SOURCE = _("art. 76 of the Administrative Procedural and Process-Procedural Code")


def limits() -> dict:
    """The legal limits (working days) and their source, from PRECINCT_APPEALS."""
    return settings.PRECINCT_APPEALS


@lru_cache(maxsize=4)
def _calendar(days_off: tuple[str, ...], working: tuple[str, ...]) -> WorkingCalendar:
    this_year = dt.date.today().year
    return kazakhstan_calendar(
        range(2015, this_year + 6),
        transferred_days_off=[dt.date.fromisoformat(d) for d in days_off],
        transferred_working_days=[dt.date.fromisoformat(d) for d in working],
    )


def calendar() -> WorkingCalendar:
    """The Kazakhstan working-day calendar with the configured transfers (cached)."""
    conf = limits()
    return _calendar(
        tuple(conf.get("TRANSFERRED_DAYS_OFF", ())), tuple(conf.get("TRANSFERRED_WORKING_DAYS", ()))
    )


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``day``."""
    out = calendar().add_working_days(np.array([day], dtype="datetime64[D]"), n)
    return out[0].astype(dt.date)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    out = calendar().working_days_between(
        np.array([start], dtype="datetime64[D]"), np.array([end], dtype="datetime64[D]")
    )
    return int(out[0])


def answer_due(registered_on: dt.date) -> dt.date:
    return add_working_days(registered_on, limits()["ANSWER_WORKING_DAYS"])


def forward_due(registered_on: dt.date) -> dt.date:
    return add_working_days(registered_on, limits()["FORWARD_WORKING_DAYS"])


def extension_notice_due(extended_on: dt.date) -> dt.date:
    """The applicant is told of an extension within this date (3 working days by default)."""
    return add_working_days(extended_on, limits()["EXTENSION_NOTICE_WORKING_DAYS"])


def extension_latest(received_on: dt.date) -> dt.date:
    """The latest answer date an extension may set: "not more than up to two months" from
    receipt; the same day of the month (or the month's last day when it has no such day)."""
    return add_months(received_on, limits()["EXTENSION_MAX_MONTHS"])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, kept within the target month."""
    year, month0 = divmod(day.month - 1 + months, 12)
    first = dt.date(day.year + year, month0 + 1, 1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))
