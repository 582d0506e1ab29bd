"""Where to open new posts: maximal covering (MCLP) and set covering, exact or greedy.

Everything works on a boolean *coverage matrix* ``cover`` (demand x candidate, CSR):
``cover[i, j]`` is true when demand point ``i`` lies within the walking time of candidate
site ``j`` (in seconds, as every time in the core). Build it from the walking graph with
:func:`coverage_sets`, or from a distance matrix with :func:`coverage_sets_from_matrix`.

The exact models go to HiGHS (``highspy``) as one sparse matrix in CSC form through
``Highs.passModel``: no modelling layer that adds constraints one by one, which is where
general tools such as spopt/PuLP spend most of their time on city-sized instances.

Formulation (MCLP, Church & ReVelle 1974), with candidates ``x_j`` binary and demand
``y_i`` continuous in [0, 1] (integral ``x`` makes an optimal ``y`` integral)::

    max  sum_i w_i y_i   s.t.  y_i <= sum_j a_ij x_j   (each demand row)
                               sum_j x_j <= k

Before solving, rows that cannot change the answer are dropped (already covered by
today's posts, zero weight, out of every candidate's reach), rows with identical
candidate sets are merged (weights summed), and candidates reaching no remaining demand
are dropped. The lazy-greedy solution is handed to HiGHS as a starting incumbent, so a
time-out or a cancellation still returns at least the greedy answer.

Bounds: the greedy method reports the better of the classic submodular bound (after any
greedy step ``S``, ``OPT <= f(S) + sum of the k largest marginal gains``; Nemhauser,
Wolsey & Fisher 1978) and, when asked, the LP relaxation. ``gap = (bound - objective) /
objective``, the same relative gap HiGHS reports for a maximisation.

Progress and cancellation: ``progress(message_or_fraction)`` is called with short
messages at each stage and with HiGHS's current relative gap during branch and bound
(from the ``cbMipInterrupt`` callback, at most twice a second); ``should_stop()`` is
polled in the same callback (and between stages) and interrupts HiGHS, which returns its
best solution so far with ``status='cancelled'``.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np
import scipy.sparse as sp
from numba import njit

from precinct.analytics.network import Graph

#: Past this many non-zeros of the reduced coverage matrix, MCLP goes straight to greedy.
DEFAULT_EXACT_SIZE_LIMIT = 20_000_000

Progress = Callable[[float | str], None] | None
ShouldStop = Callable[[], bool] | None


class InfeasibleTarget(ValueError):
    """Even every candidate site together cannot bring the target share within reach."""

    def __init__(self, target_share: float, max_share: float):
        super().__init__(
            f"target share {target_share:.1%} cannot be reached: with every candidate site "
            f"open at most {max_share:.1%} of the weight is within reach"
        )
        self.target_share = target_share
        self.max_share = max_share


@dataclass(frozen=True)
class SitingResult:
    """The chosen candidate sites and how much they cover.

    Attributes
    ----------
    chosen : ndarray of int64
        Column indices of ``cover`` (candidate indices), ascending.
    objective : float
        Weight newly covered by the chosen sites (the MCLP objective; for set covering
        too, for reference).
    covered_before : float
        Weight already covered by ``fixed_covered`` (today's posts).
    covered_after : float
        ``covered_before + objective``.
    gap : float
        Relative optimality gap ``(bound - objective) / objective``; 0 when proven optimal.
        For set covering: ``(len(chosen) - bound) / len(chosen)``.
    bound : float
        Proven upper bound on ``objective`` (MCLP) or lower bound on the number of sites
        (set covering).
    method : {'highs', 'greedy', 'lagrangian'}
        Who found ``chosen``: HiGHS's branch and bound, the lazy greedy, or the primal
        side of the Lagrangian round (no HiGHS run: the bound sufficed, or size limit).
    status : str
        'optimal' (gap 0), 'gap reached' (gap within ``mip_gap``), 'time limit',
        'cancelled', 'size limit' (past ``exact_size_limit``: no HiGHS), or HiGHS's
        model status in words for anything else.
    seconds : float
        Wall time of the whole call, preprocessing included.
    covered : ndarray of bool
        Per demand point: within reach after opening the chosen sites (fixed included),
        for per-department figures.
    total_weight : float
        Sum of all demand weights (for shares).
    """

    chosen: np.ndarray
    objective: float
    covered_before: float
    covered_after: float
    gap: float
    bound: float
    method: str
    status: str
    seconds: float
    covered: np.ndarray
    total_weight: float

    @property
    def share_before(self) -> float:
        """Covered share of the weight before the new sites."""
        return self.covered_before / self.total_weight if self.total_weight > 0 else 0.0

    @property
    def share_after(self) -> float:
        """Covered share of the weight with the new sites."""
        return self.covered_after / self.total_weight if self.total_weight > 0 else 0.0


# --------------------------------------------------------------------------- coverage sets


def coverage_sets(
    graph: Graph,
    demand_nodes,
    candidate_nodes,
    reach_s: float,
    *,
    demand_access_s=None,
    candidate_access_s=None,
) -> sp.csr_matrix:
    """Which demand points lie within ``reach_s`` seconds of walking of each candidate site.

    One Dijkstra per candidate, bounded at ``reach_s``, on the reversed graph (times *to*
    the candidate: the resident walks to the post). All searches run in one compiled loop
    that resets only the nodes it touched, so a city's every node can be a candidate.

    Parameters
    ----------
    graph : Graph
        Walking graph.
    demand_nodes : array_like of int
        Graph node of each demand point (repeats allowed).
    candidate_nodes : array_like of int
        Graph node of each candidate site.
    reach_s : float
        Walking time in seconds; must be positive.
    demand_access_s, candidate_access_s : array_like of float, optional
        Access legs in seconds (door to street node), one per demand point and one per
        candidate: a point is covered when its leg, the network and the site's leg
        together take at most ``reach_s``. None: the points stand on their nodes.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (len(demand_nodes), len(candidate_nodes))

    Examples
    --------
    >>> cover = coverage_sets(walk, np.arange(walk.n_nodes), [5, 99], 900)  # doctest: +SKIP
    >>> cover.sum(axis=0)  # demand points within 15 min of each site  # doctest: +SKIP
    """
    _check_reach_s(reach_s)
    n = graph.n_nodes
    demand = _nodes(demand_nodes, n, "demand")
    candidates = _nodes(candidate_nodes, n, "candidate")
    if candidates.size == 0:
        raise ValueError("no candidate sites given")
    start = _legs(candidate_access_s, candidates.size, "candidate_access_s")
    unique, inverse = np.unique(demand, return_inverse=True)
    slot = np.full(n, -1, dtype=np.int64)
    slot[unique] = np.arange(unique.size)
    back = graph.reversed()
    limit = float(reach_s)
    capacity = max(64 * candidates.size, 1024)
    while True:
        rows, cols, secs, count = _reach_pairs(
            back.indptr, back.indices, back.seconds, candidates, start, limit, slot, capacity
        )
        if count <= capacity:
            break
        capacity = count  # the first pass counted them all: the second one fits
    rows, cols, secs = rows[:count], cols[:count], secs[:count]
    if demand_access_s is None:
        data = np.ones(count, dtype=bool)
        per_unique = sp.csr_matrix((data, (rows, cols)), shape=(unique.size, candidates.size))
        per_unique.sort_indices()
        return per_unique[inverse] if unique.size != demand.size else per_unique
    legs = _legs(demand_access_s, demand.size, "demand_access_s")
    # Stored one second late: a pair at 0 s (a site on the point's own node) must not be
    # an explicit zero that sparse arithmetic may drop.
    timed = sp.csr_matrix((secs + 1.0, (rows, cols)), shape=(unique.size, candidates.size))
    timed.sort_indices()
    per_point = timed[inverse]
    owner = np.repeat(np.arange(demand.size), np.diff(per_point.indptr))
    keep = per_point.data - 1.0 + legs[owner] <= limit
    cover = sp.csr_matrix(
        (np.ones(int(keep.sum()), dtype=bool), (owner[keep], per_point.indices[keep])),
        shape=(demand.size, candidates.size),
    )
    cover.sort_indices()
    return cover


def _legs(values, size: int, what: str) -> np.ndarray:
    """Access legs in seconds, one per point (zeros when not given)."""
    if values is None:
        return np.zeros(size)
    legs = np.asarray(values, dtype=np.float64)
    if legs.shape != (size,) or (legs < 0).any() or not np.isfinite(legs).all():
        raise ValueError(f"{what} must hold one finite, non-negative value per point")
    return legs


def coverage_sets_from_matrix(distance_matrix, max_distance: float) -> sp.csr_matrix:
    """Coverage matrix from a dense demand x candidate distance (or time) matrix.

    ``cover[i, j] = distance_matrix[i, j] <= max_distance``; NaN counts as unreachable.

    Examples
    --------
    >>> coverage_sets_from_matrix([[100, 900], [600, 300]], 500).toarray().tolist()
    [[True, False], [False, True]]
    """
    d = np.asarray(distance_matrix, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] == 0:
        raise ValueError("distance_matrix must be 2-d with at least one candidate column")
    if not np.isfinite(max_distance) or max_distance <= 0:
        raise ValueError(f"service distance must be positive, got {max_distance}")
    with np.errstate(invalid="ignore"):
        return sp.csr_matrix(d <= max_distance)


@njit(cache=True)
def _reach_pairs(indptr, indices, weights, sources, start, limit, slot, capacity):
    """(demand slot, source index, seconds) of every slotted node within ``limit`` of each
    source, each search starting at its source's ``start`` seconds (its access leg).

    A lazy binary heap (stale entries skipped when popped): bounded searches are small, so
    the simpler heap wins over decrease-key here. ``dist`` is reset through ``touched``
    only, keeping each search proportional to its own size, not to the graph's.
    Returns the pairs and their total count; when the count exceeds ``capacity`` the
    arrays hold the first ``capacity`` pairs and the caller runs again with more room.
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int64)
    heap_key = np.empty(indices.shape[0] + 1, dtype=np.float64)
    heap_node = np.empty(indices.shape[0] + 1, dtype=np.int64)
    out_row = np.empty(capacity, dtype=np.int64)
    out_col = np.empty(capacity, dtype=np.int64)
    out_s = np.empty(capacity, dtype=np.float64)
    count = 0
    for c in range(sources.shape[0]):
        s = sources[c]
        if start[c] > limit:
            continue  # its door is already farther than the reach from its street
        dist[s] = start[c]
        touched[0] = s
        n_touched = 1
        heap_key[0] = start[c]
        heap_node[0] = s
        size = 1
        while size > 0:
            d = heap_key[0]
            u = heap_node[0]
            size -= 1
            if size > 0:  # move the last entry to the root and sift it down
                key, node, i = heap_key[size], heap_node[size], 0
                while True:
                    child = 2 * i + 1
                    if child >= size:
                        break
                    if child + 1 < size and heap_key[child + 1] < heap_key[child]:
                        child += 1
                    if heap_key[child] >= key:
                        break
                    heap_key[i] = heap_key[child]
                    heap_node[i] = heap_node[child]
                    i = child
                heap_key[i] = key
                heap_node[i] = node
            if d > dist[u]:
                continue  # a stale entry: u was settled earlier at a smaller time
            r = slot[u]
            if r >= 0:
                if count < capacity:
                    out_row[count] = r
                    out_col[count] = c
                    out_s[count] = d
                count += 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                dv = d + weights[e]
                if dv <= limit and dv < dist[v]:
                    if dist[v] == np.inf:
                        touched[n_touched] = v
                        n_touched += 1
                    dist[v] = dv
                    i = size
                    size += 1
                    while i > 0:  # sift up
                        parent = (i - 1) // 2
                        if heap_key[parent] <= dv:
                            break
                        heap_key[i] = heap_key[parent]
                        heap_node[i] = heap_node[parent]
                        i = parent
                    heap_key[i] = dv
                    heap_node[i] = v
        for t in range(n_touched):
            dist[touched[t]] = np.inf
    return out_row, out_col, out_s, count


