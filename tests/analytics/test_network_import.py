"""OSM import rules on a synthetic town with hand-computed times, storage and bad input."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import osmium
import pytest
from osmium.osm.mutable import Node, Way

from precinct.analytics.network import (
    Graph,
    NetworkImportError,
    build_networks,
    import_networks,
    load_graph,
    load_networks,
    one_to_many,
    save_graph,
)
from precinct.analytics.network.graph import haversine_m

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# A 3x3 grid at the equator, 0.001 degrees apart (~111 m), plus a roundabout, a dead-end
# one-way stub and an isolated footway:
#
#   7 <- 8 <- 9          row 7-8-9: oneway=-1 (drawn 7-8-9, cars go 9 -> 8 -> 7)
#   |    x    ^          5-8: service, access=private (nobody)
#   4 -> 5 -> 6          row 4-5-6: oneway=yes;  3-6-9: motorway (cars only, 3 -> 6 -> 9)
#   |    :    ^          2-5: footway (walkers only)
#   1 -- 2 -- 3 -- 30 (roundabout 30 -> 31 -> 32 -> 30)
#             '-> 13     3-13: residential oneway=yes, a dead end for cars
STEP = 0.001
GRID = {1: (0, 0), 2: (1, 0), 3: (2, 0), 4: (0, 1), 5: (1, 1), 6: (2, 1), 7: (0, 2), 8: (1, 2),
        9: (2, 2)}  # fmt: skip
EXTRA = {13: (2.0, -1.0), 30: (3.0, 0.0), 31: (4.0, 0.5), 32: (4.0, -0.5), 40: (9, 9), 41: (9, 10)}
WAYS = [
    (101, [1, 2, 3], {"highway": "residential"}),
    (102, [4, 5, 6], {"highway": "residential", "oneway": "yes"}),
    (103, [7, 8, 9], {"highway": "residential", "oneway": "-1"}),
    (104, [1, 4, 7], {"highway": "residential"}),
    (105, [2, 5], {"highway": "footway"}),
    (106, [5, 8], {"highway": "service", "access": "private"}),
    (107, [3, 6, 9], {"highway": "motorway"}),
    (108, [3, 13], {"highway": "residential", "oneway": "yes"}),
    (109, [3, 30], {"highway": "tertiary"}),
    (110, [30, 31, 32, 30], {"highway": "tertiary", "junction": "roundabout"}),
    (111, [40, 41], {"highway": "footway"}),
    (112, [1, 5, 9, 1], {"highway": "pedestrian", "area": "yes"}),
    (113, [7, 9], {"highway": "construction"}),
]


def coords(node_id: int) -> tuple[float, float]:
    """lon, lat of a town node."""
    x, y = {**GRID, **EXTRA}[node_id]
    return x * STEP, y * STEP


def write_town(path: Path, ways=WAYS) -> Path:
    """Write the synthetic town (or other ``ways`` over its nodes) as an OSM file."""
    with osmium.SimpleWriter(str(path)) as writer:
        for node_id in sorted({**GRID, **EXTRA}):
            writer.add_node(Node(id=node_id, location=coords(node_id), version=1))
        for way_id, refs, tags in ways:
            writer.add_way(Way(id=way_id, nodes=refs, tags=tags, version=1))
    return path


def metres(a: int, b: int) -> float:
    """Haversine length of the segment between two town nodes."""
    return float(haversine_m(*coords(a), *coords(b)))


def route_time(nodes: list[int], kmh: float) -> float:
    """Seconds to travel along ``nodes`` at ``kmh``."""
    return sum(metres(a, b) for a, b in itertools.pairwise(nodes)) / (kmh / 3.6)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return build_networks(write_town(tmp_path_factory.mktemp("town") / "town.osm.pbf"))


def node_of(graph: Graph, osm_id: int) -> int:
    (found,) = np.flatnonzero(graph.osm_id == osm_id)
    return int(found)


def time_between(graph: Graph, a: int, b: int) -> float:
    return float(one_to_many(graph, node_of(graph, a))[node_of(graph, b)])


def edges(graph: Graph) -> set[tuple[int, int]]:
    """Edges as OSM node id pairs."""
    return set(zip(graph.osm_id[graph.tails()].tolist(), graph.osm_id[graph.indices].tolist(),
                   strict=True))  # fmt: skip


def test_walk_graph_has_footways_and_streets_but_no_motorway_private_or_area(town):
    walk = edges(town.walk)
    assert (2, 5) in walk and (5, 2) in walk  # footway
    assert (5, 6) in walk and (6, 5) in walk  # one-way street walked both ways
    assert not {(3, 6), (6, 3), (6, 9)} & walk  # motorway
    assert not {(5, 8), (8, 5)} & walk  # access=private
    assert not {(1, 5), (5, 9), (7, 9)} & walk  # area=yes, construction
    assert set(town.walk.osm_id.tolist()) == {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 30, 31, 32}
    assert not {40, 41} & set(town.walk.osm_id.tolist())  # smaller component dropped


def test_drive_graph_honours_oneways_motorway_and_roundabout(town):
    drive = edges(town.drive)
    assert {(4, 5), (5, 6)} <= drive and not {(5, 4), (6, 5)} & drive  # oneway=yes
    assert {(9, 8), (8, 7)} <= drive and not {(7, 8), (8, 9)} & drive  # oneway=-1
    assert {(3, 6), (6, 9)} <= drive and not {(6, 3), (9, 6)} & drive  # motorway implied
    assert {(30, 31), (31, 32), (32, 30)} <= drive and (31, 30) not in drive  # roundabout
    assert not {(2, 5), (5, 2), (5, 8), (8, 5)} & drive  # footway, private


def test_drive_graph_keeps_only_the_strongly_connected_part(town):
    # 13 can be reached (3 -> 13) but not left: a car sent there would be stuck.
    assert 13 not in town.drive.osm_id
    assert 13 in town.walk.osm_id


def test_walking_times_by_hand(town):
    walk = 4.5
    assert time_between(town.walk, 1, 6) == pytest.approx(route_time([1, 2, 5, 6], walk))
    assert time_between(town.walk, 1, 9) == pytest.approx(route_time([1, 4, 7, 8, 9], walk))
    assert time_between(town.walk, 9, 1) == time_between(town.walk, 1, 9)


def test_driving_times_by_hand(town):
    # 1 -> 9: the top row runs 9 -> 7, so the only way is the motorway from 3.
    expected = route_time([1, 2, 3], 30) + route_time([3, 6, 9], 80)
    assert time_between(town.drive, 1, 9) == pytest.approx(expected)
    assert time_between(town.drive, 9, 1) == pytest.approx(route_time([9, 8, 7, 4, 1], 30))
    # 5 -> 1: out along the one-way row, up the motorway, back along the top row.
    expected = route_time([5, 6], 30) + route_time([6, 9], 80) + route_time([9, 8, 7, 4, 1], 30)
    assert time_between(town.drive, 5, 1) == pytest.approx(expected)
    # Round the roundabout the long way: 30 -> 31 -> 32, not 30 <- 32.
    assert time_between(town.drive, 30, 32) == pytest.approx(route_time([30, 31, 32], 40))


def test_reversed_graph_gives_times_to_a_node(town):
    drive = town.drive
    to_one = one_to_many(drive.reversed(), node_of(drive, 1))
    for other in (5, 9, 31):
        assert to_one[node_of(drive, other)] == pytest.approx(time_between(drive, other, 1))
    assert drive.reversed() is drive.reversed()
    assert drive.reversed().reversed() is drive


def test_speeds_are_configurable(tmp_path):
    path = write_town(tmp_path / "town.osm.pbf")
    nets = build_networks(path, walk_speed_kmh=5.0, drive_speeds_kmh={"residential": 20})
    assert time_between(nets.walk, 1, 2) == pytest.approx(route_time([1, 2], 5.0))
    assert time_between(nets.drive, 1, 2) == pytest.approx(route_time([1, 2], 20))
    assert 30 not in nets.drive.osm_id  # tertiary no longer has a speed: closed to cars
    assert nets.drive.speeds_kmh == {"residential": 20}
    assert nets.walk.speeds_kmh == {"foot": 5.0}


def test_parallel_edges_keep_the_fastest(tmp_path):
    ways = [
        (1, [1, 2], {"highway": "residential"}),
        (2, [1, 2], {"highway": "primary"}),
        (3, [2, 3], {"highway": "residential"}),
    ]
    drive = build_networks(write_town(tmp_path / "p.osm.pbf", ways)).drive
    assert drive.n_edges == 4  # 1<->2 once each way, 2<->3
    assert time_between(drive, 1, 2) == pytest.approx(route_time([1, 2], 60))


def test_metadata(town):
    assert town.walk.mode == "walk" and town.drive.mode == "drive"
    assert town.walk.source == "town.osm.pbf"
    assert town.walk.import_id == town.drive.import_id
    assert town.walk.created.endswith("+00:00")


# --- bad input ---------------------------------------------------------------------------


def import_error(path) -> str:
    with pytest.raises(NetworkImportError) as info:
        build_networks(path)
    return str(info.value)


def test_missing_file(tmp_path):
    assert import_error(tmp_path / "almaty.osm.pbf").startswith("almaty.osm.pbf: file not found")


def test_empty_file(tmp_path):
    (tmp_path / "almaty.osm.pbf").write_bytes(b"")
    assert import_error(tmp_path / "almaty.osm.pbf") == "almaty.osm.pbf: file is empty"


def test_garbage_bytes(tmp_path):
    path = tmp_path / "almaty.osm.pbf"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    assert "almaty.osm.pbf: not a readable OSM file" in import_error(path)


def test_truncated_pbf(tmp_path):
    data = (FIXTURES / "almaty_cut.osm.pbf").read_bytes()
    path = tmp_path / "almaty.osm.pbf"
    path.write_bytes(data[: len(data) // 2])
    assert "almaty.osm.pbf: not a readable OSM file" in import_error(path)


def test_extract_without_roads(tmp_path):
    path = write_town(tmp_path / "almaty.osm.pbf", [(1, [1, 2, 5, 1], {"building": "yes"})])
    assert import_error(path) == "almaty.osm.pbf: no usable roads for walking"


def test_extract_without_car_roads(tmp_path):
    path = write_town(tmp_path / "park.osm.pbf", [(1, [1, 2, 5], {"highway": "footway"})])
    assert import_error(path) == "park.osm.pbf: no usable roads for driving"


# --- storage -----------------------------------------------------------------------------


def assert_same_graph(a: Graph, b: Graph) -> None:
    for name in ("indptr", "indices", "seconds", "meters", "lon", "lat", "osm_id"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert (a.mode, a.source, a.created, a.speeds_kmh, a.import_id) == (
        b.mode, b.source, b.created, b.speeds_kmh, b.import_id,
    )  # fmt: skip


def test_save_load_round_trip(town, tmp_path):
    save_graph(town.drive, tmp_path / "drive.npz")
    assert_same_graph(load_graph(tmp_path / "drive.npz"), town.drive)
    assert os.listdir(tmp_path) == ["drive.npz"]  # no temporary file left behind


def test_failed_save_keeps_the_old_file(town, tmp_path, monkeypatch):
    target = tmp_path / "walk.npz"
    save_graph(town.walk, target)
    before = target.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError):
        save_graph(town.drive, target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["walk.npz"]


def test_load_damaged_or_missing_graph(tmp_path):
    with pytest.raises(NetworkImportError, match=r"^walk.npz: no such graph file"):
        load_graph(tmp_path / "walk.npz")
    (tmp_path / "walk.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(NetworkImportError, match=r"^walk.npz: damaged or not a graph file"):
        load_graph(tmp_path / "walk.npz")


def test_import_networks_writes_both_and_reports(tmp_path):
    report = import_networks(FIXTURES / "almaty_cut.osm.pbf", tmp_path / "graphs")
    assert sorted(os.listdir(tmp_path / "graphs")) == ["basemap.npz", "drive.npz", "walk.npz"]
    nets = load_networks(tmp_path / "graphs")
    assert (report.walk_nodes, report.walk_edges) == (nets.walk.n_nodes, nets.walk.n_edges)
    assert (report.drive_nodes, report.drive_edges) == (nets.drive.n_nodes, nets.drive.n_edges)
    # Every walking street is stored in both directions.
    assert report.walk_km == pytest.approx(nets.walk.meters.sum() / 2000)
    assert 0 < report.drive_km < nets.drive.meters.sum() / 1000
    assert report.source == "almaty_cut.osm.pbf"


def test_failed_import_keeps_the_old_graphs(tmp_path):
    out = tmp_path / "graphs"
    import_networks(FIXTURES / "almaty_cut.osm.pbf", out)
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x0egarbage")
    with pytest.raises(NetworkImportError):
        import_networks(bad, out)
    assert {name: (out / name).read_bytes() for name in before} == before
    assert sorted(os.listdir(out)) == ["basemap.npz", "drive.npz", "walk.npz"]


def test_load_networks_rejects_files_of_different_imports(tmp_path, town):
    out = tmp_path / "graphs"
    import_networks(FIXTURES / "almaty_cut.osm.pbf", out)
    save_graph(town.drive, out / "drive.npz")
    with pytest.raises(NetworkImportError, match="different imports"):
        load_networks(out)
