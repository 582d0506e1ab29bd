"""What the neighbourhood pages show: a precinct, a department, a region, the country.

Pages are public (no account): officers appear with the work contacts the access rules
make public, posts with their hours, the head's next receptions, the precinct's
priorities with what was done, and the figures of ``figures`` beside those of the area
above (a precinct's and a department's city or region; a region's country).
Addresses are stable and readable: ``/neighbourhoods/<department code>/<precinct
number>/``, ``/neighbourhoods/<department code>/``, ``/neighbourhoods/regions/<region
code>/`` and ``/neighbourhoods/``.
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from precinct.neighbourhoods import figures
from precinct.priorities import metrics as priorities_metrics
from precinct.receptions import metrics as receptions_metrics
from precinct.territory import metrics as territory_metrics
from precinct.territory.models import Department, Precinct, Region

RECEPTIONS_SHOWN = 3
# What a department's list of precincts reads: no boundaries (a city's would be megabytes).
LIST_FIELDS = (
    "id", "number", "residents", "department_id", "department__code", "department__name",
    "department__name_kk", "department__name_en",
)  # fmt: skip


def precinct_url(*, department_code: str, number: int) -> str:
    return reverse("neighbourhoods:precinct", args=[department_code, number])


def department_url(department: Department) -> str:
    return reverse("neighbourhoods:department", args=[department.code])


def region_url(region: Region) -> str:
    return reverse("neighbourhoods:region", args=[region.code])


def find_precinct(*, department_code: str, number: int) -> Precinct | None:
    return (
        Precinct.objects.select_related("department", "department__region")
        .defer("boundary", "department__boundary", "department__region__boundary")
        .filter(department__code=department_code, number=number)
        .first()
    )


def find_department(*, code: str) -> Department | None:
    return (
        Department.objects.select_related("region", "parent")
        .defer("boundary", "region__boundary", "parent__boundary")
        .filter(code=code)
        .first()
    )


def find_region(*, code: str) -> Region | None:
    return Region.objects.defer("boundary").filter(code=code).first()


def _figure_rows(here: dict, there: dict | None, against: dict | None = None) -> list[dict]:
    """One row per figure: its kind, value here, value in the area above, trend, and
    (``against``) where the value lies against the funnel limits of the area above for
    its size, given only where both values are published."""
    rows = []
    for key, kind in figures.KINDS.items():
        now = here[key]["now"]
        compare = there[key]["now"] if there else None
        both_shown = not now.why and compare is not None and not compare.why
        rows.append(
            {
                "key": key,
                "kind": kind,
                "now": now,
                "compare": compare,
                "trend": here[key]["trend"],
                "against": (against or {}).get(key) if both_shown else None,
            }
        )
    return rows


def _period(raw: dict) -> dict:
    return {
        "start": raw["year"][0],
        "end": raw["year"][1],
        "survey_periods": raw["surveys"]["periods"],
        "coverage_minutes": raw["coverage_minutes"],
        "min_count": figures.min_count(),
        "survey_min_n_eff": settings.PRECINCT_SURVEY_MIN_N_EFF,
    }


def precinct_page(*, precinct: Precinct, now: dt.datetime | None = None) -> dict:
    """Everything a precinct's page shows (its team, posts, receptions, priorities and
    figures against its city's)."""
    now = now or timezone.now()
    department = precinct.department
    region = department.region
    raw = figures.area_figures(today=timezone.localtime(now).date())
    here = figures.published(raw, level="precinct", pk=precinct.pk, department_id=department.pk)
    city = figures.published(raw, level="region", pk=region.pk)
    themes = priorities_metrics.themes_raised(precinct_id=precinct.pk)
    return {
        "precinct": territory_metrics.precinct_card(precinct_id=precinct.pk),
        "team": territory_metrics.precinct_team(precinct_id=precinct.pk),
        "department": department,
        "department_url": department_url(department),
        "region": region,
        "region_url": region_url(region),
        "receptions": receptions_metrics.upcoming_receptions_of_department(
            department_id=department.pk, now=now, limit=RECEPTIONS_SHOWN
        ),
        "priorities": _priorities(precinct.pk, timezone.localtime(now).date(), themes),
        "themes": themes,
        "themes_period": priorities_metrics.raised_period(timezone.localtime(now).date()),
        "figures": _figure_rows(
            here,
            city,
            figures.against(
                raw,
                level="precinct",
                pk=precinct.pk,
                above="region",
                above_pk=region.pk,
                department_id=department.pk,
            ),
        ),
        "period": _period(raw),
    }