# --------------------------------------------------------------------------- the instance


@dataclass(frozen=True)
class _Reduced:
    """The part of an instance a solver needs: distinct open demand rows, useful columns."""

    cover: sp.csr_matrix  # merged rows x useful candidates
    weights: np.ndarray  # merged row weights
    columns: np.ndarray  # useful candidate indices into the original columns


def _prepare(cover, weights, fixed_covered):
    """Check the inputs; return (csr cover, weights, fixed mask, open-demand mask)."""
    if not sp.issparse(cover):
        cover = sp.csr_matrix(np.asarray(cover, dtype=bool))
    cover = sp.csr_matrix(cover, dtype=bool)
    n_demand, n_cand = cover.shape
    if n_cand == 0:
        raise ValueError("no candidate sites given")
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (n_demand,):
        raise ValueError(f"weights must have one value per demand point ({n_demand})")
    if not np.all(np.isfinite(weights)) or (weights.size and weights.min() < 0):
        raise ValueError("weights must be finite and non-negative")
    if fixed_covered is None:
        fixed = np.zeros(n_demand, dtype=bool)
    else:
        fixed = np.asarray(fixed_covered, dtype=bool)
        if fixed.shape != (n_demand,):
            raise ValueError(f"fixed_covered must have one flag per demand point ({n_demand})")
    cover.sum_duplicates()
    cover.eliminate_zeros()
    cover.sort_indices()
    return cover, weights, fixed


