"""Number contexts: write a formula once, evaluate it in float64 (screening) or in mpmath at any precision.

mpmath does this with its ``fp`` and ``mp`` contexts; proofcheck does the same so that the screening and the
confirmation of a check run the *same* formula and cannot drift apart. A formula takes a context ``n`` and uses
its functions::

    from proofcheck.numbers import uses_context

    @uses_context
    def sides(inst, n):                      # n.dps is None for float64 screening
        x = n.num(inst["x"])                 # exact conversion of the input
        return (n.exp(x) - 1 - x) / x**2, n.num(1) / 2 + x / 6

``Bound`` (and any check that evaluates a function at several precisions) calls a function marked with
:func:`uses_context` as ``fn(instance, context)``; unmarked functions keep the older ``fn(instance, dps)``
convention (``dps`` None for float64), so existing claim files keep working.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable

import mpmath


class NumberContext:
    """The functions a formula may use, in one arithmetic. ``dps`` is None for float64."""

    dps: int | None = None
    backend = ""

    def num(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    # min and max compare in the context's own numbers (float or mpf): Python's are right for both.
    min = staticmethod(min)
    max = staticmethod(max)

    def __repr__(self) -> str:
        return f"<{self.backend}>"


class Float64Context(NumberContext):
    """float64 through :mod:`math` (screening)."""

    dps = None
    backend = "float64"
    sqrt, exp, log, log1p, expm1 = staticmethod(math.sqrt), staticmethod(math.exp), staticmethod(math.log), \
        staticmethod(math.log1p), staticmethod(math.expm1)
    sin, cos, tan, atan, tanh, cosh = (staticmethod(getattr(math, f)) for f in ("sin", "cos", "tan", "atan", "tanh",
                                                                                "cosh"))
    pi, e, inf = math.pi, math.e, math.inf
    fsum = staticmethod(math.fsum)
    isfinite = staticmethod(math.isfinite)

    def num(self, x):
        if isinstance(x, Fraction):
            return x.numerator / x.denominator
        return float(x)


class MpContext(NumberContext):
    """mpmath at ``dps`` digits: call the formula inside ``mpmath.workdps(dps)`` (the checks do)."""

    def __init__(self, dps: int):
        self.dps = int(dps)
        self.backend = f"mpmath {self.dps} digits"

    def num(self, x):
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        if isinstance(x, str):
            return mpmath.mpf(x)
        return mpmath.mpf(x)  # exact for float and int inputs

    sqrt, exp, log, log1p, expm1 = (staticmethod(getattr(mpmath, f)) for f in ("sqrt", "exp", "log", "log1p", "expm1"))
    sin, cos, tan, atan, tanh, cosh = (staticmethod(getattr(mpmath, f)) for f in ("sin", "cos", "tan", "atan", "tanh",
                                                                                  "cosh"))
    fsum = staticmethod(mpmath.fsum)
    isfinite = staticmethod(mpmath.isfinite)
    inf = mpmath.inf

    @property
    def pi(self):
        return +mpmath.pi

    @property
    def e(self):
        return +mpmath.e


fp = Float64Context()


def mp(dps: int) -> MpContext:
    """The mpmath context at ``dps`` digits."""
    return MpContext(dps)


def context_for(dps: int | None) -> NumberContext:
    return fp if dps is None else MpContext(dps)


def uses_context(fn: Callable) -> Callable:
    """Mark ``fn(instance, n)`` as written against a :class:`NumberContext` (see the module docstring)."""
    fn.proofcheck_context = True
    return fn


def call_with_precision(fn: Callable, instance, dps: int | None):
    """Call ``fn`` in its own convention: ``fn(instance, context)`` if marked, else ``fn(instance, dps)``."""
    if getattr(fn, "proofcheck_context", False):
        return fn(instance, context_for(dps))
    return fn(instance, dps)
