"""Kill -9 the worker mid-notification, and the web server, under load: nothing lost, none
twice.

Residents post appeals through a real gunicorn while a real ``precinct worker`` sends the
registration e-mail and SMS through the file gateways, made slow so that a kill lands
mid-send. The worker is killed (its whole process group, as a dying machine would) each
time it holds a message's lease, and restarted; the web server is killed once under load
too. Then every acknowledged appeal is in the database, every notification is sent within
two minutes of the last restart, and each gateway holds exactly one file per idempotency
key. Runs on the database queue and on Redis (database 13), on SQLite and, with
DATABASE_URL pointing at PostgreSQL, on PostgreSQL.
"""

import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from precinct.appeals.models import Appeal, Notification
from tests.appeals.conftest import appeal_payload
from tests.processes import child_env, free_port, kill_server, start_gunicorn

REDIS_URL = "redis://127.0.0.1:6379/13"
WORKER_KILLS = 3
DELIVERY_LIMIT_S = 120  # every notification sent within two minutes of the restart


def _env(tmp_path: Path, queue: str) -> dict:
    env = {
        "EMAIL_BACKEND": "precinct.appeals.mail.FileEmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "PRECINCT_SMS_BACKEND": "file",
        "PRECINCT_SMS_DIR": str(tmp_path / "sms"),
        # Short lease and sweep so the test waits seconds, not minutes.
        "PRECINCT_NOTIFY_LEASE_SECONDS": "2",
        "PRECINCT_NOTIFY_SWEEP_SECONDS": "1",
        "PRECINCT_NOTIFY_STALE_SECONDS": "3",
        "PRECINCT_NOTIFY_SLOW_GATEWAY_SECONDS": "0.3",
        # The drill is about kills: a send that fails for another reason on a starved
        # machine (a busy SQLite, a late lease renewal) retries in seconds, not after the
        # production back-off of 30 s doubling, which alone would pass the two minutes.
        "PRECINCT_NOTIFY_BACKOFF_SECONDS": "2",
        "PRECINCT_APPEAL_SUBMISSIONS_PER_HOUR": "100000",
        "PRECINCT_QUEUE": queue,
    }
    if queue == "redis":
        env["REDIS_URL"] = REDIS_URL
    return env


def _start_worker(env: dict) -> subprocess.Popen:
    log = tempfile.TemporaryFile()  # noqa: SIM115 - read if the test fails
    proc = subprocess.Popen(
        [sys.executable, "-m", "precinct.cli", "worker"],
        env=child_env(**env),
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own group: Redis work horses die with it
    )
    proc.log = log
    return proc


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


class Residents:
    """Clients posting appeals, each with its own text and key, until stopped."""

    def __init__(self, port: int, clients: int = 2, pause: float = 1.0):
        self.port, self.pause = port, pause
        self.receipts: list[str] = []
        self.refused = 0
        self.stopped = threading.Event()
        self.numbers = itertools.count()
        self.threads = [threading.Thread(target=self._post_until_stopped) for _ in range(clients)]

    def _post_until_stopped(self) -> None:
        while not self.stopped.is_set():
            n = next(self.numbers)
            payload = appeal_payload(text=f"Обращение номер {n}: во дворе шумят по ночам.")
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/api/v1/appeals",
                data=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": f"fault-{n}"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 201:
                        self.receipts.append(json.loads(response.read())["registration_number"])
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                self.refused += 1  # the server is down: no receipt, nothing promised
            self.stopped.wait(self.pause)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stopped.set()
        for t in self.threads:
            t.join(timeout=60)


def _wait_for_a_send_in_progress(timeout: float = 60) -> None:
    """Until a worker holds a lease: a kill now lands mid-notification."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Notification.objects.filter(
            state=Notification.State.PENDING, leased_until__gt=timezone.now()
        ).exists():
            return
        time.sleep(0.05)
    raise AssertionError("no notification was being sent")


def _wait_until_all_sent(started: float, limit: float) -> float:
    """Seconds from ``started`` (the last restart) until no notification is left unsent."""
    while time.monotonic() - started < limit:
        if not Notification.objects.exclude(state=Notification.State.SENT).exists():
            return time.monotonic() - started
        time.sleep(0.25)
    return time.monotonic() - started


def _messages(directory: Path, suffix: str) -> list[str]:
    """Keys of the message files (temporary files of a write cut by a kill are not sent)."""
    return [p.stem for p in directory.glob(f"*{suffix}") if not p.name.startswith(".")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("queue", ["database", "redis"])
def test_kill_the_worker_mid_notification_under_load(territory, tmp_path, queue):
    env = _env(tmp_path, queue)
    if queue == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    web = start_gunicorn(port, **env)
    worker = _start_worker(env)
    residents = Residents(port)
    residents.start()
    try:
        for kill in range(WORKER_KILLS):
            _wait_for_a_send_in_progress()
            _kill(worker)
            if kill == 1:  # the web server dies under load too
                kill_server(web)
                web = start_gunicorn(port, **env)
            worker = _start_worker(env)
            restarted = time.monotonic()
        residents.stop()
        took = _wait_until_all_sent(restarted, DELIVERY_LIMIT_S)
    finally:
        residents.stop()
        _kill(worker)
        kill_server(web)

    print(  # the drill's figures, shown with -s
        f"{queue}: {len(residents.receipts)} receipts, {Notification.objects.count()} "
        f"notifications, {Notification.objects.filter(attempts__gte=2).count()} taken again "
        f"after a kill, all sent {took:.1f} s after the last restart"
    )
    # Every acknowledged appeal is kept.
    assert residents.receipts, "the load produced no appeals"
    kept = set(Appeal.objects.values_list("registration_number", flat=True))
    assert set(residents.receipts) <= kept
    # Every notification was sent, within two minutes of the last restart.
    notes = Notification.objects.all()
    assert notes.count() == 2 * Appeal.objects.count()
    unsent = list(
        notes.exclude(state=Notification.State.SENT).values_list(
            "state", "attempts", "last_error", "next_attempt_at", "leased_until"
        )
    )
    assert not unsent, f"unsent after {took:.0f} s: {unsent}"
    assert took < DELIVERY_LIMIT_S
    # The kills landed mid-send: some messages were taken again after a lease expired.
    assert notes.filter(attempts__gte=2).exists()
    # None twice: one gateway file per idempotency key, and a file for every key.
    sms_keys = _messages(tmp_path / "sms", ".txt")
    mail_keys = _messages(tmp_path / "mail", ".eml")
    assert len(sms_keys) == len(set(sms_keys)) and len(mail_keys) == len(set(mail_keys))
    assert set(sms_keys) == set(
        notes.filter(medium="sms").values_list("idempotency_key", flat=True)
    )
    assert set(mail_keys) == set(
        notes.filter(medium="email").values_list("idempotency_key", flat=True)
    )
