"""Coverage of residents by posts along the walking network, per precinct, department,
region and in total; and the map layers of the coverage page.

Reads only: posts and population from territory, arithmetic from the analytics core.
People give and read walking times in minutes; the core takes seconds: this adapter
checks the minutes (``territory.walking``) and converts them at the edge. Times run door
to door: each post's search starts with its own access leg (street to door) and each
resident's leg (door to street) is added to his node's time.
"""

import json
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext as _

from precinct.analytics import coverage as core
from precinct.planning import inputs
from precinct.planning.errors import PlanningError
from precinct.territory import network as territory_network
from precinct.territory.models import Department, Post, Precinct, Region
from precinct.territory.walking import access_leg_seconds, walking_minutes, walking_seconds

OPEN_STATES = (Post.State.OPEN,)
WHAT_IF_STATES = (Post.State.OPEN, Post.State.BUILDING, Post.State.PLANNED)
LEVELS = ("department", "precinct", "region", "total")


@dataclass
class CoverageRow:
    """Residents of one area and how many of them live within each walking time."""

    level: str
    id: int | None
    name: str
    residents: float
    within: list[float]  # aligned with CoverageReport.minutes
    parent_id: int | None = None

    def share(self, i: int = 0) -> float:
        return self.within[i] / self.residents if self.residents > 0 else 0.0


@dataclass
class CoverageReport:
    """Coverage for a list of walking times, with or without the posts still to open."""

    minutes: list[float]
    what_if: bool
    posts_counted: int
    residents_off_network: float
    rows: dict[str, list[CoverageRow]] = field(default_factory=dict)


def check_minutes(minutes_list) -> list[float]:
    """Walking times in minutes as floats, each checked by the one rule of walking times."""
    out = [walking_minutes(m) for m in minutes_list]
    if not out:
        raise PlanningError(_("Give at least one walking time."), field="minutes")
    return out


def reach(*, limit_s: float, what_if: bool = False, region: str | None = None):
    """(walk network, population, seconds from the nearest counted post's door per node,
    posts) on the walking network of ``region`` (a Region code; None: the single one).

    Nodes farther than ``limit_s`` seconds from every counted post get ``inf``.
    """
    walk = inputs.walk_network(region=region)
    pop = inputs.population(walk)
    _kept, nodes, legs = inputs.post_nodes(walk, WHAT_IF_STATES if what_if else OPEN_STATES)
    times = core.reach_times(walk.graph, nodes, limit_s=limit_s, offsets=legs)
    return walk, pop, times, len(nodes)


def reach_points(*, limit_s: float, what_if: bool = False):
    """(population, seconds from each resident's door to the nearest counted post's door,
    residents off the network, posts counted), each region on its own walking network.

    Residents of a region without an imported network count as off the network.
    """
    networks = territory_network.networks_by_region("walk")
    region_ids = dict(Region.objects.values_list("code", "id"))
    pop, times, off, n_posts = None, None, None, 0
    for code, walk in networks:
        pop = inputs.population(walk)
        _, nodes, legs = inputs.post_nodes(walk, WHAT_IF_STATES if what_if else OPEN_STATES)
        node_times = core.reach_times(walk.graph, nodes, limit_s=limit_s, offsets=legs)
        mine = (
            np.ones(len(pop.node), bool)
            if code is None
            else pop.region_id == region_ids.get(code, -1)
        )
        if times is None:
            times, off = np.full(len(pop.node), np.inf), np.ones(len(pop.node), bool)
        times[mine] = core.point_times(node_times, pop.node, pop.access_s)[mine]
        off[mine] = pop.node[mine] < 0
        n_posts += len(nodes)
    return pop, times, off, n_posts


