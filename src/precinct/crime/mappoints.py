"""Anonymous map points of a region: its named streets and residential places as arrays,
through ``analytics.mappoints``, back to rows (the writers are in ``crime.services``).

Places are the region's residential buildings with residents (territory ``PopulationPoint``);
a region without them (a deployment that imported only addresses) uses its ``Address`` rows.
Streets are the named lines of the imported base map (``basemap.npz``, OSM).
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from precinct.analytics import mappoints
from precinct.analytics.network import load_basemap
from precinct.crime.models import MapPointPlace
from precinct.territory.models import Address, PopulationPoint
from precinct.territory.network import NetworkMissing, basemap_path

NAME, NAME_RU, NAME_KK, NAME_EN = range(4)  # columns of Basemap.names


@dataclass(frozen=True)
class StreetLines:
    """Street lines and each line's name in ru (the key), kk and en."""

    xy: np.ndarray
    offsets: np.ndarray
    name: np.ndarray
    name_kk: np.ndarray
    name_en: np.ndarray


def street_lines(region: str | None = None) -> StreetLines:
    """The named streets of the region's imported base map; ``NetworkMissing`` before an
    import."""
    path = basemap_path(region)
    if not path.is_file():
        raise NetworkMissing(f"No base map at {path}: run 'precinct network import FILE'.")
    basemap = load_basemap(path)
    names = basemap.names.astype(str)
    russian = np.where(names[:, NAME_RU] != "", names[:, NAME_RU], names[:, NAME])
    return StreetLines(
        basemap.street_xy, basemap.street_offsets, russian, names[:, NAME_KK], names[:, NAME_EN]
    )


def region_places(region_id: int) -> tuple[np.ndarray, np.ndarray]:
    """The residential places of a region as lon and lat arrays."""
    rows = PopulationPoint.objects.filter(region_id=region_id).order_by("id")
    if not rows.exists():
        rows = Address.objects.filter(region_id=region_id).order_by("id")
    xy = np.array(list(rows.values_list("lon", "lat")), dtype=np.float64).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]


def build(
    region_id: int, streets: StreetLines
) -> tuple[mappoints.MapPoints, np.ndarray, np.ndarray]:
    """The map points of a region with its places (lon, lat) at the configured N."""
    lon, lat = region_places(region_id)
    points = mappoints.build_map_points(
        streets.xy, streets.offsets, streets.name, lon, lat,
        min_places=settings.PRECINCT_MAP_POINT_MIN_PLACES,
    )  # fmt: skip
    return points, lon, lat


def snap(lon, lat) -> list[int | None]:
    """The published map point (its id) of each exact position, or None (no location)."""
    rows = MapPointPlace.objects.filter(point__published=True).values_list("lon", "lat", "point")
    hidden = MapPointPlace.objects.exclude(point__published=True).values_list("lon", "lat")
    shown = np.array(list(rows), dtype=np.float64).reshape(-1, 3)
    other = np.array(list(hidden), dtype=np.float64).reshape(-1, 2)
    place_lon = np.concatenate([shown[:, 0], other[:, 0]])
    place_lat = np.concatenate([shown[:, 1], other[:, 1]])
    target = np.concatenate([shown[:, 2].astype(np.int64), np.full(len(other), -1, np.int64)])
    points = mappoints.nearest_place_target(place_lon, place_lat, target, lon, lat)
    return [int(p) if p >= 0 else None for p in points]
