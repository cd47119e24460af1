"""The arithmetics a method runs in: written once, a method runs on exact Gram forms, numbers or PEPit objects.

A *method* is a Python function in the paper's notation that uses only vector arithmetic (``+``, ``-``, scalar
``*`` and ``/``) and the calls of a :class:`Space`: ``s.gradient(x)``, ``s.value(x)``, ``s.dot(u, v)``,
``s.sq(u)``, ``s.start()``, ``s.x_star``, ``s.f_star``, and ``s.number(q)`` for a literal constant. For example::

    def gradient_descent(s, x0, steps, gamma):
        x = [x0]
        for _ in range(steps):
            x.append(x[-1] - gamma * s.gradient(x[-1]))
        return x

The same code runs in three spaces:

- :class:`SymbolicSpace` (exact, Fractions): vectors are linear forms over *leaf* vectors (the starting points
  and every gradient), scalars are quadratic forms in the leaves plus linear forms in the function values.
  Running the method here gives the performance-estimation problem exactly (the Gram representation, with
  x* = 0, g* = 0, f* = 0): the interpolation inequalities, the initial condition and the measure as exact data.
- :class:`VectorSpace` (exact Fractions or float64): vectors are numpy arrays and the oracle is a function, or a
  finite table of (x_i, g_i, f_i) (:class:`TableOracle`): replaying a witness, or screening a family of
  functions.
- ``PepitSpace`` (:mod:`proofcheck.pep.pepit_backend`): vectors are PEPit Points, to build PEPit's problem.

Scalar parameters reach the method already converted to the space's numbers (Fraction, or float for PEPit and
float screening). A method must query points in an order that does not depend on the arithmetic (every method
in the field does: no branching on values), which the engine checks: PEPit's problem must have the points of
the exact one.
"""
from __future__ import annotations

import json
import math
from fractions import Fraction

from ..exact import Ball, NotExact, ZERO, exact_text, to_fraction


def _exact_scalar(k, what: str = "a scalar"):
    if isinstance(k, bool) or not isinstance(k, (int, Fraction, Ball)):
        if isinstance(k, float):
            raise NotExact(f"{what} is the float {k!r}: in exact arithmetic every constant must be exact "
                           "(take it from the cell, or write s.number('p/q'))")
        raise TypeError(f"{what} must be a number, got {type(k).__name__}")
    return k


class IrrationalCoefficient(NotExact):
    """A method's coefficient is irrational (a square root of a non-square): exact rationals cannot run it."""


