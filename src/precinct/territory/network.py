"""The road networks of the deployment, loaded once per process from the disk cache.

``precinct network import FILE`` writes the graphs next to the database; every process
loads them on first use and reloads when the files are replaced by a newer import.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from precinct.analytics.network import Graph, Snapper, load_graph


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
