"""The outbox's lease, sweep and gateway keys, each on its own."""

import datetime as dt
import http.server
import json
import threading

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from precinct.appeals import outbox
from precinct.appeals.mail import FileEmailBackend
from precinct.appeals.models import Notification
from precinct.appeals.sms import FileSms, HttpSms, SmsError
from precinct.appeals.tasks import lease_kept, notifications_sweep
from precinct.core.periodic import PeriodicJobs
from tests.appeals.builders import appeal_in_district_a

KEY = "0123456789abcdef0123456789abcdef"


@pytest.mark.django_db
def test_a_claim_is_exclusive_until_the_lease_expires(world):
    appeal_in_district_a()
    sms = Notification.objects.get(medium="sms")
    now = timezone.now()
    assert outbox.notification_claim(notification_id=sms.pk, now=now).attempts == 1
    # another worker, a moment later: the lease is held
    assert (
        outbox.notification_claim(notification_id=sms.pk, now=now + dt.timedelta(seconds=29))
        is None
    )
    # the first worker died: after the lease, the message is taken again
    again = outbox.notification_claim(notification_id=sms.pk, now=now + dt.timedelta(seconds=31))
    assert again.attempts == 2
    outbox.notification_sent(notification_id=sms.pk, now=now)
    later = now + dt.timedelta(hours=1)
    assert outbox.notification_claim(notification_id=sms.pk, now=later) is None


@pytest.mark.django_db
def test_the_sweep_re_enqueues_only_messages_without_a_live_task(world):
    appeal_in_district_a()
    email, sms = Notification.objects.order_by("medium")
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Notification.objects.update(next_attempt_at=long_ago)
    assert notifications_sweep() == 0  # both tasks still wait in the queue
    DBTaskResult.objects.filter(id=sms.task_id).delete()  # lost with a killed worker
    assert notifications_sweep() == 1
    sms.refresh_from_db()
    assert DBTaskResult.objects.filter(id=sms.task_id, status="READY").exists()
    # a message held under a live lease is left to its worker
    DBTaskResult.objects.all().delete()
    Notification.objects.update(next_attempt_at=long_ago)
    Notification.objects.filter(pk=email.pk).update(
        leased_until=timezone.now() + dt.timedelta(seconds=20)
    )
    assert notifications_sweep() == 1  # the SMS only
    assert notifications_sweep() == 0  # just re-enqueued: not stale yet


@pytest.mark.django_db
def test_the_sweep_leaves_a_retry_alone_until_its_time(world):
    appeal_in_district_a()
    DBTaskResult.objects.all().delete()
    Notification.objects.update(next_attempt_at=timezone.now() + dt.timedelta(minutes=4))
    assert notifications_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_sending(territory, settings):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "NOTIFY_LEASE_SECONDS": 1}
    appeal_in_district_a()
    sms = Notification.objects.get(medium="sms")
    note = outbox.notification_claim(notification_id=sms.pk, now=timezone.now())
    first = Notification.objects.get(pk=sms.pk).leased_until
    with lease_kept(note.pk):
        threading.Event().wait(1.5)  # a slow gateway
    assert Notification.objects.get(pk=sms.pk).leased_until > first


def test_the_file_sms_gateway_writes_a_key_once(settings, tmp_path):
    settings.PRECINCT_SMS_DIR = str(tmp_path)
    FileSms().send(to="+7 701 000 00 00", text="Первое", key=KEY)
    FileSms().send(to="+7 701 000 00 00", text="Второе", key=KEY)
    assert [p.name for p in tmp_path.iterdir()] == [f"{KEY}.txt"]
    assert (tmp_path / f"{KEY}.txt").read_text() == "+7 701 000 00 00\nПервое\n"
    with pytest.raises(SmsError):
        FileSms().send(to="+7", text="x", key="../../etc/passwd")


def test_the_file_mail_backend_writes_a_key_once(settings, tmp_path):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    for _ in range(2):
        message = EmailMessage("Тема", "Текст", None, ["a@example.kz"], headers={
            "Idempotency-Key": KEY})  # fmt: skip
        assert FileEmailBackend().send_messages([message]) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{KEY}.eml"]


class _Gateway(http.server.BaseHTTPRequestHandler):
    seen: list = []
    status = 202

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.seen.append((dict(self.headers), body))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args):  # no phone numbers in the test output
        pass


def test_the_http_sms_gateway_sends_the_key_as_a_header(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PRECINCT_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.PRECINCT_SMS_TOKEN = "secret-token"
    try:
        HttpSms().send(to="+7 701 000 00 00", text="Текст", key=KEY)
        headers, body = _Gateway.seen[-1]
        assert headers["Idempotency-Key"] == KEY
        assert headers["Authorization"] == "Bearer secret-token"
        assert body == {"to": "+7 701 000 00 00", "text": "Текст"}
        _Gateway.status = 503
        with pytest.raises(SmsError):
            HttpSms().send(to="+7 701 000 00 00", text="Текст", key=KEY)
    finally:
        _Gateway.status = 202
        server.shutdown()


def test_periodic_jobs_run_at_start_and_then_every_interval():
    now = [100.0]
    jobs = PeriodicJobs({"tests.appeals.test_outbox.count_a_run": 30}, clock=lambda: now[0])
    assert jobs.run_due() == ["tests.appeals.test_outbox.count_a_run"]
    now[0] += 29
    assert jobs.run_due() == []
    now[0] += 2
    assert jobs.run_due() == ["tests.appeals.test_outbox.count_a_run"]
    assert RUNS == [1, 1]


RUNS: list[int] = []


def count_a_run() -> None:
    RUNS.append(1)
