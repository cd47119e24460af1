"""Balls: certified enclosures of irrational coefficients, in python-flint's arb (docstring of
:mod:`proofcheck.exact`)."""
from __future__ import annotations

from fractions import Fraction

from .rationals import NotExact, fraction_text


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