def residents_brought(*, post: Post, minutes: float) -> dict[int, tuple[float, float]]:
    """Per precinct: (residents, residents within ``minutes`` of walking of ``post`` and
    of no other open post), on the walking network of the post's region. What a post
    "brings within reach" is this difference: residents already near another post gain
    nothing. Precincts the post brings no one to are left out."""
    limit_s = walking_seconds(walking_minutes(minutes))
    walk = territory_network.network_at("walk", post.lon, post.lat)
    pop = inputs.population(walk)
    ids, nodes, legs = inputs.post_nodes(walk, OPEN_STATES)
    others = ids != post.pk
    own, own_metres = walk.snapper.snap_many(np.array([post.lon]), np.array([post.lat]))
    if own[0] < 0:
        return {}
    own_leg = access_leg_seconds(walk.graph, own_metres)
    near_own = core.point_times(
        core.reach_times(walk.graph, own, limit_s=limit_s, offsets=own_leg), pop.node,
        pop.access_s,
    ) <= limit_s  # fmt: skip
    near_other = core.point_times(
        core.reach_times(walk.graph, nodes[others], limit_s=limit_s, offsets=legs[others]),
        pop.node, pop.access_s,
    ) <= limit_s  # fmt: skip
    brought = near_own & ~near_other & (pop.precinct_id > 0)
    out = {}
    for precinct_id in np.unique(pop.precinct_id[brought]):
        mine = pop.precinct_id == precinct_id
        out[int(precinct_id)] = (
            float(pop.residents[mine].sum()),
            float(pop.residents[mine & brought].sum()),
        )
    return out


def coverage_report(*, minutes_list, what_if: bool = False, levels=LEVELS) -> CoverageReport:
    """Residents within each walking time of a post, per area at each requested level."""
    minutes = check_minutes(minutes_list)
    for level in levels:
        if level not in LEVELS:
            raise PlanningError(
                _("Unknown level “%(level)s”: use %(levels)s.")
                % {"level": level, "levels": ", ".join(LEVELS)},
                field="level",
            )
    pop, point_times, off_network, n_posts = reach_points(
        limit_s=walking_seconds(max(minutes)), what_if=what_if
    )
    report = CoverageReport(
        minutes=minutes,
        what_if=what_if,
        posts_counted=n_posts,
        residents_off_network=float(pop.residents[off_network].sum()),
    )
    builders = {
        "department": _department_rows,
        "precinct": _precinct_rows,
        "region": _region_rows,
        "total": _total_rows,
    }
    for level in levels:
        report.rows[level] = builders[level](pop, point_times, minutes)
    return report


def _grouped(ids: np.ndarray, pop, times, minutes):
    """Per distinct id (0 = unknown, left out): residents and residents within each time."""
    labels, groups = np.unique(ids, return_inverse=True)
    reaches_s = [walking_seconds(m) for m in minutes]
    within = core.coverage_by_group(times, pop.residents, groups, len(labels), reaches_s)
    residents = np.bincount(groups, weights=pop.residents, minlength=len(labels))
    return {
        int(label): (float(residents[i]), within[i].tolist())
        for i, label in enumerate(labels)
        if label != 0
    }


def _department_rows(pop, times, minutes) -> list[CoverageRow]:
    """Every department: its own residents plus those of every department below it."""
    leaf = _grouped(pop.department_id, pop, times, minutes)
    rows = []
    departments = list(Department.objects.order_by("path"))
    for dep in departments:
        members = [d.id for d in departments if d.path.startswith(dep.path)]
        residents = sum(leaf[m][0] for m in members if m in leaf)
        within = [sum(leaf[m][1][j] for m in members if m in leaf) for j in range(len(minutes))]
        rows.append(CoverageRow("department", dep.id, dep.display_name, residents, within,
                                dep.parent_id))  # fmt: skip
    return rows


def _precinct_rows(pop, times, minutes) -> list[CoverageRow]:
    grouped = _grouped(pop.precinct_id, pop, times, minutes)
    precincts = Precinct.objects.select_related("department").order_by("department", "number")
    return [
        CoverageRow(
            "precinct",
            p.id,
            str(p),
            *grouped.get(p.id, (0.0, [0.0] * len(minutes))),
            parent_id=p.department_id,
        )
        for p in precincts
    ]


