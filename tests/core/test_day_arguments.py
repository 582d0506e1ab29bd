"""A day given to a command (--from, --to) that is not a day: the parser's usage line and
reason, exit status 2, no traceback, nothing run."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "command",
    [["dispatch", "rollups", "rebuild"], ["appeals", "rollups", "rebuild"]],
)
def test_a_day_that_is_no_day_is_refused_by_the_parser(command):
    done = subprocess.run(
        [sys.executable, "-m", "precinct.cli", *command, "--from", "2026-13-01", "--to", "x"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "argument --from: '2026-13-01' is not a day (YYYY-MM-DD)" in done.stderr
    assert "Traceback" not in done.stderr
