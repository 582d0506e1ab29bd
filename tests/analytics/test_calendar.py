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
    official = holidays.country_holidays("KZ", years=list(years))
    off, working = set(official), set(official.weekend_workdays)
    rng = np.random.default_rng(3)
    starts = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, 500).astype("timedelta64[D]")
    n = rng.integers(1, 20, 500)
    fast = cal.add_working_days(starts, n)
    for s, k, f in zip(starts, n, fast, strict=True):
        naive = naive_add_working_days(s.astype(dt.date), int(k), off, working)
        assert naive == f.astype(dt.date)


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


def test_a_transferred_working_sunday_counts():
    # 5 January 2025 was a working Sunday (its day off moved to Friday 3 January).
    cal = kazakhstan_calendar([2025])
    assert cal.is_working_day(np.array(["2025-01-05"], dtype="datetime64[D]"))[0]
    assert not cal.is_working_day(np.array(["2025-01-03"], dtype="datetime64[D]"))[0]
    # Registered on Thursday 2 January (a holiday): the Sunday is the first working day.
    assert cal.add_working_days(np.array(["2025-01-02"], dtype="datetime64[D]"), 1)[0] == (
        np.datetime64("2025-01-05")
    )


def test_every_year_the_package_knows_has_its_own_working_days():
    """Working days per year equal the package's own count, for every year it covers."""
    official = holidays.country_holidays("KZ")
    years = range(max(official.start_year, 1992), min(official.end_year, 2100) + 1)
    cal = kazakhstan_calendar(years)
    for year in years:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        expected = holidays.country_holidays("KZ", years=year).get_working_days_count(first, last)
        days = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
        assert int(cal.is_working_day(days).sum()) == expected, year
        before_first = np.array([first - dt.timedelta(days=1)], dtype="datetime64[D]")
        assert cal.working_days_between(before_first, np.array([last], "datetime64[D]"))[0] == (
            expected
        ), year


def test_2025_has_246_working_days():
    cal = kazakhstan_calendar([2025])
    days = np.arange("2025-01-01", "2026-01-01", dtype="datetime64[D]")
    assert int(cal.is_working_day(days).sum()) == 246
