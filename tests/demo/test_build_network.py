"""The demo build's road network: a region import, also over an older demo's network."""

from pathlib import Path

import numpy as np

from precinct.analytics.network import import_networks, load_graph, regions
from precinct.demo import almaty, builder, territory
from precinct.territory import network as territory_network
from tests.conftest import CUT_OSM

LEGACY = ("walk.npz", "drive.npz", "basemap.npz")


def test_a_build_over_an_older_demos_network_moves_it_aside_and_serves_the_region(
    db, settings, tmp_path
):
    top = tmp_path / "network"
    settings.PRECINCT_NETWORK_DIR = top
    import_networks(CUT_OSM, top)  # what the demo build wrote before regions
    old_walk = load_graph(top / "walk.npz")
    lines = []
    region = territory.create_region(1000)
    networks = builder._import_region_network(region, CUT_OSM, lines.append)

    assert regions.imported_regions(top) == [almaty.REGION_CODE]
    assert not any((top / name).exists() for name in LEGACY)
    aside = top / builder.LEGACY_ASIDE
    assert all((aside / name).is_file() for name in LEGACY)  # kept, not deleted
    assert load_graph(aside / "walk.npz").import_id == old_walk.import_id
    assert any("Moved the network imported before regions" in line for line in lines)
    # The region has no area yet: the whole extract, the same roads as the older demo's.
    old_drive = load_graph(aside / "drive.npz")
    for new, old in ((networks.walk, old_walk), (networks.drive, old_drive)):
        assert np.array_equal(new.indices, old.indices)
        assert np.array_equal(new.lon, old.lon) and np.array_equal(new.seconds, old.seconds)
    # The log names the graphs as stored: the region's node counts.
    assert any(f"walking {networks.walk.n_nodes} nodes" in line for line in lines), lines
    # Every page that draws "the" network now gets the region's, memory-mapped.
    (code, walk), *others = territory_network.networks_by_region("walk")
    assert (code, others) == (None, [])
    assert walk.graph is networks.walk and isinstance(walk.graph.indptr, np.memmap)
    assert territory_network.network("drive").graph is networks.drive
    folder = regions.current_import(top / almaty.REGION_CODE)
    assert territory_network.basemap_path(almaty.REGION_CODE) == folder / "basemap.npz"
    lon, lat = float(networks.walk.lon[0]), float(networks.walk.lat[0])
    assert territory_network.region_at(lon, lat) == almaty.REGION_CODE
    assert Path(territory_network.network_at("walk", lon, lat).stamp[0]).parent == folder


def test_a_build_on_an_empty_folder_moves_nothing(db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    lines = []
    builder._import_region_network(territory.create_region(1000), CUT_OSM, lines.append)
    assert not (tmp_path / "network" / builder.LEGACY_ASIDE).exists()
    assert not any("Moved" in line for line in lines)
