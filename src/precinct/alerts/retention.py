"""Alert subscribers' addresses, blanked once a subscription has ended (core/retention.py
runs this).

An unsubscribed or expired (never confirmed) subscription keeps its address for
``alert_addresses`` days, to answer "I never asked for these mails" with the
confirmation record, then loses it with its keyed hash and its confirmation token's hash:
the row stays, counted, naming nobody. Sent, failed and cancelled mails lose their
recipient and text after ``notification_bodies`` days, as the appeals' notifications do.
"""

import datetime as dt

from precinct.alerts.models import AlertMail, Subscription
from precinct.core.retention import cutoff

ENDED = (Subscription.State.UNSUBSCRIBED, Subscription.State.EXPIRED)


def purge(*, now: dt.datetime) -> dict[str, int]:
    addresses = Subscription.objects.filter(
        state__in=ENDED, ended_at__lt=cutoff("alert_addresses", now)
    ).exclude(email="", email_hash="", confirm_hash="")
    mails = (
        AlertMail.objects.exclude(state=AlertMail.State.PENDING)
        .filter(created_at__lt=cutoff("notification_bodies", now))
        .exclude(recipient="", body="")
    )
    return {
        "alert_addresses": addresses.update(email="", email_hash="", confirm_hash=""),
        "alert_mail_bodies": mails.update(recipient="", subject="", body="", unsubscribe_url=""),
    }
