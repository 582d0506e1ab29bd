"""Receptions fixtures: the appeals world (territory, personas, a head behind an account)."""

from tests.appeals.conftest import world  # noqa: F401  (a fixture, used by name)
