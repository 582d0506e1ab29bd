"""The maps' base layer from OSM: named streets, buildings, and tiles cut for a zoom."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import osmium
import pytest
import shapely
from osmium.osm.mutable import Node, Way

from precinct.analytics.network import NetworkImportError, TileIndex, import_networks
from precinct.analytics.network.basemap import (
    BASEMAP_FILE,
    load_basemap,
    read_basemap,
    tile_bounds,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STEP = 0.001  # about 110 m
# A named avenue drawn east to west, a named lane, a footway, a tram line (not a road), a
# house and an open ring tagged building (broken data: no footprint).
NODES = {1: (2, 0), 2: (1, 0), 3: (0, 0), 4: (1, 1), 5: (0, 2), 6: (2, 2),
         10: (1.2, 0.2), 11: (1.4, 0.2), 12: (1.4, 0.4), 13: (1.2, 0.4)}  # fmt: skip
WAYS = [
    (1, [1, 2, 3], {"highway": "primary", "name": "проспект Абая", "name:kk": "Абай даңғылы",
                    "name:en": "Abay Avenue"}),
    (2, [2, 4], {"highway": "residential", "name": "улица Тулебаева"}),
    (3, [4, 5], {"highway": "footway"}),
    (4, [5, 6], {"railway": "tram"}),
    (5, [10, 11, 12, 13, 10], {"building": "yes"}),
    (6, [10, 11, 12], {"building": "yes"}),
]  # fmt: skip


def write_osm(path: Path) -> Path:
    with osmium.SimpleWriter(str(path)) as writer:
        for node_id, (x, y) in NODES.items():
            writer.add_node(Node(id=node_id, location=(76.9 + x * STEP, 43.2 + y * STEP),
                                 version=1))  # fmt: skip
        for way_id, refs, tags in WAYS:
            writer.add_way(Way(id=way_id, nodes=refs, tags=tags, version=1))
    return path


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return read_basemap(write_osm(tmp_path_factory.mktemp("basemap") / "town.osm"))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def test_read__roads_with_their_names_and_closed_buildings_only(town):
    assert town.n_streets == 3 and town.n_buildings == 1  # no tram, no open ring
    assert town.names[:, 0].tolist() == ["проспект Абая", "улица Тулебаева", ""]
    # The avenue was drawn east to west: stored west to east, so labels read upright.
    first = town.street_xy[town.street_offsets[0] : town.street_offsets[1]]
    assert first[0, 0] < first[-1, 0]


def test_tile__names_in_the_language_asked_else_the_plain_name(town):
    index = TileIndex(town)
    z, x, y = tile_of(76.9011, 43.2001, 15)
    names = {}
    for lang in ("kk", "en", "ru"):
        tile = index.tile(z, x, y, map_zoom=16, lang=lang)
        names[lang] = sorted(f["properties"].get("n", "") for f in tile["features"])
    assert names["kk"] == ["", "", "Абай даңғылы", "улица Тулебаева"]  # footway, house
    assert names["en"] == ["", "", "Abay Avenue", "улица Тулебаева"]
    assert names["ru"] == ["", "", "проспект Абая", "улица Тулебаева"]


def test_tile__detail_follows_the_zoom(town):
    index = TileIndex(town)
    at = (76.9011, 43.2001)
    street = index.tile(*tile_of(*at, 15), map_zoom=16, lang="ru")
    kinds = sorted(f["properties"].get("k", "building") for f in street["features"])
    assert kinds == ["building", "footway", "primary", "residential"]
    city = index.tile(*tile_of(*at, 11), map_zoom=12, lang="ru")
    # A city view: the avenue only, unlabelled, no houses, coordinates to 4 decimals.
    assert [f["properties"] for f in city["features"]] == [{"k": "primary"}]
    coords = np.array(city["features"][0]["geometry"]["coordinates"])
    assert np.array_equal(coords, np.round(coords, 4))


def test_tile__clipped_to_the_tile_with_a_small_margin(town):
    index = TileIndex(town)
    z, x, y = tile_of(76.9015, 43.2, 17)  # the avenue crosses several z17 tiles
    west, _, east, _ = tile_bounds(z, x, y)
    tile = index.tile(z, x, y, map_zoom=18, lang="ru")
    avenue = next(f for f in tile["features"] if f["properties"]["k"] == "primary")
    lons = [c[0] for c in avenue["geometry"]["coordinates"]]
    pixel = (east - west) / 256
    assert west - 5 * pixel <= min(lons) and max(lons) <= east + 5 * pixel
    empty = index.tile(*tile_of(77.5, 43.5, 15), map_zoom=16, lang="ru")
    assert empty == {"type": "FeatureCollection", "features": []}


def test_tile_bounds__known_tile():
    west, south, east, north = tile_bounds(1, 1, 0)
    assert (west, east) == (0, 180) and south == 0 and north == pytest.approx(85.0511, abs=1e-4)


def test_the_cut_has_named_streets_and_buildings_after_import(tmp_path):
    import_networks(FIXTURES / "almaty_cut.osm.pbf", tmp_path)
    basemap = load_basemap(tmp_path / BASEMAP_FILE)
    assert basemap.n_buildings > 4000 and (basemap.names[:, 0] != "").sum() > 300
    tile = TileIndex(basemap).tile(*tile_of(76.945, 43.238, 15), map_zoom=16, lang="ru")
    assert any("n" in f["properties"] for f in tile["features"])
    assert all(shapely.geometry.shape(f["geometry"]).is_valid for f in tile["features"])


def test_damaged_basemap_file(tmp_path):
    (tmp_path / BASEMAP_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(NetworkImportError, match="damaged base map"):
        load_basemap(tmp_path / BASEMAP_FILE)
