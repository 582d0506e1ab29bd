"""Patrol sizing: cars and foot patrols per zone and shift to reach a share of emergencies
within the arrival target, by a queueing model, checked by a discrete-event simulation.

Demand by zone (department) and hour comes from the 102 records
(``dispatch.metrics.demand_by_zone_hour``: emergencies per hour of the day); only when
there are none is it the demo's: calls in proportion to residents over a typical 102 day
profile. Travel times are samples of the routing engine: cars patrol the zone, foot
patrols leave from the posts.
"""

import hashlib
import threading
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from precinct.analytics import patrol as core
from precinct.analytics.coverage import point_times
from precinct.analytics.network import one_to_many
from precinct.dispatch import metrics as dispatch_metrics
from precinct.planning import inputs
from precinct.planning.coverage import reach
from precinct.territory import network as territory_network
from precinct.territory.models import Department
from precinct.territory.network import network

# Share of a day's 102 calls in each hour (Almaty-like: quiet at dawn, peak in the evening).
HOURLY_PROFILE = np.array(
    [3.4, 2.8, 2.2, 1.8, 1.6, 1.8, 2.4, 3.2, 3.8, 4.2, 4.4, 4.6,
     4.8, 4.8, 4.8, 5.0, 5.2, 5.4, 5.8, 6.0, 6.0, 5.6, 4.8, 4.2]
)  # fmt: skip
HOURLY_PROFILE = HOURLY_PROFILE / HOURLY_PROFILE.sum()
SHIFTS = (("night", 0, 8), ("day", 8, 16), ("evening", 16, 24))
ORIGINS, TARGETS = 12, 40  # travel-time samples per zone: origins x targets
FAR_S = 2 * 3600.0  # travel beyond this counts as unreachable
SIM_S = 5000 * 3600.0  # simulated time per zone and shift (after the warm-up)


@dataclass
class ShiftSizing:
    """Units needed in one zone and shift, and the share within target they achieve."""

    shift: str
    calls_per_hour: float
    units: int | None
    predicted_share: float | None
    simulated_share: float | None


@dataclass
class ZoneSizing:
    department_id: int
    name: str
    residents: float
    mode: str  # "car" or "foot"
    median_travel_s: float
    shifts: list[ShiftSizing] = field(default_factory=list)


@dataclass
class PatrolReport:
    demand_source: str  # "dispatch" or "demo"
    target_min: float
    target_share: float
    service_min: float
    zones: list[ZoneSizing]
    notes: list[str]
    # Zones whose region has no road network imported: not sized (their units are None).
    without_network: list[str] = field(default_factory=list)


def demand_by_zone_hour(pop: inputs.Population) -> tuple[str, dict[int, np.ndarray]]:
    """Emergency calls per hour of day per zone: the 102 records, else the demo's.

    The zones are the departments with residents; with records, a zone without calls has
    no demand (zeros), and calls of a department without residents size no zone.
    """
    residents: dict[int, float] = {}
    for dep, people in zip(pop.department_id, pop.residents, strict=True):
        if dep and people > 0:
            residents[int(dep)] = residents.get(int(dep), 0.0) + float(people)
    recorded = dispatch_metrics.demand_by_zone_hour()
    if recorded:
        return "dispatch", {
            dep: np.asarray(recorded.get(dep, np.zeros(24)), dtype=float) for dep in residents
        }
    per_day = settings.PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY
    return "demo", {dep: r * per_day * HOURLY_PROFILE for dep, r in residents.items()}


def _digest(demand: dict[int, np.ndarray]) -> str:
    """A short fingerprint of the demand: new 102 records make a new report."""
    h = hashlib.blake2b(digest_size=12)
    for dep in sorted(demand):
        h.update(str(dep).encode())
        h.update(np.ascontiguousarray(demand[dep], dtype=np.float64).tobytes())
    return h.hexdigest()


def travel_samples(
    mode: str, pop: inputs.Population, dep_id: int, rng, region: str | None = None
) -> np.ndarray:
    """Seconds from a unit to where residents of the zone live (incidents follow residents),
    on the networks of the zone's ``region`` (None: the deployment's single network).

    Cars patrol the whole zone: from residents-weighted points to others, on the driving
    graph. Foot patrols leave from the open posts: the walking time from the nearest one.
    ``pop`` is snapped to that region's walking network.
    """
    mask = pop.department_id == dep_id
    weights = pop.residents[mask] / pop.residents[mask].sum()
    lon, lat = pop.lon[mask], pop.lat[mask]
    if mode == "foot":
        times = _post_walk_times(region)
        node, legs = pop.node[mask], pop.access_s[mask]
        pick = rng.choice(len(node), size=ORIGINS * TARGETS, p=weights)
        samples = point_times(times, node[pick], legs[pick])  # door to door (walking.py)
        return samples[np.isfinite(samples)]
    net = network("drive", region=region)
    pick = rng.choice(len(lon), size=ORIGINS + TARGETS, p=weights)
    nodes, _ = net.snapper.snap_many(lon[pick], lat[pick])
    origins, targets = nodes[:ORIGINS], nodes[ORIGINS:]
    origins, targets = origins[origins >= 0], targets[targets >= 0]
    if origins.size == 0 or targets.size == 0:
        return np.zeros(0)
    samples = [one_to_many(net.graph, int(o), targets, limit_s=FAR_S) for o in origins]
    times = np.concatenate(samples)
    return times[np.isfinite(times)]


