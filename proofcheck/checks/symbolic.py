"""Symbolic check kinds: ``identity`` (A = B) and ``symbolic`` (a derivation of sympy steps).

Steps are evidence only when they could have failed (docs/design.md, 'Verdicts and evidence'):

- a step records its two sides **as written**, before any simplification. Write them unevaluated
  (``sp.Limit``, ``sp.Derivative``, ``sp.Integral``, ``sp.Subs``, ``sp.UnevaluatedExpr``, or build them under
  ``with sp.evaluate(False):``) so that the reader sees ``Limit(T/kappa, kappa, oo) = log(1/eps)/4`` and not
  ``log(1/eps)/4 = log(1/eps)/4``;
- it records how it was decided (``doit`` + ``simplify``, the sign under the symbols' assumptions, a numeric
  disproof at high precision) and the residual;
- a step whose two sides are identical as written proves nothing and is **not counted**; a bare Python ``bool``
  given to :func:`fact` is not proof (``True`` is not counted, ``False`` leaves the step undecided); a relation
  that sympy had already decided when :func:`fact` received it (exact rationals compared, say) counts, and the
  step shows the expression that was decided, recovered from the caller's source;
- a step that is not counted is a warning (``details["warnings"]``, with the line where it was written), and a
  derivation with no counted step is INCONCLUSIVE;
- "sympy could not decide" is undecided (INCONCLUSIVE), never DISPROVED. DISPROVED needs an exact nonzero
  residual, a sign proved from the assumptions, or (labelled numeric, with its points) a nonzero residual
  confirmed at two precisions at a point of the step's domain (:class:`Domain`: ranges, assumptions, validate; a
  symbol with none of them has an unknown domain and nothing numeric is decided about it).

An identity is proved when sympy simplifies A - B to 0; high-precision spot checks at random points of its domain
are numeric evidence, so a true identity PASSes on its own; a nonzero residual decided at two precisions is a FAIL with the
point as witness (``--instance`` replays a point).
"""
from __future__ import annotations

import ast
import inspect
import linecache
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Sequence

import mpmath
import numpy as np
import sympy as sp

from ..context import Context
from ..model import Verdict
from ..numerics import DEFAULT_SCHEDULE, decide_sign, schedule_of
from .base import Check, format_instance, reproducer

PROVED, DISPROVED, UNDECIDED, NOT_EVIDENCE = "proved", "DISPROVED", "undecided", "not evidence"
NOT_REACHED = "not reached"  # a `reaches` step whose claim is proved sharper than the derivation: not a disproof
_DISPROOF_POINTS = 6  # a numeric disproof of an identity needs a confirmed nonzero residual at all these points


# ---------------------------------------------------------------------------------------------
# Deciding expressions
# ---------------------------------------------------------------------------------------------
def _doit(expr):
    try:
        return expr.doit() if hasattr(expr, "doit") else expr
    except Exception:  # noqa: BLE001 - a limit or integral sympy cannot do leaves the step undecided
        return expr


def _assumptions(expr) -> str:
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
    from ..errors import InvalidInstance

    if validate is None:
        return False
    try:
        return validate(dict(point)) is False
    except InvalidInstance:
        return True


def _meets_assumptions(symbol, value) -> bool:
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
            if any(v is None for v in point.values()) or not all(_meets_assumptions(s, v) for s, v in point.items()) \
                    or _is_outside(self.validate, {str(s): v for s, v in point.items()}):
                rejected += 1
                if any(v is None for v in point.values()):
                    break
                continue
            out.append(point)
        return out, rejected


def _sympy_value(x, dps: int):
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
            v = sp.N(residual.subs({s: _sympy_value(x, dps) for s, x in point.items()}), dps)
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
    done = _doit(sp.sympify(expr))
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


def _forms(expr):
    """Equivalent forms of ``expr`` in which sympy's assumption system may see a sign: as simplified, factored, and
    as an expanded numerator over an expanded denominator."""
    yield expr
    for transform in (sp.factor, lambda e: sp.factor(sp.cancel(e)),
                      lambda e: sp.expand(sp.numer(sp.together(e))) / sp.expand(sp.denom(sp.together(e)))):
        try:
            yield transform(expr)
        except Exception:  # noqa: BLE001 - a form sympy cannot build is skipped
            continue


