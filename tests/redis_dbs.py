"""The Redis databases the tests use, one per test module that needs a real Redis queue.

They start at ``PRECINCT_TEST_REDIS_DB`` (13 unless set), so that two runs of the suite on
one machine (SQLite and PostgreSQL side by side) can use disjoint databases: set it to 7 in
one of them. Each module flushes its own database and nothing else.
"""

import os


def redis_url(slot: int) -> str:
    """``redis://`` for this run's database ``slot`` (0, 1 or 2)."""
    base = int(os.environ.get("PRECINCT_TEST_REDIS_DB", "13"))
    if not 0 <= base + slot <= 15:
        raise ValueError(f"PRECINCT_TEST_REDIS_DB={base} leaves no database {base + slot}")
    return f"redis://127.0.0.1:6379/{base + slot}"
