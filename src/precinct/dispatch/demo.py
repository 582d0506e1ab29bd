"""Demo step: patrol units and a simulated year of 102 calls in the demo city.

The model (see docs/demo.md, "102 calls"):
- calls: ``PRECINCT_DEMO_CALLS_PER_1000`` per 1,000 residents a year, a non-homogeneous
  Poisson process by hour of day, weekday and precinct (weight: residents), see
  ``analytics.dispatch.simulate_arrivals``; each call at a random driving-network node of
  its precinct (foot patrols meet it at the nearest walking-network node); category by a
  stated mix, priority its category's default;
- units: per district and shift (night, day, evening), the cars the M/M/c queueing model
  of ``analytics.patrol`` asks for at the busiest hour of the shift (the planning app's
  patrol sizing: ``PRECINCT_PATROL_TARGET_SHARE`` of calls a car within
  ``PRECINCT_PATROL_TARGET_MIN``), and one foot patrol per
  ``PRECINCT_DEMO_RESIDENTS_PER_FOOT_PATROL`` (at least one) in the day and evening
  shifts, based at nodes of its precincts; a unit is sent only in its shift's hours;
- responses (``analytics.dispatch.simulate_responses``): the fastest free unit whose kind
  the category allows (cars by routed driving time, foot patrols by routed walking time),
  of the call's district first, except that a minor call goes to a foot patrol of its
  district within 10 minutes' walk (``FOOT_FIRST_*`` below); units move: one that clears
  a call is free again there and heads home along the routed path, and if it is sent on
  the way it is timed by routing from where it is. Congestion by hour slows driving (not
  walking).
Travel times come from the routing engine; only human times (handling, turnout, time on
scene) are drawn from stated lognormal distributions.
"""

import dataclasses
import datetime as dt

import numpy as np
import shapely
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from precinct.analytics import patrol
from precinct.analytics.dispatch import (
    CONGESTION,
    HOUR_PROFILE,
    WEEKDAY_PROFILE,
    Calls,
    Fleet,
    draw_human_times,
    simulate_arrivals,
    simulate_responses,
)
from precinct.analytics.network import Snapper, one_to_many
from precinct.dispatch import rollups, services
from precinct.dispatch.models import Assignment, Category, Incident, Unit, UnitKind

# Share of calls by category (codes of the default classification); a stated assumption.
# What the caller of a generated open call said, as an operator would type it in Russian.
DEMO_CALL_TEXT = "Учебный вызов (сгенерирован для демонстрации)"
CATEGORY_MIX = {
    "public_order": 0.30, "domestic": 0.18, "theft_report": 0.14, "crash": 0.12,
    "violence": 0.08, "theft_now": 0.05, "crash_injury": 0.04, "missing": 0.03, "other": 0.06,
}  # fmt: skip
STEP = "dispatch"
# Kinds of unit in the simulation, in the order of the graphs they travel on.
KINDS = [UnitKind.CAR, UnitKind.FOOT]
# The stated dispatch policy: a minor call (priority 3 or 4) that a foot patrol may take
# goes to a free foot patrol of its district that can walk there in 10 minutes, even if a
# car is faster, so cars stay free for emergencies (the service model's beat patrols).
FOOT_FIRST_PRIORITY = 3
FOOT_FIRST_MINUTES = 10
# Shifts of the cars, local hours [start, end): those of the planning app's patrol sizing
# (planning/patrol.py). Each is sized for its busiest hour; a car works one shift.
SHIFTS = (("night", 0, 8), ("day", 8, 16), ("evening", 16, 24))
# Foot patrols walk the day and evening shifts, none at night.
FOOT_SHIFTS = SHIFTS[1:]
MIN_CARS_PER_SHIFT = 1
# Travel-time samples of a district for the sizing: origins x targets routed.
SIZING_ORIGINS, SIZING_TARGETS = 12, 40