def _reduce(cover: sp.csr_matrix, weights: np.ndarray, fixed: np.ndarray) -> _Reduced:
    """Drop rows that cannot matter, merge identical rows, drop useless candidates."""
    reach = np.diff(cover.indptr) > 0
    rows = np.flatnonzero(~fixed & (weights > 0) & reach)
    sub = cover[rows]
    # Identical candidate sets: key each row by the bytes of its sorted column indices.
    groups: dict[bytes, int] = {}
    label = np.empty(rows.size, dtype=np.int64)
    indptr, indices = sub.indptr, sub.indices
    for r in range(rows.size):
        key = indices[indptr[r] : indptr[r + 1]].tobytes()
        label[r] = groups.setdefault(key, len(groups))
    merged_w = np.bincount(label, weights=weights[rows], minlength=len(groups))
    first = np.full(len(groups), -1, dtype=np.int64)
    first[label[::-1]] = np.arange(rows.size)[::-1]
    merged = sp.csr_matrix(sub[first])
    csc = merged.tocsc()
    csc.sort_indices()
    useful = np.diff(csc.indptr) > 0
    dominated = _dominated_columns(merged.indptr, merged.indices, csc.indptr, csc.indices)
    columns = np.flatnonzero(useful & ~dominated)
    return _Reduced(sp.csr_matrix(merged[:, columns]), merged_w, columns)


