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
- "sympy could not decide" is undecided (INCONCLUSIVE), never DISPROVED. DISPROVED needs an exact nonzero
  residual, a sign proved from the assumptions, or a nonzero residual confirmed at two precisions at every one
  of several sample points.

An identity is proved when sympy simplifies A - B to 0; high-precision spot checks at random points are numeric
evidence, so a true identity PASSes on its own; a nonzero residual decided at two precisions is a FAIL with the
point as witness (``--instance`` replays a point).
"""
from __future__ import annotations

import ast
import inspect
import linecache
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


def _sample_value(symbol, rng: np.random.Generator):
    a = symbol.assumptions0
    if a.get("integer"):
        return int(rng.integers(1, 20)) * (-1 if a.get("negative") else 1)
    if a.get("positive") or a.get("nonnegative"):
        return float(10 ** rng.uniform(-1.5, 1.5))
    if a.get("negative"):
        return -float(10 ** rng.uniform(-1.5, 1.5))
    return float(rng.uniform(-5, 5))


def _numeric_disproof(residual, schedule=(30, 60)) -> dict | None:
    """A nonzero residual confirmed at two precisions at every one of several random admissible points, or None.

    Random points respect the symbols' assumptions (positive symbols take positive values...). All points must
    agree: a step that holds on part of the domain (an assumption the author did not declare) stays undecided.
    """
    free = sorted(residual.free_symbols, key=str)
    if not free:
        return None
    rng = np.random.default_rng(20261201)
    witnesses = []
    for _ in range(_DISPROOF_POINTS):
        point = {s: _sample_value(s, rng) for s in free}

        def value(dps, point=point):
            v = sp.N(residual.subs({s: sp.Float(x, dps + 10) if isinstance(x, float) else x
                                    for s, x in point.items()}), dps)
            if not v.is_real:
                v = sp.Abs(v)
            return mpmath.mpf(str(sp.N(v, dps))) if v.is_number else mpmath.nan

        try:
            d = decide_sign(value, schedule)
        except Exception:  # noqa: BLE001 - an evaluation error at a point means no numeric disproof
            return None
        if d.status not in ("positive", "negative"):
            return None
        witnesses.append({"point": {str(s): v for s, v in point.items()}, "residual": str(d.values[-1][1]),
                          "decided": d.why})
    return {"points": witnesses}


def decide_zero(expr) -> tuple[bool | None, str, str]:
    """(holds, method, residual): is ``expr`` identically 0? True proved, False disproved, None undecided."""
    if isinstance(expr, sp.MatrixBase):
        results = [decide_zero(e) for e in expr]
        if all(r[0] is True for r in results):
            return True, "doit + simplify, entrywise", "0"
        bad = next((r for r in results if r[0] is False), None)
        if bad is not None:
            return False, "entrywise: " + bad[1], bad[2]
        open_ = next(r for r in results if r[0] is None)
        return None, "entrywise: " + open_[1], open_[2]
    done = _doit(sp.sympify(expr))
    try:
        simplified = sp.simplify(done)
    except Exception:  # noqa: BLE001
        simplified = done
    residual = sp.sstr(simplified)
    if simplified == 0:
        return True, "doit + simplify to 0", "0"
    if simplified.is_number and simplified.is_zero is False:
        return False, "doit + simplify to a nonzero number", residual
    if simplified.is_zero is False:
        return False, "doit + simplify; nonzero for every value allowed by the assumptions", residual
    if simplified.free_symbols and not simplified.has(sp.Limit, sp.Integral, sp.Derivative, sp.Subs):
        found = _numeric_disproof(simplified)
        if found is not None:
            return False, (f"doit + simplify; the residual is nonzero at all {_DISPROOF_POINTS} random admissible "
                           f"points (two precisions agree)"), residual
    return None, "doit + simplify left a residual sympy cannot decide", residual


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

    @property
    def status(self) -> str:
        if not self.counts:
            return NOT_EVIDENCE
        if self.reach and self.holds is False:
            return NOT_REACHED
        return {True: PROVED, False: DISPROVED, None: UNDECIDED}[self.holds]

    def json(self) -> dict:
        out = {"step": self.description, "expression": self.expression, "result": self.status, "method": self.method}
        for key in ("lhs", "rhs", "residual", "assumptions", "note"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


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


def fact(description: str, expr) -> Step:
    """A step asserting a sympy relation (or boolean), decided by sympy.

    Inequalities are decided through the sign of lhs - rhs under the symbols' assumptions; other relations and
    booleans by ``simplify``. A relation sympy decided before ``fact`` saw it is shown as its source text.
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
            holds, method, residual = decide_zero(expr.lhs - expr.rhs)
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


