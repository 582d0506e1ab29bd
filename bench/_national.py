"""A national-scale data set in the product's own tables, for the benchmarks of issue 15.

The country: the 20 regions of Kazakhstan with their real populations (Bureau of National
Statistics, 1 Jan 2023, ``../shared/data/kz_population/city_population.csv``), each a
regional department over district departments of about 70,000 residents, each district
cut into precincts of about 15,000 residents (≈300 departments, ≈1,300 precincts).
Officers, a survey wave per region raked to its districts, registered offences and
disciplinary records, so that every evaluation source has something real to read.

Activity, at the national rates the issue states (scaled by ``scale``):
- 102 calls: 210 per 1,000 residents a year (≈4.2 million a year), closed, in each
  district in proportion to its residents; log-normal handling and travel times, 5 %
  without an arrival, one call in four rural;
- appeals: 2 million a year in the same proportion; 95 % answered (90 % of those on
  time, after log-normal working days), 30 % of answers rated.

Rows are written by the database itself (``INSERT … SELECT generate_series``), a year at a
time and in the order of their moments, as a deployment's tables fill while calls and
appeals arrive (drawn in random order, a month's rows would lie on every page of their
year). Each table's secondary indexes are dropped for the load and rebuilt after it, in
the same transaction, as a bulk load is done in production; the two tables load side by
side, each on its own connection; the set is reused by later runs (a year already loaded
is skipped).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

ALMATY = ZoneInfo("Asia/Almaty")
CALLS_PER_1000 = 210
APPEALS_PER_YEAR = 2_000_000
DISTRICT_RESIDENTS = 70_000
PRECINCT_RESIDENTS = 15_000
PREFIX = "nat-"
POPULATION = Path(__file__).resolve().parents[2] / "shared/data/kz_population/city_population.csv"


def sql(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def regions() -> list[tuple[str, int]]:
    """(name, residents) of the 20 regions."""
    with POPULATION.open(encoding="utf-8") as f:
        rows = [(r["Region"], int(r["Total"])) for r in csv.DictReader(f)]
    return [r for r in rows if not r[0].startswith("The Republic")]


def build_country() -> list[tuple[int, int]]:
    """The territory (once): (district department id, residents) of every district."""
    from precinct.territory import services as territory
    from precinct.territory.models import Department, Officer, Precinct, Region

    if not Region.objects.filter(code=f"{PREFIX}0").exists():
        rng = np.random.default_rng(2026)
        for r, (name, residents) in enumerate(regions()):
            region = Region.objects.create(code=f"{PREFIX}{r}", kind="oblast", name=name)
            top = territory.department_create(
                region=region, parent=None, kind="regional", code=f"{PREFIX}{r}", name=name
            )
            n = max(3, round(residents / DISTRICT_RESIDENTS))
            shares = rng.dirichlet(np.full(n, 8.0)) * residents
            for k, people in enumerate(shares):
                district = territory.department_create(region=region, parent=top,
                    kind="district", code=f"{PREFIX}{r}-{k}", name=f"{name} {k + 1}")  # fmt: skip
                m = max(1, math.ceil(people / PRECINCT_RESIDENTS))
                Precinct.objects.bulk_create(
                    Precinct(department=district, number=i + 1, residents=int(people / m))
                    for i in range(m)
                )
                Officer.objects.bulk_create(
                    Officer(department=district, role=role, last_name="Бенч", first_name="Тест")
                    for role in ["head"] + ["inspector"] * m + ["patrol"] * (2 * m)
                )
        _evaluation_inputs()
    return [
        (d.pk, d.people)
        for d in Department.objects.filter(code__startswith=PREFIX, kind="district")
        .order_by("id")
        .annotate(people=Sum("precincts__residents"))
    ]


def _evaluation_inputs() -> None:
    """Periods, offence counts, disciplinary records and a raked survey wave per region."""
    from precinct.crime.models import DepartmentCount
    from precinct.evaluation.models import Period
    from precinct.integrity.models import Offence
    from precinct.surveys import selectors as survey_selectors
    from precinct.surveys import services as surveys
    from precinct.surveys.models import Response
    from precinct.territory.models import Department, Officer, Region

    rng = np.random.default_rng(2027)
    for year in range(2016, 2026):
        Period.objects.get_or_create(label=str(year), defaults={
            "starts_on": dt.date(year, 1, 1), "ends_on": dt.date(year, 12, 31)})  # fmt: skip
    districts = list(Department.objects.filter(code__startswith=PREFIX, kind="district"))
    DepartmentCount.objects.bulk_create(
        DepartmentCount(
            department=d, period=str(y), category="total", registered=int(n), cleared=int(n * 0.45)
        )
        for d in districts
        for y, n in ((2024, rng.integers(200, 3000)), (2025, rng.integers(200, 3000)))
    )
    patrols = list(Officer.objects.filter(role="patrol", department__in=districts).values_list(
        "pk", "department_id"))  # fmt: skip
    Offence.objects.bulk_create(
        Offence(officer_id=o, department_id=d, kind="disciplinary", article="дисциплина",
                outcome="reprimand",
                occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(365))))
        for o, d in (patrols[int(i)] for i in rng.integers(0, len(patrols), 3000))
    )  # fmt: skip
    for region in Region.objects.filter(code__startswith=PREFIX):
        deps = [d for d in districts if d.region_id == region.pk]
        margins = {str(d.pk): sum(p.residents for p in d.precincts.all()) for d in deps}
        surveys.margins_set(region=region, dimension="district", totals=margins, source="bench")
        wave = surveys.survey_create(
            questionnaire=survey_selectors.questionnaire_standard(), region=region,
            period="2025", opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 12, 31),
            mode="field",
        )  # fmt: skip
        Response.objects.bulk_create(
            Response(survey=wave, department=deps[i % len(deps)], age_group="30-44", sex="f",
                     answers={"trust_local": int(rng.integers(1, 6)),
                              "knows_inspector": bool(i % 2)},
                     source="demo", submitted_at=timezone.now())
            for i in range(2000)
        )  # fmt: skip


@contextmanager
def _bulk_load(table: str):
    """Drop ``table``'s plain indexes for a load and rebuild them after it, in one
    transaction (so an interrupted load leaves the table as it was)."""
    indexes = sql(  # constraints' indexes (primary key, unique) stay
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    with transaction.atomic():
        sql("SET LOCAL synchronous_commit = off")
        sql("SET LOCAL maintenance_work_mem = '1GB'")
        sql("SET LOCAL work_mem = '1GB'")  # a year's rows sorted by their moment in memory
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before CREATE INDEX
        for name, _ in indexes:
            sql(f'DROP INDEX "{name}"')
        yield
        for _, definition in indexes:
            sql(definition)
    sql(f'ANALYZE "{table}"')


def _slots(districts: list[tuple[int, int]], n: int = 4096) -> list[int]:
    """District ids repeated in proportion to residents: a uniform draw of one slot draws
    a district with probability proportional to its residents."""
    people = np.array([p for _, p in districts], dtype=np.float64)
    counts = np.maximum(1, np.round(people / people.sum() * n)).astype(int)
    return [d for (d, _), c in zip(districts, counts, strict=True) for _ in range(c)]


def generate(districts, *, years: range, scale: float, then=None) -> dict:
    """Calls and appeals of ``years`` not loaded yet, the two tables side by side (each
    load is one server process's work, so two use both cores). ``then[table](loaded)``,
    if given, runs on the table's thread once it is loaded (whether rows were added), and
    returns figures. The seconds each load took (``load_s``) and those figures."""
    residents = sum(p for _, p in districts)
    slots = _slots(districts)
    loads = [
        ("dispatch_incident", round(residents * CALLS_PER_1000 / 1000 * scale), _insert_calls),
        ("appeals_appeal", round(APPEALS_PER_YEAR * scale), _insert_appeals),
    ]

    def pipeline(load) -> dict:
        table = load[0]
        try:
            taken = _load_table(*load, years=years, slots=slots)
            out = {"load_s": {table: taken} if taken is not None else {}}
            if then and table in then:
                out |= then[table](taken is not None)
            return out
        finally:
            connection.close()  # this thread's own

    figures = {"load_s": {}}
    with ThreadPoolExecutor(max_workers=len(loads)) as pool:
        for part in pool.map(pipeline, loads):
            figures["load_s"] |= part.pop("load_s")
            figures |= part
    return figures


def _load_table(table: str, per_year: int, insert, *, years: range, slots) -> float | None:
    """``table``'s years not loaded yet; seconds taken (None: nothing to load)."""
    column = "received_at" if table == "dispatch_incident" else "registered_at"
    todo = [y for y in years if not _year_present(table, column, y)]
    if not todo:
        return None
    t0 = time.perf_counter()
    with _bulk_load(table):
        for year in todo:
            insert(year, per_year, slots)
    return round(time.perf_counter() - t0, 1)


def _year_present(table: str, column: str, year: int) -> bool:
    """Whether ``table`` holds rows of ``year`` (the data set's database is its own)."""
    start = dt.datetime(year, 1, 1, tzinfo=ALMATY)
    first = sql(f"SELECT min({column}) FROM {table} WHERE {column} >= %s", [start])[0][0]
    return first is not None and first < start.replace(year=year + 1)  # min(): by the index


def _year_span(year: int) -> tuple[dt.datetime, float]:
    start = dt.datetime(year, 1, 1, tzinfo=ALMATY)
    return start, (start.replace(year=year + 1) - start).total_seconds()


def _insert_calls(year: int, n: int, slots: list[int]) -> None:
    from precinct.dispatch.models import Category

    start, span = _year_span(year)
    sql(
        """
        INSERT INTO dispatch_incident (department_id, category_id, priority, area_type,
            state, source, place, caller_phone, text, received_at, dispatched_at,
            on_scene_at, closed_at, handling_seconds, travel_seconds, response_seconds)
        SELECT dep, %(category)s, pri, CASE WHEN k %% 4 = 0 THEN 'rural' ELSE 'urban' END,
            'closed', 'imported', '', '', '', r, r + h * interval '1 second',
            r + (h + t) * interval '1 second',
            r + (h + coalesce(t, 0) + 1800) * interval '1 second',
            h, t, h + t
        FROM (
            SELECT k, (%(slots)s::int[])[1 + k] AS dep, r, pri,
                greatest(5, round(exp(ln(90) + 0.7 * z1)))::int AS h,
                CASE WHEN random() < 0.05 THEN NULL
                     ELSE greatest(30, round(exp(ln(600) + 0.8 * z2)))::int END AS t
            FROM (
                SELECT floor(random() * %(n_slots)s)::int AS k,
                    %(first)s::timestamptz + random() * %(span)s * interval '1 second' AS r,
                    CASE WHEN u < 0.25 THEN 1 WHEN u < 0.55 THEN 2 WHEN u < 0.9 THEN 3
                         ELSE 4 END AS pri,
                    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
                    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z2
                FROM (SELECT random() AS u FROM generate_series(1, %(rows)s)) s
            ) drawn
        ) calls
        ORDER BY r
        """,
        {"category": Category.objects.get(code="other").id, "slots": slots,
         "n_slots": len(slots), "first": start, "span": span, "rows": n},
    )  # fmt: skip


def _insert_appeals(year: int, n: int, slots: list[int]) -> None:
    start, span = _year_span(year)
    sql(
        """
        INSERT INTO appeals_appeal (registration_number, tracking_code, type, channel, text,
            address, service, contact_name, contact_phone, contact_email, language, status,
            registered_at, due_date, forwarded_to, extended, answer, reopened_count,
            rating_comment, client_hash, content_hash, department_id, media_url,
            service_attributes, answered_at, answered_on_time, working_days_to_answer,
            closed_at, rating, rated_at)
        SELECT 'N' || %(year)s || '-' || g, 'nat' || %(year)s || 'x' || g,
            (ARRAY['complaint','request','proposal','gratitude','offence'])[1 + g %% 5],
            (ARRAY['web','api','open311','phone','reception'])[1 + (g / 5) %% 5], '', '', '',
            '', '', '', 'ru', CASE WHEN answered THEN 'closed' ELSE 'in_progress' END, r,
            (r + interval '21 days')::date, '', g %% 17 = 0, '', 0, '', '', '', dep, '', '{}',
            CASE WHEN answered THEN r + wd * interval '1.4 days' END,
            CASE WHEN answered THEN wd <= 15 END, CASE WHEN answered THEN wd END,
            CASE WHEN answered THEN r + wd * interval '1.4 days' END,
            CASE WHEN answered AND rated THEN 1 + (g %% 5) END,
            CASE WHEN answered AND rated THEN r + (wd + 2) * interval '1.4 days' END
        FROM (
            SELECT row_number() OVER (ORDER BY r) AS g, *  -- numbered in arrival order
            FROM (
                SELECT (%(slots)s::int[])[1 + floor(random() * %(n_slots)s)::int] AS dep,
                    %(first)s::timestamptz + random() * %(span)s * interval '1 second' AS r,
                    random() < 0.95 AS answered, random() < 0.3 AS rated,
                    greatest(1, round(exp(ln(8) + 0.5 * sqrt(-2 * ln(1 - random()))
                        * cos(2 * pi() * random()))))::int AS wd
                FROM generate_series(1, %(rows)s)
            ) drawn
        ) numbered  -- in the window's order, g's: a second ORDER BY would sort wide rows again
        """,
        {"year": year, "slots": slots, "n_slots": len(slots), "first": start, "span": span,
         "rows": n},
    )  # fmt: skip
