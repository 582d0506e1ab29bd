"""Patrol sizing: how many units a zone needs so that enough emergencies see a unit in time.

The model (per zone and hour) is the M/M/c queue (Erlang C): calls arrive as a Poisson
stream at ``lambda`` per hour, each ties a unit up for an exponential time with mean
``service_s`` seconds (travel, on scene and back: the whole time the unit is unavailable), and
calls wait first come, first served when every unit is busy. The *response* is the
queue wait plus the travel time to the incident, drawn from the zone's travel-time
distribution (the routing engine's times from unit positions to incident nodes).

With offered load ``a = lambda * service`` and ``c > a`` units, the wait ``W`` is 0 with
probability ``1 - C(c, a)`` and otherwise exponential with rate ``c/service - lambda``, so
for independent travel ``T``::

    P(W + T <= tau) = mean over travel samples t of P(W <= tau - t)
    P(W <= x) = 1 - C(c, a) * exp(-(c/service - lambda) * x)   (x >= 0; else 0)

:func:`required_units` finds the smallest ``c`` reaching the target share;
:func:`simulate` runs a seeded discrete-event simulation of the same zone to check it.

Public API
----------
``erlang_c(c, offered_load) -> float``
``response_share(arrival_rate_per_h, service_s, c, travel_s_samples, target_s) -> float``
``required_units(arrival_rate_per_h, service_s, travel_s_samples, target_s, share)
-> (c, predicted_share)``
``required_units_table(rates_per_h, service_s, travel_by_zone, target_s, share)
-> (units, shares)``   zones x hours
``simulate(arrival_rate_per_h, service_s, c, travel_s_samples, target_s, ...) -> float``
``simulate_zone(...) -> SimulationResult``

Every duration is in seconds; call rates are per hour (the hour of day is the unit of
demand tables).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

#: Stop searching for ``c`` past this many units above the offered load.
MAX_EXTRA_UNITS = 1000


def erlang_c(c: int, offered_load: float) -> float:
    """Probability that a call has to wait in an M/M/c queue (Erlang C).

    Computed through the Erlang B recursion, which stays stable for hundreds of units.

    Examples
    --------
    >>> round(erlang_c(3, 2.0), 4)
    0.4444
    """
    if c < 1:
        return 1.0
    a = float(offered_load)
    if a <= 0:
        return 0.0
    if a >= c:
        return 1.0  # unstable: the queue grows without bound
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return c * b / (c - a * (1.0 - b))


def response_share(
    arrival_rate_per_h: float, service_s: float, c: int, travel_s_samples, target_s: float
) -> float:
    """Predicted share of calls answered (wait + travel) within ``target_s`` seconds.

    Examples
    --------
    >>> round(response_share(4.0, 1800.0, 4, [300.0, 600.0], 900.0), 4)
    0.893
    """
    rate, service, travel, target = _check(arrival_rate_per_h, service_s, travel_s_samples,
                                           target_s)  # fmt: skip
    lam = rate / 3600.0
    mu = 1.0 / service
    slack = target - travel
    reachable = slack >= 0
    if lam == 0:
        return float(reachable.mean())
    if c <= lam / mu:
        return 0.0  # unstable queue: waits grow without bound
    waiting = erlang_c(int(c), lam / mu)
    p_wait_ok = 1.0 - waiting * np.exp(-(c * mu - lam) * np.maximum(slack, 0.0))
    return float(np.where(reachable, p_wait_ok, 0.0).mean())


def required_units(
    arrival_rate_per_h: float,
    service_s: float,
    travel_s_samples,
    target_s: float,
    share: float,
) -> tuple[int, float]:
    """The fewest units with ``P(wait + travel <= target_s) >= share``, and that share.

    Parameters
    ----------
    arrival_rate_per_h : float
        Calls per hour in the zone (in that hour).
    service_s : float
        Mean seconds a unit is tied up per call (travel, on scene, return).
    travel_s_samples : array_like of float
        Travel times in seconds from unit positions to incident nodes of the zone (from
        the routing engine); their empirical distribution is the travel model.
    target_s : float
        Arrival target in seconds.
    share : float
        Required share of calls within the target, in (0, 1).

    Returns
    -------
    c : int
        0 when there are no calls.
    predicted_share : float

    Raises
    ------
    ValueError
        For bad input, or when travel alone misses the target too often: no number of
        units can then reach ``share`` (the message gives the best possible share).

    Examples
    --------
    >>> required_units(6.0, 1800.0, [240.0, 420.0, 600.0], 720.0, 0.8)  # doctest: +ELLIPSIS
    (5, 0.828...)
    """
    rate, service, travel, target = _check(arrival_rate_per_h, service_s, travel_s_samples,
                                           target_s)  # fmt: skip
    if not 0 < share < 1:
        raise ValueError(f"target share must be strictly between 0 and 1, got {share}")
    ceiling = float((travel <= target).mean())
    if ceiling < share:
        raise ValueError(
            f"only {ceiling:.1%} of travel times are within the {target:.0f} s target, "
            f"below the required {share:.1%}: more units cannot fix that; station them "
            "closer or split the zone"
        )
    if rate == 0:
        return 0, ceiling
    load = rate / 3600.0 * service
    first = max(1, math.floor(load) + 1)  # the fewest units that keep the queue stable
    for c in range(first, first + MAX_EXTRA_UNITS):
        got = response_share(rate, service, c, travel, target)
        if got >= share:
            return c, got
    # Unreachable in practice: the share tends to ``ceiling >= share`` as c grows.
    raise ValueError(f"no unit count up to {first + MAX_EXTRA_UNITS} reaches {share:.1%}")


def required_units_table(rates_per_h, service_s, travel_by_zone, target_s, share):
    """:func:`required_units` for every zone and hour.

    Parameters
    ----------
    rates_per_h : ndarray, shape (n_zones, n_hours)
    service_s : float
    travel_by_zone : sequence of arrays
        Travel-time samples (seconds) of each zone.
    target_s, share : float

    Returns
    -------
    units : ndarray of int, shape (n_zones, n_hours)
    shares : ndarray of float, shape (n_zones, n_hours)
        A shift needs the largest ``units`` over its hours.
    """
    rates = np.asarray(rates_per_h, dtype=np.float64)
    if rates.ndim != 2 or rates.shape[0] != len(travel_by_zone):
        raise ValueError("rates_per_h must be zones x hours, one travel sample set per zone")
    units = np.zeros(rates.shape, dtype=np.int64)
    shares = np.zeros(rates.shape)
    for z, travel in enumerate(travel_by_zone):
        for h in range(rates.shape[1]):
            units[z, h], shares[z, h] = required_units(
                rates[z, h], service_s, travel, target_s, share
            )
    return units, shares


@dataclass(frozen=True)
class SimulationResult:
    """What a simulated zone achieved (after the warm-up)."""

    share: float  # calls with wait + travel <= target
    n_calls: int
    mean_wait_s: float
    p_wait: float  # calls that found every unit busy
    utilisation: float  # busy unit-time over available unit-time


def simulate_zone(
    arrival_rate_per_h: float,
    service_s: float,
    c: int,
    travel_s_samples,
    target_s: float,
    *,
    horizon_s: float = 10_000 * 3600.0,
    warmup_s: float = 100 * 3600.0,
    seed: int = 0,
    service_s_samples=None,
) -> SimulationResult:
    """Discrete-event simulation of one zone: Poisson calls, ``c`` units, FCFS queue.

    Service times are exponential with mean ``service_s`` or, with
    ``service_s_samples``, drawn from those seconds. Travel times are drawn from
    ``travel_s_samples``. Arrivals, services and travels come from separate seeded
    streams, so runs with different ``c`` see the same calls (common random numbers:
    comparisons between ``c`` values are not blurred by noise).

    FCFS with ``c`` identical units reduces to the Kiefer-Wolfowitz recursion: each call
    takes the unit that frees up first, so one array of free times is the whole state.
    """
    rate, service, travel, target = _check(arrival_rate_per_h, service_s, travel_s_samples,
                                           target_s)  # fmt: skip
    if c < 1:
        raise ValueError(f"need at least one unit, got c={c}")
    if horizon_s <= 0 or warmup_s < 0:
        raise ValueError("horizon_s must be positive and warmup_s non-negative")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]
    horizon = horizon_s + warmup_s
    lam = rate / 3600.0
    n = int(streams[0].poisson(lam * horizon)) if lam > 0 else 0
    arrivals = np.sort(streams[0].uniform(0.0, horizon, n))
    if service_s_samples is None:
        services = streams[1].exponential(service, n)
    else:
        pool = np.asarray(service_s_samples, dtype=np.float64)
        services = streams[1].choice(pool, n)
    travels = streams[2].choice(travel, n)
    waits = _fcfs_waits(arrivals, services, int(c))
    counted = arrivals >= warmup_s
    if not counted.any():
        return SimulationResult(float("nan"), 0, float("nan"), float("nan"), 0.0)
    response = waits[counted] + travels[counted]
    return SimulationResult(
        share=float((response <= target).mean()),
        n_calls=int(counted.sum()),
        mean_wait_s=float(waits[counted].mean()),
        p_wait=float((waits[counted] > 0).mean()),
        utilisation=float(services[counted].sum() / (c * horizon_s)),
    )


def simulate(
    arrival_rate_per_h: float,
    service_s: float,
    c: int,
    travel_s_samples,
    target_s: float,
    **options,
) -> float:
    """Share of calls within ``target_s`` in a simulated zone (see :func:`simulate_zone`).

    Examples
    --------
    >>> round(simulate(4.0, 1800.0, 4, [300.0, 600.0], 900.0, horizon_s=7.2e7, seed=1), 2)
    0.89
    """
    return simulate_zone(
        arrival_rate_per_h, service_s, c, travel_s_samples, target_s, **options
    ).share


@njit(cache=True)
def _fcfs_waits(arrivals, services, c):
    """Waits of calls served first come, first served by ``c`` units (sorted arrivals)."""
    free = np.zeros(c)
    waits = np.empty(arrivals.shape[0])
    for i in range(arrivals.shape[0]):
        unit = 0
        for u in range(1, c):
            if free[u] < free[unit]:
                unit = u
        start = max(arrivals[i], free[unit])
        waits[i] = start - arrivals[i]
        free[unit] = start + services[i]
    return waits


def _check(rate, service_s, travel, target_s):
    """Validated ``(rate per hour, service seconds, travel samples, target seconds)``."""
    rate = float(rate)
    if not np.isfinite(rate) or rate < 0:
        raise ValueError(f"arrival rate must be a non-negative number of calls per hour: {rate}")
    if not np.isfinite(service_s) or service_s <= 0:
        raise ValueError(f"service time must be a positive number of seconds: {service_s}")
    travel = np.atleast_1d(np.asarray(travel, dtype=np.float64))
    if travel.size == 0 or not np.all(np.isfinite(travel)) or travel.min() < 0:
        raise ValueError("travel times must be a non-empty set of finite seconds >= 0")
    if not np.isfinite(target_s) or target_s <= 0:
        raise ValueError(f"arrival target must be a positive number of seconds: {target_s}")
    return rate, float(service_s), travel, float(target_s)
