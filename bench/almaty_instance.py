"""The synthetic Almaty instance shared by the planning benchmarks (no Django, no database).

Residents: the official 1 Jan 2023 population of Almaty city (2,161,695,
``kz_population/city_population.csv``) spread over every walking-network node in
proportion to the street length it serves (half the length of its edges, at least 10 m)
times seeded noise in [0.8, 1.2), rounded with largest remainders: the demo's rule
without its building-density factor. Posts: ``n_posts`` nodes drawn with a seeded RNG,
with probability proportional to residents. Candidates: farthest-point sampling on the
node coordinates, seeded, so they spread evenly over the network.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf"
ALMATY_RESIDENTS = 2_161_695

from precinct.analytics.network import Graph, build_networks  # noqa: E402
from precinct.analytics.partition import apportion  # noqa: E402


@dataclass
class Instance:
    walk: Graph
    residents: np.ndarray  # per node
    posts: np.ndarray  # node ids of today's open posts


def residents_per_node(walk: Graph, rng: np.random.Generator) -> np.ndarray:
    half_length = np.add.reduceat(walk.meters, walk.indptr[:-1]) / 2
    half_length[np.diff(walk.indptr) == 0] = 0
    weight = np.maximum(half_length, 10.0) * rng.uniform(0.8, 1.2, size=walk.n_nodes)
    return apportion(weight, ALMATY_RESIDENTS).astype(np.float64)


def load(pbf: Path = DEFAULT_PBF, *, n_posts: int = 300, seed: int = 2024) -> Instance:
    walk = build_networks(pbf).walk
    rng = np.random.default_rng(seed)
    residents = residents_per_node(walk, rng)
    posts = rng.choice(walk.n_nodes, n_posts, replace=False, p=residents / residents.sum())
    return Instance(walk, residents, np.sort(posts))


def spread_candidates(walk: Graph, n: int, seed: int = 2024) -> np.ndarray:
    """``n`` nodes spread evenly: greedy farthest-point sampling in local metres."""
    lat0 = np.deg2rad(float(np.mean(walk.lat)))
    xy = np.column_stack([walk.lon * 111_320 * np.cos(lat0), walk.lat * 110_540])
    first = int(np.random.default_rng(seed).integers(walk.n_nodes))
    chosen = [first]
    d2 = np.sum((xy - xy[first]) ** 2, axis=1)
    for _ in range(n - 1):
        nxt = int(np.argmax(d2))
        chosen.append(nxt)
        d2 = np.minimum(d2, np.sum((xy - xy[nxt]) ** 2, axis=1))
    return np.array(chosen, dtype=np.int64)
