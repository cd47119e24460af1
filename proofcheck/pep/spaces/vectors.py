"""Concrete vectors: a method replayed on points in Q^r against a finite table of (x_i, g_i, f_i)
(:class:`VectorSpace`; docstring of :mod:`proofcheck.pep.spaces`)."""
from __future__ import annotations

import json

from ...exact import ZERO, to_fraction
from .base import Space


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