@njit(cache=True)
def _dominated_columns(row_ptr, row_idx, col_ptr, col_idx):
    """Columns whose rows all lie in another column's (ties: the lower index is kept).

    Swapping a dominated site for its dominator never loses coverage, so dropping it
    keeps the optimum. HiGHS's presolve finds the same reductions, but on a city with
    every node a candidate it spends most of a minute doing so; here each column is only
    compared with the columns of its rarest row (any superset must contain that row).
    """
    n_rows = row_ptr.shape[0] - 1
    n_cols = col_ptr.shape[0] - 1
    mark = np.zeros(n_rows, dtype=np.bool_)
    dominated = np.zeros(n_cols, dtype=np.bool_)
    for j in range(n_cols):
        lo, hi = col_ptr[j], col_ptr[j + 1]
        size = hi - lo
        if size == 0:
            continue
        rarest = col_idx[lo]
        for e in range(lo, hi):
            r = col_idx[e]
            mark[r] = True
            if row_ptr[r + 1] - row_ptr[r] < row_ptr[rarest + 1] - row_ptr[rarest]:
                rarest = r
        for e in range(row_ptr[rarest], row_ptr[rarest + 1]):
            other = row_idx[e]
            if other == j or dominated[other]:
                continue
            other_size = col_ptr[other + 1] - col_ptr[other]
            if other_size < size or (other_size == size and other > j):
                continue
            inside = 0
            for f in range(col_ptr[other], col_ptr[other + 1]):
                if mark[col_idx[f]]:
                    inside += 1
            if inside == size:
                dominated[j] = True
                break
        for e in range(lo, hi):
            mark[col_idx[e]] = False
    return dominated


def _covered_by(cover: sp.csr_matrix, chosen: np.ndarray) -> np.ndarray:
    """Demand rows within reach of at least one chosen column."""
    mask = np.zeros(cover.shape[1], dtype=np.float64)
    mask[chosen] = 1.0
    return (cover @ mask) > 0


# --------------------------------------------------------------------------- greedy


def _greedy(cover: sp.csr_matrix, weights: np.ndarray, k: int, should_stop: ShouldStop = None):
    """Lazy greedy MCLP on a reduced instance, with the submodular upper bound.

    Returns ``(chosen, objective, bound)``; ``chosen`` may be shorter than ``k`` when no
    candidate adds anything. Stale gains in the priority queue are upper bounds of the
    true gains (coverage is submodular), so a popped candidate whose recomputed gain still
    beats the next stale one is the true best.
    """
    csc = cover.tocsc()
    uncovered_w = weights.copy()
    gains = csc.T @ uncovered_w
    bound = _submodular_bound(0.0, gains, k)
    heap = [(-g, j) for j, g in enumerate(gains.tolist()) if g > 0]
    heapq.heapify(heap)
    chosen, objective = [], 0.0
    while heap and len(chosen) < k:
        if should_stop is not None and should_stop():
            break
        _, j = heapq.heappop(heap)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        gain = float(uncovered_w[rows].sum())
        if heap and gain < -heap[0][0]:
            if gain > 0:
                heapq.heappush(heap, (-gain, j))
            continue
        if gain <= 0:
            break
        chosen.append(j)
        objective += gain
        uncovered_w[rows] = 0.0
        # After each step, OPT <= f(S) + the k best marginal gains: one sparse product.
        bound = min(bound, _submodular_bound(objective, csc.T @ uncovered_w, k))
    return np.array(chosen, dtype=np.int64), objective, max(bound, objective)


def _submodular_bound(value: float, gains: np.ndarray, k: int) -> float:
    """``value`` plus the ``k`` largest marginal gains."""
    if gains.size <= k:
        return value + float(gains.sum())
    return value + float(np.partition(gains, gains.size - k)[-k:].sum())


