"""The compact street graph: CSR arrays, building from edge lists, atomic save and load."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

Mode = Literal["walk", "drive"]

#: Mean Earth radius (IUGG), metres. Haversine with it is within 0.5 % of the ellipsoid.
EARTH_RADIUS_M = 6_371_008.8

#: Bumped when the on-disk layout changes, so old caches are rejected, not misread.
FORMAT_VERSION = 1

_ARRAYS = ("indptr", "indices", "seconds", "meters", "lon", "lat", "osm_id")


class NetworkImportError(Exception):
    """An OSM extract or a saved graph could not be turned into a usable network.

    The message names the file and the problem in words a dispatcher's admin can act on.
    """


@dataclass(frozen=True, eq=False)
class Graph:
    """A directed street graph in CSR form (outgoing edges), one mode of travel.

    Node ``i`` has outgoing edges ``indptr[i]:indptr[i + 1]`` into ``indices``,
    ``seconds`` and ``meters``. A walking graph stores each street twice, once per
    direction. Parallel edges are already reduced to the fastest one.

    Attributes
    ----------
    indptr : ndarray of int64, shape (n + 1,)
    indices : ndarray of int32, shape (m,)
        Head node of each edge.
    seconds, meters : ndarray of float64, shape (m,)
        Travel time and length of each edge.
    lon, lat : ndarray of float64, shape (n,)
        WGS84 coordinates of each node.
    osm_id : ndarray of int64, shape (n,)
        The OSM node id, to link results back to the map.
    mode : {'walk', 'drive'}
    source : str
        File name of the OSM extract the graph was built from.
    created : str
        ISO 8601 UTC time of the import.
    speeds_kmh : dict
        The speeds used: ``{'foot': 4.5}`` or road class -> km/h.
    import_id : str
        Shared by the walking and driving graphs of one import.
    """

    indptr: np.ndarray
    indices: np.ndarray
    seconds: np.ndarray
    meters: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    osm_id: np.ndarray
    mode: Mode
    source: str = ""
    created: str = ""
    speeds_kmh: dict[str, float] = field(default_factory=dict)
    import_id: str = ""

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lon)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.indices)

    def tails(self) -> np.ndarray:
        """Tail (start) node of every edge, aligned with ``indices``."""
        return np.repeat(np.arange(self.n_nodes, dtype=np.int32), np.diff(self.indptr))

    def street_km(self) -> float:
        """Length of the streets in km, each street counted once whatever its directions."""
        tail, head = self.tails().astype(np.int64), self.indices.astype(np.int64)
        key = np.minimum(tail, head) * self.n_nodes + np.maximum(tail, head)
        _, first = np.unique(key, return_index=True)
        return float(self.meters[first].sum() / 1000.0)

    def to_csr_matrix(self) -> csr_matrix:
        """The travel-time matrix as ``scipy.sparse.csr_matrix`` (for comparisons)."""
        n = self.n_nodes
        return csr_matrix((self.seconds, self.indices, self.indptr), shape=(n, n))

    def reversed(self) -> Graph:
        """The transpose (incoming edges), for many-to-one queries; cached on the graph.

        Times *to* a station are one-to-many times on the reversed driving graph.
        """
        cached = self.__dict__.get("_reversed")
        if cached is None:
            cached = _transpose(self)
            # Frozen dataclass: write the cache straight into __dict__, as cached_property does.
            self.__dict__["_reversed"] = cached
            cached.__dict__["_reversed"] = self
        return cached


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres between arrays of WGS84 points."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def graph_from_edges(
    tail: np.ndarray,
    head: np.ndarray,
    seconds: np.ndarray,
    meters: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    osm_id: np.ndarray,
    *,
    mode: Mode,
    **meta: Any,
) -> Graph:
    """Build a compact :class:`Graph` from directed edges between indices into ``lon``/``lat``.

    Drops self-loops, keeps the fastest of parallel edges (scipy would *sum* them when
    converting COO to CSR), keeps only the largest component and renumbers nodes 0..n-1.
    Walking keeps the largest weakly connected component; driving keeps the largest
    *strongly* connected one, because a patrol car dispatched to any snapped node must be
    able to get there and back.
    """
    tail, head = np.asarray(tail, np.int64), np.asarray(head, np.int64)
    seconds, meters = np.asarray(seconds, np.float64), np.asarray(meters, np.float64)
    keep = tail != head
    tail, head, seconds, meters = tail[keep], head[keep], seconds[keep], meters[keep]
    if len(tail) == 0:
        return _empty_graph(mode, **meta)

    # Only nodes touched by an edge, renumbered densely.
    used, inverse = np.unique(np.concatenate([tail, head]), return_inverse=True)
    tail, head = inverse[: len(tail)], inverse[len(tail) :]
    n = len(used)

    order = np.lexsort((seconds, head, tail))
    tail, head, seconds, meters = tail[order], head[order], seconds[order], meters[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, seconds, meters = tail[first], head[first], seconds[first], meters[first]

    adjacency = csr_matrix((np.ones(len(tail)), (tail, head)), shape=(n, n))
    connection = "strong" if mode == "drive" else "weak"
    _, labels = connected_components(adjacency, directed=True, connection=connection)
    largest = np.argmax(np.bincount(labels))
    in_component = labels == largest
    new_id = np.cumsum(in_component) - 1
    keep = in_component[tail] & in_component[head]
    tail, head = new_id[tail[keep]], new_id[head[keep]]
    seconds, meters = seconds[keep], meters[keep]
    nodes = used[in_component]

    n = int(in_component.sum())
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return Graph(
        indptr=indptr,
        indices=head.astype(np.int32),
        seconds=np.ascontiguousarray(seconds),
        meters=np.ascontiguousarray(meters),
        lon=np.ascontiguousarray(lon[nodes], dtype=np.float64),
        lat=np.ascontiguousarray(lat[nodes], dtype=np.float64),
        osm_id=np.ascontiguousarray(osm_id[nodes], dtype=np.int64),
        mode=mode,
        **meta,
    )


def _empty_graph(mode: Mode, **meta: Any) -> Graph:
    """A graph with no nodes, so callers can report "no roads" instead of crashing."""
    f, i = np.zeros(0, np.float64), np.zeros(0, np.int64)
    return Graph(np.zeros(1, np.int64), np.zeros(0, np.int32), f, f, f, f, i, mode, **meta)


def _transpose(graph: Graph) -> Graph:
    """The graph with every edge turned around, rows still sorted by head."""
    tail = graph.tails()
    order = np.lexsort((tail, graph.indices))
    n = graph.n_nodes
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(graph.indices, minlength=n), out=indptr[1:])
    return Graph(
        indptr=indptr,
        indices=tail[order].astype(np.int32),
        seconds=graph.seconds[order],
        meters=graph.meters[order],
        lon=graph.lon,
        lat=graph.lat,
        osm_id=graph.osm_id,
        mode=graph.mode,
        source=graph.source,
        created=graph.created,
        speeds_kmh=dict(graph.speeds_kmh),
        import_id=graph.import_id,
    )


def _meta_json(graph: Graph) -> str:
    return json.dumps(
        {
            "format_version": FORMAT_VERSION,
            "mode": graph.mode,
            "source": graph.source,
            "created": graph.created,
            "speeds_kmh": graph.speeds_kmh,
            "import_id": graph.import_id,
        },
        ensure_ascii=False,
    )


def write_graph_tmp(graph: Graph, directory: Path) -> Path:
    """Write ``graph`` to a new temporary file in ``directory`` and return its path.

    The caller renames it into place; keeping the temp file in the same directory makes
    that rename atomic (same file system).
    """
    fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".npz.tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            # Uncompressed: loading is then a plain read, a few ms for a city.
            np.savez(
                fh,
                meta=np.array(_meta_json(graph)),
                **{name: getattr(graph, name) for name in _ARRAYS},
            )
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def save_graph(graph: Graph, path: str | os.PathLike) -> None:
    """Save ``graph`` to ``path`` (``.npz``) atomically.

    Parameters
    ----------
    graph : Graph
    path : str or PathLike
        Target file. Written to a temporary file beside it, then renamed over it, so a
        reader sees either the old file or the new one, never a half-written one.
    """
    path = Path(path)
    tmp = write_graph_tmp(graph, path.parent)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_graph(path: str | os.PathLike) -> Graph:
    """Load a graph written by :func:`save_graph`.

    Raises
    ------
    NetworkImportError
        If the file is missing, damaged or not a graph of this format version.
    """
    path = Path(path)
    if not path.is_file():
        raise NetworkImportError(f"{path.name}: no such graph file ({path})")
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise NetworkImportError(f"{path.name}: damaged or not a graph file ({exc})") from exc
    if meta.get("format_version") != FORMAT_VERSION:
        raise NetworkImportError(
            f"{path.name}: graph format {meta.get('format_version')}, expected "
            f"{FORMAT_VERSION}; import the OSM extract again"
        )
    return Graph(
        **arrays,
        mode=meta["mode"],
        source=meta["source"],
        created=meta["created"],
        speeds_kmh=meta["speeds_kmh"],
        import_id=meta["import_id"],
    )