def _priorities(precinct_id: int, today: dt.date, themes: list[dict]) -> list[dict]:
    """The current priorities, each with how many residents raised its theme lately
    (a Figure: the count, "fewer than N" or none)."""
    raised = {t["theme"]: t["total"] for t in themes}
    rows = priorities_metrics.precinct_priorities(precinct_id=precinct_id, today=today)
    for row in rows:
        if not row["theme"]:
            row["raised"] = None
        elif row["theme"] not in raised:
            row["raised"] = figures.Figure(0)
        elif raised[row["theme"]] is None:
            row["raised"] = figures.Figure.few()
        else:
            row["raised"] = figures.Figure(raised[row["theme"]])
    return rows


def department_page(*, department: Department, query: str = "") -> dict:
    """A department's page: its contacts, receptions, figures against its region's, the
    departments below it and its precincts, searched by number (``with_figures`` adds
    the figures of the rows a page shows)."""
    region = department.region
    raw = figures.area_figures()
    here = figures.published(raw, level="department", pk=department.pk)
    city = figures.published(raw, level="region", pk=region.pk)
    precincts = Precinct.objects.filter(department__path__startswith=department.path)
    if query.isdigit():
        precincts = precincts.filter(number=int(query))
    elif query:
        precincts = precincts.none()
    rows = [
        {"pk": p.pk, "number": p.number, "name": str(p), "residents": p.residents,
         "department_id": p.department_id, "department_code": p.department.code}
        for p in precincts.select_related("department")
        .only(*LIST_FIELDS)
        .order_by("department__path", "number")
    ]  # fmt: skip
    below = department.children.defer("boundary").order_by("path")
    return {
        "department": department,
        "parent_url": department_url(department.parent) if department.parent_id else None,
        "region": region,
        "region_url": region_url(region),
        "children": [{"name": d.display_name, "url": department_url(d)} for d in below],
        "receptions": receptions_metrics.upcoming_receptions_of_department(
            department_id=department.pk, limit=RECEPTIONS_SHOWN
        ),
        "figures": _figure_rows(
            here,
            city,
            figures.against(
                raw, level="department", pk=department.pk, above="region", above_pk=region.pk
            ),
        ),
        "period": _period(raw),
        "precincts": rows,
    }


def with_figures(rows: list[dict]) -> list[dict]:
    """Precinct rows of a department's list (one page of it) with their address and main
    figures: published per row, so only the page shown is computed."""
    raw = figures.area_figures()
    for row in rows:
        shown = figures.published(
            raw, level="precinct", pk=row["pk"], department_id=row["department_id"]
        )
        row["url"] = precinct_url(department_code=row["department_code"], number=row["number"])
        for key in ("on_time", "arrival_p50", "coverage"):
            row[key] = shown[key]["now"]
    return rows


def _side_by_side(raw: dict, level: str, areas, url, above: str, above_pk: int) -> list[dict]:
    """Areas in rows, their main figures in columns; ``cells`` adds to each figure where
    it lies against the funnel limits of the area above (``above``) for the area's size
    ("" without a funnel, or where either figure is withheld)."""
    there = figures.published(raw, level=above, pk=above_pk)
    out = []
    for area in areas:
        shown = figures.published(raw, level=level, pk=area.pk)
        funnel = figures.against(raw, level=level, pk=area.pk, above=above, above_pk=above_pk)
        values = [(key, figures.KINDS[key], shown[key]["now"]) for key in SIDE_BY_SIDE]
        cells = [
            (key, kind, value, _verdict(funnel.get(key), value, there[key]["now"]))
            for key, kind, value in values
        ]
        out.append({"name": area.display_name, "url": url(area), "values": values, "cells": cells})
    return out


def _verdict(found: dict | None, here, there) -> str:
    if not found or here.why or there.why:
        return ""
    return found["verdict"]


# The figures of the side-by-side tables (a phone scrolls the table in its own box).
SIDE_BY_SIDE = ("on_time", "rating", "arrival_p50", "arrival_within", "coverage", "trust")


def region_page(*, region: Region) -> dict:
    """A region's figures against the country's, and its departments side by side."""
    raw = figures.area_figures()
    here = figures.published(raw, level="region", pk=region.pk)
    country = figures.published(raw, level="total", pk=0)
    departments = Department.objects.filter(region=region).defer("boundary").order_by("path")
    return {
        "region": region,
        "figures": _figure_rows(
            here,
            country,
            figures.against(raw, level="region", pk=region.pk, above="total", above_pk=0),
        ),
        "period": _period(raw),
        "departments": _side_by_side(
            raw, "department", departments, department_url, "region", region.pk
        ),
        "columns": SIDE_BY_SIDE,
    }


def national_page() -> dict:
    """Every region side by side, and the country's figures."""
    raw = figures.area_figures()
    country = figures.published(raw, level="total", pk=0)
    regions = Region.objects.defer("boundary").order_by("name")
    return {
        "figures": _figure_rows(country, None),
        "period": _period(raw),
        "regions": _side_by_side(raw, "region", regions, region_url, "total", 0),
        "columns": SIDE_BY_SIDE,
    }
