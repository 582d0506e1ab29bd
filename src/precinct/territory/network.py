"""The road networks of the deployment, loaded once per process from the disk cache.

``precinct network import FILE`` writes the graphs next to the database; every process
loads them on first use and reloads when the files are replaced by a newer import.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from precinct.analytics.network import Graph, Snapper, load_graph
from precinct.territory.models import Post


class NetworkMissing(RuntimeError):
    """No road network has been imported yet."""


@dataclass(frozen=True)
class LoadedNetwork:
    graph: Graph
    snapper: Snapper
    stamp: tuple[str, float]  # path and modification time of the file it was loaded from


_lock = threading.Lock()
_loaded: dict[str, LoadedNetwork] = {}


def network_path(mode: str) -> Path:
    """Where the graph of a mode ('walk' or 'drive') is cached."""
    return Path(settings.PRECINCT_NETWORK_DIR) / f"{mode}.npz"


def network_imported(mode: str) -> bool:
    """Whether a network of this mode ('walk' or 'drive') has been imported."""
    return network_path(mode).is_file()


def network(mode: str) -> LoadedNetwork:
    """The graph and snapper of a mode, reloaded if a newer import replaced the file."""
    path = network_path(mode)
    try:
        stamp = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        raise NetworkMissing(
            f"No {mode} network at {path}: run 'precinct network import FILE.osm.pbf'."
        ) from None
    current = _loaded.get(mode)
    if current is None or current.stamp != stamp:
        with _lock:
            current = _loaded.get(mode)
            if current is None or current.stamp != stamp:
                graph = load_graph(path)
                snapper = Snapper(graph, max_distance_m=settings.PRECINCT_SNAP_MAX_METERS)
                current = _loaded[mode] = LoadedNetwork(graph, snapper, stamp)
    return current


@dataclass(frozen=True)
class PostIndex:
    """Open posts as arrays: their ids, places, the walking-network nodes they stand at
    and how far from them (metres: the access leg from the street to the post's door)."""

    stamp: tuple
    post_ids: np.ndarray
    nodes: np.ndarray
    snap_m: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def open_posts_index(walk: LoadedNetwork) -> PostIndex:
    """Open posts snapped to the walking network, rebuilt when a post or the network changes.

    Posts farther than the snapping limit from any road are left out: nobody can walk there.
    """
    open_posts = Post.objects.filter(state=Post.State.OPEN)
    agg = open_posts.aggregate(n=Count("id"), last=Max("updated_at"))
    stamp = (walk.stamp, agg["n"], agg["last"])
    current = _posts.get("open")
    if current is None or current.stamp != stamp:
        rows = np.array(list(open_posts.values_list("id", "lon", "lat")), dtype=np.float64)
        rows = rows.reshape(-1, 3)
        nodes, metres = walk.snapper.snap_many(rows[:, 1], rows[:, 2])
        on = nodes >= 0
        current = PostIndex(
            stamp, rows[on, 0].astype(np.int64), nodes[on], metres[on], rows[on, 1], rows[on, 2]
        )
        _posts["open"] = current
    return current


_posts: dict[str, PostIndex] = {}
