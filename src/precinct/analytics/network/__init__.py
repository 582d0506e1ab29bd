"""Street networks from OpenStreetMap: import, snapping, travel times, map features.

Public API
----------
Import and storage
    ``build_networks(pbf_path, *, walk_speed_kmh=4.5, drive_speeds_kmh=None) -> Networks``
    ``import_networks(pbf_path, out_dir, ...) -> ImportReport`` (writes walk.npz, drive.npz,
    basemap.npz)
    ``load_networks(directory) -> Networks``
    ``save_graph(graph, path)``, ``load_graph(path) -> Graph``
    ``Graph`` (CSR arrays; ``.reversed()`` for many-to-one), ``Networks``, ``ImportReport``
    ``NetworkImportError`` (every import/load failure, with a message naming the file)
Regions (``analytics.network.regions``: one folder per region, memory-mapped arrays)
    ``cut_networks(networks, area)``, ``cut_basemap(basemap, area)``, ``network_area``
    ``save_region(region_dir, networks, area, basemap)``, ``current_import(region_dir)``,
    ``imported_regions(network_dir)``, ``load_graph_dir(dir, mmap=True)``,
    ``load_node_xy(dir)``, ``load_region_boundary(import_dir)``
Snapping
    ``Snapper(graph, max_distance_m=1000, node_xy=None)``: ``.snap(lon, lat) -> (node, metres)``,
    ``.snap_many(lons, lats) -> (nodes, metres)``; ``OutsideNetworkError``
Access legs (door to street node and back, at the walking pace)
    ``walking_pace(graph)``, ``access_seconds(graph, metres)``,
    ``door_to_door(graph, *, network_s, network_m, first_m, last_m, straight_m)``
Routing (seconds)
    ``one_to_many(graph, source, targets=None, *, limit_s=inf)``
    ``one_to_many_with_predecessors(graph, source, targets=None, *, limit_s=inf)``
    ``many_to_many(graph, sources, targets)``
    ``multi_source(graph, sources, *, offsets=None, limit_s=inf) -> (times, nearest)``
    ``k_nearest_targets(graph, source, targets, k, *, limit_s=inf, target_offsets=None)``
    ``shortest_path(graph, source, target) -> (nodes, seconds, meters)``
    ``path_from_predecessors(predecessors, target)``, ``path_coordinates(graph, nodes)``
Map features
    ``read_features(pbf_path) -> OsmFeatures``, ``is_police_station(tags)``
    ``read_basemap(pbf_path) -> Basemap`` (named streets, buildings), ``load_basemap(path)``,
    ``TileIndex(basemap).tile(z, x, y, map_zoom=, lang=)`` (GeoJSON of one map tile)

Map data © OpenStreetMap contributors, ODbL 1.0: show the attribution wherever a map or
an export built from these graphs is shown.
"""

from .access import access_seconds, door_to_door, walking_pace
from .basemap import BASEMAP_FILE, Basemap, TileIndex, load_basemap, read_basemap
from .features import OsmFeatures, is_police_station, read_features
from .graph import Graph, NetworkImportError, graph_from_edges, load_graph, save_graph
from .osm import (
    DEFAULT_DRIVE_SPEEDS_KMH,
    DEFAULT_WALK_SPEED_KMH,
    ImportReport,
    Networks,
    build_networks,
    import_networks,
    load_networks,
)
from .routing import (
    k_nearest_targets,
    many_to_many,
    multi_source,
    one_to_many,
    one_to_many_with_predecessors,
    path_coordinates,
    path_from_predecessors,
    path_meters,
    shortest_path,
)
from .snap import OutsideNetworkError, Snapper

__all__ = [
    "BASEMAP_FILE",
    "DEFAULT_DRIVE_SPEEDS_KMH",
    "DEFAULT_WALK_SPEED_KMH",
    "Basemap",
    "Graph",
    "ImportReport",
    "NetworkImportError",
    "Networks",
    "OsmFeatures",
    "OutsideNetworkError",
    "Snapper",
    "TileIndex",
    "access_seconds",
    "build_networks",
    "door_to_door",
    "graph_from_edges",
    "import_networks",
    "is_police_station",
    "k_nearest_targets",
    "load_basemap",
    "load_graph",
    "load_networks",
    "many_to_many",
    "multi_source",
    "one_to_many",
    "one_to_many_with_predecessors",
    "path_coordinates",
    "path_from_predecessors",
    "path_meters",
    "read_basemap",
    "read_features",
    "save_graph",
    "shortest_path",
    "walking_pace",
]
