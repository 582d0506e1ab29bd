"""Access legs: door to street node and back, at the walking pace, never under the
straight line."""

import numpy as np
import pytest

from precinct.analytics.network import access_seconds, door_to_door, walking_pace
from tests.analytics.streets import grid_graph


def test_the_pace_is_the_graphs_walking_speed():
    walk = grid_graph("walk", 4.5 / 3.6)
    assert walking_pace(walk) == pytest.approx(3.6 / 4.5)
    assert access_seconds(walk, [0.0, 45.0]).tolist() == pytest.approx([0.0, 36.0])


def test_two_doors_at_the_same_node_walk_both_legs():
    walk = grid_graph("walk", 4.5 / 3.6)
    seconds, metres = door_to_door(
        walk, network_s=0.0, network_m=0.0, first_m=30.0, last_m=25.0, straight_m=55.0
    )
    assert (float(metres), float(seconds)) == pytest.approx((55.0, 44.0))


def test_never_shorter_than_the_straight_line():
    walk = grid_graph("walk", 4.5 / 3.6)
    seconds, metres = door_to_door(
        walk,
        network_s=np.array([0.0, 80.0]),
        network_m=np.array([0.0, 100.0]),
        first_m=np.array([5.0, 10.0]),
        last_m=np.array([5.0, 10.0]),
        straight_m=np.array([40.0, 60.0]),
    )
    assert metres.tolist() == pytest.approx([40.0, 120.0])
    assert seconds.tolist() == pytest.approx([32.0, 96.0])
