"""Demo step of crime statistics: the real Form 1-M statistics of all 20 regions and the
population table, then generated department counts for the Almaty demo.

Real: the Form 1-M workbooks and the population table (../shared/data). Generated (and
labelled so): department counts, the real Almaty rate spread over districts by residents.
"""

import dataclasses
import json
from pathlib import Path

from django.conf import settings

from precinct.analytics import form1m
from precinct.crime import services
from precinct.crime.models import RegionalCategoryCount, RegionPopulation

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