def _post_walk_times(region: str | None) -> np.ndarray:
    """Walking seconds from the nearest open post's door to every node of the region's
    walking network."""
    _, _, times, _ = reach(limit_s=FAR_S, region=region)
    return times


def _zone_networks(departments) -> dict[int, tuple[str | None, inputs.Population | None]]:
    """Per zone (department id): its region's code and the population snapped to that
    region's walking network; (code, None) when the region has no network imported.
    With the single network of a deployment (or one region) every zone has (None, pop)."""
    walks = dict(territory_network.networks_by_region("walk"))
    if None in walks:
        pop = inputs.population(walks[None])
        return {d.id: (None, pop) for d in departments}
    pops = {code: inputs.population(walk) for code, walk in walks.items()}
    return {d.id: (d.region.code, pops.get(d.region.code)) for d in departments}


_lock = threading.Lock()
_cache: dict[tuple, PatrolReport] = {}


def patrol_sizing(
    *,
    target_min: float | None = None,
    target_share: float | None = None,
    service_min: float | None = None,
    modes=("car", "foot"),
    seed: int = 1,
) -> PatrolReport:
    """Units per zone and shift for the arrival target: queueing model and simulation."""
    target_min = target_min or settings.PRECINCT_PATROL_TARGET_MIN
    target_share = target_share or settings.PRECINCT_PATROL_TARGET_SHARE
    service_min = service_min or settings.PRECINCT_PATROL_SERVICE_MIN
    if not 0 < target_share < 1:
        raise ValueError("The target share must be between 0 and 1.")
    # Who lives in which zone does not depend on the network the points are snapped to.
    pop = inputs.population(territory_network.networks_by_region("walk")[0][1])
    source, demand = demand_by_zone_hour(pop)
    departments = list(Department.objects.filter(id__in=demand).select_related("region"))
    zone_networks = _zone_networks(departments)
    stamps = tuple(sorted({p.stamp[0] for _code, p in zone_networks.values() if p is not None}))
    key = (stamps, pop.stamp[1:], _digest(demand), target_min, target_share, service_min,
           tuple(modes), seed)  # fmt: skip
    if key in _cache:
        return _cache[key]
    notes = []
    if source == "demo":
        notes.append(
            "No dispatch records: demand is the demo's, "
            f"{settings.PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY:g} emergency calls per resident "
            "and day spread over a typical daily profile."
        )
    rng = np.random.default_rng(seed)
    names = {d.id: d.display_name for d in departments}
    zones, without_network = [], []
    service_s, target_s = service_min * 60, target_min * 60  # the core's unit
    for dep_id in sorted(demand, key=lambda d: names.get(d, "")):
        residents = float(pop.residents[pop.department_id == dep_id].sum())
        region, zone_pop = zone_networks.get(dep_id, (None, None))
        if zone_pop is None:
            without_network.append(names.get(dep_id, ""))
        for mode in modes:
            samples = (
                travel_samples(mode, zone_pop, dep_id, rng, region)
                if zone_pop is not None
                else np.zeros(0)
            )
            median = float(np.median(samples)) if samples.size else float("nan")
            zone = ZoneSizing(dep_id, names.get(dep_id, ""), residents, mode, median)
            for shift, start, end in SHIFTS:
                # Size for the busiest hour of the shift: the queue must hold at its peak.
                rate = float(demand[dep_id][start:end].max())
                zone.shifts.append(_size(shift, rate, service_s, samples, target_s, target_share))
            zones.append(zone)
    report = PatrolReport(
        source, target_min, target_share, service_min, zones, notes, without_network
    )
    with _lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = report
    return report


def _size(shift, rate, service_s, samples, target_s, share) -> ShiftSizing:
    if rate <= 0 or samples.size == 0:
        return ShiftSizing(shift, rate, 0 if rate <= 0 else None, None, None)
    try:
        units, predicted = core.required_units(rate, service_s, samples, target_s, share)
    except ValueError:  # the target cannot be met at any fleet size (travel too long)
        return ShiftSizing(shift, rate, None, None, None)
    # The same zone simulated call by call with that many units: the model's check.
    simulated = core.simulate(
        rate, service_s, int(units), samples, target_s, horizon_s=SIM_S, seed=1
    )
    return ShiftSizing(shift, rate, int(units), float(predicted), float(simulated))