def build(ctx) -> list[str]:
    """Units on the board and a year of closed calls with routed response times."""
    rng = ctx.rng(STEP)
    services.category_defaults_create()  # normally there from the migration
    drive = ctx.drive
    points = shapely.points(drive.lon, drive.lat)
    precincts = [p for p in ctx.precincts if p.boundary and p.residents > 0]
    geoms = [shapely.from_geojson(p.boundary) for p in precincts]
    tree = shapely.STRtree(geoms)
    node_idx, precinct_idx = tree.query(points, predicate="within")
    nodes_of = [node_idx[precinct_idx == i] for i in range(len(precincts))]
    served = [i for i, nodes in enumerate(nodes_of) if nodes.size]
    if not served:
        return ["102: no driving roads inside the precincts; no calls simulated"]

    walk_snapper = Snapper(ctx.walk)
    codes = list(CATEGORY_MIX)
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    units, fleet, sizing = _units(ctx, walk_snapper, precincts, nodes_of, served, rng, categories)
    residents = np.array([precincts[i].residents for i in served], dtype=np.float64)
    per_year = residents.sum() * settings.PRECINCT_DEMO_CALLS_PER_1000 / 1000.0
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=365)
    epochs, area = simulate_arrivals(
        rng, start_epoch=start.timestamp(), days=365, calls_per_day=per_year / 365.0,
        area_weights=residents,
    )  # fmt: skip
    # A random node of each call's precinct, vectorised over one array of all their nodes.
    pools = [nodes_of[i] for i in served]
    sizes = np.array([len(p) for p in pools])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    call_nodes = np.concatenate(pools)[starts[area] + rng.integers(0, sizes[area])]
    call_dept = np.array([precincts[i].department_id for i in served], dtype=np.int64)[area]
    weights = np.array(list(CATEGORY_MIX.values()))
    picked = rng.choice(len(codes), size=len(epochs), p=weights / weights.sum())
    priority = np.array([categories[codes[i]].default_priority for i in picked])

    may_go = np.array([[_may_go(categories[code], kind) for kind in KINDS] for code in codes])
    graphs = [ctx.drive, ctx.walk]  # in the order of KINDS
    human = draw_human_times(rng, priority)
    # The foot patrol pilot's calls that do not happen, dropped after every draw so that
    # nothing else the step draws changes.
    keep = _pilot_keeps(ctx, served, precincts, area, epochs)
    every_node = call_nodes  # the live board's calls are drawn among all, as before
    epochs, area, call_nodes, call_dept, picked, priority = (
        a[keep] for a in (epochs, area, call_nodes, call_dept, picked, priority)
    )
    human = dataclasses.replace(
        human, **{f.name: getattr(human, f.name)[keep] for f in dataclasses.fields(human)}
    )
    # Calls stand on the driving network; foot patrols meet them at the nearest walking node.
    walk_nodes, _ = walk_snapper.snap_many(drive.lon[call_nodes], drive.lat[call_nodes])
    foot = KINDS.index(UnitKind.FOOT)
    first_kind = np.where(may_go[picked, foot] & (priority >= FOOT_FIRST_PRIORITY), foot, -1)
    calls = Calls(epochs, call_dept, np.c_[call_nodes, walk_nodes], may_go[picked],
                  first_kind, FOOT_FIRST_MINUTES * 60.0)  # fmt: skip
    sim = simulate_responses(calls, fleet, graphs, human)
    stored = _pilot_arrivals(ctx, served, precincts, area, epochs, sim)
    incidents = _incidents(epochs, stored, call_dept, [categories[c] for c in codes], picked,
                           priority, drive.lon[call_nodes], drive.lat[call_nodes])  # fmt: skip
    _insert(Incident, incidents)
    _insert(
        Assignment,
        [_assignment(incident, units[u], stored, k)
         for k, (incident, u) in enumerate(zip(incidents, stored.unit, strict=True)) if u >= 0],
    )  # fmt: skip
    # At the real demand some units are still on the year's last simulated calls now.
    now = timezone.now().timestamp()
    busy = {units[u].id for u in np.unique(sim.unit[(sim.unit >= 0) & (sim.closed > now)])}
    live = _open_calls(rng, drive, every_node, codes, weights, busy)
    rollups.rebuild_all()
    return [
        *_summary(sim, fleet, sizing, epochs + human.handling, epochs, priority),
        f"102: {live} open calls on the live board, taken by {DEMO_OPERATOR}",
    ]


