"""What residents are told, and when: messages written to the durable outbox.

Services call ``notify_resident`` inside their transaction. With the database queue the
sending task is enqueued in the same transaction; with Redis only after the commit, so a
message is never sent about an appeal that was rolled back. A message whose enqueue was
lost (a crash between commit and enqueue) is re-enqueued by the worker's outbox sweep
(``appeals.tasks.notifications_sweep``) within two minutes.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from precinct.appeals.models import Appeal, Notification
from precinct.appeals.tasks import notifications_store

EVENTS = ("registered", "assigned", "extended", "answered", "forwarded", "escalated")


def tracking_url(appeal: Appeal) -> str:
    base = settings.PRECINCT_APPEALS["PUBLIC_URL"].rstrip("/")
    return base + reverse("appeals:track", args=[appeal.tracking_code])


def _text(appeal: Appeal, event: str) -> tuple[str, str]:
    with translation.override(appeal.language or "ru"):
        number = appeal.registration_number
        subject = {
            "registered": _("Your appeal %(n)s is registered"),
            "assigned": _("Your appeal %(n)s is assigned to an officer"),
            "extended": _("The time to answer your appeal %(n)s is extended"),
            "answered": _("Your appeal %(n)s is answered"),
            "forwarded": _("Your appeal %(n)s is outside the police's competence"),
        }[event] % {"n": number}
        follow = _("Follow it at") + " " + tracking_url(appeal)
        if event == "forwarded":
            # The law: forwarded "with simultaneous notice to the applicant", naming the body.
            sent_to = _("It was forwarded to: %(body)s") % {"body": appeal.forwarded_to}
            return subject, f"{subject}. {sent_to}. {follow}"
        due = appeal.due_date.strftime("%d.%m.%Y")
        return subject, "{}. {}: {}. {}".format(subject, _("Answer due by"), due, follow)


def notify_resident(*, appeal: Appeal, event: str, due_date=None) -> list[Notification]:
    """Queue an e-mail and/or an SMS to the resident (none if anonymous); ``due_date`` is
    the legal date to tell him by, which the measures check the sending against."""
    subject, body = _text(appeal, event)
    rows = []
    if appeal.contact_email:
        rows.append(
            Notification(
                appeal=appeal,
                event=event,
                medium="email",
                recipient=appeal.contact_email,
                subject=subject,
                body=body,
                due_date=due_date,
            )
        )
    if appeal.contact_phone:
        rows.append(
            Notification(
                appeal=appeal,
                event=event,
                medium="sms",
                recipient=appeal.contact_phone,
                body=body,
                due_date=due_date,
            )
        )
    return _queue(rows)


def notify_staff(*, appeal: Appeal, event: str, emails: list[str], text: str) -> list:
    """Queue e-mails to officials (escalation of overdue appeals to the head)."""
    rows = [
        Notification(
            appeal=appeal, event=event, medium="email", recipient=email, subject=text, body=text
        )
        for email in emails
        if email
    ]
    return _queue(rows)


def _queue(rows: list[Notification]) -> list[Notification]:
    if not rows:
        return rows
    now = timezone.now()
    for row in rows:
        row.next_attempt_at = now
    return notifications_store(rows)
