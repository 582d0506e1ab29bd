"""Django set-up shared by the benchmarks that need a database: a throw-away test database.

SQLite by default (a file in a temporary directory); ``DATABASE_URL`` selects PostgreSQL,
where Django creates and finally drops ``test_<name>``.
"""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


@contextmanager
def test_database():
    """Yield with a migrated, empty test database; drop it afterwards."""
    os.environ.setdefault("PRECINCT_VAR_DIR", tempfile.mkdtemp(prefix="precinct-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
