"""Anonymous map points: where a street-level record may be shown without showing a home.

Like data.police.uk's "snap points", every published location is a point in the middle of
a stretch of a named street that stands for at least ``min_places`` residential places
(buildings with residents, or addresses). A record is moved to the point of its nearest
place; when that point stands for fewer places (a lone house, a short lane), or the
record lies farther than ``max_distance_m`` from any place, it gets no location at all.

How the points are made, street by street (one street = one name, all its OSM ways):

1. the street lines are sampled every ``spacing_m`` metres;
2. each place is attached to its nearest sample (places farther than ``max_street_m``
   from every named street are attached to nothing, so they have no point);
3. a street's places are ordered along the street (its principal axis) and split into
   runs where two neighbours lie more than ``max_gap_m`` apart (the same name in two
   parts of a town);
4. each run is cut into consecutive groups of at least ``min_places`` (a run shorter
   than that is one group that does not qualify);
5. a group's point is the street sample its middle place is attached to: on the
   street, never on a building.

Plain numpy/scipy/pyproj: no Django, tested on its own (tests/analytics/test_mappoints.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from .network.snap import utm_epsg

DEFAULT_MIN_PLACES = 8  # data.police.uk: a snap point covers at least eight postal addresses
DEFAULT_SPACING_M = 20.0
DEFAULT_MAX_STREET_M = 300.0
DEFAULT_MAX_GAP_M = 300.0
DEFAULT_MAX_DISTANCE_M = 250.0


@dataclass(frozen=True)
class MapPoints:
    """The points of one build: position, street, how many places each stands for."""

    lon: np.ndarray  # (m,) float64
    lat: np.ndarray  # (m,) float64
    street: np.ndarray  # (m,) int64: index of the street line the point lies on
    places: np.ndarray  # (m,) int64: how many places the point stands for
    place_point: np.ndarray  # (p,) int64: each place's point, -1 when it has none
    min_places: int

    @property
    def eligible(self) -> np.ndarray:
        """Which points may be published (they stand for at least ``min_places``)."""
        return self.places >= self.min_places


class _Metric:
    """Lon/lat to metres in the UTM zone of a reference point (under 0.1 % error in a city)."""

    def __init__(self, lon: float, lat: float):
        self._to = Transformer.from_crs(4326, utm_epsg(lon, lat), always_xy=True)

    def xy(self, lon, lat) -> np.ndarray:
        x, y = self._to.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])


def street_samples(
    xy: np.ndarray, offsets: np.ndarray, named: np.ndarray, spacing_m: float, metric: _Metric
):
    """Points every ``spacing_m`` along the named street lines: (lon, lat, metric xy, line)."""
    n_lines = len(offsets) - 1
    line_of_vertex = np.repeat(np.arange(n_lines), np.diff(offsets))
    # Segments join consecutive vertices of the same, named line.
    same = line_of_vertex[:-1] == line_of_vertex[1:]
    seg = np.flatnonzero(same & named[line_of_vertex[:-1]])
    if len(seg) == 0:
        empty = np.zeros(0)
        return empty, empty, np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    m = metric.xy(xy[:, 0], xy[:, 1])
    length = np.hypot(*(m[seg + 1] - m[seg]).T)
    steps = np.maximum(1, np.ceil(length / spacing_m)).astype(np.int64)
    which = np.repeat(seg, steps)
    first = np.repeat(np.cumsum(steps) - steps, steps)
    t = (np.arange(len(which)) - first) / np.repeat(steps, steps)
    lon = xy[which, 0] + t * (xy[which + 1, 0] - xy[which, 0])
    lat = xy[which, 1] + t * (xy[which + 1, 1] - xy[which, 1])
    # Each segment starts a sample; the last vertex of each line closes it.
    ends = seg[~np.isin(seg + 1, seg)] + 1
    lon = np.concatenate([lon, xy[ends, 0]])
    lat = np.concatenate([lat, xy[ends, 1]])
    line = np.concatenate([line_of_vertex[which], line_of_vertex[ends]])
    return lon, lat, metric.xy(lon, lat), line


def build_map_points(
    street_xy: np.ndarray,
    street_offsets: np.ndarray,
    street_keys: np.ndarray,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    *,
    min_places: int = DEFAULT_MIN_PLACES,
    spacing_m: float = DEFAULT_SPACING_M,
    max_street_m: float = DEFAULT_MAX_STREET_M,
    max_gap_m: float = DEFAULT_MAX_GAP_M,
) -> MapPoints:
    """The anonymous map points of a town (see the module's docstring).

    ``street_xy``/``street_offsets``: street lines as lon, lat vertices with the offsets
    where each line starts; ``street_keys``: each line's street (its name; "" for an
    unnamed line, which gets no point); ``place_lon``/``place_lat``: the residential places.
    """
    if min_places < 1:
        raise ValueError(f"min_places must be at least 1, not {min_places}")
    place_lon = np.asarray(place_lon, dtype=np.float64)
    place_lat = np.asarray(place_lat, dtype=np.float64)
    keys = np.asarray(street_keys).astype(str)
    none = np.full(len(place_lon), -1, dtype=np.int64)
    empty = MapPoints(
        np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), none, min_places
    )
    if len(place_lon) == 0 or len(keys) == 0:
        return empty
    metric = _Metric(float(np.median(place_lon)), float(np.median(place_lat)))
    s_lon, s_lat, s_xy, s_line = street_samples(
        np.asarray(street_xy, float), np.asarray(street_offsets), keys != "", spacing_m, metric
    )
    if len(s_lon) == 0:
        return empty
    metres, nearest = cKDTree(s_xy).query(metric.xy(place_lon, place_lat))
    attached = np.flatnonzero(metres <= max_street_m)
    _, street_id = np.unique(keys[s_line[nearest[attached]]], return_inverse=True)
    groups = _groups(attached, street_id, s_xy[nearest[attached]], min_places, max_gap_m)
    point_sample = np.array([nearest[g[len(g) // 2]] for g in groups], dtype=np.int64)
    place_point = none.copy()
    for i, g in enumerate(groups):
        place_point[g] = i
    return MapPoints(
        lon=s_lon[point_sample],
        lat=s_lat[point_sample],
        street=s_line[point_sample].astype(np.int64),
        places=np.array([len(g) for g in groups], dtype=np.int64),
        place_point=place_point,
        min_places=min_places,
    )


def _groups(places, street_id, snapped_xy, min_places, max_gap_m) -> list[np.ndarray]:
    """Places cut into groups: per street, ordered along it, runs, then ≥ min_places each."""
    groups = []
    order = np.argsort(street_id, kind="stable")
    bounds = np.flatnonzero(np.diff(street_id[order])) + 1
    for members in np.split(order, bounds):
        if len(members) == 0:
            continue
        along = _along_street(snapped_xy[members])
        members = members[np.argsort(along, kind="stable")]
        step = np.hypot(*np.diff(snapped_xy[members], axis=0).T)
        for run in np.split(members, np.flatnonzero(step > max_gap_m) + 1):
            parts = max(1, len(run) // min_places)
            groups.extend(places[part] for part in np.array_split(run, parts))
    return groups


def _along_street(xy: np.ndarray) -> np.ndarray:
    """Each point's position along the principal axis of a street's points."""
    centred = xy - xy.mean(axis=0)
    if len(xy) < 2 or not centred.any():
        return np.zeros(len(xy))
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes[0]


def assign_records(
    points: MapPoints,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    record_lon: np.ndarray,
    record_lat: np.ndarray,
    *,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
) -> np.ndarray:
    """Each record's map point (an index of ``points``) or -1: see ``nearest_place_target``."""
    target = np.full(len(points.place_point), -1, dtype=np.int64)
    has = points.place_point >= 0
    publishable = np.zeros(len(target), dtype=bool)
    publishable[has] = points.eligible[points.place_point[has]]
    target[publishable] = points.place_point[publishable]
    return nearest_place_target(
        place_lon, place_lat, target, record_lon, record_lat, max_distance_m=max_distance_m
    )


