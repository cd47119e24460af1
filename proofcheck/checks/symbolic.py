"""Symbolic check kinds: ``identity`` (A = B) and ``symbolic`` (a derivation of sympy facts).

An identity is proved when sympy simplifies A - B to 0; numeric spot checks at high precision
back it, and a nonzero residual confirmed at two precisions is a FAIL with the point as witness.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import mpmath
import sympy as sp

from ..context import Context
from ..model import Verdict
from ..numerics import HIGH_DPS
from .base import Check, reproducer


def _residual_is_zero(expr) -> bool | None:
    """True if sympy proves expr == 0, False if it proves expr != 0, None if undecided."""
    if isinstance(expr, sp.MatrixBase):
        results = [_residual_is_zero(e) for e in expr]
        if all(r is True for r in results):
            return True
        if any(r is False for r in results):
            return False
        return None
    simplified = sp.simplify(expr)
    if simplified == 0:
        return True
    if simplified.is_zero is False:
        return False
    return None


class Identity(Check):
    """lhs == rhs as sympy expressions (scalars or matrices) over symbols drawn from ``ranges``."""

    kind = "identity"
    basis = "symbolic"

    def __init__(self, name: str, lhs, rhs, ranges: dict, description: str = "", spot_checks: int | None = None):
        super().__init__(name, description or f"{sp.sstr(lhs)} == {sp.sstr(rhs)}")
        self.lhs, self.rhs, self.ranges = lhs, rhs, ranges
        self.spot_checks = spot_checks

    def _residual_at(self, point: dict, dps: int):
        with mpmath.workdps(dps):
            subs = {s: sp.Float(str(v), dps) for s, v in point.items()}
            diff = (self.lhs - self.rhs).subs(subs)
            if isinstance(diff, sp.MatrixBase):
                vals = [abs(sp.N(e, dps)) for e in diff]
                scale = [abs(sp.N(e, dps)) for e in self.lhs.subs(subs)]
                return mpmath.mpf(str(max(vals))), mpmath.mpf(str(max(scale + [1])))
            return mpmath.mpf(str(abs(sp.N(diff, dps)))), mpmath.mpf(str(max(abs(sp.N(self.lhs.subs(subs), dps)), 1)))

    def evaluate(self, ctx: Context):
        proved = _residual_is_zero(self.lhs - self.rhs)
        rng = ctx.rng("spot")
        n = self.spot_checks or ctx.pick(4, 12, 50)
        worst, witness = mpmath.mpf(0), None
        for _ in range(n):
            point = {str(s): float(rng.uniform(lo, hi)) for s, (lo, hi) in self.ranges.items()}
            point_sym = {s: point[str(s)] for s in self.ranges}
            res, scale = self._residual_at(point_sym, HIGH_DPS)
            rel = res / scale
            if rel > worst:
                worst, witness = rel, point
        noise = mpmath.mpf(10) ** (-(HIGH_DPS // 2))
        details = {
            "lhs": sp.sstr(self.lhs),
            "rhs": sp.sstr(self.rhs),
            "simplified_residual": "0" if proved else sp.sstr(sp.simplify(self.lhs - self.rhs)),
            "spot_checks": n,
        }
        common = dict(instances=n, worst_margin=float(worst), margin_meaning="max relative |lhs - rhs| at the spot checks",
                      dps=HIGH_DPS, backend="sympy.simplify + mpmath", details=details)
        if worst > noise:
            res2, scale2 = self._residual_at({s: witness[str(s)] for s in self.ranges}, 2 * HIGH_DPS)
            if res2 / scale2 > noise:
                return self.evidence(Verdict.FAIL, witness=witness, reproducer=reproducer(ctx, witness),
                                     reason="nonzero residual confirmed at two precisions", **common)
        if proved is True:
            return self.evidence(Verdict.PASS, reason="sympy simplifies lhs - rhs to 0", **common)
        if proved is False:
            return self.evidence(Verdict.FAIL, reason="sympy proves lhs - rhs != 0", **common)
        return self.evidence(Verdict.INCONCLUSIVE, reason="sympy could not simplify the residual to 0", **common)


@dataclass
class Step:
    """One step of a derivation: a description, the expression it concerns, and whether it holds.

    ``holds`` is True (proved), False (disproved) or None (sympy could not decide).
    """

    description: str
    expression: str
    holds: bool | None


def fact(description: str, expr) -> Step:
    """A Step asserting a sympy boolean / relational; decided by sympy (with simplification)."""
    value = expr
    if not isinstance(value, bool):
        try:
            value = sp.simplify(expr)
        except Exception:  # sympy may refuse to simplify some relationals
            value = expr
    if value in (True, sp.true):
        holds = True
    elif value in (False, sp.false):
        holds = False
    else:
        holds = None
    return Step(description, sp.sstr(expr) if not isinstance(expr, bool) else str(expr), holds)


def equal(description: str, a, b) -> Step:
    """A Step asserting a == b, proved by simplifying a - b to 0."""
    result = _residual_is_zero(sp.Matrix(a) - sp.Matrix(b) if isinstance(a, (list, sp.MatrixBase)) else a - b)
    return Step(description, f"{sp.sstr(a)} == {sp.sstr(b)}", result)


class Symbolic(Check):
    """A derivation: ``derive(ctx)`` returns a list of Steps; every step must be proved by sympy."""

    kind = "symbolic"
    basis = "symbolic"

    def __init__(self, name: str, derive: Callable[[Context], Sequence[Step]], description: str = ""):
        super().__init__(name, description)
        self.derive = derive

    def evaluate(self, ctx: Context):
        steps = list(self.derive(ctx))
        record = [{"step": s.description, "expression": s.expression,
                   "result": {True: "proved", False: "DISPROVED", None: "undecided"}[s.holds]} for s in steps]
        common = dict(instances=len(steps), dps=None, backend=f"sympy {sp.__version__}", details={"derivation": record})
        failed = [s for s in steps if s.holds is False]
        if failed:
            return self.evidence(Verdict.FAIL, witness={"step": failed[0].description, "expression": failed[0].expression},
                                 reason=f"sympy disproves: {failed[0].description}", **common)
        open_ = [s for s in steps if s.holds is None]
        if open_ or not steps:
            return self.evidence(Verdict.INCONCLUSIVE, reason="undecided: " + (open_[0].description if open_ else "no steps"), **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(steps)} steps proved", **common)
