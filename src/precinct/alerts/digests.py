"""The daily digests: what is new in a precinct, built for each subscriber and queued.

``digests_build_due`` is a periodic job of ``precinct worker`` (``PRECINCT_PERIODIC_JOBS``,
every ``DIGEST_EVERY_SECONDS``). From ``DIGEST_FROM_HOUR`` (local time) on, each confirmed
subscription that has no digest today gets one if there is something it chose to hear:
priorities set and actions recorded since its last digest, receptions of the department's
heads within ``RECEPTION_NOTICE_DAYS`` not announced yet, and, in the first digest of a
month, the month before's figures. A digest is stored (at most one per subscription and
local day: a unique constraint) in the same transaction that moves the subscription's
marks on, then queued; several workers may run the job at once (each subscription is
locked, and skipped by the others while locked). The job also expires unconfirmed
subscriptions.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone, translation

from precinct.alerts import figures as monthly
from precinct.alerts import mailing, services, texts
from precinct.alerts.figures import month_before
from precinct.alerts.models import AlertMail, Subscription
from precinct.priorities import metrics as priorities_metrics
from precinct.receptions import metrics as receptions_metrics

log = logging.getLogger(__name__)
ACTIVE = Subscription.State.ACTIVE


class MonthFigures:
    """Every precinct's figures of a month, read once per run when a digest first needs them."""

    def __init__(self):
        self._months: dict[dt.date, dict[int, dict]] = {}

    def of(self, precinct_id: int, month: dt.date) -> dict:
        if month not in self._months:
            self._months[month] = monthly.month_figures(month=month)
        quiet = monthly.published(month, monthly.NO_APPEALS, monthly.NO_CALLS)
        return self._months[month].get(precinct_id, quiet)


class PrecinctNews:
    """What one precinct has to tell, read once for all its subscribers (per language)."""

    def __init__(self, precinct, subs: list[Subscription], now: dt.datetime, months=None):
        self.precinct, self.now = precinct, now
        self.months = months or MonthFigures()
        self.since = min(s.news_since or now for s in subs)
        self.horizon = now + dt.timedelta(days=services.conf("RECEPTION_NOTICE_DAYS"))
        self._news: dict[str, dict] = {}
        self._receptions: list[dict] | None = None

    def news(self, language: str) -> dict:
        if language not in self._news:
            with translation.override(language):
                self._news[language] = priorities_metrics.precinct_news(
                    precinct_id=self.precinct.pk, since=self.since, until=self.now
                )
        return self._news[language]

    def receptions(self) -> list[dict]:
        if self._receptions is None:
            rows = receptions_metrics.upcoming_receptions_of_department(
                department_id=self.precinct.department_id, now=self.now, limit=100
            )
            self._receptions = [r for r in rows if r["starts_at"] <= self.horizon]
        return self._receptions

    def figures(self, month: dt.date) -> dict:
        return self.months.of(self.precinct.pk, month)


def digests_build_due(*, now: dt.datetime | None = None) -> int:
    """Build and queue the digests due now; how many were queued."""
    now = now or timezone.now()
    services.subscriptions_expire(now=now)
    local = timezone.localtime(now)
    if local.hour < services.conf("DIGEST_FROM_HOUR"):
        return 0
    today = local.date()
    waiting = Subscription.objects.filter(state=ACTIVE).exclude(mails__digest_day=today)
    built, months = 0, MonthFigures()
    for precinct_id in waiting.values_list("precinct_id", flat=True).distinct().order_by():
        subs = list(waiting.filter(precinct_id=precinct_id).select_related("precinct"))
        source = PrecinctNews(subs[0].precinct, subs, now, months)
        built += sum(_digest_for(sub.pk, source, today) for sub in subs)
    if built:
        log.info("alerts: %s digests queued", built)
    return built


def _digest_for(subscription_id: int, source: PrecinctNews, today: dt.date) -> int:
    """One subscriber's digest for today, stored and queued (1), or nothing to say (0)."""
    now = source.now
    with transaction.atomic():
        # Only the subscription's row is locked (not its precinct's), and one that another
        # worker holds is skipped: that worker is building its digest.
        sub = (
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=subscription_id, state=ACTIVE)
            .exclude(mails__digest_day=today)
            .select_related("precinct__department")
            .first()
        )
        if sub is None:
            return 0
        parts = _parts(sub, source, today)
        sub.news_since, sub.receptions_until = now, source.horizon
        sub.figures_month = max(sub.figures_month or month_before(today), month_before(today))
        sub.save(update_fields=["news_since", "receptions_until", "figures_month"])
        if not any([parts["news"]["priorities"], parts["news"]["actions"],
                    parts["receptions"], parts["figures"]]):  # fmt: skip
            return 0
        link = mailing.unsubscribe_link()
        subject, body = texts.digest(sub, day=today, link=link, **parts)
        mailing.mail_queue(
            subscription=sub, kind=AlertMail.Kind.DIGEST, subject=subject, body=body,
            link=link, now=now, digest_day=today,
        )  # fmt: skip
    return 1


def _parts(sub: Subscription, source: PrecinctNews, today: dt.date) -> dict:
    """The news, receptions and figures this subscriber chose and has not had yet."""
    news = {"priorities": [], "actions": []}
    if sub.wants_priorities:
        since = sub.news_since or source.now
        rows = source.news(sub.language)
        news = {key: [r for r in rows[key] if r["created_at"] > since] for key in news}
    receptions = []
    if sub.wants_receptions:
        announced = sub.receptions_until or source.now
        receptions = [r for r in source.receptions() if r["starts_at"] > announced]
    figures = None
    last_month = month_before(today)
    if sub.wants_figures and (sub.figures_month is None or sub.figures_month < last_month):
        figures = source.figures(last_month)
    return {"news": news, "receptions": receptions, "figures": figures}
