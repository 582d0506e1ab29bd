"""Appeal rollups against the exact recomputation: after inserts, late arrivals,
corrections (an answer changed, an extension, a rating, a bulk change) and deletions, for
whole ranges, single days and windows across a month and a year boundary, every reader."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from precinct.appeals import metrics, rollups, services
from precinct.appeals.models import (
    Appeal,
    AppealRollup,
    AppealRollupDirtyDay,
    AppealType,
    Category,
    Channel,
    Status,
)
from precinct.territory.models import Officer
from tests import factories
from tests.appeals.builders import appeal_in_district_a, at

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
FIRST = dt.datetime(2025, 11, 20, tzinfo=ALMATY)
TODAY = dt.date(2026, 6, 1)
WINDOWS = [
    (dt.date(2025, 11, 1), dt.date(2026, 5, 31)),  # everything
    (dt.date(2025, 12, 20), dt.date(2026, 1, 10)),  # across the year
    (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),  # one day
    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),  # a month
    (dt.date(2030, 1, 1), dt.date(2030, 1, 31)),  # nothing
]


def _history(territory, n: int, rng, first=FIRST, days=100, tag="T") -> list[Appeal]:
    """Appeals of every kind and state, registered at any hour (near midnight too)."""
    categories = [None, *Category.objects.order_by("pk")]
    officer = factories.officer(territory.district_b, Officer.Role.INSPECTOR, "Сериков")
    departments = [territory.city, territory.district_a, territory.district_b]
    rows = []
    for i in range(n):
        registered = first + dt.timedelta(seconds=int(rng.integers(0, days * 86400)))
        department = departments[int(rng.integers(0, 3))]
        a = Appeal(
            registration_number=f"{tag}-{i:07d}", tracking_code=f"{tag}{i}",
            type=str(rng.choice(AppealType.values)),
            channel=str(rng.choice([Channel.WEB, Channel.PHONE, Channel.RECEPTION])),
            category=categories[int(rng.integers(0, len(categories)))],
            text="т", department=department,
            precinct=territory.precinct_a
            if department == territory.district_a and rng.random() < 0.7 else None,
            about_officer=officer if rng.random() < 0.08 else None,
            registered_at=registered,
            due_date=registered.date() + dt.timedelta(days=int(rng.integers(5, 40))),
            extended=bool(rng.random() < 0.1),
            reopened_count=int(rng.random() < 0.1),
        )  # fmt: skip
        fate = rng.random()
        if fate < 0.6:
            a.status = str(rng.choice([Status.ANSWERED, Status.CLOSED]))
            a.answered_at = registered + dt.timedelta(hours=int(rng.integers(1, 40 * 24)))
            a.answered_on_time = bool(rng.random() < 0.8)
            a.working_days_to_answer = None if rng.random() < 0.05 else int(rng.integers(0, 30))
            if rng.random() < 0.6:
                a.rating = int(rng.integers(1, 6))
                a.rated_at = a.answered_at + dt.timedelta(hours=int(rng.integers(1, 200)))
        elif fate < 0.7:
            a.status = Status.FORWARDED
            a.forward_due_date = registered.date() + dt.timedelta(days=3)
            a.closed_at = registered + dt.timedelta(hours=int(rng.integers(1, 150)))
        else:
            a.status = str(rng.choice([Status.REGISTERED, Status.IN_PROGRESS]))
        rows.append(a)
    return Appeal.objects.bulk_create(rows)


@pytest.fixture
def history(territory):
    made = _history(territory, 700, np.random.default_rng(15))
    assert rollups.rebuild_dirty() > 0
    return made


def _close(a, b, where) -> None:
    """Equal, floats within rounding (a mean by the database against a sum over a count)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _close(a[k], b[k], (where, k))
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for x, y in zip(a, b, strict=True):
            _close(x, y, where)
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12), where
    else:
        assert a == b, where