def _lagrangian(
    red,
    k,
    start,
    start_value,
    target_gap,
    budget_s,
    progress,
    should_stop,
    max_iterations: int = 3000,
):
    """Subgradient optimisation of the Lagrangian relaxation of the coverage rows.

    Relaxing ``y_i <= sum_j a_ij x_j`` with multipliers ``0 <= lambda_i <= w_i`` leaves
    ``L(lambda) = sum_i (w_i - lambda_i) + (sum of the k largest sum_i a_ij lambda_i)``,
    an upper bound for every ``lambda`` that the subgradient steps push down towards the
    LP bound. The k sites picked by each ``L`` are also a feasible answer: the best one
    seen is the primal side. Step size: Polyak's rule against the best known value,
    with the factor halved after 30 steps without a better bound (Held, Wolfe & Crowder
    1974; Galvao & ReVelle 1996 for the MCLP). Stops at ``target_gap``, at the time
    budget, or when 100 steps improved the bound by less than 0.001 %.

    Returns ``(best sites, their value, best bound)``.
    """
    cover = red.cover.astype(np.float64)
    cover_t = cover.T.tocsr()
    w = red.weights
    k = min(k, cover.shape[1])
    best_set, best_value, best_bound = start, start_value, np.inf
    lam = 0.5 * w
    theta, stall, checkpoint = 2.0, 0, np.inf
    started = time.perf_counter()
    last_report = started
    for it in range(max_iterations):
        score = cover_t @ lam
        picked = np.argpartition(score, -k)[-k:]
        value_l = float((w - lam).sum() + score[picked].sum())
        x = np.zeros(cover.shape[1])
        x[picked] = 1.0
        hits = cover @ x
        value = float(w[hits > 0].sum())
        if value > best_value:
            best_set, best_value = np.sort(picked), value
        if value_l < best_bound * (1 - 1e-12):  # L >= 0: a relative test, inf-safe
            best_bound, stall = value_l, 0
        else:
            stall += 1
            if stall >= 30:
                theta, stall = theta / 2, 0
        gap = (best_bound - best_value) / best_value if best_value > 0 else 0.0
        now = time.perf_counter()
        if gap <= target_gap or theta < 1e-4 or now - started > budget_s:
            break
        if it % 100 == 99:  # a stalled bound: leave the rest of the time to HiGHS
            if checkpoint - best_bound < 1e-5 * best_bound:
                break
            checkpoint = best_bound
        if it % 16 == 0 and _stopped(should_stop):
            break
        if progress is not None and now - last_report >= 0.5:
            last_report = now
            progress(f"Lagrangian: gap {gap:.2%}")
        step = hits - 1.0  # the subgradient of L at lambda
        step[(lam <= 0) & (step > 0)] = 0.0  # projected onto the box [0, w]
        step[(lam >= w) & (step < 0)] = 0.0
        norm = float(step @ step)
        if norm == 0:
            break  # lambda is optimal for the relaxation: the bound is as low as it gets
        lam = np.clip(lam - theta * (value_l - best_value) / norm * step, 0.0, w)
    return best_set, best_value, best_bound


# --------------------------------------------------------------------------- HiGHS


def _highs(time_limit: float, mip_gap: float) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", 1)
    return h


def _lp(n_x: int, cost, a_csc: sp.csc_matrix, row_lower, row_upper, maximise: bool):
    """A HighsLp: ``n_x`` binary columns, then continuous [0, 1] ones; ``cost`` per column."""
    n_y = len(cost) - n_x
    lp = highspy.HighsLp()
    lp.num_col_ = n_x + n_y
    lp.num_row_ = a_csc.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(n_x + n_y)
    lp.col_upper_ = np.ones(n_x + n_y)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_x + n_y
    lp.a_matrix_.num_row_ = a_csc.shape[0]
    lp.a_matrix_.start_ = a_csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a_csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = a_csc.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [
        highspy.HighsVarType.kContinuous
    ] * n_y
    return lp


def _mclp_matrix(cover: sp.csr_matrix, k: int):
    """Columns [x | y]; rows: ``y_i - sum_j a_ij x_j <= 0`` per demand, then ``sum x <= k``."""
    n_d, n_c = cover.shape
    top = sp.hstack([-cover.astype(np.float64), sp.identity(n_d, format="csr")])
    last = sp.hstack([sp.csr_matrix(np.ones((1, n_c))), sp.csr_matrix((1, n_d))])
    a = sp.vstack([top, last]).tocsc()
    lower = np.concatenate([np.full(n_d, -np.inf), [0.0]])
    upper = np.concatenate([np.zeros(n_d), [float(k)]])
    return a, lower, upper


def _watch(h: highspy.Highs, progress: Progress, should_stop: ShouldStop, state: dict) -> None:
    """Poll ``should_stop`` and report the gap from HiGHS's MIP interrupt callback."""
    if progress is None and should_stop is None:
        return
    last = [0.0]

    def on_interrupt(event) -> None:
        if should_stop is not None and should_stop():
            state["cancelled"] = True
            event.interrupt()
        now = time.monotonic()
        if progress is not None and now - last[0] >= 0.5:
            last[0] = now
            gap = event.data_out.mip_gap
            if np.isfinite(gap):
                progress(f"branch and bound: gap {gap:.2%}")

    h.cbMipInterrupt += on_interrupt


def _status(h: highspy.Highs, state: dict) -> str:
    status = h.getModelStatus()
    if state.get("cancelled"):
        return "cancelled"
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if status == highspy.HighsModelStatus.kTimeLimit:
        return "time limit"
    return h.modelStatusToString(status).lower()


