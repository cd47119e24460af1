"""Exact rational arithmetic for certificates: rationalization, PSD tests, linear solves, difference constraints.

Floating-point solvers (an SDP solver behind PEPit, numpy's eigensolver) propose; the functions here decide, in
Python's :class:`fractions.Fraction`, whether a proposal is a proof. Nothing here rounds silently: every function
takes exact inputs and returns exact outputs, except :func:`rationalize` and :func:`psd_rounding`, which *make*
exact objects out of floats (their outputs are then checked exactly by whoever uses them).

- :func:`to_fraction` / :func:`fraction_text` / :func:`parse_fraction`: exact numbers in and out ("p/q" strings
  in JSON; a float is never accepted where an exact value is meant).
- :func:`rationalize`: a nearby rational with a bounded denominator (continued fractions); :func:`on_grid`: a
  vector of rationals with one common denominator.
- :func:`ldl_psd`: an exact LDL^T test of positive semidefiniteness.
- :func:`solve_linear`, :func:`basic_correction`, :func:`weighted_least_norm_correction`: exact Gaussian
  elimination.
- :func:`difference_bounds`: exact shortest paths for systems ``f_v - f_u <= w`` (a negative cycle = infeasible).
- :func:`psd_rounding`: a rational factor ``F`` of a float PSD matrix, so that ``F F^T`` is PSD by construction.

The linear algebra is written for any ordered field whose elements support ``+ - * /`` and comparisons with 0
(Fraction by default), so that exact algebraic numbers could be used later without changing it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Sequence

ZERO = Fraction(0)
ONE = Fraction(1)


class NotExact(ValueError):
    """A value that should be an exact rational is not (a float, an irrational sympy number, garbage text)."""


# ---------------------------------------------------------------------------------------------
# exact numbers in and out
# ---------------------------------------------------------------------------------------------
_FRACTION_TEXT = re.compile(r"^\s*(-?\d+)\s*(?:/\s*(\d+))?\s*$")


def to_fraction(value, what: str = "value") -> Fraction:
    """``value`` as an exact Fraction: int, Fraction, a "p/q" (or integer) string, or a rational sympy number.

    A float is refused: 0.1 is not 1/10, and a certificate about the binary number 0.1000000000000000055 is not
    the one the claim states. (Use ``Fraction(1, 10)`` or ``"1/10"``.)"""
    if isinstance(value, bool):
        raise NotExact(f"{what} is a boolean ({value!r}), not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        raise NotExact(f"{what} = {value!r} is a float; give it exactly (Fraction(p, q) or the string 'p/q')")
    if isinstance(value, str):
        return parse_fraction(value, what)
    if isinstance(value, Rational):  # gmpy2.mpq, numpy integers ...
        return Fraction(int(value.numerator), int(value.denominator))
    try:  # sympy: Integer, Rational, or an expression that simplifies to one
        import sympy as sp

        if isinstance(value, sp.Basic):
            number = sp.nsimplify(value) if not value.is_Rational else value
            if number.is_Rational:
                return Fraction(int(number.p), int(number.q))
            raise NotExact(f"{what} = {value} is not a rational number")
    except ImportError:  # pragma: no cover - sympy is a core dependency
        pass
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return Fraction(int(value))
    except ImportError:  # pragma: no cover
        pass
    raise NotExact(f"{what} = {value!r} ({type(value).__name__}) is not an exact rational number")


def parse_fraction(text: str, what: str = "value") -> Fraction:
    """A Fraction from the strict form "p/q" or "p" (integers, q > 0); anything else (floats, 'inf', '1e-3',
    '1/0') is refused, so that a stored certificate cannot smuggle in an inexact number."""
    if not isinstance(text, str):
        raise NotExact(f"{what} = {text!r} is not a 'p/q' string")
    m = _FRACTION_TEXT.match(text)
    if not m:
        raise NotExact(f"{what} = {text!r} is not of the form 'p/q'")
    num, den = int(m.group(1)), int(m.group(2) or 1)
    if den == 0:
        raise NotExact(f"{what} = {text!r} has denominator 0")
    return Fraction(num, den)


def fraction_text(q) -> str:
    """The "p/q" (or "p") text of an exact rational, for JSON."""
    q = to_fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def rationalize(x: float, max_denominator: int = 10**9) -> Fraction:
    """The best rational approximation of the float ``x`` with denominator at most ``max_denominator``
    (continued fractions, :meth:`Fraction.limit_denominator`). Its error is below 1/(q * max_denominator)."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise NotExact(f"cannot rationalize the non-finite number {x!r}")
    return Fraction(x).limit_denominator(int(max_denominator))


def on_grid(values, digits: int = 12) -> list:
    """Floats rounded to rationals with one common denominator 10^k, chosen so that the largest magnitude keeps
    ``digits`` significant digits (every entry's denominator then divides 10^k).

    For vectors whose entries are later summed together (multipliers of a certificate, coordinates of a witness),
    a common denominator matters: a sum of 100 rationals with unrelated denominators of 10^9 has a denominator of
    up to 10^900, and exact linear algebra on such numbers is slow; on a grid it stays 10^k."""
    import math as _math

    floats = [float(v) for v in values]
    if any(v != v or v in (float("inf"), float("-inf")) for v in floats):
        raise NotExact("cannot rationalize a non-finite number")
    top = max([abs(v) for v in floats] + [0.0])
    if top == 0:
        return [ZERO] * len(floats)
    k = max(0, digits - 1 - _math.floor(_math.log10(top)))
    scale = 10 ** k
    return [Fraction(round(v * scale), scale) for v in floats]


