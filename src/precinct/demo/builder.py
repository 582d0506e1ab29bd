"""``precinct demo build``: a realistic demo city from real open data, in one transaction.

The territory comes first; every later capability (appeals, dispatch, planning,
evaluation) adds a step: a module ``precinct.<app>.demo`` with ``build(ctx) -> list[str]``,
named in ``DEMO_STEPS``. Each step gets the same context and its own seeded generator,
so adding a step never changes what the steps before it build.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from precinct.analytics.network import (
    BASEMAP_FILE,
    NetworkImportError,
    Networks,
    Snapper,
    read_features,
)
from precinct.demo import almaty, territory
from precinct.demo.accounts import create_demo_accounts, demo_password
from precinct.demo.addresses import create_addresses
from precinct.demo.inputs import DemoInputError, DemoInputs, city_boundary, official_population
from precinct.territory import network as territory_network
from precinct.territory.models import Precinct, Region
from precinct.territory.services import region_networks_import

# Steps after the territory, in order; each is "precinct.<app>.demo.build".
DEMO_STEPS: list[str] = [
    "precinct.planning.demo.build",
    "precinct.appeals.demo.build",
    "precinct.receptions.demo.build",
    "precinct.dispatch.demo.build",
    # Real crime statistics first: the survey margins use the city's real sex split.
    "precinct.crime.demo.build",
    # Street-level records: anonymous map points from the streets and residents, then records.
    "precinct.crime.demo.build_records",
    "precinct.surveys.demo.build",
    "precinct.integrity.demo.build",
    # Priorities residents set: before evaluation, which counts their reviews.
    "precinct.priorities.demo.build",
    # Evaluation reads every other app's measures: keep it last.
    "precinct.evaluation.demo.build",
]


@dataclass(frozen=True)
class PlantedPilot:
    """A foot patrol pilot in a few precincts from ``starts_on``: in them, from that day,
    ``fewer_calls`` of the simulated 102 calls do not happen and the travel of those that
    do is shorter by ``faster_travel`` (shares). Planted so that the interventions page
    has a known effect to find (docs/demo.md, "Interventions")."""

    precinct_ids: tuple[int, ...]
    starts_on: dt.date
    fewer_calls: float = 0.3
    faster_travel: float = 0.5


PILOT_PRECINCTS = 6
# The pilot starts this many whole months before the build, so the year of calls has
# months on both sides of it.
PILOT_MONTHS_AGO = 6


def planted_pilot(seed: int, precincts: list, today: dt.date) -> PlantedPilot | None:
    """A few precincts drawn at random (a generator of its own) among the most populous
    third but the first, where a pilot would go and where a month has calls enough for a
    median, from the first day of the month PILOT_MONTHS_AGO before ``today``'s."""
    inhabited = sorted((p for p in precincts if p.residents > 0 and p.boundary),
                       key=lambda p: (-p.residents, p.pk))  # fmt: skip
    # Not the most populous one: the records step plants a fall of recording there over
    # the same last months (crime.demo), which would read as the pilot's effect.
    busiest = sorted(p.pk for p in inhabited[1 : len(inhabited) // 3])
    if len(busiest) < PILOT_PRECINCTS or len(inhabited) < 3 * PILOT_PRECINCTS:
        return None
    rng = np.random.default_rng([seed, *b"pilot"])
    chosen = rng.choice(busiest, size=PILOT_PRECINCTS, replace=False)
    k = today.year * 12 + today.month - 1 - PILOT_MONTHS_AGO
    return PlantedPilot(tuple(sorted(int(i) for i in chosen)), dt.date(k // 12, k % 12 + 1, 1))


@dataclass
class DemoContext:
    """What a demo step may build on: the territory and the networks."""

    seed: int
    region: object
    city: object
    departments: list
    precincts: list
    walk: object
    drive: object
    log: Callable[[str], None]
    # The years the demo's statistics, survey waves and evaluation periods cover.
    years: tuple[int, ...] = (2025, 2026)
    # A foot patrol pilot whose effect the 102 step plants in its calls and evaluation
    # records as an intervention (None: no pilot).
    pilot: PlantedPilot | None = None

    def rng(self, step: str) -> np.random.Generator:
        """A generator of its own for each step, derived from the seed and the step's name."""
        return np.random.default_rng([self.seed, *step.encode()])

    def residents(self) -> dict[int, int]:
        """Residents per district department, summed over its precincts."""
        rows = Precinct.objects.filter(department__in=self.departments).values("department")
        return dict(rows.annotate(n=Sum("residents")).values_list("department", "n"))


@dataclass
class DemoReport:
    """What was built, for the command's summary."""

    lines: list[str] = field(default_factory=list)
    password: str = ""
    password_generated: bool = False

    def add(self, line: str) -> None:
        self.lines.append(line)


def default_inputs() -> DemoInputs:
    """Almaty from the shared open data."""
    data = Path(settings.SHARED_DATA_DIR)
    return DemoInputs(
        osm=data / "osm" / "almaty.osm.pbf",
        boundaries=data / "kz_boundaries" / "geoBoundaries-KAZ-ADM2.geojson",
        population_csv=data / "kz_population" / "city_population.csv",
    )


def demo_exists() -> bool:
    """A demo (or any territory) is already in the database."""
    return Region.objects.exists()


def build_demo(
    *,
    seed: int,
    inputs: DemoInputs,
    staffing: territory.Staffing | None = None,
    log: Callable[[str], None] = print,
) -> DemoReport:
    """Import the network, then build the whole demo city or nothing.

    The road network goes where ``precinct network import FILE --region almaty`` puts a
    deployment's (``PRECINCT_NETWORK_DIR/almaty/current``), through the same service, and
    the city is built on the graphs loaded from there: the ones the site then serves.
    """
    inputs.check()
    boundary = city_boundary(inputs.boundaries, almaty.BOUNDARY_NAME)
    population = official_population(inputs.population_csv, almaty.POPULATION_REGION)
    staffing = staffing or territory.Staffing(
        residents_per_inspector=settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN,
        staffed_share=settings.PRECINCT_DEMO_STAFFED_SHARE,
    )
    with transaction.atomic():
        region = territory.create_region(population)
        networks = _import_region_network(region, inputs.osm, log)
        features = read_features(inputs.osm)
        report, ctx = _build_territory(seed, region, boundary, networks, features, staffing, log)
        for step in DEMO_STEPS:
            log(f"Demo step {step} …")
            report.lines += import_string(step)(ctx)
    return report


def _import_region_network(region: Region, osm: Path, log) -> Networks:
    """Import the extract into the region's network folder; the graphs as served.

    The region has no area yet, so the import keeps the whole extract (its nodes' convex
    hull is the region's network area): the same graphs as the demo served before
    regions, the roads around the city too. A network imported before regions (an older
    demo's ``walk.npz``, ``drive.npz``, ``basemap.npz`` at the top of the folder) is moved
    aside afterwards: left there it would still answer the pages that draw the whole
    deployment (coverage, patrol sizing), which prefer it (``networks_by_region``).
    """
    log(f"Importing the road network from {osm.name} into region {region.code} …")
    region_networks_import([osm], region=region.code, log=lambda line: log("  " + line))
    _set_legacy_network_aside(log)
    return Networks(
        walk=territory_network.network("walk", region=region.code).graph,
        drive=territory_network.network("drive", region=region.code).graph,
    )


#: Where the demo build moves a network imported before regions (kept, not deleted).
LEGACY_ASIDE = "before-regions"


def _set_legacy_network_aside(log) -> None:
    top = territory_network.network_dir()
    files = [territory_network.network_path(mode) for mode in ("walk", "drive")]
    files.append(top / BASEMAP_FILE)
    found = [path for path in files if path.is_file()]
    if not found:
        return
    aside = top / LEGACY_ASIDE
    aside.mkdir(exist_ok=True)
    for path in found:
        path.replace(aside / path.name)
    log(
        f"  Moved the network imported before regions ({', '.join(p.name for p in found)}) "
        f"to {aside}: the region's import serves the demo."
    )


def _build_territory(seed, region, boundary, networks, features, staffing, log):
    walk = networks.walk
    rng = np.random.default_rng(seed)
    report = DemoReport()
    area = territory.city_area(boundary, walk)
    population = residents = region.population
    if not territory.extract_spans(boundary, walk):  # a cut (tests, one district's extract)
        covered = territory.covered_share(boundary, walk)
        residents = round(population * covered)
        report.add(f"The extract covers {covered:.0%} of the city; residents scaled to match")
    log("Spreading residents over the network …")
    nodes = territory.city_nodes(walk, area, features.buildings, residents, rng)
    districts = territory.assign_districts(walk, Snapper(walk), nodes)
    seeds = territory.assign_precincts(walk, nodes, len(districts), staffing, rng)
    territory.set_region_area(region, area)
    city, departments = territory.create_departments(region, area, districts, nodes)
    log("Drawing precincts …")
    precincts = territory.create_precincts(departments, nodes, seeds)
    points = territory.create_population(region, departments, precincts, nodes)
    posts = territory.create_posts(
        precincts, nodes, seeds, features.police_stations(), staffing, rng
    )
    staff = territory.create_staff(city, departments, precincts, staffing, rng)
    addresses = create_addresses(region, area, features)
    report.password, report.password_generated = demo_password()
    accounts = create_demo_accounts(city, departments, report.password)
    real_posts = sum(p.source == "real" for p in posts)
    report.add(f"Region {region.name}: {residents:,} residents on {points:,} network points")
    report.add(f"{len(departments)} district departments (derived) under {city.name}")
    missing = [d.name for d in almaty.DISTRICTS if d not in districts]
    if missing:
        report.add("No roads of the extract reach: " + ", ".join(missing))
    report.add(f"{len(precincts)} precincts, {len(posts)} posts ({real_posts} real from OSM)")
    report.add(", ".join(f"{n} {role}" for role, n in staff.items()))
    report.add(f"{addresses:,} searchable addresses and streets")
    report.add("Demo accounts: " + ", ".join(accounts))
    ctx = DemoContext(seed, region, city, departments, precincts, walk, networks.drive, log)
    ctx.pilot = planted_pilot(seed, precincts, timezone.localdate())
    return report, ctx


__all__ = ["DemoInputError", "DemoReport", "NetworkImportError", "build_demo", "default_inputs"]