def assert_rollups_equal_exact(territory, windows=WINDOWS) -> int:
    """Every reader, both ways, for every window; the number of comparisons."""
    t = territory
    checks = 0
    for start, end in windows:
        w = dict(start=start, end=end)
        calls = [
            (metrics.department_measures, dict(today=TODAY, group_by=g, department_ids=d))
            for g in (None, "type", "category_id")
            for d in (None, [t.district_a.pk, t.city.pk])
        ]
        calls += [
            (metrics.public_counts_by_precinct, {}),
            (metrics.answer_counts_by_place, {}),
            (metrics.answer_figures, dict(precinct_id=t.precinct_a.pk)),
            (metrics.answer_figures, dict(region_id=t.region.pk)),
            (metrics.answer_figures, dict(department_ids=[t.district_b.pk])),
            (metrics.answer_figures, dict(region_id=t.region.pk, department_ids=[t.city.pk])),
            (metrics.precinct_category_counts, dict(precinct_id=t.precinct_a.pk)),
            (metrics.reception_category_counts, dict(department_id=t.district_a.pk)),
            (metrics.reception_category_counts, dict(department_id=t.city.pk)),
        ]
        for function, kw in calls:
            rolled = function(**w, **kw)
            exact = function(**w, **kw, exact=True)
            _close(rolled, exact, (function.__name__, w, kw))
            checks += 1
    return checks


def _both_ways(territory) -> None:
    """Equal while the changed days are dirty (read raw), and once the worker rebuilt them."""
    assert AppealRollupDirtyDay.objects.exists()
    assert_rollups_equal_exact(territory)
    assert rollups.rebuild_dirty() > 0
    assert not AppealRollupDirtyDay.objects.exists()
    assert_rollups_equal_exact(territory)
    _same_as_rebuilt_from_scratch()


def _stored() -> list[tuple]:
    columns = [*rollups.KEYS, *rollups.COUNTS]
    return sorted(AppealRollup.objects.values_list(*columns), key=repr)


def _same_as_rebuilt_from_scratch() -> None:
    kept = _stored()
    rollups.rebuild_all()
    assert _stored() == kept


def test_rollups_equal_exact_after_inserts(territory, history):
    assert not AppealRollupDirtyDay.objects.exists()
    assert assert_rollups_equal_exact(territory) == 5 * 15
    got = metrics.department_measures(start=WINDOWS[0][0], end=WINDOWS[0][1], today=TODAY)
    assert sum(r["received"] for r in got) == 700
    assert sum(r["answered"] for r in got) > 300  # the comparisons compared something
    _same_as_rebuilt_from_scratch()


def test_late_arrivals(world, history):
    t = world.t
    # Appeals of days long rolled up, registered now through the intake service.
    for day in ("2025-12-01", "2026-01-05", "2025-12-31"):
        appeal_in_district_a("поздно", now=at(day, 23))
    first = dt.datetime(2026, 1, 1, tzinfo=ALMATY)
    more = _history(t, 30, np.random.default_rng(3), first=first, days=20, tag="L")
    assert len(more) == 30
    _both_ways(t)


def test_corrections(world, history):
    t, head = world.t, world.p.head
    # A new appeal answered, extended, rated through the services.
    fresh = appeal_in_district_a("исправление", now=at("2026-01-05", 9))
    services.appeal_extend(
        actor=head, appeal=fresh, new_due_date=fresh.due_date + dt.timedelta(days=5), reason="r"
    )
    services.appeal_answer(actor=head, appeal=fresh, answer="ok", now=at("2026-01-20", 12))
    services.appeal_rate(appeal=fresh, rating=2, request_review=True, now=at("2026-01-21", 8))
    _both_ways(t)
    # An answer moved to another day and its working days corrected (a save).
    answered = [a for a in history if a.answered_at is not None][:5]
    for a in answered:
        a.answered_at += dt.timedelta(days=3, hours=5)
        a.working_days_to_answer = (a.working_days_to_answer or 0) + 2
        a.answered_on_time = not a.answered_on_time
        a.save()
    # A bulk correction: appeals moved to another category and department.
    noise = Category.objects.get(code="noise")
    moved = Appeal.objects.filter(pk__in=[a.pk for a in history[10:40]])
    assert moved.update(category=noise, department=t.district_b, precinct=None) == 30
    _both_ways(t)


