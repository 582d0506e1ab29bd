"""The arrays the analytics core needs, prepared once per process from the database.

Residents (territory.PopulationPoint) are snapped to the walking network once and kept
with their department, precinct and region as integer labels and their access leg (the
straight walk from the point to its street node, ``territory.walking``); the cache is
rebuilt when the network file or the population changes (count and largest id).
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from precinct.territory.models import PopulationPoint, Post
from precinct.territory.network import LoadedNetwork, network
from precinct.territory.walking import access_leg_seconds


@dataclass(frozen=True)
class Population:
    """Population points as arrays; ``node`` is -1 where a point lies off the network;
    ``access_s`` the seconds from the point to its node (0 off the network)."""

    stamp: tuple
    node: np.ndarray
    access_s: np.ndarray
    residents: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    department_id: np.ndarray  # 0 where unknown
    precinct_id: np.ndarray  # 0 where unknown
    region_id: np.ndarray

    @property
    def total(self) -> float:
        return float(self.residents.sum())


_lock = threading.Lock()
_cache: dict[str, Population] = {}


def walk_network(*, department=None, region: str | None = None) -> LoadedNetwork:
    """The walking network of the department's region (or of the region with that code),
    or the deployment's single network (raises territory.network.NetworkMissing before an
    import)."""
    if department is not None:
        region = department.region.code
    return network("walk", region=region)


def population(walk: LoadedNetwork | None = None) -> Population:
    """Every population point with its walking-network node, cached per process."""
    walk = walk or walk_network()
    agg = PopulationPoint.objects.aggregate(n=Count("id"), last=Max("id"))
    stamp = (walk.stamp, agg["n"], agg["last"])
    current = _cache.get(walk.stamp[0])  # one per network: each region's graph has its own
    if current is not None and current.stamp == stamp:
        return current
    with _lock:
        rows = list(
            PopulationPoint.objects.order_by("id").values_list(
                "lon", "lat", "residents", "department_id", "precinct_id", "region_id"
            )
        )
        arr = np.array(rows, dtype=np.float64).reshape(-1, 6)
        arr[np.isnan(arr)] = 0  # null department or precinct
        nodes, metres = walk.snapper.snap_many(arr[:, 0], arr[:, 1])
        current = Population(
            stamp=stamp,
            node=nodes,
            access_s=np.where(nodes >= 0, access_leg_seconds(walk.graph, metres), 0.0),
            residents=arr[:, 2],
            lon=arr[:, 0],
            lat=arr[:, 1],
            department_id=arr[:, 3].astype(np.int64),
            precinct_id=arr[:, 4].astype(np.int64),
            region_id=arr[:, 5].astype(np.int64),
        )
        _cache[walk.stamp[0]] = current
    return current


def post_nodes(walk: LoadedNetwork, states) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids, walking-network nodes and access legs (seconds from the street node to the
    door) of the posts in the given states (off-network left out)."""
    rows = np.array(
        list(Post.objects.filter(state__in=list(states)).values_list("id", "lon", "lat")),
        dtype=np.float64,
    ).reshape(-1, 3)
    nodes, metres = walk.snapper.snap_many(rows[:, 1], rows[:, 2])
    keep = nodes >= 0
    legs = access_leg_seconds(walk.graph, metres[keep])
    return rows[keep, 0].astype(np.int64), nodes[keep], legs


def demand(pop: Population, mask: np.ndarray | None = None):
    """Residents aggregated per network node and access leg: (nodes, weights,
    point -> row index, access seconds per row).

    Points at the same node with the same leg are one row (the demo's points stand on
    their nodes: one row per node). Points off the network are left out (index -1):
    nobody can walk to or from them.
    """
    on = pop.node >= 0
    if mask is not None:
        on &= mask
    keys = np.column_stack([pop.node[on].astype(np.float64), pop.access_s[on]])
    rows, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    weights = np.bincount(inverse, weights=pop.residents[on], minlength=len(rows))
    index = np.full(len(pop.node), -1, dtype=np.int64)
    index[on] = inverse
    return rows[:, 0].astype(np.int64), weights, index, rows[:, 1].copy()


def clear() -> None:
    """Forget the cached arrays (tests that rebuild the territory call this)."""
    _cache.clear()
