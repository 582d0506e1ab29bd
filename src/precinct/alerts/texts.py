"""The words of alert mails, in the subscriber's language, with that language's dates and
numbers (``core.numbers``; Kazakh formats from ``precinct/formats/kk``). Plain text: one
mail reads the same in every client, and nothing in it loads from the web."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from precinct.alerts.models import Subscription
from precinct.core import numbers

KIND_LABELS = {
    "priorities": gettext_lazy("new priorities and what was done about them"),
    "receptions": gettext_lazy("receptions of the department's heads"),
    "figures": gettext_lazy("the precinct's figures, once a month"),
}
BULLET = "•"


def date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def month(value: dt.date) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def _footer(sub: Subscription, link) -> list[str]:
    return [
        "",
        "--",
        _("You receive this because you asked for alerts about %(precinct)s.")
        % {"precinct": sub.precinct},
        _("Unsubscribe in one click: %(url)s") % {"url": link.url},
    ]


def confirmation(sub: Subscription, *, confirm_url: str, until: dt.datetime, link):
    """(subject, body) of the mail that asks to confirm a subscription."""
    with translation.override(sub.language):
        kinds = ", ".join(str(KIND_LABELS[k]) for k in sub.kinds)
        subject = _("Confirm your alerts about %(precinct)s") % {"precinct": sub.precinct}
        lines = [
            _("Someone, probably you, asked for e-mail alerts about %(precinct)s: %(kinds)s.")
            % {"precinct": sub.precinct, "kinds": kinds},
            "",
            _("To confirm, open this link and press the button (it works until %(until)s):")
            % {"until": moment(until)},
            confirm_url,
            "",
            _("If you did not ask for this, ignore this mail: nothing more will be sent."),
            *_footer(sub, link),
        ]
        return subject, "\n".join(lines)


def _news(news: dict) -> list[str]:
    lines = []
    if news["priorities"]:
        lines += ["", _("New priorities")]
        for p in news["priorities"]:
            where = f" — {p['place']}" if p["place"] else ""
            since = _("since %(date)s") % {"date": date(p["since"])}
            lines.append(f"{BULLET} {p['issue']}{where} ({since})")
    if news["actions"]:
        lines += ["", _("What was done")]
        for a in news["actions"]:
            lines.append(f"{BULLET} {date(a['done_on'])}: {a['text']} ({a['issue']})")
    return lines


def _receptions(receptions: list[dict], department_id: int) -> list[str]:
    if not receptions:
        return []
    lines = ["", _("Receptions of the department's heads")]
    lines += [f"{BULLET} {moment(r['starts_at'])}, {r['head']}" for r in receptions]
    base = settings.PRECINCT_APPEALS["PUBLIC_URL"].rstrip("/")
    url = f"{base}{reverse('receptions:list')}?department={department_id}"
    return [*lines, _("Where, and to book a place: %(url)s") % {"url": url}]


def _count(value: int | None, min_count: int) -> str:
    return _("fewer than %(n)s") % {"n": min_count} if value is None else numbers.number(value)


def _figures(figures: dict | None) -> list[str]:
    if figures is None:
        return []
    least = figures["min_count"]
    on_time = figures["answered_on_time_share"]
    median = figures["arrival_seconds_p50"]
    return [
        "",
        _("Figures for %(month)s") % {"month": month(figures["month"])},
        f"{BULLET} " + _("Appeals received: %(n)s") % {"n": _count(figures["received"], least)},
        f"{BULLET} " + _("Appeals answered: %(n)s") % {"n": _count(figures["answered"], least)}
        + (", " + _("on time: %(share)s") % {"share": numbers.percent(on_time)}
           if on_time is not None else ""),
        f"{BULLET} " + (
            _("102 calls: half were reached within %(time)s") % {"time": numbers.minutes(median)}
            if median is not None else _("102 calls: too few to measure arrival times")
        ),
    ]  # fmt: skip


def digest(sub: Subscription, *, day: dt.date, news, receptions, figures, link):
    """(subject, body) of one day's digest; the parts the subscriber did not choose, or
    that have nothing new, are left out by the caller (empty lists, ``None``)."""
    with translation.override(sub.language):
        subject = _("%(precinct)s: news of %(date)s") % {
            "precinct": sub.precinct,
            "date": date(day),
        }
        lines = [_("News of %(precinct)s.") % {"precinct": sub.precinct}]
        lines += _news(news)
        lines += _receptions(receptions, sub.precinct.department_id)
        lines += _figures(figures)
        lines += _footer(sub, link)
        return subject, "\n".join(lines)