def _region_rows(pop, times, minutes) -> list[CoverageRow]:
    grouped = _grouped(pop.region_id, pop, times, minutes)
    return [
        CoverageRow("region", r.id, r.display_name, *grouped.get(r.id, (0.0, [0.0] * len(minutes))))
        for r in Region.objects.order_by("name")
    ]


def _total_rows(pop, times, minutes) -> list[CoverageRow]:
    everyone = np.zeros(len(times), dtype=np.int64)
    reaches_s = [walking_seconds(m) for m in minutes]
    within = core.coverage_by_group(times, pop.residents, everyone, 1, reaches_s)[0]
    return [CoverageRow("total", None, "", float(pop.residents.sum()), within.tolist())]


# --- map layers -----------------------------------------------------------------------
_iso_cache: dict[tuple, dict] = {}


def map_regions() -> list[Region]:
    """The regions the coverage map can show one at a time: those with their own imported
    network, when there are several (else the map shows the single network: empty list)."""
    codes = territory_network.imported_regions()
    if territory_network.network_path("walk").is_file() or len(codes) <= 1:
        return []  # as networks_by_region: one network serves everything
    return list(Region.objects.filter(code__in=codes).order_by("name"))


def coverage_map(*, minutes: float, what_if: bool = False, region: str | None = None) -> dict:
    """What the coverage map draws: residents covered / not, isochrone area, posts, on
    the walking network of ``region`` (one of ``map_regions()``; None with a single one).

    Residents are aggregated per network node (no person is ever shown), coordinates
    rounded to about a metre.
    """
    (minutes,) = check_minutes([minutes])
    walk, pop, times, _n_posts = reach(
        limit_s=walking_seconds(minutes), what_if=what_if, region=region
    )
    mine = None if region is None else pop.region_id == _region_id(region)
    rows, weights, _nodes, legs = inputs.demand(pop, mine)
    covered = times[rows] + legs <= walking_seconds(minutes)
    g = walk.graph
    layers = {}
    for key, mask in (("covered", covered), ("uncovered", ~covered)):
        # One dot per street node: its residents in this layer (legs may split a node).
        nodes, inverse = np.unique(rows[mask], return_inverse=True)
        people = np.bincount(inverse.ravel(), weights=weights[mask], minlength=nodes.size)
        layers[key] = {
            "lon": np.round(g.lon[nodes], 5).tolist(),
            "lat": np.round(g.lat[nodes], 5).tolist(),
            "residents": np.round(people).astype(int).tolist(),
        }
    shown = Post.objects.filter(state__in=WHAT_IF_STATES)
    if region is not None:
        shown = shown.filter(department__region__code=region)
    posts = [
        {"lon": round(lon, 5), "lat": round(lat, 5), "name": name, "state": state}
        for lon, lat, name, state in shown.values_list("lon", "lat", "name", "state")
    ]
    return {
        "minutes": minutes,
        "what_if": what_if,
        "points": layers,
        "posts": posts,
        "isochrone": isochrone_geojson(walk, times, minutes, what_if),
    }


def _region_id(code: str) -> int:
    region = Region.objects.filter(code=code).values_list("id", flat=True).first()
    if region is None:
        raise PlanningError(_("Unknown region “%(code)s”.") % {"code": code}, field="region")
    return region


def isochrone_geojson(walk, times, minutes: float, what_if: bool) -> dict:
    """The area within ``minutes`` of the counted posts as GeoJSON (cached per posts state)."""
    key = (walk.stamp, minutes, what_if, hash(times.tobytes()))
    cached = _iso_cache.get(key)
    if cached is None:
        area = core.isochrone_polygons(walk.graph, times, walking_seconds(minutes))
        if area.is_empty:
            cached = None
        else:
            cached = json.loads(shapely.to_geojson(shapely.set_precision(area, 1e-5)))
        if len(_iso_cache) > 16:
            _iso_cache.clear()
        _iso_cache[key] = cached
    return cached
