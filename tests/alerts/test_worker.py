"""Subscribe → confirm → a digest, sent once by a real worker (``precinct worker``)."""

import email
from email import policy

import pytest
from django.test import Client
from django.utils import timezone

from precinct.alerts import digests
from precinct.alerts.models import AlertMail, Subscription
from precinct.alerts.tasks import send_alert_mail
from precinct.priorities.models import Priority
from tests.alerts.conftest import link_in, subscribe
from tests.processes import run_worker

ADDRESS = "worker-test@example.kz"


def _mails(directory) -> dict[str, email.message.EmailMessage]:
    """The mails the file gateway wrote, by file name (the idempotency key)."""
    return {
        path.stem: email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in directory.iterdir()
    }


@pytest.mark.django_db(transaction=True)
def test_subscribe_confirm_and_one_digest_through_the_real_worker(territory, tmp_path):
    outbox = tmp_path / "mail"
    env = {
        "EMAIL_BACKEND": "precinct.appeals.mail.FileEmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PRECINCT_ALERT_DIGEST_FROM_HOUR": "0",
    }
    client = Client()
    assert subscribe(client, territory.precinct_a, ADDRESS).status_code == 200

    done = run_worker(max_tasks=1, **env)  # the confirmation, and nothing else
    assert done.returncode == 0, done.stderr
    confirmation = AlertMail.objects.get()
    assert confirmation.state == "sent"
    [(key, sent)] = _mails(outbox).items()
    assert key == confirmation.idempotency_key and sent["To"] == ADDRESS
    body = sent.get_content()
    assert sent["List-Unsubscribe"].strip() == f"<{confirmation.unsubscribe_url}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert client.post(link_in(body, "confirm")).status_code == 200
    today = timezone.localdate()
    Priority.objects.create(
        precinct=territory.precinct_a, since=today, reviewed_on=today,
        issue="Парковка во дворах", issue_en="Parking in courtyards",
    )  # fmt: skip

    done = run_worker(max_tasks=1, **env)  # its periodic job builds the digest, then sends it
    assert done.returncode == 0, done.stderr
    digest = AlertMail.objects.get(kind="digest")
    assert digest.state == "sent" and digest.attempts == 1
    mails = _mails(outbox)
    assert (
        len(mails) == 2 and "Parking in courtyards" in mails[digest.idempotency_key].get_content()
    )
    assert ADDRESS not in done.stderr  # the worker's output names no recipient

    # sent once: no second digest today, and its task run again sends nothing
    assert digests.digests_build_due() == 0
    assert send_alert_mail.call(digest.pk) == "skipped" and len(list(outbox.iterdir())) == 2

    unsubscribe = link_in(mails[digest.idempotency_key].get_content(), "unsubscribe")
    one_click = Client().post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert Subscription.objects.get().state == "unsubscribed"


@pytest.mark.django_db(transaction=True)
def test_two_workers_building_digests_at_once_queue_one_each(territory):
    import threading

    from django.db import connection

    client = Client()
    for n in range(6):
        subscribe(client, territory.precinct_a, f"r{n}@example.kz", address=f"192.0.2.{n}")
        client.post(link_in(AlertMail.objects.latest("pk").body, "confirm"))
    today = timezone.localdate()
    Priority.objects.create(
        precinct=territory.precinct_a, since=today, reviewed_on=today, issue="Шум"
    )
    built, start = [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            built.append(digests.digests_build_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(built) == 6
    per_subscription = AlertMail.objects.filter(kind="digest").values_list("subscription_id")
    assert sorted(per_subscription) == sorted(set(per_subscription))
    assert AlertMail.objects.filter(kind="digest").count() == 6