def test_deletions(territory, history):
    Appeal.objects.filter(pk__in=[a.pk for a in history[:50]]).delete()
    history[60].delete()
    _both_ways(territory)


def test_a_write_rolled_back_marks_nothing(world, history):
    a = history[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        a.answered_at = at("2026-03-03")
        a.save()
        assert AppealRollupDirtyDay.objects.exists()  # marked in the write's transaction
        raise RuntimeError
    assert not AppealRollupDirtyDay.objects.exists()
    # A write that changes no measure marks nothing either.
    a.registration_number = "T-renamed"
    a.save(update_fields=["registration_number"])
    assert not AppealRollupDirtyDay.objects.exists()


def test_the_median_is_exact(territory, history):
    """Working days are whole days: the histogram holds each value in a bin of its own,
    so the median read from the rollups is the exact one (no error to bound)."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        values = rng.integers(0, 60, size=int(rng.integers(1, 50)))
        histogram = dict(zip(*np.unique(values, return_counts=True), strict=True))
        assert metrics.median_of({int(k): int(v) for k, v in histogram.items()}) == float(
            np.median(values)
        )
    rows = metrics.department_measures(start=WINDOWS[0][0], end=WINDOWS[0][1], group_by="type")
    exact = metrics.department_measures(
        start=WINDOWS[0][0], end=WINDOWS[0][1], group_by="type", exact=True
    )
    medians = [r["median_working_days_to_answer"] for r in rows]
    assert medians == [r["median_working_days_to_answer"] for r in exact]
    assert any(m not in (None, 0) for m in medians)


def test_the_command_rebuilds_and_checks(territory, history, capsys):
    call_command("appeals", "rollups", "check", "--from", "2025-11-01", "--to", "2026-05-31")
    assert '"differ": []' in capsys.readouterr().out
    AppealRollup.objects.filter(answered__gt=0).update(answered=99)
    with pytest.raises(CommandError):
        call_command("appeals", "rollups", "check", "--from", "2025-11-01", "--to", "2026-05-31")
    call_command("appeals", "rollups", "rebuild", "--from", "2025-11-01", "--to", "2026-05-31")
    call_command("appeals", "rollups", "check", "--from", "2025-11-01", "--to", "2026-05-31")
    call_command("appeals", "rollups", "rebuild")
    call_command("appeals", "rollups", "refresh")
    with pytest.raises(CommandError):
        call_command("appeals", "rollups", "rebuild", "--from", "2026-01-01")


def test_the_migration_marks_every_day_of_the_appeals_before_it(territory, history):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("precinct.appeals.migrations.0010_appeal_rollups")
    AppealRollup.objects.all().delete()  # as if the appeals predate the rollups
    assert not AppealRollupDirtyDay.objects.exists()
    migration.mark_every_day(apps, None)
    first, last = rollups._span()
    marked = set(AppealRollupDirtyDay.objects.values_list("day", flat=True))
    assert min(marked) == first and max(marked) == last and len(marked) == (last - first).days + 1
    assert_rollups_equal_exact(territory, WINDOWS[:2])  # read raw until rebuilt
    assert rollups.rebuild_dirty() == len(marked)
    assert_rollups_equal_exact(territory, WINDOWS[:2])


def test_concurrent_marks_of_one_day_are_rows_of_their_own(territory, history):
    """Writers never update a shared mark (they would wait on each other's lock)."""
    with transaction.atomic():
        rollups.mark_days([dt.date(2026, 1, 5)])
    with transaction.atomic():
        rollups.mark_days([dt.date(2026, 1, 5), dt.date(2026, 1, 6)])
    assert AppealRollupDirtyDay.objects.count() == 3
    assert rollups.rebuild_dirty() == 2  # each day rebuilt once
    assert not AppealRollupDirtyDay.objects.exists()