def _solve_mclp_exact(red: _Reduced, k, start, time_limit, mip_gap, progress, should_stop):
    """HiGHS on the reduced MCLP, started from ``start``; ``(chosen, bound, status)``."""
    n_c = red.cover.shape[1]
    cost = np.concatenate([np.zeros(n_c), red.weights])
    x, dual, status = _run_warm(
        red, cost, _mclp_matrix(red.cover, k), True, start,
        time_limit, mip_gap, progress, should_stop,
    )  # fmt: skip
    chosen = np.flatnonzero(x > 0.5) if x is not None else start
    bound = float(dual) if np.isfinite(dual) else np.inf
    return chosen, bound, status


def _run_warm(red, cost, model, maximise, start, time_limit, mip_gap, progress, should_stop):
    """Run HiGHS on ``model`` (matrix, row bounds) from the heuristic answer ``start``.

    Returns the site columns of the best solution (None if there is none), the dual
    bound and the status, watching ``progress`` and ``should_stop`` while it runs.
    """
    n_d, n_c = red.cover.shape
    a, lower, upper = model
    h = _highs(time_limit, mip_gap)
    h.passModel(_lp(n_c, cost, a, lower, upper, maximise=maximise))
    x0 = np.zeros(n_c + n_d)
    x0[start] = 1.0
    x0[n_c:] = _covered_by(red.cover, start)
    h.setSolution(n_c + n_d, np.arange(n_c + n_d, dtype=np.int32), x0)
    state: dict = {}
    _watch(h, progress, should_stop, state)
    h.run()
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value[:n_c]) if info.primal_solution_status else None
    if x is not None and x.size != n_c:
        x = None
    return x, info.mip_dual_bound, _status(h, state)


def _lp_bound(red: _Reduced, k: int, time_limit: float) -> float:
    """Value of the MCLP's LP relaxation (an upper bound), or inf if it did not finish."""
    a, lower, upper = _mclp_matrix(red.cover, k)
    h = _highs(time_limit, 0.0)
    cost = np.concatenate([np.zeros(red.cover.shape[1]), red.weights])
    lp = _lp(red.cover.shape[1], cost, a, lower, upper, maximise=True)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return np.inf
    return float(h.getInfo().objective_function_value)


# --------------------------------------------------------------------------- MCLP


def maximal_covering(
    cover,
    weights,
    k: int,
    *,
    fixed_covered=None,
    time_limit: float = 60.0,
    mip_gap: float = 0.0,
    exact_size_limit: int = DEFAULT_EXACT_SIZE_LIMIT,
    lp_bound: bool = False,
    lagrangian_share: float = 0.5,
    progress: Progress = None,
    should_stop: ShouldStop = None,
) -> SitingResult:
    """Choose ``k`` candidate sites that bring the most weight newly within reach (MCLP).

    Parameters
    ----------
    cover : sparse or dense bool matrix, shape (n_demand, n_candidates)
        From :func:`coverage_sets` or :func:`coverage_sets_from_matrix`.
    weights : ndarray, shape (n_demand,)
        Residents (or any non-negative weight) per demand point.
    k : int
        Number of new sites, ``1 <= k <= n_candidates``.
    fixed_covered : ndarray of bool, shape (n_demand,), optional
        Demand already within reach of today's open posts: it counts in
        ``covered_before`` and adds nothing to the objective.
    time_limit : float
        Seconds for HiGHS; at the limit the best solution found is returned with its gap.
    mip_gap : float
        Relative gap at which HiGHS may stop (0: prove optimality).
    exact_size_limit : int
        Non-zeros of the reduced coverage matrix above which HiGHS is skipped and the
        greedy answer with its bound is returned (``status='size limit'``).
    lp_bound : bool
        Past the size limit, also solve the LP relaxation (within ``time_limit``) for the
        bound. Rarely worth it: the Lagrangian bound approaches the same value faster.
    lagrangian_share : float
        Share of ``time_limit`` the Lagrangian round may use before HiGHS starts; it stops
        earlier once its gap is within ``mip_gap`` or its step size has shrunk away.
        0 skips it (greedy, then HiGHS).
    progress : callable, optional
        Called with a message (str) at each stage and with the gap during the search.
    should_stop : callable, optional
        Polled; returning True interrupts the search, which returns its best solution.

    Returns
    -------
    SitingResult

    Examples
    --------
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    >>> r = maximal_covering(cover, np.array([5.0, 1.0, 4.0, 2.0]), 2)
    >>> r.chosen.tolist(), r.objective, r.gap
    ([0, 1], 10.0, 0.0)
    """
    started = time.perf_counter()
    cover, weights, fixed = _prepare(cover, weights, fixed_covered)
    n_cand = cover.shape[1]
    if not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}")
    if k > n_cand:
        raise ValueError(f"k={k} is larger than the number of candidate sites ({n_cand})")
    _say(progress, "reducing the instance")
    red = _reduce(cover, weights, fixed)
    _say(progress, f"greedy on {red.cover.shape[0]} demand rows x {red.cover.shape[1]} sites")
    chosen, objective, bound = _greedy(red.cover, red.weights, k)
    method, status = "greedy", "optimal"

    def gap() -> float:
        return (bound - objective) / objective if objective > 0 else 0.0

    if lagrangian_share > 0 and objective < bound * (1 - 1e-12) and not _stopped(should_stop):
        # A bounded Lagrangian round: cheap, and on city-sized instances it proves in
        # seconds what HiGHS's root LP cannot finish within the time limit.
        _say(progress, "Lagrangian relaxation")
        budget = lagrangian_share * max(time_limit - (time.perf_counter() - started), 0.0)
        lag_set, lag_value, lag_bound = _lagrangian(
            red, k, chosen, objective, max(mip_gap, 1e-9), budget, progress, should_stop
        )
        bound = min(bound, lag_bound)
        if lag_value > objective:
            chosen, objective, method = lag_set, lag_value, "lagrangian"
    if gap() <= max(mip_gap, 1e-9):
        status = "optimal" if gap() <= 1e-9 else "gap reached"
    elif red.cover.nnz > exact_size_limit:
        status = "size limit"
        if lp_bound and not _stopped(should_stop):
            _say(progress, "LP relaxation for the bound")
            bound = min(bound, _lp_bound(red, k, time_limit))
    elif _stopped(should_stop):
        status = "cancelled"
    else:
        _say(progress, "HiGHS branch and bound")
        remaining = time_limit - (time.perf_counter() - started)
        exact, exact_bound, status = _solve_mclp_exact(
            red, k, chosen, remaining, mip_gap, progress, should_stop
        )
        exact_value = float(red.weights[_covered_by(red.cover, exact)].sum())
        if exact_value >= objective:
            chosen, objective = exact, exact_value
        method, bound = "highs", min(bound, exact_bound)
    _say(progress, 1.0)
    picked = _pad(red.columns[chosen], k, n_cand)
    result = _result(cover, weights, fixed, picked, objective, bound, method, status, started)
    if result.status == "optimal" and result.gap > 0:  # stopped at a tolerated mip_gap
        result = replace(result, status="gap reached")
    return result