def _relation_sign(rel) -> tuple[bool | None, str, str]:
    """Decide an inequality lhs (op) rhs through the sign of lhs - rhs under the assumptions."""
    diff = sp.simplify(_doit(rel.lhs) - _doit(rel.rhs))
    residual = sp.sstr(diff)
    properties = {sp.GreaterThan: ("is_nonnegative", "is_negative"), sp.StrictGreaterThan: ("is_positive", "is_nonpositive"),
                  sp.LessThan: ("is_nonpositive", "is_positive"), sp.StrictLessThan: ("is_negative", "is_nonnegative")}
    if type(rel) in properties:
        yes, no = properties[type(rel)]
        for form in _forms(diff):
            if getattr(form, yes):
                return True, "sign of lhs - rhs from the assumptions", sp.sstr(form)
            if getattr(form, no):
                return False, "sign of lhs - rhs from the assumptions (the opposite sign is proved)", sp.sstr(form)
    return None, "sympy cannot sign lhs - rhs under the assumptions", residual


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------
@dataclass
class Step:
    """One step of a derivation: what it says, its sides as written, and how it was decided.

    ``holds`` is True (proved), False (disproved) or None (undecided, or not evidence). ``counts`` is False for
    steps that prove nothing (identical sides as written, a Python ``True``).
    """

    description: str
    expression: str
    holds: bool | None
    lhs: str | None = None
    rhs: str | None = None
    method: str = ""
    residual: str | None = None
    assumptions: str = ""
    counts: bool = True
    note: str = ""
    # A `reaches` step (claimed >= derived): holds False there means "the derivation does not reach the claim"
    # (a claim sharper than what was derived), which is no disproof of the claim.
    reach: bool = False
    basis: str = "symbolic"  # "numeric" when the step was decided by confirmed values at admissible points
    points: list = field(default_factory=list)  # those points, with their residuals
    source: str = ""  # file:line where the step was written (the first caller outside this module)

    def __post_init__(self):
        if not self.source:
            self.source = _caller_line()

    @property
    def status(self) -> str:
        if not self.counts:
            return NOT_EVIDENCE
        if self.reach and self.holds is False:
            return NOT_REACHED
        return {True: PROVED, False: DISPROVED, None: UNDECIDED}[self.holds]

    def json(self) -> dict:
        out = {"step": self.description, "expression": self.expression, "result": self.status, "method": self.method}
        for key in ("lhs", "rhs", "residual", "assumptions", "note", "source"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.basis != "symbolic":
            out["basis"] = self.basis
        if self.points:
            out["points"] = self.points
        return out


def _caller_line() -> str:
    """``path:line`` of the innermost frame outside this module (and outside generated code): where the author
    wrote the step. The path is relative to the working directory when it lies below it."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename == __file__
                                 or (frame.f_code.co_filename == "<string>" and frame.f_code.co_name == "__init__")):
        frame = frame.f_back
    if frame is None:
        return ""
    path = frame.f_code.co_filename
    try:
        rel = os.path.relpath(path)
        path = rel if not rel.startswith("..") else path
    except ValueError:  # another drive (Windows)
        pass
    return f"{path}:{frame.f_lineno}"


def _as_written(x) -> str:
    if isinstance(x, (list, tuple)):
        return sp.sstr(sp.Matrix(x))
    return sp.sstr(x)


def _call_argument_source(depth: int, index: int) -> str | None:
    """The source text of argument ``index`` of the call being executed ``depth`` frames up, or None.

    Used to show the relation a reader wrote when sympy had already decided it (``Rational(1, 3) < 1`` arrives
    as ``True``). Relies on the exact positions Python 3.11+ records for each instruction.
    """
    try:
        frame = sys._getframe(depth + 1)
        positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        lineno, end_lineno, col, end_col = positions
        if None in positions:
            return None
        lines = [linecache.getline(frame.f_code.co_filename, n) for n in range(lineno, end_lineno + 1)]
        if not all(lines):
            return None
        lines[-1] = lines[-1][:end_col]
        lines[0] = lines[0][col:]
        text = "".join(lines)
        node = ast.parse(text.strip(), mode="eval").body
        if isinstance(node, ast.Call) and len(node.args) > index:
            return ast.get_source_segment(text.strip(), node.args[index])
    except Exception:  # noqa: BLE001 - source recovery is best effort (e.g. code typed at a prompt)
        return None
    return None


def fact(description: str, expr, *, ranges: dict | None = None, validate: Callable | None = None) -> Step:
    """A step asserting a sympy relation (or boolean), decided by sympy.

    Inequalities are decided through the sign of lhs - rhs under the symbols' assumptions; other relations and
    booleans by ``simplify``. A relation sympy decided before ``fact`` saw it is shown as its source text. An
    ``Eq`` that sympy cannot simplify may be disproved numerically, at points of its domain only (``ranges``,
    ``validate`` and the symbols' assumptions, see :class:`Domain`).
    """
    if isinstance(expr, (bool, np.bool_)):
        text = _call_argument_source(1, 1) or str(bool(expr))
        return Step(description, text, None, method="a Python bool, not a sympy relation: not proof", counts=not expr,
                    note="write the relation with sympy objects (e.g. sp.Eq, sp.Ge, or Rational arithmetic) so "
                         "sympy decides it" + ("; a Python False is not a disproof either" if not expr else ""))
    if isinstance(expr, sp.logic.boolalg.BooleanAtom):
        text = _call_argument_source(1, 1)
        return Step(description, text or str(expr), bool(expr), method="decided by sympy when the relation was built"
                    + ("" if text else " (source not recoverable, shown as its value)"))
    if isinstance(expr, sp.core.relational.Relational):
        lhs, rhs = _as_written(expr.lhs), _as_written(expr.rhs)
        if lhs == rhs:
            return Step(description, sp.sstr(expr), None, lhs=lhs, rhs=rhs, counts=False,
                        method="both sides identical as written: proves nothing")
        if isinstance(expr, sp.Eq):
            d = decide_zero_on(expr.lhs - expr.rhs, Domain(ranges or {}, validate))
            return Step(description, sp.sstr(expr), d.holds, lhs=lhs, rhs=rhs, method=d.method, residual=d.residual,
                        assumptions=_assumptions(expr), basis=d.basis, points=d.points)
        else:
            holds, method, residual = _relation_sign(expr)
            if holds is None:  # sympy's own relational simplification may still decide it
                try:
                    value = sp.simplify(_doit(expr))
                except Exception:  # noqa: BLE001
                    value = None
                if value in (sp.true, sp.false):
                    holds, method = bool(value), "doit + simplify of the relation"
        return Step(description, sp.sstr(expr), holds, lhs=lhs, rhs=rhs, method=method, residual=residual,
                    assumptions=_assumptions(expr))
    try:
        value = sp.simplify(_doit(expr))
    except Exception:  # noqa: BLE001
        value = expr
    holds = True if value in (sp.true,) else False if value in (sp.false,) else None
    return Step(description, sp.sstr(expr), holds, method="doit + simplify of a boolean expression",
                assumptions=_assumptions(expr) if hasattr(expr, "free_symbols") else "")


def equal(description: str, a, b, *, ranges: dict | None = None, validate: Callable | None = None) -> Step:
    """A step asserting a == b (scalars or matrices), proved by simplifying a - b to 0 after ``doit``.

    When sympy leaves a residual it cannot decide, the step may be disproved numerically, at points of its domain
    only: ``ranges`` ({symbol: (lo, hi)}), ``validate`` ({name: value} -> False or raising InvalidInstance outside
    the domain) and the symbols' assumptions (see :class:`Domain`). A symbol with none of them has an unknown
    domain: the step stays undecided."""
    lhs, rhs = _as_written(a), _as_written(b)
    if lhs == rhs:
        return Step(description, f"{lhs} == {rhs}", None, lhs=lhs, rhs=rhs, counts=False,
                    method="both sides identical as written: proves nothing")
    matrix = isinstance(a, (list, tuple, sp.MatrixBase)) or isinstance(b, (list, tuple, sp.MatrixBase))
    diff = sp.Matrix(a) - sp.Matrix(b) if matrix else sp.sympify(a) - sp.sympify(b)
    d = decide_zero_on(diff, Domain(ranges or {}, validate))
    return Step(description, f"{lhs} == {rhs}", d.holds, lhs=lhs, rhs=rhs, method=d.method, residual=d.residual,
                assumptions=_assumptions(diff), basis=d.basis, points=d.points)


def reaches(description: str, claimed, derived, relation: str = ">=") -> Step:
    """The last link of a derivation: the claimed quantity against the derived one, ``claimed >= derived`` (an upper
    bound's constant: a larger claimed constant is a weaker claim, which the derivation implies) or, with
    ``relation="<="``, ``claimed <= derived`` (a probability floor: a lower claimed floor is weaker).

    Proved: the derivation implies the claim (a true weakening PASSes). Proved the other way: the claim is sharper
    than the derivation reaches, which is *not* a disproof: the step is "not reached", the Symbolic check is
    INCONCLUSIVE ("the derivation does not reach the claim") and the claim's numeric checks decide. Write
    ``derived`` as the derivation gives it (unevaluated: a ``sp.Limit``, the chain's constant as an expression), so
    that the two sides differ as written."""
    if relation not in (">=", "<="):
        raise ValueError("relation must be '>=' or '<='")
    lhs, rhs = _as_written(claimed), _as_written(derived)
    expression = f"{lhs} {relation} {rhs}"
    if lhs == rhs:
        return Step(description, expression, None, lhs=lhs, rhs=rhs, counts=False, reach=True,
                    method="both sides identical as written: proves nothing")
    try:
        diff = sp.simplify(_doit(sp.sympify(claimed)) - _doit(sp.sympify(derived)))
    except Exception as exc:  # noqa: BLE001 - sides sympy cannot subtract leave the step undecided
        return Step(description, expression, None, lhs=lhs, rhs=rhs, reach=True,
                    method=f"sympy cannot compare the sides ({type(exc).__name__})")
    yes, no = ("is_nonnegative", "is_negative") if relation == ">=" else ("is_nonpositive", "is_positive")
    holds, method, residual = None, "sympy cannot sign claimed - derived under the assumptions", sp.sstr(diff)
    unbounded = (sp.oo, sp.zoo) if relation == ">=" else (-sp.oo, sp.zoo)
    if _doit(sp.sympify(derived)) in unbounded and _doit(sp.sympify(claimed)).is_finite:
        return Step(description, expression, False, lhs=lhs, rhs=rhs, residual=sp.sstr(_doit(sp.sympify(derived))),
                    method="the derivation gives no finite bound here, so it does not reach the claimed one "
                           "(not a disproof)", assumptions=_assumptions(diff), reach=True)
    for form in _forms(diff):
        if getattr(form, yes):
            holds, method, residual = True, f"claimed - derived signed from the assumptions: the claim follows", sp.sstr(form)
            break
        if getattr(form, no):
            holds, method, residual = (False, "claimed - derived signed from the assumptions: the claim is sharper "
                                              "than the derivation reaches (not a disproof)", sp.sstr(form))
            break
    return Step(description, expression, holds, lhs=lhs, rhs=rhs, method=method, residual=residual,
                assumptions=_assumptions(diff), reach=True)


def _step_sentence(s: Step) -> str:
    if not s.lhs:
        return f"'{s.description}'"
    return f"'{s.description}' ({s.lhs} vs {s.rhs}" + (f"; residual {s.residual})" if s.residual else ")")


class Symbolic(Check):
    """A derivation: ``derive(ctx)`` returns a list of Steps; every counted step must be proved by sympy."""

    kind = "symbolic"
    basis = "symbolic"

    def __init__(self, name: str, derive: Callable[[Context], Sequence[Step]], description: str = ""):
        super().__init__(name, description)
        self.derive = derive

    def evaluate(self, ctx: Context):
        steps = list(self.derive(ctx))
        record = [s.json() if isinstance(s, Step) else {"step": str(s), "result": NOT_EVIDENCE} for s in steps]
        steps = [s for s in steps if isinstance(s, Step)]
        counted = [s for s in steps if s.counts]
        skipped = [s for s in steps if not s.counts]
        # A step that proves nothing is the author's to fix: a warning with the line where it was written (shown in
        # the terminal's summary and kept in the evidence), never silently dropped.
        warnings = [{"step": s.description, "source": s.source, "expression": s.expression,
                     "warning": f"not counted: {s.method}"} for s in skipped]
        details = {"derivation": record, "counted_steps": len(counted), "not_evidence": len(skipped)}
        if warnings:
            details["warnings"] = warnings
        common = dict(instances=len(counted), dps=None, backend=f"sympy {sp.__version__}", details=details)
        note = ""
        if skipped:
            first = skipped[0]
            note = (f" ({len(skipped)} step(s) not counted, first '{first.description}'"
                    + (f" at {first.source}" if first.source else "") + f": {first.method})")
        if not counted:
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no derivation step survives as written{note}",
                                 **common)
        failed = [s for s in counted if s.holds is False and not s.reach]  # a step contradicts a proved fact
        if failed:
            s = failed[0]
            witness = {"step": s.description, "expression": s.expression, "residual": s.residual, "method": s.method}
            if s.basis == "numeric":  # a disproof at points of the step's domain, confirmed at two precisions
                witness["points"] = s.points
                return self.evidence(Verdict.FAIL, witness=witness,
                                     reason=f"step {_step_sentence(s)} is disproved numerically ({s.method})",
                                     **common).with_basis("numeric")
            return self.evidence(Verdict.FAIL, witness=witness,
                                 reason=f"sympy disproves step {_step_sentence(s)} by {s.method}", **common)
        short = [s for s in counted if s.status == NOT_REACHED]  # kept apart from a disproof (see ``reaches``)
        if short:
            s = short[0]
            return self.evidence(Verdict.INCONCLUSIVE, witness={"step": s.description, "expression": s.expression,
                                                                "residual": s.residual, "method": s.method},
                                 reason=f"the derivation does not reach the claim: step {_step_sentence(s)}: the "
                                        f"claimed form is sharper than the derived one, which is not a disproof "
                                        f"(the numeric checks decide){note}", **common)
        open_ = [s for s in counted if s.holds is None]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE,
                                 reason=f"{len(open_)} step(s) undecided, first {_step_sentence(open_[0])}: "
                                        f"{open_[0].method}{note}", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(counted)} steps proved{note}", **common)


# ---------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------
class Identity(Check):
    """lhs == rhs as sympy expressions (scalars or matrices) on the domain ``ranges`` ({symbol: (lo, hi)}).

    Symbolic evidence: ``doit`` + ``simplify`` of lhs - rhs. Numeric evidence: the relative residual at
    ``spot_checks`` random points of the domain (per budget by default), decided along the precision schedule.

    The domain is the ranges, the symbols' assumptions (an integer symbol is checked at the integers of its range, a
    positive one at positive points) and ``validate(point)`` ({name: value} -> False, or raising
    :class:`proofcheck.InvalidInstance`, for a point outside the claim's hypotheses). Every numeric decision, spot
    checks and the fallback for a residual sympy cannot simplify alike, samples that domain only; a domain with no
    admissible point leaves the check INCONCLUSIVE, and a residual disproved at points is a numeric FAIL naming them.
    """

    kind = "identity"
    basis = "symbolic+numeric"

    def __init__(self, name: str, lhs, rhs, ranges: dict, description: str = "", spot_checks: int | None = None,
                 precision=DEFAULT_SCHEDULE, validate: Callable | None = None):
        super().__init__(name, description or f"{sp.sstr(lhs)} == {sp.sstr(rhs)} for "
                         + ", ".join(_range_text(s, r) for s, r in ranges.items()) + (" (validated)" if validate else ""))
        self.lhs, self.rhs, self.ranges = lhs, rhs, ranges
        self.spot_checks = spot_checks
        self.schedule = schedule_of(precision)
        self.domain = Domain(dict(ranges), validate)
        self.matrix = any(isinstance(side, (sp.MatrixBase, sp.MatrixExpr, list, tuple)) for side in (lhs, rhs))
        # The evaluated sides, once: spot checks substitute numbers into these (an unevaluated product written for the
        # reader is multiplied out here, not at every point and precision).
        left, right = _doit(lhs), _doit(rhs)
        self._left = sp.Matrix(left) if self.matrix else sp.Matrix([left])
        self._diff = self._left - (sp.Matrix(right) if self.matrix else sp.Matrix([right]))

    def _relative_residual(self, point: dict, dps: int):
        """max |lhs - rhs| / max(|lhs|, 1) at ``point`` (symbol -> number), evaluated at ``dps`` digits (an integer
        exactly, a float as its binary value)."""
        subs = {s: _sympy_value(v, dps) for s, v in point.items()}
        res = max(mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._diff)
        scale = max([mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._left] + [mpmath.mpf(1)])
        return res / scale

    def _decide_point(self, point: dict):
        return decide_sign(lambda dps: self._relative_residual(point, dps), self.schedule)

    def _replayed_point(self, instance: dict, symbols: dict) -> dict:
        from ..errors import InvalidInstance

        unknown = sorted(set(instance) - set(symbols))
        missing = sorted(set(symbols) - set(instance))
        if unknown or missing:
            raise InvalidInstance(f"an identity point needs exactly the symbols {sorted(symbols)}"
                                  + (f"; unknown {unknown}" if unknown else "") + (f"; missing {missing}" if missing else ""))
        point = {}
        for k, v in instance.items():
            s = symbols[k]
            if s.assumptions0.get("integer"):
                if not float(v).is_integer():
                    raise InvalidInstance(f"{k} is declared integer, got {v!r}")
                point[k] = int(v)
            else:
                point[k] = float(v)
            if not _meets_assumptions(s, point[k]):
                raise InvalidInstance(f"{k} = {v!r} violates the assumptions declared on it ({_assumptions(s)})")
        if self.domain.validate is not None and self.domain.validate(dict(point)) is False:  # InvalidInstance: as is
            raise InvalidInstance(f"the point {format_instance(point)} is outside the identity's domain (validate)")
        return point

    def evaluate(self, ctx: Context):
        symbols = {str(s): s for s in self.ranges}
        rejected = 0
        if ctx.instance is not None:
            points = [self._replayed_point(ctx.instance, symbols)]
        else:
            rng = ctx.rng("spot")
            n = self.spot_checks or ctx.pick(4, 12, 50)  # effort only: every point is decided the same way
            drawn, rejected = self.domain.points(list(self.ranges), n, rng)
            points = [{str(s): v for s, v in p.items()} for p in drawn]
        decisions = [(p, self._decide_point({symbols[k]: v for k, v in p.items()})) for p in points]
        lhs_txt, rhs_txt = _as_written(self.lhs), _as_written(self.rhs)
        if ctx.instance is not None:
            decision = ZeroDecision(None, "not attempted for a replayed point", None)
        elif lhs_txt == rhs_txt:
            decision = ZeroDecision(None, "both sides identical as written: proves nothing", "0")
        else:
            decision = decide_zero_on(self._diff if self.matrix else self._diff[0], self.domain)
        proved, method, residual = decision.triple()
        details = {"lhs": lhs_txt, "rhs": rhs_txt, "method": method, "simplified_residual": residual,
                   "assumptions": _assumptions(self._diff), "domain": self.description_of_domain(),
                   "rejected_points": rejected,
                   "spot_checks": [{"point": p, "decision": d.json()} for p, d in decisions],
                   "precision_schedule": list(self.schedule)}
        if decision.points:
            details["numeric_decision_points"] = decision.points
        if not decisions:  # the domain has no admissible point: nothing numeric can be decided
            nothing = dict(instances=0, backend=f"sympy {sp.__version__}", details=details)
            if proved is True:
                return self.evidence(Verdict.PASS, reason=f"sympy simplifies lhs - rhs to 0 ({method}); no "
                                                          "admissible point for a spot check",
                                     **nothing).with_basis("symbolic")
            # a nonzero residual on an empty domain contradicts nothing: the claim is vacuous there
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no admissible point in the domain "
                                                              f"({self.description_of_domain()}; {rejected} draw(s) "
                                                              f"rejected), so nothing is checked (sympy: {method})",
                                 **nothing).with_basis("numeric")
        worst_p, worst_d = max(decisions, key=lambda pd: abs(pd[1].value) if pd[1].value is not None else mpmath.inf)
        nonzero = [(p, d) for p, d in decisions if d.status == "positive"]
        undecided = [(p, d) for p, d in decisions if d.status == "undecided"]
        # sympy's verdict (proved or disproved) is symbolic evidence; spot checks at points are numeric evidence
        basis = "numeric" if (ctx.instance is not None or proved is None or decision.basis == "numeric") \
            else "symbolic+numeric"
        common = dict(instances=len(points), worst_margin=worst_d.float_value(),
                      margin_meaning="largest relative residual |lhs - rhs| / max(|lhs|, 1) at the spot checks; "
                                     "0 (to within rounding) for an identity",
                      dps=worst_d.dps, backend=f"sympy {sp.__version__} simplify + mpmath spot checks",
                      details=details)
        if nonzero:
            p, d = nonzero[0]
            return self.evidence(Verdict.FAIL, witness=p, reproducer=reproducer(ctx, p),
                                 reason=f"lhs - rhs is nonzero at {format_instance(p)}: relative residual "
                                        f"{d.values[-1][1]} ({d.why})", **common).with_basis(basis)
        if proved is False and decision.basis == "numeric":
            witness = next(r["point"] for r in decision.points if r.get("decision") in ("positive", "negative"))
            return self.evidence(Verdict.FAIL, witness=witness, reproducer=reproducer(ctx, witness),
                                 reason=f"lhs - rhs is nonzero at a point of the domain ({method})",
                                 **common).with_basis("numeric")
        if proved is False:
            return self.evidence(Verdict.FAIL, reason=f"sympy proves lhs - rhs != 0 ({method}; residual {residual})",
                                 **common).with_basis("symbolic")
        if undecided:
            return self.evidence(Verdict.INCONCLUSIVE, witness=undecided[0][0],
                                 reason=f"{len(undecided)} spot check(s) undecided ({undecided[0][1].why}), first at "
                                        f"{format_instance(undecided[0][0])}", **common).with_basis(basis)
        if ctx.instance is not None:
            return self.evidence(Verdict.PASS, reason=f"the residual at {format_instance(points[0])} is 0 to within "
                                                      f"rounding ({worst_d.why})", **common).with_basis(basis)
        if proved is True:
            how = "simplifies lhs - rhs to 0" if method == "doit + simplify to 0" else f"proves lhs - rhs = 0 ({method})"
            return self.evidence(Verdict.PASS, reason=f"sympy {how}, and {len(points)} spot checks "
                                                      f"agree to {self.schedule[-1]} digits", **common).with_basis(basis)
        return self.evidence(Verdict.INCONCLUSIVE, reason=f"sympy could not simplify the residual to 0 ({method}; "
                                                          f"residual {residual}); {len(points)} spot checks in the "
                                                          f"domain are 0 to within rounding", **common).with_basis(basis)

    def description_of_domain(self) -> str:
        return ", ".join(_range_text(s, r) for s, r in self.ranges.items()) + (
            "; points rejected by validate excluded" if self.domain.validate is not None else "")


def _range_text(symbol, span) -> str:
    kind = " integer" if getattr(symbol, "assumptions0", {}).get("integer") else ""
    return f"{symbol} in [{span[0]:g}, {span[1]:g}]{kind}"
