"""Exact linear algebra over an ordered field: PSD tests, linear solves and corrections, difference constraints,
Gram matrices and PSD rounding (docstring of :mod:`proofcheck.exact`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .rationals import ZERO, on_grid
from .balls import Ball, Undecided


# ---------------------------------------------------------------------------------------------
# positive semidefiniteness
# ---------------------------------------------------------------------------------------------
@dataclass
class PsdResult:
    """The outcome of :func:`ldl_psd`: ``psd`` and, when not, where the elimination stopped and why."""

    psd: bool
    size: int
    rank: int = 0  # number of positive pivots (the rank of a PSD matrix)
    index: int | None = None  # the pivot that failed
    pivot: object = None  # its value (negative), or the offending entry beside a zero pivot
    reason: str = ""
    pivots: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.psd


def _same_ball(x, y) -> bool:
    """Two balls computed by the same operations (the two halves of a symmetric form's off-diagonal entry)."""
    return isinstance(x, Ball) and isinstance(y, Ball) and x.text() == y.text()


def ldl_psd(matrix: Sequence[Sequence]) -> PsdResult:
    """Whether the symmetric matrix (exact entries) is positive semidefinite, by exact symmetric elimination.

    At each step the current pivot ``d`` (the diagonal of the Schur complement) decides: ``d < 0`` proves the
    matrix is not PSD (some vector gives a negative value); ``d = 0`` is allowed only if the rest of its row in the
    Schur complement is 0 too (for a PSD matrix a zero diagonal entry forces a zero row); ``d > 0`` eliminates its
    row and column. The matrix is PSD exactly when every step passes (Schur complement lemma). The matrix must be
    symmetric (checked exactly)."""
    n = len(matrix)
    a = [list(row) for row in matrix]
    if any(len(row) != n for row in a):
        raise ValueError("ldl_psd needs a square matrix")
    for i in range(n):
        for j in range(i + 1, n):
            if a[i][j] != a[j][i] and not _same_ball(a[i][j], a[j][i]):
                return PsdResult(False, n, index=i, pivot=a[i][j] - a[j][i],
                                 reason=f"the matrix is not symmetric (entries ({i}, {j}) and ({j}, {i}) differ)")
    pivots = []
    rank = 0
    for k in range(n):
        d = a[k][k]
        pivots.append(d)
        try:
            negative = d < 0
        except Undecided:  # a ball pivot containing 0 (and not exactly 0): positivity is not certified
            return PsdResult(False, n, rank, k, d, f"the pivot at position {k} is a ball containing 0 (not certified "
                                                   "positive)", pivots)
        if negative:
            return PsdResult(False, n, rank, k, d, f"negative pivot {float(d):.3e} at position {k}", pivots)
        if d == 0:
            for j in range(k + 1, n):
                if a[k][j] != 0:
                    return PsdResult(False, n, rank, k, a[k][j],
                                     f"zero pivot at position {k} with a nonzero entry {float(a[k][j]):.3e} "
                                     f"in its row (column {j})", pivots)
            continue
        rank += 1
        row = a[k]
        for i in range(k + 1, n):
            factor = row[i] / d
            if factor == 0:
                continue
            ai = a[i]
            for j in range(i, n):  # the upper triangle of the Schur complement (the only part read later)
                ai[j] -= factor * row[j]
    return PsdResult(True, n, rank, pivots=pivots, reason=f"PSD (rank {rank} of {n})")


# ---------------------------------------------------------------------------------------------
# linear systems
# ---------------------------------------------------------------------------------------------
def solve_linear(a: Sequence[Sequence], b: Sequence) -> list | None:
    """One exact solution x of ``a x = b`` (free variables set to 0), or None when the system is inconsistent.

    Gauss-Jordan elimination with the first nonzero pivot of each column (exact arithmetic needs no pivoting for
    stability). ``a`` is m x n (lists), ``b`` has m entries; any m, n."""
    m = len(a)
    n = len(a[0]) if m else 0
    rows = [list(a[i]) + [b[i]] for i in range(m)]
    pivot_cols = []
    r = 0
    for c in range(n):
        p = next((i for i in range(r, m) if rows[i][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        inv = 1 / rows[r][c]
        rows[r] = [v * inv for v in rows[r]]
        for i in range(m):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [vi - f * vr for vi, vr in zip(rows[i], rows[r])]
        pivot_cols.append(c)
        r += 1
        if r == m:
            break
    if any(rows[i][n] != 0 for i in range(r, m)):
        return None
    x = [ZERO] * n
    for i, c in enumerate(pivot_cols):
        x[c] = rows[i][n]
    return x


def basic_correction(a: Sequence[Sequence], residual: Sequence, preference: Sequence) -> list | None:
    """A correction ``d`` with ``a d = residual`` exactly that changes as few coordinates as possible: a basis of
    columns is chosen greedily in the order of decreasing ``preference`` (the largest multipliers first, so that
    the change is small relative to them), solved for, and every other coordinate is left alone. Returns None when
    the system is inconsistent.

    For the function-value equations of a certificate the matrix has entries 0 and +-1 of a network (each
    inequality f_i - f_j >= ...), so the basic solution keeps the denominators of the rounded multipliers: the
    stored certificate stays short."""
    m = len(a)
    n = len(a[0]) if m else len(preference)
    order = sorted(range(n), key=lambda k: -abs(preference[k]))
    chosen = []  # the basic columns
    echelon: list[tuple[int, list]] = []  # (pivot row, reduced column)
    for k in order:
        column = [a[i][k] for i in range(m)]
        for pivot, vec in echelon:
            if column[pivot] != 0:
                f = column[pivot] / vec[pivot]
                column = [c - f * v for c, v in zip(column, vec)]
        pivot = next((i for i in range(m) if column[i] != 0), None)
        if pivot is None:
            continue
        echelon.append((pivot, column))
        chosen.append(k)
        if len(chosen) == m:
            break
    sub = [[a[i][k] for k in chosen] for i in range(m)]
    x = solve_linear(sub, residual)
    if x is None:
        return None
    d = [ZERO] * n
    for k, v in zip(chosen, x):
        d[k] = v
    if any(sum((a[i][k] * d[k] for k in chosen), ZERO) != residual[i] for i in range(m)):
        return None
    return d


def weighted_least_norm_correction(a: Sequence[Sequence], residual: Sequence, weights: Sequence) -> list | None:
    """The correction ``d`` of smallest weighted norm sum(d_k^2 / w_k) with ``a d = residual`` (exactly), or None.

    It is ``d = W a^T y`` with ``(a W a^T) y = residual``, W = diag(weights) (weights >= 0; a zero weight keeps that
    coordinate fixed). Used to make the linear part of a certificate vanish exactly after its multipliers were
    rounded: with weights z_k^2 the correction is small *relative* to each multiplier, so small multipliers stay
    positive."""
    m = len(a)
    n = len(weights)
    if m == 0:
        return [ZERO] * n
    columns = [[(i, a[i][k]) for i in range(m) if a[i][k] != 0] for k in range(n)]  # a is sparse in practice
    awat = [[ZERO] * m for _ in range(m)]
    for k, column in enumerate(columns):
        if weights[k] == 0:
            continue
        for i, aik in column:
            scaled = aik * weights[k]
            for j, ajk in column:
                awat[i][j] += scaled * ajk
    y = solve_linear(awat, residual)
    if y is None:
        return None
    d = [weights[k] * sum((aik * y[i] for i, aik in columns[k]), ZERO) for k in range(n)]
    check = [ZERO] * m
    for k, column in enumerate(columns):
        for i, aik in column:
            check[i] += aik * d[k]
    if check != list(residual):
        return None  # cannot happen for a consistent system; kept as an exact guard
    return d


# ---------------------------------------------------------------------------------------------
# difference constraints (function values from pairwise inequalities)
# ---------------------------------------------------------------------------------------------
@dataclass
class DifferenceBounds:
    """The pointwise extreme solutions of ``f_v - f_u <= w`` with ``f_root = 0``, or the negative cycle that
    makes the system infeasible."""

    feasible: bool
    upper: list | None = None  # f_v <= upper[v] for every solution: upper is itself a solution (the largest)
    lower: list | None = None  # f_v >= lower[v]: the smallest solution
    cycle: list | None = None  # nodes of a negative cycle (infeasibility witness)


def _bellman_ford(n: int, edges: list, source: int):
    dist = [None] * n
    dist[source] = ZERO
    pred = [None] * n
    for _ in range(n):
        changed = None
        for u, v, w in edges:
            if dist[u] is not None and (dist[v] is None or dist[u] + w < dist[v]):
                dist[v] = dist[u] + w
                pred[v] = u
                changed = v
        if changed is None:
            return dist, None
    # still relaxing after n rounds: a negative cycle; walk back n steps to land on it
    v = changed
    for _ in range(n):
        v = pred[v]
    cycle, u = [v], pred[v]
    while u != v and u is not None:
        cycle.append(u)
        u = pred[u]
    return dist, list(reversed(cycle))


def difference_bounds(n: int, edges: Sequence[tuple], root: int = 0) -> DifferenceBounds:
    """Exact shortest paths for the system ``f_v - f_u <= w`` over every edge ``(u, v, w)``, with ``f_root = 0``.

    ``upper[v]`` = shortest distance root -> v: every solution has ``f_v <= upper[v]`` and ``upper`` is a solution
    (the pointwise largest). ``lower[v]`` = minus the shortest distance v -> root (the pointwise smallest solution).
    A node that the root does not reach is unbounded above (None). A negative cycle means no solution exists."""
    edges = [(int(u), int(v), w) for u, v, w in edges]
    up, cycle = _bellman_ford(n, edges, root)
    if cycle is not None:
        return DifferenceBounds(False, cycle=cycle)
    down, cycle = _bellman_ford(n, [(v, u, w) for u, v, w in edges], root)
    if cycle is not None:  # pragma: no cover - the same cycle, reversed; found above already
        return DifferenceBounds(False, cycle=cycle)
    return DifferenceBounds(True, upper=up, lower=[None if d is None else -d for d in down])


# ---------------------------------------------------------------------------------------------
# matrices
# ---------------------------------------------------------------------------------------------
def gram(rows: Sequence[Sequence]) -> list:
    """The exact Gram matrix ``F F^T`` of the rows of ``F``."""
    return [[sum((a * b for a, b in zip(ri, rj)), ZERO) for rj in rows] for ri in rows]


def psd_rounding(matrix, digits: int = 8, relative_cutoff: float = 1e-9) -> list:
    """A rational matrix ``F`` (n x r) with ``F F^T`` close to the float PSD matrix ``matrix``; PSD by construction.

    Rounding the entries of a PSD matrix can make it indefinite (and break the inequalities it satisfied with
    equality). So factor first: ``matrix ~ sum_k d_k u_k u_k^T`` (eigen-decomposition), drop the eigenvalues below
    ``relative_cutoff`` times the largest (the solver's noise), and round the factor ``F = U diag(sqrt(d))`` entry
    by entry (to ``digits`` significant digits on one grid: :func:`on_grid`). ``F F^T`` is exactly a Gram matrix, of the rows of ``F``, which are points of Q^r with the standard
    inner product: a witness needs no square roots."""
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    m = (m + m.T) / 2
    if m.size == 0:
        return []
    values, vectors = np.linalg.eigh(m)
    top = max(float(values.max()), 0.0)
    keep = [k for k in range(len(values)) if values[k] > relative_cutoff * top and values[k] > 0]
    keep.sort(key=lambda k: -values[k])
    factor = vectors[:, keep] * np.sqrt(values[keep])
    flat = on_grid(factor.ravel(), digits)  # one common denominator: the Gram entries stay small
    r = len(keep)
    return [flat[i * r:(i + 1) * r] for i in range(factor.shape[0])]