def _pilot_treated(ctx, served, precincts, area, epochs) -> np.ndarray | None:
    """Which calls fall in the foot patrol pilot (``ctx.pilot``): its precincts, from its
    first day; None without a pilot."""
    pilot = getattr(ctx, "pilot", None)
    if pilot is None:
        return None
    served_ids = np.array([precincts[i].pk for i in served], dtype=np.int64)
    local = timezone.get_current_timezone()
    start = dt.datetime.combine(pilot.starts_on, dt.time.min, tzinfo=local)
    return np.isin(served_ids[area], pilot.precinct_ids) & (epochs >= start.timestamp())


def _pilot_keeps(ctx, served, precincts, area, epochs) -> np.ndarray:
    """The calls that happen: in the pilot, ``fewer_calls`` of them do not (a generator of
    its own draws which)."""
    treated = _pilot_treated(ctx, served, precincts, area, epochs)
    if treated is None:
        return np.ones(len(epochs), dtype=bool)
    rng = np.random.default_rng([ctx.seed, *b"pilot-calls"])
    return ~(treated & (rng.random(len(epochs)) < ctx.pilot.fewer_calls))


def _pilot_arrivals(ctx, served, precincts, area, epochs, sim):
    """The responses to store: in the pilot the travel takes ``faster_travel`` less time
    (the unit clears the call as much earlier). The simulation's own figures, which the
    step's summary and docs/demo.md quote, are left as it ran."""
    treated = _pilot_treated(ctx, served, precincts, area, epochs)
    if treated is None:
        return sim
    travel = sim.on_scene - sim.dispatched
    faster = sim.dispatched + travel * (1 - ctx.pilot.faster_travel)
    # Never later than simulated, not even by a rounding error: the unit's next call may
    # have been sent the moment it cleared this one.
    earlier = np.where(treated & (faster < sim.on_scene), sim.on_scene - faster, 0.0)
    return dataclasses.replace(sim, on_scene=sim.on_scene - earlier, closed=sim.closed - earlier)


def _may_go(category: Category, kind: UnitKind) -> bool:
    """A unit of this kind suits the category; no kinds listed means any (as the console)."""
    return not category.unit_kinds or kind in category.unit_kinds


