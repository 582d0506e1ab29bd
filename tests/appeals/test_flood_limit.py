"""The hourly limit of public submissions per client holds when they arrive all at once.

21 submissions from one address in 21 threads, each on its own database connection: exactly
20 are stored and one is refused, on SQLite (one writer at a time) and on PostgreSQL (an
advisory lock per client) alike.
"""

import threading

import pytest
from django.db import connection

from precinct.appeals import services
from precinct.appeals.models import Appeal, Channel

LIMIT = 20


def _submit(n: int, address: str, start: threading.Barrier, results: list) -> None:
    try:
        start.wait()
        _appeal, created = services.appeal_register(
            type="request",
            channel=Channel.WEB,
            text=f"Обращение номер {n}: во дворе не горит фонарь",
            contact_name="Айгуль",
            contact_phone="+7 701 234 56 78",
            lat=43.24,
            lon=76.90,
            client=address,
        )
        results.append("stored" if created else "twin")
    except services.RateLimited:
        results.append("refused")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_flood_limit__21_at_once_from_one_address__exactly_20_stored(territory, settings):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "SUBMISSIONS_PER_HOUR": LIMIT}
    results: list[str] = []
    start = threading.Barrier(LIMIT + 1)
    threads = [
        threading.Thread(target=_submit, args=(n, "198.51.100.7", start, results))
        for n in range(LIMIT + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["refused"] + ["stored"] * LIMIT
    assert Appeal.objects.count() == LIMIT


@pytest.mark.django_db(transaction=True)
def test_flood_limit__other_addresses_are_not_held_back(territory, settings):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "SUBMISSIONS_PER_HOUR": 1}
    results: list[str] = []
    start = threading.Barrier(4)
    threads = [
        threading.Thread(target=_submit, args=(n, f"198.51.100.{n + 10}", start, results))
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == ["stored"] * 4
