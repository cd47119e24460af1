"""No false PASS (issue 9): bound, identity, symbolic and existence evidence that can fail.

Each test is a false (or true) claim of a kind the engine once judged wrongly: a violation masked by float64
cancellation elsewhere, a violation below an absolute floor, symbolic steps that could not fail, Python booleans
taken as facts, an identity that could not PASS on its own.
"""
import math

import mpmath
import sympy as sp

from proofcheck import Bound, Claim, Identity, InvalidInstance, Space, Symbolic, Verdict, equal, fact
from proofcheck.context import Budget, Context
from proofcheck.numbers import uses_context
from proofcheck.numerics import decide_sign
from proofcheck.testing import run_claim


class LogUniform(Space):
    """x log-uniform in [lo, hi]."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def sample(self, rng):
        return {"x": float(10 ** rng.uniform(math.log10(self.lo), math.log10(self.hi)))}

    def perturb(self, inst, rng, scale):
        return {"x": float(min(max(inst["x"] * math.exp(scale * rng.standard_normal()), self.lo), self.hi))}

    def shrink(self, inst):
        for x in (1.0, 0.5, 0.1):
            if self.lo <= x <= self.hi and x != inst["x"]:
                yield {"x": x}

    def validate(self, inst):
        if not self.lo <= inst.get("x", -1) <= self.hi:
            raise InvalidInstance(f"x must lie in [{self.lo}, {self.hi}]")


a = sp.Symbol("a", positive=True)
SYM = Symbolic("square", lambda ctx: [fact("a^2 > 0", sp.StrictGreaterThan(a**2, 0, evaluate=False))])


def claim(cid, check):
    return Claim(cid, cid, "tests", "user", cid, [], [SYM, check])


@uses_context
def masked_sides(inst, n):
    """(exp(x) - 1 - x)/x^2 <= 1/2 + x/6 + x^2/24 + x^3/120 + x^4/1000: false on all of (0, 1] (the true x^4
    coefficient is 1/720); float64 cancellation near x = 1e-10 fills the top of the screening ranking with noise."""
    x = n.num(inst["x"])
    return (n.exp(x) - 1 - x) / x**2, n.num(1) / 2 + x / 6 + x**2 / 24 + x**3 / 120 + x**4 / 1000


def test_masked_violation_fails_at_quick_and_standard():
    for budget in ("quick", "standard"):
        result = run_claim(claim("masked", Bound("taylor", LogUniform(1e-10, 1.0), masked_sides)), budget=budget)
        ev = result.evidence[1]
        assert result.verdict is Verdict.FAIL and ev.verdict is Verdict.FAIL, (budget, ev.reason)
        assert ev.worst_margin > 0 and ev.dps >= 100 and "--instance" in ev.reproducer
        assert ev.details["positive_screen_margins"] > 25  # more spurious candidates than the old top-25 escalation


def test_a_violation_of_relative_size_1e_30_fails():
    """x (1 + 1e-30) <= x: float64 sees 0; 50 and 100 digits agree on +1e-30, which is a violation (no floor)."""
    @uses_context
    def sides(inst, n):
        x = n.num(inst["x"])
        return x * (1 + (n.num("1e-30") if n.dps else 1e-30)), x

    ev = run_claim(claim("tiny", Bound("tiny", LogUniform(1e-3, 1e3), sides))).evidence[1]
    assert ev.verdict is Verdict.FAIL and 0.9e-30 < ev.worst_margin < 1.1e-30, ev.reason


def test_equality_attained_everywhere_is_not_a_violation():
    """sqrt(x)^2 <= x holds with equality: high-precision margins are rounding noise, decided 'zero', PASS."""
    @uses_context
    def sides(inst, n):
        x = n.num(inst["x"])
        return n.sqrt(x) ** 2, x

    ev = run_claim(claim("equal", Bound("equal", LogUniform(1e-3, 1e3), sides))).evidence[1]
    assert ev.verdict is Verdict.PASS and ev.details["decided"]["zero"] > 0 and ev.worst_margin == 0.0, ev.reason


def test_declared_tolerance_is_part_of_the_claim():
    @uses_context
    def sides(inst, n):
        x = n.num(inst["x"])
        return x * (1 + (n.num("1e-6") if n.dps else 1e-6)), x

    loose = Bound("loose", LogUniform(1e-3, 1e3), sides, tolerance=1e-5)
    assert "tolerance" in loose.description
    ev = run_claim(claim("loose", loose)).evidence[1]
    assert ev.verdict is Verdict.PASS and ev.details["tolerance"] == 1e-5
    tight = Bound("tight", LogUniform(1e-3, 1e3), sides, tolerance=1e-7)
    assert run_claim(claim("tight", tight)).evidence[1].verdict is Verdict.FAIL


def test_float64_numbers_at_high_precision_are_not_confirmation():
    """sides() that ignore the precision cannot confirm: two 'precisions' agreeing on a float64 value prove nothing."""
    def sides(inst, dps):
        x = inst["x"]
        return (math.exp(x) - 1 - x) / x**2, 0.5 + x / 6 + x**2 / 24 + x**3 / 120 + x**4 / 720

    ev = run_claim(claim("floaty", Bound("floaty", LogUniform(1e-10, 1e-6), sides))).evidence[1]
    assert ev.verdict is Verdict.INCONCLUSIVE and "float64" in ev.reason


def test_sign_decision_rules():
    assert decide_sign(lambda dps: mpmath.mpf("1e-30")).status == "positive"
    assert decide_sign(lambda dps: -mpmath.mpf(2) / 3).status == "negative"
    assert decide_sign(lambda dps: mpmath.sqrt(2) ** 2 - 2).status == "zero"
    assert decide_sign(lambda dps: mpmath.mpf(10) ** (-dps // 3)).status == "undecided"  # moves with the precision


def test_identity_alone_passes_with_symbolic_and_numeric_evidence():
    x = sp.Symbol("x", real=True)
    result = run_claim(Claim("pyth", "sin^2 + cos^2 = 1", "tests", "user", "", [],
                             [Identity("pythagoras", sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), {x: (-3, 3)})]))
    assert result.verdict is Verdict.PASS, result.reason
    assert result.evidence[0].basis == "symbolic+numeric"


def test_identity_replays_the_given_point():
    x = sp.Symbol("x", real=True)
    false = Claim("almost", "almost", "tests", "user", "", [],
                  [Identity("almost", sp.sin(x) ** 2 + sp.cos(x) ** 2, 1 + x / 10**40, {x: (-3, 3)})])
    assert run_claim(false).verdict is Verdict.FAIL  # a residual of 1e-40 is found at 50/100 digits
    at_zero = run_claim(false, instance={"x": 0.0}).evidence[0]
    assert at_zero.verdict is Verdict.PASS and at_zero.details["spot_checks"][0]["point"] == {"x": 0.0}
    at_one = run_claim(false, instance={"x": 1.0}).evidence[0]
    assert at_one.verdict is Verdict.FAIL and at_one.witness == {"x": 1.0}


def _symbolic(*steps):
    return Symbolic("s", lambda ctx: list(steps)).run(Context(0, Budget("quick")))


def test_steps_record_their_sides_as_written_and_identical_sides_do_not_count():
    k = sp.Symbol("kappa", positive=True)
    ev = _symbolic(equal("limit", sp.Limit((k - 1) / (k + 1), k, sp.oo), 1), equal("trivial", k + 1, k + 1))
    steps = ev.details["derivation"]
    assert steps[0]["lhs"] == "Limit((kappa - 1)/(kappa + 1), kappa, oo, dir='-')" and steps[0]["result"] == "proved"
    assert steps[1]["result"] == "not evidence" and ev.details["not_evidence"] == 1
    assert ev.verdict is Verdict.PASS and ev.instances == 1
    only_trivial = _symbolic(equal("trivial", k + 1, k + 1))
    assert only_trivial.verdict is Verdict.INCONCLUSIVE


def test_python_booleans_are_not_proof_and_structural_false_is_not_a_disproof():
    k = sp.Symbol("kappa", positive=True)
    t = _symbolic(fact("a Python True", 3 > 2))
    assert t.verdict is Verdict.INCONCLUSIVE and t.details["derivation"][0]["expression"] == "3 > 2"
    f = _symbolic(fact("structural comparison", sp.simplify(sp.sin(k) ** 2 + sp.cos(k) ** 2 - 1) == 1))
    assert f.verdict is Verdict.INCONCLUSIVE  # a Python False is neither proof nor disproof


def test_a_relation_decided_by_sympy_at_construction_shows_its_source():
    ev = _symbolic(fact("exact rationals", sp.Rational(1, 3) < sp.Rational(1, 2)))
    step = ev.details["derivation"][0]
    assert ev.verdict is Verdict.PASS and step["expression"] == "sp.Rational(1, 3) < sp.Rational(1, 2)"


def test_undecided_is_inconclusive_and_a_wrong_formula_is_disproved():
    x = sp.Symbol("x", real=True)
    undecided = _symbolic(fact("sympy cannot sign this", sp.Ge(sp.sin(x) * sp.exp(x), -sp.exp(x), evaluate=False)))
    assert undecided.verdict is Verdict.INCONCLUSIVE
    k = sp.Symbol("kappa", positive=True)
    wrong = _symbolic(equal("rate", (k - 1) / (k + 1), 1 - 2 / k))
    assert wrong.verdict is Verdict.FAIL and wrong.details["derivation"][0]["result"] == "DISPROVED"