def rationalize_all(values, max_denominator: int = 10**9) -> list:
    """:func:`rationalize` over a vector (any iterable) or, recursively, a matrix."""
    out = []
    for v in values:
        if hasattr(v, "__iter__") and not isinstance(v, str):
            out.append(rationalize_all(v, max_denominator))
        else:
            out.append(rationalize(v, max_denominator))
    return out


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


# ---------------------------------------------------------------------------------------------
# balls: certified enclosures of irrational coefficients (python-flint's arb)
# ---------------------------------------------------------------------------------------------
BALL_BITS = 256  # precision of the balls (relative radius ~1e-75 after a few operations)


class Undecided(ArithmeticError):
    """An order comparison of a ball that contains the other side: the sign is not certified."""


class Ball:
    """A real number known to lie in a ball (python-flint's ``arb`` at BALL_BITS bits): the exact value of an
    irrational coefficient (a square root, OGM's theta_N) enclosed, so that sums, products and quotients of balls
    enclose the exact result (Arb's rigorous error propagation).

    It interoperates with Fractions and ints (converted to balls), so the exact linear algebra above runs on it
    unchanged, with certified decisions only: ``a < b`` is True or False only when the balls are disjoint and
    raises :class:`Undecided` otherwise; ``a == b`` is True only for two identical exact values (so a ball that
    merely contains 0 is never taken for 0: it is kept as a nonzero coefficient and a PSD pivot must be certainly
    positive). A PASS decided on balls is "certified (balls)", not "exact"."""

    __slots__ = ("v",)

    def __init__(self, value):
        from flint import arb, ctx, fmpq

        old, ctx.prec = ctx.prec, BALL_BITS
        try:
            if isinstance(value, Ball):
                self.v = value.v
            elif isinstance(value, Fraction):
                self.v = arb(fmpq(value.numerator, value.denominator))
            elif isinstance(value, int):
                self.v = arb(value)
            elif type(value).__name__ == "arb":
                self.v = value
            else:
                raise NotExact(f"a ball needs an exact number or an arb, got {type(value).__name__}")
        finally:
            ctx.prec = old

    @staticmethod
    def _lift(x):
        if isinstance(x, Ball):
            return x.v
        if isinstance(x, (int, Fraction)) and not isinstance(x, bool):
            return Ball(x).v
        return None

    def _op(self, other, fn):
        from flint import ctx

        o = Ball._lift(other)
        if o is None:
            return NotImplemented
        old, ctx.prec = ctx.prec, BALL_BITS
        try:
            return Ball(fn(self.v, o))
        finally:
            ctx.prec = old

    def __add__(self, o):
        return self._op(o, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, o):
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):
        return self._op(o, lambda a, b: b - a)

    def __mul__(self, o):
        return self._op(o, lambda a, b: a * b)

    __rmul__ = __mul__

    def __truediv__(self, o):
        return self._op(o, lambda a, b: a / b)

    def __rtruediv__(self, o):
        return self._op(o, lambda a, b: b / a)

    def __neg__(self):
        return self._op(0, lambda a, b: -a)  # at BALL_BITS: python-flint rounds even a negation to its context

    def __pow__(self, k):
        if not isinstance(k, int):
            return NotImplemented
        out = Ball(1)
        for _ in range(abs(k)):
            out = out * self
        return out if k >= 0 else 1 / out

    def __abs__(self):
        return self._op(0, lambda a, b: abs(a))

    def sqrt(self) -> "Ball":
        from flint import ctx

        old, ctx.prec = ctx.prec, BALL_BITS
        try:
            return Ball(self.v.sqrt())
        finally:
            ctx.prec = old

    def _cmp(self, other, certain_true, certain_false):
        o = Ball._lift(other)
        if o is None:
            return NotImplemented
        if certain_true(self.v, o):
            return True
        if certain_false(self.v, o):
            return False
        raise Undecided(f"the ball {self.text()} cannot be ordered against {other}")

    def __lt__(self, o):
        return self._cmp(o, lambda a, b: a < b, lambda a, b: a >= b)

    def __le__(self, o):
        return self._cmp(o, lambda a, b: a <= b, lambda a, b: a > b)

    def __gt__(self, o):
        return self._cmp(o, lambda a, b: a > b, lambda a, b: a <= b)

    def __ge__(self, o):
        return self._cmp(o, lambda a, b: a >= b, lambda a, b: a < b)

    def __eq__(self, o):
        o = Ball._lift(o)
        return o is not None and self.v.is_exact() and o.is_exact() and bool(self.v == o)

    def __ne__(self, o):
        return not self.__eq__(o)

    def __hash__(self):
        return hash(self.text())

    def __float__(self):
        return float(self.v.mid())

    def text(self, digits: int = 40) -> str:
        """'ball:<midpoint>+/-<radius>' (deterministic: the same operations at the same precision give it)."""
        return f"ball:{self.v.mid().str(digits, radius=False)}+/-{self.v.rad().str(3, radius=False)}"

    def __repr__(self) -> str:
        return f"Ball({self.v.str(20)})"


def exact_text(q) -> str:
    """fraction_text for rationals, Ball.text for balls (digests of exact data that contain balls)."""
    return q.text() if isinstance(q, Ball) else fraction_text(q)