def nearest_place_target(
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    place_target: np.ndarray,
    record_lon: np.ndarray,
    record_lat: np.ndarray,
    *,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
) -> np.ndarray:
    """Each record's target: the ``place_target`` of its nearest place (-1 for a place whose
    point may not be published), or -1 when the nearest place is farther than
    ``max_distance_m`` or the record's coordinates are missing.

    A record goes to the point of its *nearest* place even when that point is not
    published: moving it on to a farther, publishable point would let a reader tell the
    lone house from the published stretch."""
    record_lon = np.atleast_1d(np.asarray(record_lon, dtype=np.float64))
    record_lat = np.atleast_1d(np.asarray(record_lat, dtype=np.float64))
    out = np.full(len(record_lon), -1, dtype=np.int64)
    ok = np.isfinite(record_lon) & np.isfinite(record_lat)
    if len(place_lon) == 0 or not ok.any():
        return out
    metric = _Metric(float(np.median(place_lon)), float(np.median(place_lat)))
    metres, nearest = cKDTree(metric.xy(place_lon, place_lat)).query(
        metric.xy(record_lon[ok], record_lat[ok])
    )
    target = np.asarray(place_target, dtype=np.int64)[nearest]
    out[ok] = np.where(metres <= max_distance_m, target, -1)
    return out
