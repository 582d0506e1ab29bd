"""Partitions of a territory over the road network: population, seeds and polygons.

Used to derive departments and precincts where no official boundaries exist: residents
are spread over network nodes, seeds are chosen where people live, every node joins the
seed it reaches first along the network (a network Voronoi diagram), and each part's
polygon is the union of its nodes' Voronoi cells.
"""

import numpy as np
import shapely


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that sum exactly to ``total``.

    Largest-remainder (Hamilton) rounding, so an official population total is kept to
    the resident.

    Examples
    --------
    >>> apportion(np.array([1.0, 1.0, 1.0]), 10).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=np.float64)
    if total < 0 or weights.size == 0 or not np.all(weights >= 0) or weights.sum() <= 0:
        raise ValueError("need non-negative weights with a positive sum and a total >= 0")
    quotas = weights / weights.sum() * total
    counts = np.floor(quotas).astype(np.int64)
    short = int(total - counts.sum())
    if short:
        order = np.argsort(-(quotas - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def weighted_seeds(
    xy: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 8
) -> np.ndarray:
    """Indices of ``k`` points spread where the weight is (weighted k-means, snapped).

    k-means++ starts the centres, a few weighted Lloyd steps balance them, and each
    centre is then moved to the nearest real point so seeds lie on the network.
    """
    n = len(xy)
    if not 1 <= k <= n:
        raise ValueError(f"k={k} must be between 1 and the number of points ({n})")
    p = weights / weights.sum()
    centres = [xy[rng.choice(n, p=p)]]
    d2 = np.sum((xy - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        score = d2 * weights
        nxt = xy[rng.choice(n, p=score / score.sum())] if score.sum() > 0 else xy[rng.integers(n)]
        centres.append(nxt)
        d2 = np.minimum(d2, np.sum((xy - nxt) ** 2, axis=1))
    centres = np.array(centres)
    for _ in range(iterations):
        label = _nearest(xy, centres)
        for j in range(k):
            member = label == j
            if weights[member].sum() > 0:
                centres[j] = np.average(xy[member], axis=0, weights=weights[member])
    return np.unique(_nearest(centres, xy))


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point (chunked to bound memory)."""
    out = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), 4096):
        chunk = points[start : start + 4096]
        d2 = ((chunk[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        out[start : start + 4096] = np.argmin(d2, axis=1)
    return out


def voronoi_cells(lon: np.ndarray, lat: np.ndarray, area) -> np.ndarray:
    """The Voronoi cell of every point, clipped to ``area`` (shapely geometries, in order).

    Points sharing a coordinate share a cell; each gets the same geometry.
    """
    coords = np.column_stack([lon, lat])
    unique, inverse = np.unique(coords, axis=0, return_inverse=True)
    cells = shapely.voronoi_polygons(shapely.multipoints(unique), extend_to=area, ordered=True)
    parts = shapely.get_parts(cells)
    clipped = shapely.intersection(parts, area)
    return clipped[inverse.ravel()]


def dissolve(cells: np.ndarray, labels: np.ndarray, n_labels: int) -> list:
    """One polygon per label: the union of its cells (None for a label without cells)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_labels + 1))
    out = []
    for j in range(n_labels):
        members = cells[order[bounds[j] : bounds[j + 1]]]
        members = members[~shapely.is_empty(members)]
        out.append(shapely.union_all(members) if len(members) else None)
    return out
