"""Benchmark: one morning's alert digests (``alerts.digests.digests_build_due``) on the demo.

Run from the project root on a copy of the demo database, migrated to this checkout::

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE precinct_demo_x TEMPLATE precinct_demo'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_demo_x \\
        .venv/bin/python -m django migrate --settings=precinct.settings
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_demo_x \\
        .venv/bin/python bench/alerts_digests.py [--subscribers 1000] [--repeat 3]

``--subscribers`` confirmed subscriptions spread over every precinct (languages ru, kk, en
in turn, every kind), a priority with an action in a third of the precincts, and the first
digest of a month due for all (so each carries last month's figures: the 102 median is a
point-in-polygon pass over the city's calls). Side by side in one run, on the same rows:

- **product**: ``digests_build_due``, which reads each precinct's news and receptions once
  for all its subscribers (news once per language) and every precinct's figures of the
  month at once (one GROUP BY of appeals, one pass of the month's calls over the polygons);
- **reference**: the same builder fed one subscriber at a time, each digest reading its own
  news, receptions and figures, the figures for its precinct alone (the same appeals counts
  with ``WHERE precinct_id = …``, and ``dispatch.metrics.response_summary`` for the
  precinct): the straightforward way, and this branch's first version.

Each side builds, stores and queues every digest inside a transaction that is rolled back,
so both start from the same state. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")

from _machine import machine


class Rollback(Exception):
    pass


def _setup(n: int, now: dt.datetime) -> None:
    from django.utils import timezone

    from precinct.alerts.figures import month_before
    from precinct.alerts.models import Subscription
    from precinct.priorities.models import Priority, PriorityAction
    from precinct.territory.models import Precinct

    precincts = list(Precinct.objects.order_by("id").values_list("id", flat=True))
    today = timezone.localtime(now).date()
    two_months = month_before(month_before(today))
    Subscription.objects.bulk_create(
        Subscription(
            precinct_id=precincts[k % len(precincts)], email=f"bench{k}@example.invalid",
            email_hash=f"{k:064x}", language=("ru", "kk", "en")[k % 3], state="active",
            requested_at=now - dt.timedelta(days=60), confirmed_at=now - dt.timedelta(days=60),
            news_since=now - dt.timedelta(days=1), receptions_until=now,
            figures_month=two_months,
        )
        for k in range(n)
    )  # fmt: skip
    for precinct_id in precincts[::3]:
        p = Priority.objects.create(
            precinct_id=precinct_id, issue="Парковка во дворах", issue_kk="Аулалардағы тұрақ",
            issue_en="Parking in courtyards", since=today, reviewed_on=today,
        )  # fmt: skip
        PriorityAction.objects.create(priority=p, done_on=today, text="Рейд", text_en="A raid")


def _product(now: dt.datetime) -> int:
    from precinct.alerts import digests

    return digests.digests_build_due(now=now)


class OnePrecinctFigures:
    """The reference's figures: read for one precinct, every time a digest asks."""

    def of(self, precinct_id: int, month: dt.date) -> dict:
        from django.db.models import Count, Q
        from django.utils import timezone

        from precinct.alerts import figures
        from precinct.appeals.models import Appeal
        from precinct.dispatch import metrics as dispatch_metrics
        from precinct.territory.models import Precinct

        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(figures.month_after(month), dt.time.min, tzinfo=tz)
        received, answered = (
            Q(registered_at__gte=lo, registered_at__lt=hi),
            Q(answered_at__gte=lo, answered_at__lt=hi),
        )
        appeals = Appeal.objects.filter(precinct_id=precinct_id, about_officer=None).aggregate(
            received=Count("id", filter=received),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(answered_on_time=True)),
        )
        region_id = Precinct.objects.values_list("department__region_id", flat=True).get(
            pk=precinct_id
        )
        calls = dispatch_metrics.response_summary(
            start=lo, end=hi, region_id=region_id, precinct_id=precinct_id
        )
        return figures.published(month, appeals, calls)


def _reference(now: dt.datetime) -> int:
    """One subscriber at a time: every digest reads its own news, receptions and figures."""
    from django.utils import timezone

    from precinct.alerts import digests
    from precinct.alerts.models import Subscription

    today = timezone.localtime(now).date()
    built = 0
    for sub in Subscription.objects.filter(state="active").select_related("precinct"):
        source = digests.PrecinctNews(sub.precinct, [sub], now, OnePrecinctFigures())
        built += digests._digest_for(sub.pk, source, today)
    return built


def _timed(fn, now) -> tuple[float, dict]:
    """Seconds to build and queue, and the digests built (by subscription, links left out)."""
    import re

    from django.db import transaction

    from precinct.alerts.models import AlertMail

    try:
        with transaction.atomic():
            start = time.perf_counter()
            fn(now)
            seconds = time.perf_counter() - start
            mails = AlertMail.objects.filter(kind="digest").values_list("subscription_id", "body")
            built = {pk: re.sub(r"/unsubscribe/\S+", "", body) for pk, body in mails}
            raise Rollback
    except Rollback:
        pass
    return seconds, built


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    settings.PRECINCT_ALERTS = {**settings.PRECINCT_ALERTS, "DIGEST_FROM_HOUR": 0}
    from django.urls import reverse

    reverse("alerts:subscribe")  # the URL map is loaded once per process, before timing
    from precinct.alerts.figures import month_before, month_figures

    # Warm, as a running worker is: the precinct polygons' STRtree is built once per process.
    month_figures(month=month_before(timezone.localdate()))
    now = timezone.now()
    results: dict[str, list[float]] = {"product": [], "reference": []}
    built: dict[str, dict] = {}
    try:
        with transaction.atomic():  # the subscribers and priorities too are rolled back
            _setup(args.subscribers, now)
            for _ in range(args.repeat):
                for name, fn in (("product", _product), ("reference", _reference)):
                    seconds, built[name] = _timed(fn, now)
                    results[name].append(seconds)
                    print(f"{name}: {seconds:.2f} s, {len(built[name])} digests", flush=True)
            raise Rollback
    except Rollback:
        pass
    # the same digests, word for word, on both sides
    assert built["product"] == built["reference"] and len(built["product"]) == args.subscribers
    medians = {name: round(statistics.median(times), 2) for name, times in results.items()}
    best = {name: round(min(times), 2) for name, times in results.items()}
    print(json.dumps({
        "benchmark": "alerts_digests", "subscribers": args.subscribers,
        "precincts": _precincts(), "repeat": args.repeat,
        "median_s": medians, "per_digest_ms": {
            name: round(1000 * s / args.subscribers, 2) for name, s in medians.items()
        },
        "best_s": best, "ratio": round(medians["reference"] / medians["product"], 1),
        "ratio_best": round(best["reference"] / best["product"], 1), **machine(),
    }))  # fmt: skip


def _precincts() -> int:
    from precinct.territory.models import Precinct

    return Precinct.objects.count()


if __name__ == "__main__":
    main()
