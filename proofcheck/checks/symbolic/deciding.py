"""Deciding a step or an identity: is an expression identically 0, what sign does a relation have, and where a
numeric decision may look (:class:`Domain`). Part of the symbolic check kinds (package docstring)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np
import sympy as sp

from ...numerics import decide_sign

PROVED, DISPROVED, UNDECIDED, NOT_EVIDENCE = "proved", "DISPROVED", "undecided", "not evidence"

NOT_REACHED = "not reached"  # a `reaches` step whose claim is proved sharper than the derivation: not a disproof
_DISPROOF_POINTS = 6  # a numeric disproof of an identity needs a confirmed nonzero residual at all these points


# ---------------------------------------------------------------------------------------------
# Deciding expressions
# ---------------------------------------------------------------------------------------------
def doit_or_keep(expr):
    try:
        return expr.doit() if hasattr(expr, "doit") else expr
    except Exception:  # noqa: BLE001 - a limit or integral sympy cannot do leaves the step undecided
        return expr


def assumptions_of(expr) -> str:
    """The assumptions sympy used: each free symbol with the facts declared on it."""
    out = []
    for s in sorted(getattr(expr, "free_symbols", set()), key=str):
        facts = [k for k in ("positive", "nonnegative", "negative", "integer", "real") if s.assumptions0.get(k)]
        out.append(f"{s}: {', '.join(facts) or 'complex'}")
    return "; ".join(out)


# ---------------------------------------------------------------------------------------------
# Domains: where a numeric decision may look
# ---------------------------------------------------------------------------------------------
def _is_outside(validate, point: dict) -> bool:
    """True when ``validate(point)`` rejects the point (returns False or raises InvalidInstance)."""
    from ...errors import InvalidInstance

    if validate is None:
        return False
    try:
        return validate(dict(point)) is False
    except InvalidInstance:
        return True


def meets_assumptions(symbol, value) -> bool:
    """Does ``value`` satisfy the facts declared on ``symbol`` (integer, positive, nonnegative, ...)?"""
    a = symbol.assumptions0
    checks = {"integer": lambda v: float(v).is_integer(), "positive": lambda v: v > 0,
              "nonnegative": lambda v: v >= 0, "negative": lambda v: v < 0, "nonpositive": lambda v: v <= 0,
              "nonzero": lambda v: v != 0}
    return all(test(value) for fact_, test in checks.items() if a.get(fact_))


@dataclass
class Domain:
    """Where the numeric decisions about an expression may sample its free symbols.

    A symbol with a range ``(lo, hi)`` is drawn from it (integers in it when the symbol is declared integer);
    without a range, from its assumptions (integer -> integers, positive -> positive reals, real -> reals); a
    symbol with neither has an unknown domain, and nothing numeric is decided about it. Every point must also meet
    the symbols' assumptions and pass ``validate`` ({name: value} -> False, or raising InvalidInstance, outside the
    domain). A point where the residual is not a real number is outside the domain of definition and is skipped.
    """

    ranges: dict = field(default_factory=dict)
    validate: Callable | None = None

    def sampler(self, symbol) -> Callable | None:
        """A function rng -> value for ``symbol``, or None when its domain is unknown."""
        a = symbol.assumptions0
        span = self.ranges.get(symbol)
        if span is None:
            span = next((v for k, v in self.ranges.items() if str(k) == str(symbol)), None)
        if span is not None:
            lo, hi = float(span[0]), float(span[1])
            if a.get("integer"):
                ilo, ihi = math.ceil(lo), math.floor(hi)
                if ilo > ihi:
                    return lambda rng: None  # no integer in the range: no admissible point
                return lambda rng: int(rng.integers(ilo, ihi + 1))
            return lambda rng: float(rng.uniform(lo, hi))
        if a.get("integer"):
            if a.get("positive"):
                return lambda rng: int(rng.integers(1, 21))
            if a.get("nonnegative"):
                return lambda rng: int(rng.integers(0, 21))
            if a.get("negative"):
                return lambda rng: -int(rng.integers(1, 21))
            if a.get("nonpositive"):
                return lambda rng: -int(rng.integers(0, 21))
            return lambda rng: int(rng.integers(-20, 21))
        if a.get("positive") or a.get("nonnegative"):
            return lambda rng: float(10 ** rng.uniform(-1.5, 1.5))
        if a.get("negative") or a.get("nonpositive"):
            return lambda rng: -float(10 ** rng.uniform(-1.5, 1.5))
        if a.get("real"):
            return lambda rng: float(rng.choice([-1.0, 1.0]) * 10 ** rng.uniform(-1.5, 1.5))
        return None

    def unknown(self, symbols) -> list:
        """The symbols among ``symbols`` whose domain is unknown (no range, no real/integer/sign assumption)."""
        return [s for s in symbols if self.sampler(s) is None]

    def points(self, symbols, n: int, rng: np.random.Generator, tries_per_point: int = 20) -> tuple[list, int]:
        """Up to ``n`` admissible points {symbol: value} (and how many draws were rejected)."""
        samplers = {s: self.sampler(s) for s in symbols}
        out, rejected = [], 0
        for _ in range(n * tries_per_point):
            if len(out) >= n:
                break
            point = {s: draw(rng) for s, draw in samplers.items()}
            if any(v is None for v in point.values()) or not all(meets_assumptions(s, v) for s, v in point.items()) \
                    or _is_outside(self.validate, {str(s): v for s, v in point.items()}):
                rejected += 1
                if any(v is None for v in point.values()):
                    break
                continue
            out.append(point)
        return out, rejected


def sympy_value(x, dps: int):
    """A sample value as sympy sees it: an int exactly, a float as its binary value at ``dps`` + 10 digits."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return sp.Integer(int(x))
    return sp.Float(float(x), dps + 10)


