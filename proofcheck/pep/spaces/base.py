"""The space interface every method is written against, and exact scalars (docstring of
:mod:`proofcheck.pep.spaces`)."""
from __future__ import annotations

import math
from fractions import Fraction

from ...exact import Ball, NotExact, to_fraction




def exact_scalar(k, what: str = "a scalar"):
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


