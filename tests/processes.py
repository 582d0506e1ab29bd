"""Real processes started by tests: workers and gunicorn, on the test database.

Where a user meets a server or a worker, the tests start the real one. These helpers give
each child this checkout's code and the test database, and wait until it answers.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.db import connection

SRC = str(Path(__file__).resolve().parents[1] / "src")


def database_url() -> str:
    """The URL of the test database, for processes started by the test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra) -> dict:
    """Environment of a child process: this checkout's code on the test database."""
    path = os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "DATABASE_URL": database_url(), **extra}


def run_worker(*, max_tasks: int = 1, timeout: int = 180, **env) -> subprocess.CompletedProcess:
    """`precinct worker` until it has run ``max_tasks`` tasks."""
    return subprocess.run(
        [sys.executable, "-m", "precinct.cli", "worker", "--max-tasks", str(max_tasks)],
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, *args: str, **env) -> subprocess.Popen:
    """The production server as a real process (plus gunicorn ``args``), once it answers."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "precinct.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--no-control-socket",  # gunicorn's default socket is shared by every checkout
            *args,
        ],
        env=child_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: a test kills master and workers
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                proc.log = log
                return proc
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode(errors="replace")) from None
            time.sleep(0.1)
    os.killpg(proc.pid, 9)
    raise RuntimeError("gunicorn did not start")


def kill_server(proc: subprocess.Popen) -> None:
    """SIGKILL a server from ``start_gunicorn`` (master and workers): no clean shutdown."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