def _summary(sim, fleet, sizing, ready, epochs, priority) -> list[str]:
    """The figures docs/demo.md quotes."""
    sent = sim.unit >= 0
    arrived = np.isfinite(sim.on_scene)
    response = (sim.on_scene - epochs)[arrived]
    p1 = arrived & (priority == 1)
    within = np.mean((sim.on_scene - epochs)[p1] <= 15 * 60) if p1.any() else float("nan")
    kind = fleet.kind[sim.unit[sent]]
    foot = np.mean(kind == KINDS.index(UnitKind.FOOT)) if sent.any() else 0.0
    away = np.mean(sim.origin[sent] != fleet.base[sim.unit[sent]]) if sent.any() else 0.0
    is_car = fleet.kind == KINDS.index(UnitKind.CAR)
    cars = int(np.sum(is_car))
    per_shift = np.sum(list(sizing.values()), axis=0) if sizing else np.zeros(len(SHIFTS))
    shifts = ", ".join(f"{n} {name}" for (name, _, _), n in zip(SHIFTS, per_shift, strict=True))
    # A car crew works one 8-hour shift a day: calls per crew and day, and the share of
    # its hours on duty it spends on calls (sent to cleared).
    days = max((epochs[-1] - epochs[0]) / 86400.0, 1.0) if len(epochs) else 1.0
    by_car = sent & is_car[np.maximum(sim.unit, 0)]
    per_car_day = by_car.sum() / max(cars, 1) / days
    duty_s = fleet.on_duty[is_car].sum() * 3600.0 * days if fleet.on_duty is not None else 0.0
    busy = np.sum((sim.closed - sim.dispatched)[by_car]) / duty_s if duty_s else float("nan")
    wait = (sim.dispatched - ready)[sent]
    waited = wait > 1.0
    queued = (
        f"{waited.mean():.2%} of the calls waited for a free unit (median wait "
        f"{np.median(wait[waited]) / 60:.1f} min, 99th percentile "
        f"{np.percentile(wait[waited], 99) / 60:.0f} min)"
        if waited.any() else "no call waited for a free unit"
    )  # fmt: skip
    return [
        f"102: {len(fleet.kind)} units ({cars} car crews: {shifts}; "
        f"{len(fleet.kind) - cars} foot patrols)",
        f"102: {len(epochs):,} simulated calls over a year; median response "
        f"{np.median(response) / 60:.1f} min, emergencies within 15 min {within:.0%}",
        f"102: foot patrols answered {foot:.1%} of the calls; {away:.1%} of the units sent "
        "set off from the road, on their way back from an earlier call, not from base",
        f"102: {per_car_day:.1f} calls per car crew a shift, busy {busy:.0%} of its hours "
        f"on duty; {queued}",
    ]


DEMO_OPERATOR = "demo-operator"
OPEN_CALLS = 6


def _open_calls(rng, drive, call_nodes, codes, weights, busy: set[int]) -> int:
    """A few calls open right now, through the services as an operator would take them;
    every other one gets the recommended car (the best one not still on a simulated call,
    ids in ``busy``), so the board shows both kinds."""
    from django.contrib.auth import get_user_model

    from precinct.dispatch import selectors

    operator = get_user_model().objects.filter(username=DEMO_OPERATOR).first()
    if operator is None:
        return 0
    nodes = rng.choice(call_nodes, size=min(OPEN_CALLS, len(call_nodes)), replace=False)
    picks = rng.choice(len(codes), size=len(nodes), p=weights / weights.sum())
    for i, (node, pick) in enumerate(zip(nodes, picks, strict=True)):
        incident = services.incident_create(
            actor=operator, lon=float(drive.lon[node]), lat=float(drive.lat[node]),
            category_code=codes[pick], text=DEMO_CALL_TEXT,
        )  # fmt: skip
        ranked = selectors.recommendations(incident=incident) if i % 2 == 0 else []
        ranked = [r for r in ranked if r.unit.id not in busy]
        if ranked:
            services.assignment_create(
                actor=operator, incident=incident, unit_id=ranked[0].unit.id,
                eta_seconds=ranked[0].eta_seconds,
            )  # fmt: skip
    return len(nodes)


