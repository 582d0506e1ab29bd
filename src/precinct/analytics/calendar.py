"""Working days of Kazakhstan: deadlines counted in working days, vectorised with numpy.

Days off are Saturdays, Sundays and the public holidays of the ``holidays`` package's
Kazakhstan calendar (with its observed days and the days off it transfers). The package
also knows the weekend days that a transfer makes working days (5 January 2025 was a
working Sunday); they count as working days here. Transfers decreed after the package was
released are configuration, since the government publishes them year by year.

Deadlines use numpy's business-day functions, so a million deadlines are one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays
import numpy as np

WEEKMASK = "1111100"  # Monday to Friday


@dataclass(frozen=True)
class WorkingCalendar:
    """Days off (holidays and transferred days off) and extra working days, as arrays."""

    days_off: np.ndarray  # datetime64[D], sorted: holidays and transfers onto weekdays
    extra_working_days: np.ndarray  # datetime64[D], sorted: weekend days made working days
    calendar: np.busdaycalendar

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        """True where the day is a working day."""
        days = np.asarray(days, dtype="datetime64[D]")
        return np.is_busday(days, busdaycal=self.calendar) | np.isin(days, self.extra_working_days)

    def add_working_days(self, start: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """The day ``n`` working days after each start day (the start itself not counted).

        An appeal registered on day D with a limit of 15 working days is due on the 15th
        working day after D, whatever weekday D is.
        """
        start = np.asarray(start, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), start.shape)
        if len(self.extra_working_days) == 0:
            # Roll the start back to a working day so that "+n" counts days after it.
            base = np.busday_offset(start, 0, roll="backward", busdaycal=self.calendar)
            return np.busday_offset(base, n, roll="forward", busdaycal=self.calendar)
        return self._add_with_extra(start, n)

    def _add_with_extra(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Extra working days on weekends: count on a dense table of working days instead."""
        lo = start.min() - np.timedelta64(7, "D")
        hi = start.max() + np.timedelta64(int(n.max()) * 2 + 60, "D")
        days = np.arange(lo, hi, dtype="datetime64[D]")
        working = days[self.is_working_day(days)]
        # index of the last working day <= start, then n working days on
        idx = np.searchsorted(working, start, side="right") - 1
        return working[idx + n]

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days after ``start`` up to and including ``end`` (0 on the same day)."""
        start = np.asarray(start, dtype="datetime64[D]") + np.timedelta64(1, "D")
        end = np.asarray(end, dtype="datetime64[D]") + np.timedelta64(1, "D")
        count = np.busday_count(start, end, busdaycal=self.calendar)
        if len(self.extra_working_days):
            extra = self.extra_working_days
            count = count + (np.searchsorted(extra, end) - np.searchsorted(extra, start))
        return count


def kazakhstan_calendar(
    years: Iterable[int],
    *,
    transferred_days_off: Iterable[dt.date] = (),
    transferred_working_days: Iterable[dt.date] = (),
) -> WorkingCalendar:
    """The calendar of the given years: KZ holidays plus the configured transfers."""
    years = list(years)
    official = holidays.country_holidays("KZ", years=years)
    off = set(official) | set(transferred_days_off)
    # The package keeps every transferred working day it knows in one set, whatever years
    # were asked for: take those of the calendar's years.
    known_working = {d for d in official.weekend_workdays if d.year in years}
    working = known_working | set(transferred_working_days)
    off -= working
    days_off = np.array(sorted(off), dtype="datetime64[D]")
    weekend_working = np.array(
        sorted(d for d in working if d.weekday() >= 5), dtype="datetime64[D]"
    )
    cal = np.busdaycalendar(weekmask=WEEKMASK, holidays=days_off)
    return WorkingCalendar(days_off, weekend_working, cal)


def naive_add_working_days(
    start: dt.date, n: int, days_off: set[dt.date], extra_working: set[dt.date] = frozenset()
) -> dt.date:
    """The same deadline one day at a time: the reference the vectorised one is tested on."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if (day.weekday() < 5 and day not in days_off) or day in extra_working:
            n -= 1
    return day
