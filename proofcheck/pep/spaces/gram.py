"""The exact Gram representation: vectors as exact combinations of leaf vectors, inner products as quadratic
forms (:class:`SymbolicSpace`; docstring of :mod:`proofcheck.pep.spaces`)."""
from __future__ import annotations

from fractions import Fraction

from ...exact import ZERO, exact_text
from .base import Space, exact_scalar


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
        k = exact_scalar(k, "the factor of a vector")
        return Vec({a: v * k for a, v in self.c.items()})

    __rmul__ = __mul__

    def __truediv__(self, k):
        k = exact_scalar(k, "the divisor of a vector")
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
        return Quad(c=exact_scalar(x, "a constant in a scalar expression"))

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
        k = exact_scalar(k, "the factor of a scalar expression")
        return Quad({a: v * k for a, v in self.q.items()}, {a: v * k for a, v in self.l.items()}, self.c * k)

    __rmul__ = __mul__

    def __truediv__(self, k):
        k = exact_scalar(k, "the divisor of a scalar expression")
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