def _units(ctx, walk_snapper, precincts, nodes_of, served, rng, categories):
    """Per district and shift, the cars the queueing model asks for and foot patrols.

    Returns the units, the fleet (each unit's department, kind (index into ``KINDS``),
    base: a node of the driving graph for a car, of the walking graph for a foot patrol,
    and hours on duty) and the sizing, per district the cars of each shift.
    """
    drive = ctx.drive
    by_dept: dict[int, list[int]] = {}
    for i in served:
        by_dept.setdefault(precincts[i].department_id, []).append(i)
    units, bases, unit_dept, duty = [], [], [], []
    departments = {d.id: d for d in ctx.departments}
    service_s = _service_seconds(categories)
    sizing = {}
    for dept_id, members in by_dept.items():
        people = sum(precincts[i].residents for i in members)
        travel = _travel_samples(drive, [nodes_of[i] for i in members],
                                 [precincts[i].residents for i in members], rng)  # fmt: skip
        cars = [_cars_needed(people, start, end, service_s, travel) for _, start, end in SHIFTS]
        sizing[dept_id] = cars
        foot = max(1, round(people / settings.PRECINCT_DEMO_RESIDENTS_PER_FOOT_PATROL))
        roster = [
            (UnitKind.CAR, shift, start, end, count)
            for (shift, start, end), count in zip(SHIFTS, cars, strict=True)
        ] + [(UnitKind.FOOT, shift, start, end, foot) for shift, start, end in FOOT_SHIFTS]
        numbers = {UnitKind.CAR: 0, UnitKind.FOOT: 0}
        for kind, shift, start, end, count in roster:
            for _ in range(count):
                n = numbers[kind]
                numbers[kind] += 1
                node = int(rng.choice(nodes_of[members[n % len(members)]]))
                lon, lat = float(drive.lon[node]), float(drive.lat[node])
                units.append(_unit(departments[dept_id], kind, n, shift, lon, lat))
                bases.append(node if kind == UnitKind.CAR else walk_snapper.snap(lon, lat)[0])
                unit_dept.append(dept_id)
                hours = np.zeros(24, dtype=bool)
                hours[start:end] = True
                duty.append(hours)
    kinds = [KINDS.index(u.kind) for u in units]
    fleet = Fleet(np.array(unit_dept), np.array(kinds), np.array(bases), np.array(duty))
    return units, fleet, sizing


def _service_seconds(categories: dict[str, Category]) -> float:
    """Mean seconds a car is tied up by a call, travel aside: turnout and time on scene of
    the stated lognormal model (``draw_human_times``), over the category mix."""
    weights = np.array(list(CATEGORY_MIX.values()))
    priority = np.array([categories[code].default_priority for code in CATEGORY_MIX])
    scene = np.array([0, 2400, 1800, 1500, 1200.0])[priority] * np.exp(0.5**2 / 2)
    turnout = 45.0 * np.exp(0.4**2 / 2)
    return float(turnout + (weights * scene).sum() / weights.sum())


def _travel_samples(drive, pools, residents, rng) -> np.ndarray:
    """Driving seconds at the mean congestion from where cars stand to where calls come:
    random nodes of the district's precincts, weighted by residents."""
    weights = np.asarray(residents, dtype=np.float64)
    pick = rng.choice(len(pools), size=SIZING_ORIGINS + SIZING_TARGETS, p=weights / weights.sum())
    nodes = np.array([rng.choice(pools[i]) for i in pick])
    origins, targets = nodes[:SIZING_ORIGINS], nodes[SIZING_ORIGINS:]
    times = np.concatenate([one_to_many(drive, int(o), targets) for o in origins])
    return times[np.isfinite(times)] * CONGESTION.mean()


def _cars_needed(people: float, start: int, end: int, service_s: float, travel) -> int:
    """Cars on duty in a district for one shift: the fewest with which the M/M/c queue of
    ``analytics.patrol`` (Erlang C, the planning app's patrol sizing) gets the target
    share of calls a car within the target (wait for a free car + travel), in the busiest
    hour of the shift on the busiest weekday. Where travel alone misses the target too
    often, the fewest cars that keep the chance of waiting below the missed share."""
    per_day = people * settings.PRECINCT_DEMO_CALLS_PER_1000 / 1000.0 / 365.0
    profile = HOUR_PROFILE / HOUR_PROFILE.mean() * (WEEKDAY_PROFILE / WEEKDAY_PROFILE.mean()).max()
    rate = per_day / 24.0 * float(profile[start:end].max())
    service = service_s + float(np.mean(travel)) if len(travel) else service_s
    share = settings.PRECINCT_PATROL_TARGET_SHARE
    target_s = settings.PRECINCT_PATROL_TARGET_MIN * 60.0
    try:
        cars, _ = patrol.required_units(rate, service, travel, target_s, share)
    except ValueError:  # travel alone misses the target too often
        load = rate / 3600.0 * service
        cars = int(load) + 1
        while patrol.erlang_c(cars, load) > 1.0 - share:
            cars += 1
    return max(MIN_CARS_PER_SHIFT, int(cars))


