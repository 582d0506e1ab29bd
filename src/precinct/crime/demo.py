"""Demo step of crime statistics: the real Form 1-M statistics of all 20 regions and the
population table, then generated department counts for the Almaty demo.

Real: the Form 1-M workbooks and the population table (../shared/data). Generated (and
labelled so): department counts, the real Almaty rate spread over districts by residents.
"""

import dataclasses
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from django.conf import settings

from precinct.analytics import form1m
from precinct.crime import services
from precinct.crime.importer import Row
from precinct.crime.models import (
    OffenceRecord,
    RecordBatch,
    RegionalCategoryCount,
    RegionPopulation,
)
from precinct.territory.models import PopulationPoint, Provenance, Region

STEP = "precinct.crime.demo"


def build(ctx) -> list[str]:
    return [_crime_statistics(), _department_counts(ctx, ctx.rng(STEP))]


def _crime_statistics() -> str:
    data = Path(settings.SHARED_DATA_DIR)
    sheets = _form1m_sheets(data / "kz_crime" / "xlsx")
    result = services.crime_store_sheets(sheets=sheets)
    services.population_import(path=data / "kz_population" / "city_population.csv")
    return f"Form 1-M (real): {result['rows']:,} rows of {result['regions']} regions"


def _form1m_sheets(folder: Path) -> list:
    """The workbooks read once and cached as JSON (reading 20 workbooks takes seconds)."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
    stamp = [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in files]
    cache = Path(settings.VAR_DIR) / "cache" / "form1m.json"
    if cache.is_file():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("stamp") == stamp:
            return [
                form1m.Form1MSheet(
                    region=s["region"],
                    title=s["title"],
                    path=s["path"],
                    rows=[form1m.Form1MRow(**{**r, "graf": tuple(r["graf"])}) for r in s["rows"]],
                )
                for s in cached["sheets"]
            ]
    sheets = form1m.read_form1m_dir(folder)
    cache.parent.mkdir(parents=True, exist_ok=True)
    payload = {"stamp": stamp, "sheets": [dataclasses.asdict(s) for s in sheets]}
    cache.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return sheets


def _department_counts(ctx, rng) -> str:
    total = sum(
        RegionalCategoryCount.objects.filter(region_key="almaty-city").values_list(
            "registered", flat=True
        )
    )
    population = RegionPopulation.objects.get(region_key="almaty-city").population
    rate = total / population  # the real registered offences per resident
    people = ctx.residents()
    counts = []
    for d in ctx.departments:
        level = rate * float(rng.uniform(0.7, 1.4))
        for year in ctx.years:
            registered = int(rng.poisson(max(level * people.get(d.pk, 0), 1)))
            cleared = int(rng.binomial(registered, rng.uniform(0.35, 0.6)))
            counts.append((d, str(year), "total", registered, cleared))
            level *= float(rng.uniform(0.85, 1.05))  # crime fell since 2019 (seed 003)
    services.department_counts_set(counts=counts)
    return f"Department crime counts (generated from the real city rate): {len(counts)}"


# --- street-level records (a step of its own: precinct.crime.demo.build_records) ------------

RECORDS_SOURCE = "demo"
RECORD_MONTHS = 13
# The street-level categories of each Form 1-M group, with their shares inside the group
# (assumptions for a plausible mix; the group totals are the city's real ones).
GROUP_MIX = {
    "person": {"violent-crime": 1.0},
    "theft": {
        "other-theft": 0.35, "burglary": 0.2, "shoplifting": 0.15, "vehicle-crime": 0.15,
        "theft-from-the-person": 0.1, "bicycle-theft": 0.05,
    },
    "fraud": {"other-crime": 1.0},
    "robbery": {"robbery": 1.0},
    "property_other": {"criminal-damage-arson": 1.0},
    "hooliganism": {"public-order": 1.0},
    "drugs": {"drugs": 1.0},
    "corruption": {"other-crime": 1.0},
    "traffic": {"other-crime": 1.0},
    "other": {"other-crime": 1.0, "possession-of-weapons": 0.0},
}  # fmt: skip
ANTI_SOCIAL_SHARE = 0.15  # administrative offences added on top of the crimes
# How a record ends, by how many months ago it was registered (older: more resolved).
OUTCOME_MIX = {
    "under-investigation": 0.3, "investigation-complete-no-suspect-identified": 0.25,
    "awaiting-court-outcome": 0.12, "unable-to-prosecute": 0.08, "local-resolution": 0.07,
    "offender-fined": 0.07, "offender-given-community-sentence": 0.04,
    "offender-sent-to-prison": 0.05, "defendant-found-not-guilty": 0.01,
    "court-case-unable-to-proceed": 0.01,
}  # fmt: skip


def build_records(ctx) -> list[str]:
    """The city's anonymous map points, then generated street-level records (labelled
    generated) for the last RECORD_MONTHS months of the demo's years."""
    rng = ctx.rng(f"{STEP}.records")
    points = services.map_points_rebuild(region=ctx.region)
    rows = _generated_records(ctx, rng)
    services.offence_records_write(
        rows=rows, source=RECORDS_SOURCE, provenance=Provenance.GENERATED, file_name=""
    )
    return [
        f"Anonymous map points (from OSM streets and residents): {points['points']:,},"
        f" {points['published']:,} published",
        f"Street-level offence records (generated): {len(rows):,} over {RECORD_MONTHS} months",
    ]