def _pad(chosen: np.ndarray, k: int, n_cand: int) -> np.ndarray:
    """Fill up to ``k`` sites with unused candidates (they add nothing: all is covered)."""
    chosen = np.unique(chosen)
    if chosen.size < k:
        spare = np.setdiff1d(np.arange(n_cand), chosen)[: k - chosen.size]
        chosen = np.sort(np.concatenate([chosen, spare]))
    return chosen


def _result(cover, weights, fixed, chosen, objective, bound, method, status, started):
    covered = fixed | _covered_by(cover, chosen)
    before = float(weights[fixed].sum())
    after = float(weights[covered].sum())
    objective = after - before  # recomputed on the full instance, not the reduced one
    bound = max(float(bound), objective)
    gap = (bound - objective) / objective if objective > 0 else (0.0 if bound <= 0 else np.inf)
    # A relative gap below HiGHS's feasibility tolerance is rounding noise: proven optimal.
    gap = 0.0 if gap < 1e-9 else gap
    return SitingResult(
        chosen=chosen.astype(np.int64),
        objective=objective,
        covered_before=before,
        covered_after=after,
        gap=float(gap),
        bound=bound,
        method=method,
        status=status,
        seconds=time.perf_counter() - started,
        covered=covered,
        total_weight=float(weights.sum()),
    )


# --------------------------------------------------------------------------- set covering


