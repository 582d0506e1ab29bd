"""Point-in-polygon lookups over precincts, cached per process.

A city has a few hundred precincts: their polygons fit in memory as shapely geometries in
an STRtree. The cache is rebuilt when the newest precinct change differs from the stamp it
was built at, so every web worker sees an edit on its next request (``precinct_at`` reads
the stamp with the precinct it found, in the same statement).
"""

import gc
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max, Subquery, Value

from precinct.territory.models import Precinct


@dataclass(frozen=True)
class _Index:
    stamp: tuple
    tree: shapely.STRtree
    precinct_ids: np.ndarray


NO_PRECINCT = -1
_lock = threading.Lock()
_cache: dict[str, _Index] = {}


def _stamp() -> tuple:
    agg = Precinct.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def _stamp_columns() -> dict:
    """The stamp as two scalar subqueries, to read it with a precinct in one statement."""
    every = Precinct.objects.order_by().annotate(all=Value(1)).values("all")
    return {
        "stamp_n": Subquery(every.annotate(n=Count("id")).values("n")),
        "stamp_last": Subquery(every.annotate(last=Max("updated_at")).values("last")),
    }


def _build(stamp: tuple) -> _Index:
    rows = list(Precinct.objects.exclude(boundary="").values_list("id", "boundary"))
    geoms = [shapely.from_geojson(b) for _, b in rows]
    shapely.prepare(geoms)
    return _Index(stamp, shapely.STRtree(geoms), np.array([pk for pk, _ in rows], dtype=np.int64))


def _index(stamp: tuple | None = None) -> _Index:
    """The index at ``stamp`` (by default the database's now), rebuilt if it is older."""
    stamp = _stamp() if stamp is None else stamp
    current = _cache.get("precincts")
    if current is None or current.stamp != stamp:
        with _lock:
            current = _cache.get("precincts")
            if current is None or current.stamp != stamp:
                current = _cache["precincts"] = _build(stamp)
    return current


def precinct_id_at(lon: float, lat: float) -> int | None:
    """The id of the precinct whose polygon holds the point, or None."""
    found = int(precinct_ids_at(np.array([lon]), np.array([lat]))[0])
    return None if found == NO_PRECINCT else found


def precinct_at(lon: float, lat: float) -> Precinct | None:
    """The precinct holding the point, with its department: the first step of "find my
    inspector" (``locate.locate``) and of routing an appeal, so both always agree.

    The cached index is asked first and the stamp read with the precinct found, in one
    statement: an edit since the index was built is still seen at once (the index is
    rebuilt and asked again), without a round trip for the stamp on every request.
    """
    current = _cache.get("precincts")
    if current is None:
        return _precinct_checked(lon, lat)
    found = _precinct_in(current, lon, lat)
    if found is None:  # outside every cached polygon: maybe a precinct was just drawn
        return _precinct_checked(lon, lat)
    with_stamp = Precinct.objects.select_related("department").annotate(**_stamp_columns())
    row = with_stamp.filter(pk=found).first()
    if row is None:  # deleted since the index was built
        return _precinct_checked(lon, lat)
    if (row.stamp_n, row.stamp_last) == current.stamp:
        return row
    return _precinct_checked(lon, lat, stamp=(row.stamp_n, row.stamp_last))


def _precinct_checked(lon: float, lat: float, stamp: tuple | None = None) -> Precinct | None:
    """The precinct at the point in the index at ``stamp`` (the database's now by default)."""
    found = _precinct_in(_index(stamp), lon, lat)
    if found is None:
        return None
    return Precinct.objects.select_related("department").get(pk=found)


def _precinct_in(index: _Index, lon: float, lat: float) -> int | None:
    found = int(_ids_in(index, np.array([lon], dtype=np.float64), np.array([lat]))[0])
    return None if found == NO_PRECINCT else found


def precinct_ids_at(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The precinct id of each point; NO_PRECINCT outside all of them or without coordinates.

    A point on a border shared by two precincts lies in both: the first in the tree's order
    wins, so a single lookup and a bulk one always agree.
    """
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    if not (np.isfinite(lon) & np.isfinite(lat)).any():
        return np.full(lon.shape, NO_PRECINCT, dtype=np.int64)
    return _ids_in(_index(), lon, lat)


def _ids_in(index: _Index, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """``precinct_ids_at`` in a given index."""
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    out = np.full(lon.shape, NO_PRECINCT, dtype=np.int64)
    located = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if located.size == 0:
        return out
    x, y = lon[located], lat[located]
    # Bounding boxes from the tree, then the exact test against the prepared polygons: a
    # query with predicate= prepares the points instead and is ~4x slower for 50,000.
    with _collector_paused():
        points = shapely.points(x, y)
    point_i, tree_i = index.tree.query(points)
    inside = shapely.intersects_xy(index.tree.geometries[tree_i], x[point_i], y[point_i])
    point_i, tree_i = point_i[inside], tree_i[inside]
    first = np.full(located.size, len(index.precinct_ids), dtype=np.int64)
    np.minimum.at(first, point_i, tree_i)
    hit = first < len(index.precinct_ids)
    out[located[hit]] = index.precinct_ids[first[hit]]
    return out


@contextmanager
def _collector_paused():
    """Creating 50,000 point objects sets off dozens of garbage collections of the whole
    process (10x the creation itself in a web worker); points form no reference cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def precinct_shapes(precinct_ids) -> dict[int, shapely.Geometry]:
    """The cached polygons of these precincts (those without a boundary are left out)."""
    index = _index()
    wanted = set(precinct_ids)
    return {
        int(pk): geom
        for pk, geom in zip(index.precinct_ids, index.tree.geometries, strict=True)
        if int(pk) in wanted
    }


def boundary_geojson(boundary: str) -> dict | None:
    """The stored GeoJSON text as a dict (None when empty)."""
    return json.loads(boundary) if boundary else None


def bbox_fields(geometry) -> dict:
    """The bounding-box columns of AreaMixin for a shapely geometry."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}