@dataclass
class ZeroDecision:
    """Whether an expression is identically 0 on its domain: ``holds`` True (proved), False (disproved), None."""

    holds: bool | None
    method: str
    residual: str
    basis: str = "symbolic"  # "numeric" when the disproof rests on confirmed values at points
    points: list = field(default_factory=list)  # the points a numeric decision looked at, with their residuals

    def triple(self) -> tuple[bool | None, str, str]:
        return self.holds, self.method, self.residual


NUMERIC_SCHEDULE = (50, 100)  # a numeric disproof: the residual's sign at 50 and at 100 digits must agree


def _numeric_disproof(residual, domain: Domain | None = None, schedule=NUMERIC_SCHEDULE) -> ZeroDecision | None:
    """A numeric disproof of residual == 0, a numeric "could not", or None (no point decided anything).

    Points are drawn from ``domain`` only (ranges, assumptions, validate). A residual nonzero at an admissible point,
    confirmed at two precisions (mpmath through sympy's evaluation, the sign and 3 digits agreeing), disproves the
    identity there: that point is a counterexample in the stated domain. No admissible point, or a symbol of
    unknown domain, leaves the question undecided.
    """
    domain = domain or Domain()
    free = sorted(residual.free_symbols, key=str)
    if not free:
        return None
    unknown = domain.unknown(free)
    if unknown:
        return ZeroDecision(None, f"doit + simplify left a residual, and the domain of {', '.join(map(str, unknown))} "
                                  "is unknown (no range, no real/integer/sign assumption), so no point may be sampled",
                            sp.sstr(residual), basis="numeric")
    rng = np.random.default_rng(20261201)
    points, rejected = domain.points(free, _DISPROOF_POINTS, rng)
    if not points:
        return ZeroDecision(None, f"doit + simplify left a residual, and no admissible point was found ({rejected} "
                                  "draws outside the domain)", sp.sstr(residual), basis="numeric")
    looked, witness = [], None
    for point in points:
        def value(dps, point=point):
            v = sp.N(residual.subs({s: sympy_value(x, dps) for s, x in point.items()}), dps)
            if not (v.is_number and v.is_real):
                raise _NotReal
            return mpmath.mpf(str(v))

        record = {"point": {str(s): v for s, v in point.items()}}
        try:
            d = decide_sign(value, schedule)
        except _NotReal:
            record.update(decision="not real here: outside the domain of definition")
            looked.append(record)
            continue
        except Exception as exc:  # noqa: BLE001 - an evaluation error at a point decides nothing there
            record.update(decision=f"evaluation failed ({type(exc).__name__})")
            looked.append(record)
            continue
        record.update(decision=d.status, residual=str(d.values[-1][1]) if d.values else None, why=d.why,
                      dps=[p for p, _ in d.values])
        looked.append(record)
        if witness is None and d.status in ("positive", "negative"):
            witness = record
    if witness is not None:
        at = ", ".join(f"{k} = {v}" for k, v in witness["point"].items())
        return ZeroDecision(False, f"numeric: the residual is nonzero at the admissible point {at} "
                                   f"({witness['residual']}; {witness['why']})", sp.sstr(residual),
                            basis="numeric", points=looked)
    return None


class _NotReal(ArithmeticError):
    """The residual is not a real number at a sampled point (outside the expression's real domain)."""