class Space:
    """The interface a method sees (see the module docstring). Subclasses implement it in one arithmetic."""

    exact = False
    has_optimum = True

    def start(self, name: str | None = None):  # pragma: no cover - abstract
        raise NotImplementedError

    def free(self, name: str | None = None):
        """A free vector the method does not compute but an adversary chooses, subject to the method's constraints
        (:meth:`constrain`): an inexact gradient d with ||d - grad f(x)|| <= eps ||grad f(x)||, say. It is a new
        leaf of the Gram representation that does not move when the problem is translated (a direction, not a
        point); a witness supplies it, after its starting points, in the order the method asked."""
        raise NotImplementedError(f"{type(self).__name__} has no free vectors")

    def oracle(self, x):  # pragma: no cover - abstract
        """(gradient, value) at ``x``; the same point always gives the same answer."""
        raise NotImplementedError

    def gradient(self, x):
        return self.oracle(x)[0]

    def value(self, x):
        return self.oracle(x)[1]

    def dot(self, u, v):  # pragma: no cover - abstract
        raise NotImplementedError

    def sq(self, u):
        return self.dot(u, u)

    def number(self, q):
        """An exact constant (int, Fraction, 'p/q') in this space's numbers."""
        q = to_fraction(q, "a constant")
        return q if self.exact else float(q)

    def constrain(self, expr, relation: str = ">="):
        """A condition the method itself imposes on the run: ``expr >= 0`` (``relation=">="``) or ``expr == 0``
        (``"=="``), e.g. Polyak's step rule gamma ||g_0||^2 = 2 (f(x_0) - f*). It becomes a constraint of the
        performance-estimation problem (its multiplier free in sign for an equality) and a condition a witness
        must satisfy exactly; a space that cannot impose it checks it."""
        if relation not in (">=", "=="):
            raise ValueError(f"a method's constraint is expr >= 0 or expr == 0, got relation {relation!r}")
        self._constraint(expr, relation)

    def _constraint(self, expr, relation):  # pragma: no cover - abstract
        raise NotImplementedError

    def line_search(self, x, d):
        """Exact line search from ``x`` along ``d``: the point x_new = x + t d minimizing f on that line. In the
        performance-estimation problem (exact and PEPit spaces) it is a new point with the optimality conditions
        <grad f(x_new), d> = 0 and <grad f(x_new), x_new - x> = 0 (the relaxation of de Klerk-Glineur-Taylor,
        which contains every exact line-search run, so a certificate for it is a proof for the method); a concrete
        space computes it, or takes it from a witness and checks exactly that it is on the line and optimal there
        (so an exact witness is a true run)."""
        x_new = self.start("x_ls")
        g_new = self.gradient(x_new)
        self.constrain(self.dot(g_new, x_new - x), "==")
        self.constrain(self.dot(g_new, d), "==")
        return x_new

    def sqrt(self, q):
        """The square root of a constant: exact when it is a rational square, else NotExact in exact spaces."""
        if not self.exact:
            return math.sqrt(q)
        if isinstance(q, Ball):
            if not getattr(self, "balls", False):
                raise IrrationalCoefficient("sqrt of an irrational number: this space has no balls")
            return q.sqrt()
        q = to_fraction(q, "the argument of sqrt")
        if q < 0:
            raise ValueError(f"sqrt of the negative number {q}")
        num, den = math.isqrt(q.numerator), math.isqrt(q.denominator)
        if (num * num != q.numerator or den * den != q.denominator) and getattr(self, "balls", False):
            return Ball(q).sqrt()  # a certified enclosure of the irrational root (docs/design.md, balls)
        if num * num != q.numerator or den * den != q.denominator:
            raise IrrationalCoefficient(f"sqrt({q}) is irrational: this method's coefficients are not rational, so the exact "
                           "check cannot run it in Fractions")
        return Fraction(num, den)

    @property
    def x_star(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def f_star(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _no_optimum(self):
        raise ValueError("this problem declares no optimum (optimum=False): x_star and f_star are not defined")


# ---------------------------------------------------------------------------------------------
# exact Gram representation
# ---------------------------------------------------------------------------------------------
class Vec:
    """A linear form over leaf vectors: {leaf index: exact coefficient} (zeros dropped)."""

    __slots__ = ("c",)

    def __init__(self, coefficients=None):
        self.c = {k: v for k, v in (coefficients or {}).items() if v != 0}

    def key(self) -> tuple:
        return tuple(sorted(self.c.items()))

    def __add__(self, other):
        if not isinstance(other, Vec):
            return NotImplemented
        out = dict(self.c)
        for k, v in other.c.items():
            out[k] = out.get(k, ZERO) + v
        return Vec(out)

    def __sub__(self, other):
        if not isinstance(other, Vec):
            return NotImplemented
        return self + (-other)

    def __neg__(self):
        return Vec({k: -v for k, v in self.c.items()})

    def __mul__(self, k):
        if isinstance(k, Vec):
            raise TypeError("a product of two vectors is ambiguous: write s.dot(u, v) for an inner product")
        k = _exact_scalar(k, "the factor of a vector")
        return Vec({a: v * k for a, v in self.c.items()})

    __rmul__ = __mul__

    def __truediv__(self, k):
        k = _exact_scalar(k, "the divisor of a vector")
        return self * (1 / Fraction(k))

    def __repr__(self) -> str:
        return f"Vec({self.c})"


class Quad:
    """A scalar of the Gram representation: a quadratic form in the leaf vectors (``q[(a, b)]``, a <= b, is the
    coefficient of <v_a, v_b>), plus a linear form in the function values (``l[i]``), plus a constant."""

    __slots__ = ("q", "l", "c")

    def __init__(self, q=None, l=None, c=ZERO):  # noqa: E741 - l is the linear part, as in the docs
        self.q = {k: v for k, v in (q or {}).items() if v != 0}
        self.l = {k: v for k, v in (l or {}).items() if v != 0}
        self.c = c

    @staticmethod
    def lift(x):
        if isinstance(x, Quad):
            return x
        return Quad(c=_exact_scalar(x, "a constant in a scalar expression"))

    def __add__(self, other):
        if isinstance(other, Vec):
            return NotImplemented
        other = Quad.lift(other)
        q, l = dict(self.q), dict(self.l)  # noqa: E741
        for k, v in other.q.items():
            q[k] = q.get(k, ZERO) + v
        for k, v in other.l.items():
            l[k] = l.get(k, ZERO) + v
        return Quad(q, l, self.c + other.c)

    __radd__ = __add__  # sum() starts from 0

    def __neg__(self):
        return Quad({k: -v for k, v in self.q.items()}, {k: -v for k, v in self.l.items()}, -self.c)

    def __sub__(self, other):
        return self + (-Quad.lift(other))

    def __rsub__(self, other):
        return Quad.lift(other) - self

    def __mul__(self, k):
        if isinstance(k, (Quad, Vec)):
            raise TypeError("only a scalar constant may multiply a scalar expression of the Gram representation")
        k = _exact_scalar(k, "the factor of a scalar expression")
        return Quad({a: v * k for a, v in self.q.items()}, {a: v * k for a, v in self.l.items()}, self.c * k)

    __rmul__ = __mul__

    def __truediv__(self, k):
        k = _exact_scalar(k, "the divisor of a scalar expression")
        return self * (1 / Fraction(k))

    def matrix(self, n: int) -> list:
        """The symmetric n x n matrix M with quadratic part = sum_ab M_ab <v_a, v_b> = <M, G>."""
        m = [[ZERO] * n for _ in range(n)]
        for (a, b), v in self.q.items():
            if a == b:
                m[a][a] += v
            else:
                m[a][b] += v / 2
                m[b][a] += v / 2
        return m

    def evaluate(self, gram, values) -> Fraction:
        """The value at a Gram matrix of the leaves and the function values (exact inputs give exact output)."""
        total = self.c
        for (a, b), v in self.q.items():
            total += v * gram[a][b]
        for i, v in self.l.items():
            total += v * values[i]
        return total

    def json(self) -> dict:
        from ..exact import fraction_text

        return {"q": [[a, b, exact_text(v)] for (a, b), v in sorted(self.q.items())],
                "l": [[i, exact_text(v)] for i, v in sorted(self.l.items())], "c": exact_text(self.c)}

    def __repr__(self) -> str:
        return f"Quad(q={self.q}, l={self.l}, c={self.c})"


def _dot_forms(u: Vec, v: Vec) -> Quad:
    q = {}
    for a, x in u.c.items():
        for b, y in v.c.items():
            k = (a, b) if a <= b else (b, a)
            q[k] = q.get(k, ZERO) + x * y
    return Quad(q)


class NotTranslationInvariant(ValueError):
    """A quantity of the problem changes when the whole problem is translated (x -> x + t, or f -> f + c)."""


def _substitute(quad: Quad, images: dict) -> Quad:
    """``quad`` with each leaf a replaced by the linear form ``images[a]`` ({leaf: coef}; absent: itself)."""
    q = {}
    for (a, b), v in quad.q.items():
        for a2, x in images.get(a, {a: Fraction(1)}).items():
            for b2, y in images.get(b, {b: Fraction(1)}).items():
                k = (a2, b2) if a2 <= b2 else (b2, a2)
                q[k] = q.get(k, ZERO) + v * x * y
    return Quad(q, dict(quad.l), quad.c)


class SymbolicSpace(Space):
    """The exact Gram representation of a run: each starting point and each new gradient a leaf vector, each new
    function value a leaf scalar; with an optimum, x* and f* are leaves too, until :meth:`reduce` places them at 0.

    ``points`` lists the oracle's points in the order the method first queried them (x* first): triplets
    (x, g, f) of :class:`Vec`, :class:`Vec`, :class:`Quad`; ``leaf_names`` and ``leaf_kinds`` name the leaves.

    Placing x* = 0 and f* = 0 is a reduction, not an assumption: :meth:`reduce` rewrites a quantity in the
    variables x - x* and f - f* and checks, exactly, that x* and f* are then gone (the quantity is invariant
    under translating the whole problem). A method that is not translation-equivariant (one that queries 2 x_0,
    say) or a measure written without its reference (f(x_N) instead of f(x_N) - f*) is refused, so the exact
    problem is always the one PEPit solves. Without an optimum, the same invariance is checked (translating every
    starting point together, and every function value) and nothing is dropped."""

    exact = True

    def __init__(self, optimum: bool = True, balls: bool = False):
        self.has_optimum = optimum
        self.balls = balls  # irrational coefficients as certified balls (exact.Ball) instead of IrrationalCoefficient
        self.leaf_names: list[str] = []
        self.leaf_kinds: list[tuple] = []  # ("optimum",), ("start", k), ("free", k) or ("gradient", point index)
        self.points: list[tuple] = []
        self._index: dict = {}
        self.f_leaves = 0
        self.starts = 0
        self.constraints: list[tuple] = []  # (relation, Quad) imposed by the method (Space.constrain)
        if optimum:
            xs = self._leaf("x*", ("optimum",))
            fs = self._value_leaf()
            self.points.append((xs, Vec(), fs))
            self._index[xs.key()] = 0

    def _leaf(self, name: str, kind: tuple) -> Vec:
        self.leaf_names.append(name)
        self.leaf_kinds.append(kind)
        return Vec({len(self.leaf_names) - 1: Fraction(1)})

    def _value_leaf(self) -> Quad:
        self.f_leaves += 1
        return Quad(l={self.f_leaves - 1: Fraction(1)})

    def start(self, name: str | None = None):
        k = self.starts
        self.starts += 1
        return self._leaf(name or ("x0" if k == 0 else f"x0[{k}]"), ("start", k))

    def free(self, name: str | None = None):
        k = sum(kind[0] == "free" for kind in self.leaf_kinds)
        return self._leaf(name or f"d[{k}]", ("free", k))

    def oracle(self, x):
        if not isinstance(x, Vec):
            raise TypeError(f"the oracle takes a point of the method, got {type(x).__name__}")
        key = x.key()
        if key in self._index:
            _, g, f = self.points[self._index[key]]
            return g, f
        i = len(self.points)
        g = self._leaf(f"g{i}", ("gradient", i))
        f = self._value_leaf()
        self.points.append((x, g, f))
        self._index[key] = i
        return g, f

    def dot(self, u, v):
        if not (isinstance(u, Vec) and isinstance(v, Vec)):
            raise TypeError("dot takes two vectors")
        return _dot_forms(u, v)

    def _constraint(self, expr, relation):
        if not isinstance(expr, Quad):
            raise TypeError(f"a method's constraint must be a scalar of the run, got {type(expr).__name__}")
        self.constraints.append((relation, expr))

    @property
    def x_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return self.points[0][0]

    @property
    def f_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return self.points[0][2]

    def _start_leaves(self) -> list:
        return [a for a, kind in enumerate(self.leaf_kinds) if kind[0] == "start"]

    def reduce(self, quad: Quad, what: str) -> Quad:
        """``quad`` in the reduced representation (x* = 0, f* = 0; see the class docstring), after checking
        exactly that it is invariant under translations."""
        if self.has_optimum:  # x_k = y_k + x* for every start; then no x* (leaf 0) may remain
            moved = _substitute(quad, {a: {a: Fraction(1), 0: Fraction(1)} for a in self._start_leaves()})
            if any(0 in key for key in moved.q):
                raise NotTranslationInvariant(
                    f"the {what} changes when the problem is translated (x -> x + t): write it in x - x* (and the "
                    "method must be translation-equivariant, e.g. query only affine combinations of x_0 and gradients)")
            if sum(quad.l.values(), ZERO) != 0:
                raise NotTranslationInvariant(f"the {what} changes when f is shifted by a constant: write it with "
                                              "differences of values (f(x_N) - f*, not f(x_N))")
            return Quad({(a - 1, b - 1): v for (a, b), v in moved.q.items()},
                        {i - 1: v for i, v in quad.l.items() if i != 0}, quad.c)
        t = len(self.leaf_names)  # a virtual translation leaf: every start moves by t
        moved = _substitute(quad, {a: {a: Fraction(1), t: Fraction(1)} for a in self._start_leaves()})
        if any(t in key for key in moved.q):
            raise NotTranslationInvariant(f"the {what} changes when every starting point is translated together")
        if sum(quad.l.values(), ZERO) != 0:
            raise NotTranslationInvariant(f"the {what} changes when f is shifted by a constant")
        return quad

    @property
    def reduced_leaves(self) -> list:
        """(name, kind) of the leaves of the reduced representation (x* dropped)."""
        return [(n, k) for n, k in zip(self.leaf_names, self.leaf_kinds) if k[0] != "optimum"]

    @property
    def size(self) -> int:
        """The number of leaves of the reduced representation (the size of the certificate's matrix)."""
        return len(self.reduced_leaves)

    def reduced_vector(self, x: Vec) -> dict:
        """A point of the method as {reduced leaf: coefficient} of x - x* (with an optimum) or of x."""
        shift = 1 if self.has_optimum else 0
        return {a - shift: v for a, v in x.c.items() if not (self.has_optimum and a == 0)}


# ---------------------------------------------------------------------------------------------
# concrete vectors
# ---------------------------------------------------------------------------------------------
class WitnessMiss(LookupError):
    """The method queried a point that the finite witness does not contain."""


class TableOracle:
    """The oracle of a finite witness: exact points x_i with their gradients g_i and values f_i."""

    def __init__(self, table):
        self.table = {}
        for x, g, f in table:
            key = tuple(x)
            if key in self.table:  # two of the method's points may coincide; their answers must then agree
                g0, f0 = self.table[key]
                if tuple(g0) != tuple(g) or f0 != f:
                    raise ValueError("a witness gives one point two different gradients or values")
                continue
            self.table[key] = (g, f)

    def __call__(self, x):
        try:
            return self.table[tuple(x)]
        except KeyError:
            raise WitnessMiss("the method queried a point that is not in the witness's table") from None


class ConstraintViolated(WitnessMiss):
    """A run violates a constraint the method imposes (Space.constrain): the function is not one the claim is about."""


def _check_on_line(x, d, y):
    """Raise ConstraintViolated unless y - x = t d for a rational t (exactly)."""
    diff = [a - b for a, b in zip(y, x)]
    k = next((i for i, v in enumerate(d) if v != 0), None)
    t = ZERO if k is None else diff[k] / d[k]
    if any(u != t * v for u, v in zip(diff, d)):
        raise ConstraintViolated("a line-search point of the witness is not on the search line")


class VectorSpace(Space):
    """Concrete vectors (numpy arrays: of Fractions when ``exact``, of float64 otherwise) and a concrete oracle
    ``oracle(x) -> (g, f)`` (a :class:`TableOracle`, or an explicit function such as a quadratic's gradient).
    ``starts`` are handed out in order by :meth:`start`; x* = 0 and f* = 0."""

    def __init__(self, oracle, starts, dimension: int, exact: bool = True, optimum: bool = True, balls: bool = False):
        import numpy as np

        self._np = np
        self.exact = exact
        self.balls = balls
        self.has_optimum = optimum
        self._oracle = oracle
        self._starts = [self.vector(v) for v in starts]
        self._next = 0
        self.dimension = dimension
        self.queries: list = []
        self.constraint_values: list = []

    def vector(self, values):
        np = self._np
        if self.exact:
            return np.array([to_fraction(v, "a witness coordinate") for v in values], dtype=object)
        return np.array([float(v) for v in values], dtype=float)

    def start(self, name: str | None = None):
        if self._next >= len(self._starts):
            raise WitnessMiss(f"the method asked for starting point {self._next + 1}, the witness has "
                              f"{len(self._starts)}")
        self._next += 1
        return self._starts[self._next - 1]

    def line_search(self, x, d):
        search = getattr(self._oracle, "line_search", None)
        if search is not None:  # an explicit function computes its exact line search
            x_new = self.vector(search(x, d))
        else:  # a finite witness lists the point; it must lie on the line x + t d
            x_new = self.start("x_ls")
            if self.exact:
                _check_on_line(x, d, x_new)
        g_new = self.gradient(x_new)
        self.constrain(self.dot(g_new, x_new - x), "==")
        self.constrain(self.dot(g_new, d), "==")
        return x_new

    def free(self, name: str | None = None):
        return self.start(name)  # a witness lists its free vectors with its starts, in the order the method asks

    def oracle(self, x):
        g, f = self._oracle(x)
        self.queries.append(x)
        return g, f

    def dot(self, u, v):
        if self.exact:
            return sum((a * b for a, b in zip(u, v)), ZERO)
        return float(self._np.dot(u, v))

    def _constraint(self, expr, relation):
        """Exact spaces decide the constraint exactly (a violated one rejects the run); float spaces only record its
        value (a screen)."""
        self.constraint_values.append((relation, expr))
        if self.exact:
            value = to_fraction(expr, "a method's constraint")
            if value < 0 or (relation == "==" and value != 0):
                raise ConstraintViolated(f"the run violates the method's constraint {len(self.constraint_values) - 1} "
                                         f"({'= 0' if relation == '==' else '>= 0'}; its value is {float(value):.3e})")

    @property
    def x_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return self.vector([0] * self.dimension)

    @property
    def f_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return ZERO if self.exact else 0.0


def canonical(data) -> str:
    """Canonical JSON text (sorted keys, no spaces) of JSON-ready data, for digests."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))
