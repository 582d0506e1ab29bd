"""Access legs: the straight walks between a door and the street network.

A resident, a post or a population point stands beside the street, not on its node.
A walk door to door is three legs: from the door straight to the nearest street node
(its snap distance), along the network, and from the network's last node straight to the
door of the post. The legs are walked at the graph's own walking pace, and the whole is
never shorter than the straight line between the two doors.

Public API
----------
``walking_pace(graph) -> seconds per metre``
``access_seconds(graph, metres) -> seconds``
``door_to_door(graph, *, network_s, network_m, first_m, last_m, straight_m) -> (s, m)``
"""

from __future__ import annotations

import numpy as np

from .graph import Graph


def walking_pace(graph: Graph) -> float:
    """Seconds per metre on foot: the graph's ``foot`` speed, or its fastest edge.

    A walking graph built from OSM records its speed (``speeds_kmh['foot']``); a graph
    built otherwise (tests, other sources) is walked at its fastest edge's pace, so no
    leg is ever quicker than the network itself.
    """
    speed = graph.speeds_kmh.get("foot") if graph.speeds_kmh else None
    if speed:
        return 3.6 / float(speed)
    moving = graph.meters > 0
    if not moving.any():
        raise ValueError("the graph has no edge of positive length to take a pace from")
    return float(np.min(graph.seconds[moving] / graph.meters[moving]))


def access_seconds(graph: Graph, metres) -> np.ndarray:
    """Seconds to walk ``metres`` straight at the graph's walking pace (inf stays inf)."""
    return np.asarray(metres, dtype=np.float64) * walking_pace(graph)


def door_to_door(graph: Graph, *, network_s, network_m, first_m, last_m, straight_m):
    """The whole walk: the two access legs added to the network part, and at least the
    straight line between the doors.

    Parameters
    ----------
    network_s, network_m : array_like
        Seconds and metres along the network, node to node (0 when both doors snap to
        the same node).
    first_m, last_m : array_like
        Snap distances of the two doors (metres).
    straight_m : array_like
        Straight-line distance between the doors (metres).

    Returns
    -------
    seconds, metres : ndarray of float64

    Examples
    --------
    Both doors at the same street node, 30 m and 25 m from it, 55 m apart:

    >>> s, m = door_to_door(walk, network_s=0, network_m=0, first_m=30, last_m=25,
    ...                     straight_m=55)  # doctest: +SKIP
    >>> float(m), round(float(s), 1)  # at 4.5 km/h  # doctest: +SKIP
    (55.0, 44.0)
    """
    pace = walking_pace(graph)
    legs_m = np.asarray(first_m, dtype=np.float64) + np.asarray(last_m, dtype=np.float64)
    straight_m = np.asarray(straight_m, dtype=np.float64)
    metres = np.maximum(np.asarray(network_m, dtype=np.float64) + legs_m, straight_m)
    seconds = np.maximum(np.asarray(network_s, dtype=np.float64) + legs_m * pace, straight_m * pace)
    return seconds, metres