def decide_zero_on(expr, domain: Domain | None = None) -> ZeroDecision:
    """Is ``expr`` identically 0 on ``domain``? Symbolic first (``doit`` + ``simplify``, signs from the
    assumptions), then, for a residual sympy cannot decide, a numeric disproof at admissible points only."""
    if isinstance(expr, sp.MatrixBase):
        results = [decide_zero_on(e, domain) for e in expr]
        if all(r.holds is True for r in results):
            return ZeroDecision(True, "doit + simplify, entrywise", "0")
        bad = next((r for r in results if r.holds is False), None)
        if bad is not None:
            return ZeroDecision(False, "entrywise: " + bad.method, bad.residual, bad.basis, bad.points)
        open_ = next(r for r in results if r.holds is None)
        return ZeroDecision(None, "entrywise: " + open_.method, open_.residual, open_.basis, open_.points)
    done = doit_or_keep(sp.sympify(expr))
    try:
        simplified = sp.simplify(done)
    except Exception:  # noqa: BLE001
        simplified = done
    residual = sp.sstr(simplified)
    if simplified == 0:
        return ZeroDecision(True, "doit + simplify to 0", "0")
    if simplified.is_number and simplified.is_zero is False:
        return ZeroDecision(False, "doit + simplify to a nonzero number", residual)
    if simplified.is_zero is False:  # nonzero on the whole domain the assumptions allow, so on any part of it
        return ZeroDecision(False, "doit + simplify; nonzero for every value allowed by the assumptions", residual)
    refined = _refine_on_ranges(simplified, domain)
    if refined is not None and refined == 0:  # e.g. a Piecewise whose other branches lie outside the ranges
        return ZeroDecision(True, "doit + simplify, then refine under the ranges (lo <= symbol <= hi) to 0", "0")
    if simplified.free_symbols and not simplified.has(sp.Limit, sp.Integral, sp.Derivative, sp.Subs):
        found = _numeric_disproof(simplified, domain)
        if found is not None:
            return found
    return ZeroDecision(None, "doit + simplify left a residual sympy cannot decide", residual)


def _refine_on_ranges(expr, domain: Domain | None):
    """``expr`` refined (and simplified) under lo <= s <= hi for each ranged symbol, or None (no ranges, or sympy
    failed). Sound for the statement "expr == 0 on the ranges": only facts the claim states are assumed."""
    if domain is None or not domain.ranges or not getattr(expr, "free_symbols", None):
        return None
    facts = [sp.Q.ge(s, span[0]) & sp.Q.le(s, span[1]) for s, span in domain.ranges.items()
             if isinstance(s, sp.Symbol) and s in expr.free_symbols]
    if not facts:
        return None
    try:
        return sp.simplify(sp.refine(expr, sp.And(*facts)))
    except Exception:  # noqa: BLE001 - refine is an extra chance to prove, not a requirement
        return None


def decide_zero(expr, domain: Domain | None = None) -> tuple[bool | None, str, str]:
    """(holds, method, residual): is ``expr`` identically 0? True proved, False disproved, None undecided."""
    return decide_zero_on(expr, domain).triple()


def equivalent_forms(expr):
    """Equivalent forms of ``expr`` in which sympy's assumption system may see a sign: as simplified, factored, and
    as an expanded numerator over an expanded denominator."""
    yield expr
    for transform in (sp.factor, lambda e: sp.factor(sp.cancel(e)),
                      lambda e: sp.expand(sp.numer(sp.together(e))) / sp.expand(sp.denom(sp.together(e)))):
        try:
            yield transform(expr)
        except Exception:  # noqa: BLE001 - a form sympy cannot build is skipped
            continue


def relation_sign(rel) -> tuple[bool | None, str, str]:
    """Decide an inequality lhs (op) rhs through the sign of lhs - rhs under the assumptions."""
    diff = sp.simplify(doit_or_keep(rel.lhs) - doit_or_keep(rel.rhs))
    residual = sp.sstr(diff)
    properties = {sp.GreaterThan: ("is_nonnegative", "is_negative"), sp.StrictGreaterThan: ("is_positive", "is_nonpositive"),
                  sp.LessThan: ("is_nonpositive", "is_positive"), sp.StrictLessThan: ("is_negative", "is_nonnegative")}
    if type(rel) in properties:
        yes, no = properties[type(rel)]
        for form in equivalent_forms(diff):
            if getattr(form, yes):
                return True, "sign of lhs - rhs from the assumptions", sp.sstr(form)
            if getattr(form, no):
                return False, "sign of lhs - rhs from the assumptions (the opposite sign is proved)", sp.sstr(form)
    return None, "sympy cannot sign lhs - rhs under the assumptions", residual


