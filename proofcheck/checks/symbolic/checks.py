"""The check kinds ``symbolic`` (a derivation of steps) and ``identity`` (A = B on a domain). Part of the symbolic
check kinds (package docstring)."""
from __future__ import annotations

from typing import Callable, Sequence

import mpmath
import sympy as sp

from ...context import Context
from ...model import Verdict
from ...numerics import DEFAULT_SCHEDULE, decide_sign, schedule_of
from ..base import Check, format_instance, reproducer

from .deciding import (NOT_EVIDENCE, NOT_REACHED, Domain, ZeroDecision, assumptions_of, decide_zero_on, doit_or_keep,
                       meets_assumptions, sympy_value)
from .steps import Step, as_written, step_sentence


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
                                     reason=f"step {step_sentence(s)} is disproved numerically ({s.method})",
                                     **common).with_basis("numeric")
            return self.evidence(Verdict.FAIL, witness=witness,
                                 reason=f"sympy disproves step {step_sentence(s)} by {s.method}", **common)
        short = [s for s in counted if s.status == NOT_REACHED]  # kept apart from a disproof (see ``reaches``)
        if short:
            s = short[0]
            return self.evidence(Verdict.INCONCLUSIVE, witness={"step": s.description, "expression": s.expression,
                                                                "residual": s.residual, "method": s.method},
                                 reason=f"the derivation does not reach the claim: step {step_sentence(s)}: the "
                                        f"claimed form is sharper than the derived one, which is not a disproof "
                                        f"(the numeric checks decide){note}", **common)
        open_ = [s for s in counted if s.holds is None]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE,
                                 reason=f"{len(open_)} step(s) undecided, first {step_sentence(open_[0])}: "
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
        left, right = doit_or_keep(lhs), doit_or_keep(rhs)
        self._left = sp.Matrix(left) if self.matrix else sp.Matrix([left])
        self._diff = self._left - (sp.Matrix(right) if self.matrix else sp.Matrix([right]))

    def _relative_residual(self, point: dict, dps: int):
        """max |lhs - rhs| / max(|lhs|, 1) at ``point`` (symbol -> number), evaluated at ``dps`` digits (an integer
        exactly, a float as its binary value)."""
        subs = {s: sympy_value(v, dps) for s, v in point.items()}
        res = max(mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._diff)
        scale = max([mpmath.mpf(str(sp.N(abs(e.subs(subs)), dps))) for e in self._left] + [mpmath.mpf(1)])
        return res / scale

    def _decide_point(self, point: dict):
        return decide_sign(lambda dps: self._relative_residual(point, dps), self.schedule)

    def _replayed_point(self, instance: dict, symbols: dict) -> dict:
        from ...errors import InvalidInstance

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
            if not meets_assumptions(s, point[k]):
                raise InvalidInstance(f"{k} = {v!r} violates the assumptions declared on it ({assumptions_of(s)})")
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
        lhs_txt, rhs_txt = as_written(self.lhs), as_written(self.rhs)
        if ctx.instance is not None:
            decision = ZeroDecision(None, "not attempted for a replayed point", None)
        elif lhs_txt == rhs_txt:
            decision = ZeroDecision(None, "both sides identical as written: proves nothing", "0")
        else:
            decision = decide_zero_on(self._diff if self.matrix else self._diff[0], self.domain)
        proved, method, residual = decision.triple()
        details = {"lhs": lhs_txt, "rhs": rhs_txt, "method": method, "simplified_residual": residual,
                   "assumptions": assumptions_of(self._diff), "domain": self.description_of_domain(),
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