def demo_records(*, seed: int = 1, years: tuple[int, ...] = (2025, 2026)) -> list[str]:
    """``build_records`` on a demo built before the step existed (the same generator as
    ``demo.builder.DemoContext.rng``, so the records are those a fresh build makes)."""
    region = PopulationPoint.objects.values_list("region", flat=True).first()
    if region is None:
        raise services.CrimeImportError("No residents: build the demo first.")
    ctx = SimpleNamespace(
        region=Region.objects.get(pk=region),
        years=years,
        rng=lambda step: np.random.default_rng([seed, *step.encode()]),
    )
    OffenceRecord.objects.filter(source=RECORDS_SOURCE).delete()
    RecordBatch.objects.filter(source=RECORDS_SOURCE).delete()
    return build_records(ctx)


def record_months(ctx, today: dt.date | None = None) -> list[dt.date]:
    """The RECORD_MONTHS months ending with the last full month of the demo's years."""
    today = today or dt.date.today()
    last = min(dt.date(ctx.years[-1], 12, 1), (today.replace(day=1) - dt.timedelta(days=1)))
    last = last.replace(day=1)
    months = [last]
    while len(months) < RECORD_MONTHS:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months[::-1]


def _category_shares() -> tuple[list[str], np.ndarray]:
    groups = dict(
        RegionalCategoryCount.objects.filter(region_key="almaty-city").values_list(
            "category", "registered"
        )
    )
    shares: dict[str, float] = {}
    for group, mix in GROUP_MIX.items():
        for code, share in mix.items():
            shares[code] = shares.get(code, 0.0) + groups.get(group, 0) * share
    shares["anti-social-behaviour"] = sum(groups.values()) * ANTI_SOCIAL_SHARE
    codes = sorted(shares)
    weights = np.array([shares[c] for c in codes], dtype=float)
    return codes, weights / weights.sum()


def _generated_records(ctx, rng) -> list[Row]:
    """Records where people live: each at a resident drawn from the population points,
    moved up to ~40 m, at the real city rate of registered offences per resident."""
    places = np.array(
        list(
            PopulationPoint.objects.filter(region=ctx.region)
            .exclude(department=None)
            .order_by("id")
            .values_list("lon", "lat", "residents", "department_id", "precinct_id")
        ),
        dtype=np.float64,
    ).reshape(-1, 5)
    if len(places) == 0:
        return []
    total = sum(
        RegionalCategoryCount.objects.filter(region_key="almaty-city").values_list(
            "registered", flat=True
        )
    )
    population = RegionPopulation.objects.get(region_key="almaty-city").population
    per_month = total / population / 12 * places[:, 2].sum() * (1 + ANTI_SOCIAL_SHARE)
    codes, shares = _category_shares()
    outcomes, outcome_p = list(OUTCOME_MIX), np.array(list(OUTCOME_MIX.values()))
    weights = places[:, 2] / places[:, 2].sum()
    metres = 1 / 111_320
    rows: list[Row] = []
    months = record_months(ctx)
    for age, month in enumerate(reversed(months)):
        n = int(rng.poisson(per_month * rng.uniform(0.9, 1.1)))
        at = rng.choice(len(places), size=n, p=weights)
        jitter = rng.normal(0, 20 * metres, size=(n, 2))
        category = rng.choice(codes, size=n, p=shares)
        resolved = rng.random(n) < min(0.25 + 0.1 * age, 0.95)
        outcome = rng.choice(outcomes, size=n, p=outcome_p / outcome_p.sum())
        delay = np.minimum(rng.geometric(0.5, size=n) - 1, age)
        for k in range(n):
            p = places[at[k]]
            done = bool(resolved[k])
            rows.append(
                Row(
                    ref=f"{month:%Y%m}-{k:05d}",
                    month=month,
                    category=str(category[k]),
                    outcome=str(outcome[k]) if done else "under-investigation",
                    outcome_month=_add_months(month, int(delay[k])) if done else month,
                    lon=float(p[0] + jitter[k, 0] / np.cos(np.radians(p[1]))),
                    lat=float(p[1] + jitter[k, 1]),
                    department_id=int(p[3]),
                    precinct_id=int(p[4]) if p[4] == p[4] else None,
                )
            )
    return _planted_fall(rows, places, months, ctx.rng(f"{STEP}.planted-fall"))


# A planted fall: the precinct with the most residents records fewer and fewer of its
# offences over the last PLANTED_FALL_MONTHS months (the newest keeps PLANTED_FALL_KEEP of
# them) while its 102 calls and appeals go on as before, so that the recording integrity
# check (integrity/recording.py, docs/evaluation.md) has a precinct to find in the demo.
# Six months to a tenth left its trend test at z ≈ -3.0 against the -3.09 limit, so
# whether it was flagged depended on the day the demo was built (its calls end today);
# eight months to a twentieth gives z ≈ -4 on the central-Almaty cut.
PLANTED_FALL_MONTHS = 8
PLANTED_FALL_KEEP = 0.05


def planted_fall_precinct(places: np.ndarray) -> int | None:
    """The precinct whose recording falls: the one with the most residents."""
    located = places[:, 4] == places[:, 4]
    if not located.any():
        return None
    ids, which = np.unique(places[located, 4], return_inverse=True)
    return int(ids[np.argmax(np.bincount(which, weights=places[located, 2]))])


def _planted_fall(rows: list[Row], places: np.ndarray, months, rng) -> list[Row]:
    target = planted_fall_precinct(places)
    last = months[-1]
    draws = rng.random(len(rows))  # its own generator: the other records stay as they were
    kept = []
    for row, u in zip(rows, draws, strict=True):
        age = (last.year - row.month.year) * 12 + last.month - row.month.month
        if row.precinct_id == target and age < PLANTED_FALL_MONTHS:
            share = PLANTED_FALL_KEEP + (1 - PLANTED_FALL_KEEP) * age / PLANTED_FALL_MONTHS
            if u >= share:
                continue
        kept.append(row)
    return kept


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)
