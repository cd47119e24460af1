"""Shared helpers of the classics' known-false claims (C15-C20; docs/classics.md, "Known-false claims").

A known-false claim is a universal statement ("for every f in the class, the method converges") kept in the catalogue
with ``expect="FAIL"`` and the source of its refutation. Its refuting check is a :class:`proofcheck.Bound` whose
admissible instances are the published counterexample and its variants (:class:`Witnesses`): nothing is searched, the
witness is evaluated. ``sides(instance)`` returns the claim's consequence at the witness as (lhs, rhs) in *exact*
arithmetic (``fractions.Fraction``, or :class:`QSqrt` for Q(sqrt d)); the Bound screens in float64 and decides the
sign at two precisions, and ``certify`` recomputes lhs - rhs exactly, so a FAIL is certified (and the claim REFUTED)
only on an exact violation.

When the witness's premise does not hold at an instance (the orbit is not periodic; a Nelder-Mead step is not the
inside contraction the counterexample relies on), ``sides`` raises :class:`WitnessFails` with the reason: the Bound
leaves that instance undecided (INCONCLUSIVE), never PASS or FAIL on a broken witness. This is what the mutants of a
known-false claim exercise: their counterexample is broken, so they must not be REFUTED (proofcheck.selftest).
"""
from __future__ import annotations

import json
from fractions import Fraction
from typing import Callable

import numpy as np

from proofcheck import Bound, InvalidInstance, Space
from proofcheck.pep import VectorSpace

# Nothing to search: every witness is evaluated (each draw picks one; duplicates are decided once), no climbing and
# no hypothesis search. The draws are the same at every budget: a refutation does not depend on the budget.
DRAWS_PER_WITNESS = 12


class WitnessFails(InvalidInstance):
    """The counterexample's premise does not hold at this instance: it proves nothing there (not a refutation).
    Raised from ``sides``, it marks the instance outside the refutation's domain (skipped and counted; a check with
    no instance inside is INCONCLUSIVE), the documented way for claim code to say so: any other exception is the
    claim's ERROR."""


class Witnesses(Space):
    """The finite space of the published counterexample and its variants (JSON-ready dicts)."""

    def __init__(self, instances: list[dict], validate: Callable[[dict], None] | None = None):
        self.instances = [dict(i) for i in instances]
        self._validate = validate

    def sample(self, rng):
        return dict(self.instances[int(rng.integers(len(self.instances)))])

    def perturb(self, instance, rng, scale):
        return self.sample(rng)

    def validate(self, instance):
        if self._validate is not None:
            self._validate(instance)


def on_the_line(gradient: Callable, start):
    """An exact one-dimensional space (:class:`proofcheck.pep.VectorSpace`) whose function has the given gradient
    (a function of one exact number), started at ``start``: a method of :mod:`proofcheck.pep.methods`, written once
    for the worst-case claims, replays on a published scalar counterexample in it. Function values are not given
    (the refutations here need iterates only): a method that asks for one gets None, and its arithmetic fails."""
    oracle = lambda x: (np.array([gradient(x[0])], dtype=object), None)  # noqa: E731
    return VectorSpace(oracle, starts=[[start]], dimension=1, exact=True, optimum=False)


def scalars(iterates) -> list:
    """The numbers of one-dimensional iterates (a method's vectors of :func:`on_the_line`)."""
    return [x[0] for x in iterates]


def q(x) -> Fraction:
    """An instance's number as an exact rational ("19/10", 3, "0.5" are all read exactly)."""
    return Fraction(x) if not isinstance(x, float) else Fraction(str(x))


def _short(x, digits: int = 40) -> str:
    text = str(x)
    return text if len(text) <= digits else f"{float(x):.17g} ({len(text)} characters exactly)"


def exact_sides(fn: Callable[[dict], tuple]) -> Callable:
    """Bound sides from ``fn(instance) -> (lhs, rhs)`` in exact arithmetic: floats when screening (dps None), the exact
    values otherwise (proofcheck.numerics reads Fractions exactly; QSqrt values are turned into mpmath numbers)."""

    def sides(instance, dps):
        lhs, rhs = fn(instance)
        if dps is None:
            return float(lhs), float(rhs)
        return _mp(lhs, dps), _mp(rhs, dps)

    sides.__name__ = getattr(fn, "__name__", "sides")
    sides.__doc__ = fn.__doc__
    return sides


def _mp(x, dps):
    if isinstance(x, QSqrt):
        return x.mpf(dps)
    return x


def exact_certificate(fn: Callable[[dict], tuple]) -> Callable[[dict], dict]:
    """``certify`` of a Bound: lhs - rhs recomputed exactly; ``certified`` is True only for an exact violation
    (lhs > rhs), which is what makes a FAIL certified (and a known-false claim REFUTED)."""

    def certify(instance):
        try:
            lhs, rhs = fn(instance)
        except WitnessFails as exc:
            return {"certified": False, "backend": "exact", "reason": f"the witness fails: {exc}"}
        diff = lhs - rhs
        positive = diff.sign() > 0 if isinstance(diff, QSqrt) else diff > 0
        return {"certified": bool(positive), "backend": "exact rational arithmetic (fractions.Fraction)"
                if not isinstance(diff, QSqrt) else f"exact arithmetic in Q(sqrt {diff.d})",
                "lhs": _short(lhs), "rhs": _short(rhs), "lhs_minus_rhs": _short(diff),
                "violated": bool(positive)}

    return certify