def set_covering(
    cover,
    weights,
    target_share: float,
    *,
    fixed_covered=None,
    time_limit: float = 60.0,
    mip_gap: float = 0.0,
    exact_size_limit: int = DEFAULT_EXACT_SIZE_LIMIT,
    progress: Progress = None,
    should_stop: ShouldStop = None,
) -> SitingResult:
    """The fewest new sites that bring ``target_share`` of the weight within reach.

    Partial set covering: ``min sum_j x_j`` subject to ``sum_i w_i y_i >= target weight -
    weight already covered``, ``y_i <= sum_j a_ij x_j``. ``bound`` is a proven lower bound
    on the number of sites; ``gap = (len(chosen) - bound) / len(chosen)``.

    Raises
    ------
    InfeasibleTarget
        When even every candidate together stays below the target (the message gives
        the largest share reachable).
    ValueError
        For a target outside (0, 1] or malformed inputs.

    Examples
    --------
    >>> cover = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=bool)
    >>> set_covering(cover, np.ones(4), 0.5).chosen.tolist()
    [0]
    """
    started = time.perf_counter()
    cover, weights, fixed = _prepare(cover, weights, fixed_covered)
    if not np.isfinite(target_share) or not 0 < target_share <= 1:
        raise ValueError(f"target share must be in (0, 1], got {target_share}")
    total = float(weights.sum())
    if total <= 0:
        raise ValueError("the demand weights sum to zero: nothing to cover")
    before = float(weights[fixed].sum())
    reachable = fixed | (np.diff(cover.indptr) > 0)
    max_share = float(weights[reachable].sum()) / total
    # A hair of tolerance so that "100 %" of a float sum is not declared out of reach.
    need = target_share * total - before - 1e-9 * total
    if max_share < target_share - 1e-12:
        raise InfeasibleTarget(target_share, max_share)
    if need <= 0:
        chosen = np.zeros(0, dtype=np.int64)
        return _result(cover, weights, fixed, chosen, 0.0, 0.0, "greedy", "optimal", started)
    red = _reduce(cover, weights, fixed)
    _say(progress, "greedy")
    greedy = _greedy_until(red.cover, red.weights, need)
    chosen, lower, method, status = greedy, 1.0, "greedy", "optimal"
    if greedy.size > 1 and red.cover.nnz <= exact_size_limit and not _stopped(should_stop):
        _say(progress, "HiGHS branch and bound")
        chosen, lower, status = _solve_scp_exact(
            red, need, greedy, time_limit, mip_gap, progress, should_stop
        )
        method = "highs"
    elif greedy.size > 1:
        status = "cancelled" if _stopped(should_stop) else "size limit"
        lower = _scp_lp_bound(red, need, time_limit) if status == "size limit" else 1.0
    _say(progress, 1.0)
    result = _result(
        cover, weights, fixed, np.sort(red.columns[chosen]), 0.0, 0.0, method, status, started
    )
    n = result.chosen.size
    lower = float(min(max(lower, 1.0 if n else 0.0), n))
    gap = (n - lower) / n if n else 0.0
    return replace(result, bound=lower, gap=gap)


def _greedy_until(cover: sp.csr_matrix, weights: np.ndarray, need: float) -> np.ndarray:
    """Greedy sites (reduced columns) until ``need`` weight is covered."""
    csc = cover.tocsc()
    uncovered_w = weights.copy()
    chosen, got = [], 0.0
    while got < need:
        gains = csc.T @ uncovered_w
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        got += float(uncovered_w[rows].sum())
        uncovered_w[rows] = 0.0
        chosen.append(j)
    return np.array(chosen, dtype=np.int64)


def _scp_matrix(cover: sp.csr_matrix, weights: np.ndarray, need: float):
    """Columns [x | y]; rows: ``y_i - sum_j a_ij x_j <= 0``, then ``sum w_i y_i >= need``."""
    n_d, n_c = cover.shape
    top = sp.hstack([-cover.astype(np.float64), sp.identity(n_d, format="csr")])
    last = sp.hstack([sp.csr_matrix((1, n_c)), sp.csr_matrix(weights.reshape(1, -1))])
    a = sp.vstack([top, last]).tocsc()
    lower = np.concatenate([np.full(n_d, -np.inf), [need]])
    upper = np.concatenate([np.zeros(n_d), [np.inf]])
    return a, lower, upper


def _solve_scp_exact(red, need, start, time_limit, mip_gap, progress, should_stop):
    n_d, n_c = red.cover.shape
    cost = np.concatenate([np.ones(n_c), np.zeros(n_d)])
    x, dual, status = _run_warm(
        red, cost, _scp_matrix(red.cover, red.weights, need), False, start,
        time_limit, mip_gap, progress, should_stop,
    )  # fmt: skip
    chosen = start
    if x is not None:
        exact = np.flatnonzero(x > 0.5)
        if exact.size <= start.size and red.weights[_covered_by(red.cover, exact)].sum() >= need:
            chosen = exact
    lower = float(np.ceil(dual - 1e-6)) if np.isfinite(dual) else 1
    return chosen, lower, status


def _scp_lp_bound(red: _Reduced, need: float, time_limit: float) -> float:
    n_d, n_c = red.cover.shape
    a, lower, upper = _scp_matrix(red.cover, red.weights, need)
    h = _highs(time_limit, 0.0)
    lp = _lp(n_c, np.concatenate([np.ones(n_c), np.zeros(n_d)]), a, lower, upper, False)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return 1.0
    return float(np.ceil(h.getInfo().objective_function_value - 1e-6))


# --------------------------------------------------------------------------- helpers


def _say(progress: Progress, what: float | str) -> None:
    if progress is not None:
        progress(what)


def _stopped(should_stop: ShouldStop) -> bool:
    return should_stop is not None and bool(should_stop())


def _check_reach_s(reach_s: float) -> None:
    if not np.isfinite(reach_s) or reach_s <= 0:
        raise ValueError(f"walking time must be a positive number of seconds, got {reach_s}")


def _nodes(nodes, n: int, what: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(nodes, dtype=np.int64))
    if arr.ndim != 1:
        raise ValueError(f"{what} nodes must be a 1-d sequence")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"{what} node outside the network (valid: 0..{n - 1})")
    return arr
