"""The one rule of walking times: minutes in (0, MAX_WALK_MINUTES], refused with the field."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from precinct.core.errors import DomainError
from precinct.territory.walking import (
    MAX_WALK_MINUTES,
    check_walking_settings,
    walking_minutes,
    walking_seconds,
)
from tests.processes import SRC


@pytest.mark.parametrize("typed", [15, 15.0, "15", " 15 "])
def test_a_walking_time_in_minutes_is_read_as_typed(typed):
    assert walking_minutes(typed) == 15.0
    assert walking_seconds(typed) == 900.0


def test_the_limit_itself_is_allowed():
    assert walking_minutes(MAX_WALK_MINUTES) == MAX_WALK_MINUTES
    assert walking_minutes(0.5) == 0.5


@pytest.mark.parametrize(
    "bad", [0, -1, MAX_WALK_MINUTES + 0.01, float("nan"), float("inf"), "1e9", "abc", None, ""]
)
def test_out_of_range_or_not_a_number_is_refused_naming_the_field(bad):
    with pytest.raises(DomainError) as exc:
        walking_minutes(bad, field="reach")
    assert exc.value.field == "reach"
    assert exc.value.status == 400
    assert exc.value.errors == [("reach", exc.value.message)]


def test_the_message_says_the_range_and_is_translated():
    with translation.override("en"), pytest.raises(DomainError) as exc:
        walking_minutes(MAX_WALK_MINUTES + 1)
    assert exc.value.message == (
        f"The walking time must be more than 0 and at most {MAX_WALK_MINUTES} minutes."
    )
    with translation.override("ru"), pytest.raises(DomainError) as ru:
        walking_minutes(0)
    assert "120" in ru.value.message and "минут" in ru.value.message
    with translation.override("kk"), pytest.raises(DomainError) as kk:
        walking_minutes("abc")
    assert kk.value.message != "The walking time must be a number of minutes."


# --- settings: checked at start by every command (migrate, worker, runserver, check) ----
def test_the_default_settings_pass_the_check():
    assert check_walking_settings() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PRECINCT_EVAL_WALK_MINUTES", MAX_WALK_MINUTES + 1),
        ("PRECINCT_EVAL_WALK_MINUTES", 0.0),
        ("PRECINCT_COVERAGE_MINUTES", [10.0, MAX_WALK_MINUTES + 1]),
    ],
)
def test_a_walking_setting_out_of_range_stops_the_command_naming_it(settings, name, value):
    setattr(settings, name, value)
    with translation.override("en"):
        (error,) = check_walking_settings()
    assert error.id == "territory.E001"
    assert error.msg.startswith(f"{name}=")
    assert f"at most {MAX_WALK_MINUTES} minutes" in error.msg
    with pytest.raises(SystemCheckError, match=name):
        call_command("check")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PRECINCT_EVAL_WALK_MINUTES", "121"), ("PRECINCT_COVERAGE_MINUTES", "10,121")],
)
def test_the_command_line_refuses_a_walking_setting_out_of_range(tmp_path, variable, value):
    """`precinct check` (as `precinct migrate` in bin/serve) stops, naming the variable."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PYTHONPATH=SRC, PRECINCT_VAR_DIR=str(tmp_path))
    env[variable] = value
    result = subprocess.run(
        [sys.executable, "-m", "precinct.cli", "check"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert f"{variable}=121.0" in result.stderr
    assert "territory.E001" in result.stderr