def _unit(department, kind: UnitKind, n: int, shift: str, lon: float, lat: float) -> Unit:
    """The n-th generated unit of its kind in its district: cars АЛМ-01…, foot patrols
    АЛМ-П1…, with the shift they work."""
    car = kind == UnitKind.CAR
    prefix = _callsign_prefix(department)
    return services.unit_create(
        actor=None, department=department, kind=kind, crew="generated", lon=lon, lat=lat,
        callsign=f"{prefix}-{n + 1:02d}" if car else f"{prefix}-П{n + 1}",
        shift=shift, state=Unit.State.AVAILABLE,
    )  # fmt: skip


def _callsign_prefix(department) -> str:
    """Three letters of the district's name, as operators say them ("УП Алмалинского
    района" → "АЛМ"), made unique with the department's id when two districts share them."""
    words = [w for w in department.name.split() if len(w) > 2 and not w.isupper()]
    prefix = words[0][:3].upper() if words else department.code.upper()
    taken = Unit.objects.filter(callsign__startswith=f"{prefix}-").exclude(department=department)
    return f"{prefix}{department.pk}" if taken.exists() else prefix


def _at(epoch: float):
    return None if not np.isfinite(epoch) else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def _incidents(epochs, sim, call_dept, categories, picked, priority, lons, lats):
    """Closed incidents with their timestamps and phases (seconds computed with numpy)."""

    def seconds(a, b):
        d = np.round(b - a)
        return [None if not np.isfinite(x) else int(x) for x in d]

    handling = seconds(epochs, sim.dispatched)
    travel = seconds(sim.dispatched, sim.on_scene)
    response = seconds(epochs, sim.on_scene)
    columns = (epochs, sim.dispatched, sim.en_route, sim.on_scene, sim.closed)
    stamps = [[_at(t) for t in column] for column in columns]
    return [
        Incident(
            department_id=int(call_dept[k]), category=categories[picked[k]],
            priority=int(priority[k]), area_type=Incident.AreaType.URBAN,
            state=Incident.State.CLOSED, source=Incident.Source.DEMO, lon=float(lons[k]),
            lat=float(lats[k]), received_at=stamps[0][k], dispatched_at=stamps[1][k],
            en_route_at=stamps[2][k], on_scene_at=stamps[3][k], closed_at=stamps[4][k],
            handling_seconds=handling[k], travel_seconds=travel[k], response_seconds=response[k],
        )
        for k in range(len(epochs))
    ]  # fmt: skip


def _insert(model, objects: list) -> None:
    """Insert many new rows with ids given here, in one ``executemany``.

    ``bulk_create`` compiles SQL per batch of ~40 rows on SQLite (its variable limit):
    for a year of calls that was most of the step's time. Values are prepared by the
    fields themselves, as ``bulk_create`` does; the id sequence is reset afterwards.
    """
    if not objects:
        return
    first = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    for offset, obj in enumerate(objects):
        obj.id = first + offset
    fields = [f for f in model._meta.concrete_fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _assignment(incident: Incident, unit: Unit, sim, k: int) -> Assignment:
    """The unit sent, with its routed free-flow time from where it was as the ETA."""
    return Assignment(
        incident=incident, unit=unit, eta_seconds=float(sim.eta[k]),
        dispatched_at=_at(sim.dispatched[k]), acknowledged_at=_at(sim.en_route[k]),
        on_scene_at=_at(sim.on_scene[k]), cleared_at=_at(sim.closed[k]),
    )  # fmt: skip