def equal(description: str, a, b) -> Step:
    """A step asserting a == b (scalars or matrices), proved by simplifying a - b to 0 after ``doit``."""
    lhs, rhs = _as_written(a), _as_written(b)
    if lhs == rhs:
        return Step(description, f"{lhs} == {rhs}", None, lhs=lhs, rhs=rhs, counts=False,
                    method="both sides identical as written: proves nothing")
    matrix = isinstance(a, (list, tuple, sp.MatrixBase)) or isinstance(b, (list, tuple, sp.MatrixBase))
    diff = sp.Matrix(a) - sp.Matrix(b) if matrix else sp.sympify(a) - sp.sympify(b)
    holds, method, residual = decide_zero(diff)
    return Step(description, f"{lhs} == {rhs}", holds, lhs=lhs, rhs=rhs, method=method, residual=residual,
                assumptions=_assumptions(diff))


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
        skipped = len(steps) - len(counted)
        common = dict(instances=len(counted), dps=None, backend=f"sympy {sp.__version__}",
                      details={"derivation": record, "counted_steps": len(counted), "not_evidence": skipped})
        note = f" ({skipped} step(s) not counted: identical sides or Python bools)" if skipped else ""
        failed = [s for s in counted if s.holds is False and not s.reach]  # a step contradicts a proved fact
        if failed:
            s = failed[0]
            return self.evidence(Verdict.FAIL, witness={"step": s.description, "expression": s.expression,
                                                        "residual": s.residual, "method": s.method},
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
        if not counted:
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no step is evidence{note}", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(counted)} steps proved{note}", **common)


# ---------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------
class Identity(Check):
    """lhs == rhs as sympy expressions (scalars or matrices) over symbols drawn from ``ranges``.

    Symbolic evidence: ``doit`` + ``simplify`` of lhs - rhs. Numeric evidence: the relative residual at
    ``spot_checks`` random points of ``ranges`` (per budget by default), decided along the precision schedule.
    """

    kind = "identity"
    basis = "symbolic+numeric"

    def __init__(self, name: str, lhs, rhs, ranges: dict, description: str = "", spot_checks: int | None = None,
                 precision=DEFAULT_SCHEDULE):
        super().__init__(name, description or f"{sp.sstr(lhs)} == {sp.sstr(rhs)}")
        self.lhs, self.rhs, self.ranges = lhs, rhs, ranges
        self.spot_checks = spot_checks
        self.schedule = schedule_of(precision)
        self.matrix = any(isinstance(side, (sp.MatrixBase, sp.MatrixExpr, list, tuple)) for side in (lhs, rhs))
        # The evaluated sides, once: spot checks substitute numbers into these (an unevaluated product written for the
        # reader is multiplied out here, not at every point and precision).
        left, right = _doit(lhs), _doit(rhs)
        self._left = sp.Matrix(left) if self.matrix else sp.Matrix([left])
        self._diff = self._left - (sp.Matrix(right) if self.matrix else sp.Matrix([right]))

    def _relative_residual(self, point: dict, dps: int):
        """max |lhs - rhs| / max(|lhs|, 1) at ``point`` (symbol -> float), evaluated at ``dps`` digits."""
        subs = {s: sp.Float(float(v), dps + 10) for s, v in point.items()}  # the binary float, exactly
        res = max(mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._diff)
        scale = max([mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._left] + [mpmath.mpf(1)])
        return res / scale

    def _decide_point(self, point: dict):
        return decide_sign(lambda dps: self._relative_residual(point, dps), self.schedule)

    def evaluate(self, ctx: Context):
        symbols = {str(s): s for s in self.ranges}
        if ctx.instance is not None:
            unknown = sorted(set(ctx.instance) - set(symbols))
            missing = sorted(set(symbols) - set(ctx.instance))
            if unknown or missing:
                from ..errors import InvalidInstance

                raise InvalidInstance(f"an identity point needs exactly the symbols {sorted(symbols)}"
                                      + (f"; unknown {unknown}" if unknown else "") + (f"; missing {missing}" if missing else ""))
            points = [{k: float(v) for k, v in ctx.instance.items()}]
        else:
            rng = ctx.rng("spot")
            n = self.spot_checks or ctx.pick(4, 12, 50)
            points = [{str(s): float(rng.uniform(lo, hi)) for s, (lo, hi) in self.ranges.items()} for _ in range(n)]
        decisions = [(p, self._decide_point({symbols[k]: v for k, v in p.items()})) for p in points]
        lhs_txt, rhs_txt = _as_written(self.lhs), _as_written(self.rhs)
        proved, method, residual = (None, "not attempted for a replayed point", None) if ctx.instance is not None \
            else ((None, "both sides identical as written: proves nothing", "0") if lhs_txt == rhs_txt
                  else decide_zero(self._diff if self.matrix else self._diff[0]))
        worst_p, worst_d = max(decisions, key=lambda pd: abs(pd[1].value) if pd[1].value is not None else mpmath.inf)
        nonzero = [(p, d) for p, d in decisions if d.status == "positive"]
        undecided = [(p, d) for p, d in decisions if d.status == "undecided"]
        details = {"lhs": lhs_txt, "rhs": rhs_txt, "method": method, "simplified_residual": residual,
                   "assumptions": _assumptions(self._diff),
                   "spot_checks": [{"point": p, "decision": d.json()} for p, d in decisions],
                   "precision_schedule": list(self.schedule)}
        # sympy's verdict (proved or disproved) is symbolic evidence; spot checks at points are numeric evidence
        basis = "numeric" if (ctx.instance is not None or proved is None) else "symbolic+numeric"
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
            return self.evidence(Verdict.PASS, reason=f"sympy simplifies lhs - rhs to 0, and {len(points)} spot checks "
                                                      f"agree to {self.schedule[-1]} digits", **common).with_basis(basis)
        return self.evidence(Verdict.INCONCLUSIVE, reason=f"sympy could not simplify the residual to 0 ({method}; "
                                                          f"residual {residual}); {len(points)} spot checks are 0 to "
                                                          "within rounding", **common).with_basis(basis)
