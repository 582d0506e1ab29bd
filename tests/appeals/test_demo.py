"""The appeals demo step on the central-Almaty cut: a year, seasonal, some late and reopened."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from precinct.appeals import metrics
from precinct.appeals.models import OPEN_STATUSES, Appeal


def test_a_year_of_appeals(demo_city, db):
    assert any("appeals over a year" in line for line in demo_city.lines)
    appeals = Appeal.objects.all()
    n = appeals.count()
    assert n > 1000
    today = timezone.localdate()
    assert appeals.filter(status__in=OPEN_STATUSES, due_date__lt=today).exists()  # overdue
    assert appeals.filter(reopened_count__gt=0).exists()
    assert appeals.filter(answered_on_time=False).exists()
    on_time = (
        appeals.filter(answered_on_time=True).count()
        / appeals.exclude(answered_on_time=None).count()
    )
    assert 0.7 < on_time < 0.99
    by_month = dict(
        appeals.annotate(m=ExtractMonth("registered_at")).values_list("m").annotate(c=Count("id"))
    )
    assert by_month[7] > by_month[12]  # summer busier than winter
    rows = metrics.department_measures(start=today - dt.timedelta(days=365), end=today)
    assert sum(r["received"] for r in rows) == n
    # Forwarded counts the forwarded appeals only, each on time or late.
    forwarded = sum(r["forwarded"] for r in rows)
    assert 0 < forwarded < n
    assert sum(r["forwarded_late"] for r in rows) > 0
    assert sum(r["forwarded_on_time"] + r["forwarded_late"] for r in rows) == forwarded


def test_every_department_receives_appeals_all_year_round(demo_city, db):
    months = (
        Appeal.objects.annotate(m=ExtractMonth("registered_at"))
        .values("department_id")
        .annotate(n=Count("m", distinct=True))
    )
    assert months and all(row["n"] >= 11 for row in months)
