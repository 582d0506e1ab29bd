"""What the HTTP benchmarks share: a demo database, residents' points, a real gunicorn."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRECINCT = [sys.executable, "-m", "precinct.cli"]


def bench_env(src: Path = ROOT / "src", **extra: str) -> dict:
    """The code under ``src`` (this checkout's by default) with production settings, plus
    ``extra`` variables."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "precinct.settings", **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    # Another revision's code is unpacked elsewhere: it reads the same open data.
    env.setdefault("PRECINCT_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    return env


@contextmanager
def revision_src(rev: str):
    """The ``src`` folder of revision ``rev`` unpacked in a temporary folder (``git
    archive``: the repository and its worktrees are left alone)."""
    with tempfile.TemporaryDirectory(prefix="precinct-rev-") as folder:
        archive = Path(folder) / "src.tar"
        subprocess.run(
            ["git", "archive", "--format=tar", "-o", str(archive), rev, "src"],
            cwd=ROOT,
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder) / "src"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_demo(env: dict, *build_args: str) -> None:
    """Migrate and build the demo (with ``build_args``) if the database has none yet."""
    subprocess.run([*PRECINCT, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*PRECINCT, "demo", "build", "--if-absent", *build_args], env=env, check=True)


def population_points(env: dict) -> list[tuple[float, float]]:
    """Every population point of the demo as (lon, lat)."""
    script = (
        "import django, json; django.setup()\n"
        "from precinct.territory.models import PopulationPoint\n"
        "print(json.dumps(list(PopulationPoint.objects.values_list('lon', 'lat'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return [tuple(p) for p in json.loads(out.stdout)]


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on a loopback port, returned once /healthz answers."""
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "precinct.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--log-level", "warning", "--no-control-socket",
        ],
        env=env,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")
