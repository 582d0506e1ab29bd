"""The working-day calendar: vectorised deadlines equal the day-by-day count."""

import datetime as dt

import holidays
import numpy as np

from precinct.analytics.calendar import kazakhstan_calendar, naive_add_working_days


def test_fifteen_working_days_skip_weekends_and_nauryz():
    cal = kazakhstan_calendar([2026])
    # Registered on Friday 13 March 2026: Nauryz 21–25 March (with observed days) is off.
    due = cal.add_working_days(np.array(["2026-03-13"], dtype="datetime64[D]"), 15)[0]
    assert due == np.datetime64("2026-04-08")


def test_registered_on_a_weekend_counts_from_the_next_working_day():
    cal = kazakhstan_calendar([2026])
    saturday = np.array(["2026-04-11"], dtype="datetime64[D]")
    friday = np.array(["2026-04-10"], dtype="datetime64[D]")
    assert cal.add_working_days(saturday, 1)[0] == np.datetime64("2026-04-13")
    assert cal.add_working_days(friday, 1)[0] == np.datetime64("2026-04-13")


def test_vectorised_equals_naive_on_random_dates():
    years = range(2024, 2028)
    cal = kazakhstan_calendar(years)
    off = set(holidays.country_holidays("KZ", years=list(years)))
    rng = np.random.default_rng(3)
    starts = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, 500).astype("timedelta64[D]")
    n = rng.integers(1, 20, 500)
    fast = cal.add_working_days(starts, n)
    for s, k, f in zip(starts, n, fast, strict=True):
        assert naive_add_working_days(s.astype(dt.date), int(k), off) == f.astype(dt.date)


def test_transfers_of_days_off_are_honoured():
    saturday = dt.date(2026, 1, 3)
    monday = dt.date(2026, 1, 5)
    cal = kazakhstan_calendar(
        [2026], transferred_days_off=[monday], transferred_working_days=[saturday]
    )
    start = np.array(["2026-01-02"], dtype="datetime64[D]")  # a holiday, Friday
    # Saturday 3rd is a working day, Monday 5th is not: the 2nd working day is Tuesday 6th.
    assert cal.add_working_days(start, 1)[0] == np.datetime64("2026-01-03")
    assert cal.add_working_days(start, 2)[0] == np.datetime64("2026-01-06")
    off = set(holidays.country_holidays("KZ", years=[2026])) | {monday}
    assert naive_add_working_days(dt.date(2026, 1, 2), 2, off, {saturday}) == dt.date(2026, 1, 6)


def test_working_days_between_inverts_add():
    cal = kazakhstan_calendar([2026, 2027])
    rng = np.random.default_rng(5)
    starts = np.datetime64("2026-01-01") + rng.integers(0, 300, 200).astype("timedelta64[D]")
    n = rng.integers(1, 30, 200)
    ends = cal.add_working_days(starts, n)
    assert (cal.working_days_between(starts, ends) == n).all()