def refutation(name: str, instances: list[dict], fn: Callable[[dict], tuple], description: str,
               certify: Callable[[dict], dict] | None = None, precision=(50, 100)) -> Bound:
    """The refuting Bound: ``fn(instance) -> (lhs, rhs)`` (exact, or with ``certify`` given, its own certificate) on the
    witnesses. ``precision``: the two digits at which the sign is decided (exact values agree at any two)."""
    draws = DRAWS_PER_WITNESS * len(instances)
    if certify is None:
        fn = remembered(fn)
    return Bound(name, Witnesses(instances), exact_sides(fn) if certify is None else fn, description=description,
                 certify=certify or exact_certificate(fn), random=(draws, draws, draws), climbs=(0, 0, 0),
                 climb_steps=(0, 0, 0), hypothesis_examples=(0, 0, 0), precision=precision,
                 escalations=(len(instances),) * 3, near_escalations=(len(instances),) * 3)


def instance_key(instance: dict) -> str:
    return json.dumps(instance, sort_keys=True)


def remembered(fn: Callable[[dict], tuple]) -> Callable[[dict], tuple]:
    """``fn`` computed once per instance: the exact sides are pure, and the Bound asks for them when screening, at
    each precision and when certifying (an exact replay of 30 Nelder-Mead steps is not free). A WitnessFails is
    remembered too."""
    memo: dict = {}

    def once(instance):
        key = instance_key(instance)
        if key not in memo:
            try:
                memo[key] = ("ok", fn(instance))
            except WitnessFails as exc:
                memo[key] = ("fails", exc)
        kind, value = memo[key]
        if kind == "fails":
            raise WitnessFails(str(value))
        return value

    once.__name__, once.__doc__ = getattr(fn, "__name__", "sides"), fn.__doc__
    return once


class QSqrt:
    """a + b sqrt(d) with rational a, b and a square-free integer d > 1: exact arithmetic and an exact sign.

    Enough for McKinnon's Nelder-Mead counterexample, whose simplex lives in Q(sqrt 33) (tau = 2: f is a polynomial)."""

    __slots__ = ("a", "b", "d")

    def __init__(self, a, b=0, d: int = 33):
        self.a, self.b, self.d = Fraction(a), Fraction(b), int(d)

    def _lift(self, other) -> "QSqrt":
        if isinstance(other, QSqrt):
            if other.d != self.d:
                raise ValueError("numbers of different fields")
            return other
        return QSqrt(other, 0, self.d)

    def __add__(self, o):
        o = self._lift(o)
        return QSqrt(self.a + o.a, self.b + o.b, self.d)

    __radd__ = __add__

    def __neg__(self):
        return QSqrt(-self.a, -self.b, self.d)

    def __sub__(self, o):
        return self + (-self._lift(o))

    def __rsub__(self, o):
        return self._lift(o) - self

    def __mul__(self, o):
        o = self._lift(o)
        return QSqrt(self.a * o.a + self.d * self.b * o.b, self.a * o.b + self.b * o.a, self.d)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._lift(o)
        norm = o.a * o.a - o.d * o.b * o.b  # nonzero for o != 0, since sqrt(d) is irrational
        return self * QSqrt(o.a / norm, -o.b / norm, self.d)

    def sign(self) -> int:
        """The exact sign of a + b sqrt(d): compare a^2 with d b^2 when the signs of a and b differ."""
        sa, sb = (self.a > 0) - (self.a < 0), (self.b > 0) - (self.b < 0)
        if sa == sb or sb == 0:
            return sa
        if sa == 0:
            return sb
        return sa if self.a * self.a > self.d * self.b * self.b else sb

    def __lt__(self, o):
        return (self - o).sign() < 0

    def __le__(self, o):
        return (self - o).sign() <= 0

    def __gt__(self, o):
        return (self - o).sign() > 0

    def __ge__(self, o):
        return (self - o).sign() >= 0

    def __eq__(self, o):
        return (self - o).sign() == 0

    def __hash__(self):
        return hash((self.a, self.b, self.d))

    def __abs__(self):
        return -self if self.sign() < 0 else self

    def __float__(self):
        return float(self.a) + float(self.b) * self.d ** 0.5

    def mpf(self, dps: int):
        import mpmath

        with mpmath.workdps(dps):
            return mpmath.mpf(self.a.numerator) / self.a.denominator + \
                mpmath.mpf(self.b.numerator) / self.b.denominator * mpmath.sqrt(self.d)

    def __str__(self):
        return f"{self.a} + {self.b}*sqrt({self.d})" if self.b else str(self.a)

    __repr__ = __str__
