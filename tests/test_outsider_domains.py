"""Issue 18, part A: numeric decisions respect the claim's domain, derivation steps say something, and tolerances
are part of the statement (one value at every budget).

Claims of the shapes an outside researcher writes from the README: an identity true only on a stated interval, an
identity over an integer symbol, a derivation whose steps sympy has already reduced, a threshold formula 3% off.
"""
from __future__ import annotations

import io

import pytest
import sympy as sp

from proofcheck import Claim, Identity, InvalidInstance, Symbolic, equal, fact
from proofcheck.checks.threshold import Classification, Threshold
from proofcheck.testing import run_claim

BUDGETS = ("quick", "standard", "deep")


def _claim(*checks, cid="outsider"):
    return Claim(id=cid, title="an outsider's claim", source="tests", provenance="user", statement="-",
                 hypotheses=[], checks=list(checks))


def _evidence(check, budget="quick", instance=None):
    return run_claim(_claim(check), budget=budget, instance=instance).evidence[0]


# -- 1. every numeric decision respects the claim's domain -------------------------------------------------------
x = sp.Symbol("x", real=True)
# The Huber function (the Moreau envelope of |x|): x^2/2 on [-1, 1], |x| - 1/2 outside. sympy cannot simplify
# Huber(x) - x^2/2 to 0, so the numeric fallback decides, and before issue 18 it sampled U(-5, 5).
HUBER = sp.Piecewise((x**2 / 2, sp.Abs(x) <= 1), (sp.Abs(x) - sp.Rational(1, 2), True))


@pytest.mark.parametrize("span,budget", [((-1, 1), "quick"), ((-0.5, 0.5), "standard")])
def test_identity_true_on_its_range_never_fails(span, budget):
    e = _evidence(Identity("huber-zone", HUBER, x**2 / 2, {x: span}), budget)
    assert e.verdict.value in ("PASS", "INCONCLUSIVE"), e.reason
    assert "sympy proves lhs - rhs !=" not in e.reason
    assert all(abs(c["point"]["x"]) <= 1 for c in e.details["spot_checks"])


def test_identity_on_exactly_its_zone_is_proved_by_refining_under_the_range():
    e = _evidence(Identity("huber-zone", HUBER, x**2 / 2, {x: (-1, 1)}))
    assert e.verdict.value == "PASS" and "refine under the ranges" in e.reason, e.reason


def test_identity_false_on_its_range_fails_numerically_at_a_confirmed_point():
    e = _evidence(Identity("huber-zone", HUBER, x**2 / 2, {x: (-2, 2)}))
    assert e.verdict.value == "FAIL", e.reason
    assert e.basis == "numeric"
    assert "sympy proves lhs - rhs !=" not in e.reason
    assert 1 < abs(e.witness["x"]) <= 2
    # the witness is confirmed at two precisions
    decided = [c["decision"] for c in e.details["spot_checks"] if c["point"] == e.witness]
    assert decided and decided[0]["status"] == "positive" and len(decided[0]["values"]) >= 2


n = sp.Symbol("n", integer=True)
# |sin(pi n / 2)| = (1 - (-1)^n)/2 holds at every integer and at no other point; sympy leaves the residual.
PARITY = (sp.Abs(sp.sin(sp.pi * n / 2)), (1 - (-1) ** n) / 2)


def test_integer_symbol_is_checked_at_integers_only():
    e = _evidence(Identity("parity", *PARITY, {n: (1, 60)}), "standard")
    assert e.verdict.value in ("PASS", "INCONCLUSIVE"), e.reason
    points = [c["point"]["n"] for c in e.details["spot_checks"]]
    assert points and all(isinstance(v, int) and 1 <= v <= 60 for v in points)


def test_integer_identity_false_at_an_integer_fails():
    e = _evidence(Identity("parity-wrong", sp.Abs(sp.sin(sp.pi * n / 2)), (1 + (-1) ** n) / 2, {n: (1, 60)}))
    assert e.verdict.value == "FAIL" and isinstance(e.witness["n"], int)


def test_identity_validate_restricts_the_domain():
    # sqrt(x^2) = x holds for x >= 0 only; the hypothesis is stated by validate, both spellings work
    def by_false(p):
        return p["x"] >= 0

    def by_raise(p):
        if p["x"] < 0:
            raise InvalidInstance("x must be nonnegative")

    for validate in (by_false, by_raise):
        e = _evidence(Identity("sqrt-square", sp.sqrt(x**2), x, {x: (-3, 3)}, validate=validate))
        assert e.verdict.value == "PASS" or e.verdict.value == "INCONCLUSIVE", e.reason
        assert all(c["point"]["x"] >= 0 for c in e.details["spot_checks"])
    assert _evidence(Identity("sqrt-square", sp.sqrt(x**2), x, {x: (-3, 3)})).verdict.value == "FAIL"


def test_identity_with_no_admissible_point_is_inconclusive():
    e = _evidence(Identity("empty", HUBER, x**2, {x: (-3, 3)}, validate=lambda p: False))
    assert e.verdict.value == "INCONCLUSIVE" and "no admissible point" in e.reason


def test_replayed_point_outside_the_domain_is_rejected():
    check = Identity("sqrt-square", sp.sqrt(x**2), x, {x: (-3, 3)}, validate=lambda p: p["x"] >= 0)
    with pytest.raises(InvalidInstance):
        check.evaluate(_ctx(instance={"x": -1.0}))
    with pytest.raises(InvalidInstance):
        Identity("parity", *PARITY, {n: (1, 60)}).evaluate(_ctx(instance={"n": 2.5}))


def _ctx(instance=None, budget="quick"):
    from proofcheck.context import Budget, Context

    return Context(claim_id="outsider", check_name="c", seed=0, budget=Budget(budget), instance=instance)


z = sp.Symbol("z")  # no assumptions: its domain is unknown
y = sp.Symbol("y", positive=True)


def _derivation(*steps):
    return Symbolic("derivation", lambda ctx: list(steps))


def test_equal_step_over_an_unconstrained_symbol_is_undecided_not_disproved():
    e = _evidence(_derivation(equal("abs is a square", sp.Abs(z), z**2)))
    assert e.verdict.value == "INCONCLUSIVE", e.reason
    assert "domain" in e.reason and "unknown" in e.reason


def test_equal_step_respects_its_ranges():
    ok = _evidence(_derivation(equal("quadratic zone", HUBER, x**2 / 2, ranges={x: (-1, 1)})))
    assert ok.verdict.value == "PASS", ok.reason  # refined under -1 <= x <= 1, the residual is 0
    bad = _evidence(_derivation(equal("quadratic zone", HUBER, x**2 / 2, ranges={x: (-3, 3)})))
    assert bad.verdict.value == "FAIL" and bad.basis == "numeric", bad.reason
    assert "sympy" not in bad.reason.split("(")[0] and bad.witness["points"]


def test_equal_step_on_a_positive_symbol_is_disproved_at_a_positive_point():
    e = _evidence(_derivation(equal("|y - 1| = y - 1", sp.Abs(y - 1), y - 1)))
    assert e.verdict.value == "FAIL" and e.basis == "numeric", e.reason
    wit = [p for p in e.witness["points"] if p.get("decision") in ("positive", "negative")]
    assert wit and 0 < wit[0]["point"]["y"] < 1


# -- 2. derivations that say something -----------------------------------------------------------------------------
def test_uncounted_step_is_a_warning_with_its_source_line():
    e = _evidence(_derivation(equal("x + x is 2x", x + x, 2 * x),  # sympy made both sides 2*x already
                              equal("a square", (x + 1) ** 2, x**2 + 2 * x + 1)))
    assert e.verdict.value == "PASS"
    warnings = e.details["warnings"]
    assert [w["step"] for w in warnings] == ["x + x is 2x"]
    line = _line_of("# sympy made both sides 2*x already")
    assert warnings[0]["source"].endswith(f"test_outsider_domains.py:{line}")
    assert "x + x is 2x" in e.reason and "test_outsider_domains.py" in e.reason


def test_derivation_with_no_counted_step_is_inconclusive():
    e = _evidence(_derivation(equal("x + x is 2x", x + x, 2 * x), fact("a Python truth", 1 < 2)))
    assert e.verdict.value == "INCONCLUSIVE"
    assert "no derivation step survives as written" in e.reason
    assert len(e.details["warnings"]) == 2


def test_the_summary_shows_the_warning():
    from proofcheck.progress import summary

    result = run_claim(_claim(_derivation(equal("x + x is 2x", x + x, 2 * x),
                                          equal("a square", (x + 1) ** 2, x**2 + 2 * x + 1))))
    out = io.StringIO()
    summary([result], out, rich=False)
    text = out.getvalue()
    assert "warning" in text and "x + x is 2x" in text and "test_outsider_domains.py:" in text


def test_unevaluated_steps_are_counted_and_a_wrong_one_fails():
    # the README's recipe: sides built unevaluated keep what the author wrote, so sympy has something to decide
    with sp.evaluate(False):
        lhs = x + x
    assert _evidence(_derivation(equal("x + x is 2x", lhs, 2 * x))).verdict.value == "PASS"
    assert _evidence(_derivation(equal("x + x is 3x", lhs, 3 * x))).verdict.value == "FAIL"
    assert _evidence(_derivation(equal("x + x is 2x", sp.Add(x, x, evaluate=False), 2 * x))).verdict.value == "PASS"
    # UnevaluatedExpr keeps a sum of different terms as written, but two equal wrapped terms are still collected
    assert _evidence(_derivation(equal("...", sp.UnevaluatedExpr(x) + sp.UnevaluatedExpr(x), 2 * x))
                     ).verdict.value == "INCONCLUSIVE"


def _line_of(text: str) -> int:
    import inspect

    lines = inspect.getsource(inspect.getmodule(_line_of)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line and "_line_of(" not in line)


# -- 3. tolerances are part of the statement -------------------------------------------------------------------------
def _off_by(factor):
    """A classifier whose true boundary is ``factor`` times the formula (theta* = 2 factor)."""
    def classify(case, theta, dps):
        return Classification("above" if theta > 2.0 * factor else "below", dps)
    return classify


def _threshold(factor, tolerance):
    return Threshold("edge", cases=lambda ctx: [{"scale": 1.0}], classify=_off_by(factor), formula=lambda c: 2.0,
                     below="below", above="above", tolerance=tolerance)


@pytest.mark.parametrize("budget", BUDGETS)
def test_threshold_three_percent_off_fails_at_one_percent_tolerance(budget):
    e = _evidence(_threshold(1.03, 0.01), budget)
    assert e.verdict.value == "FAIL", e.reason
    assert "1%" in e.reason or "0.01" in e.reason


@pytest.mark.parametrize("budget", BUDGETS)
def test_threshold_three_percent_off_passes_at_five_percent_tolerance(budget):
    e = _evidence(_threshold(1.03, 0.05), budget)
    assert e.verdict.value == "PASS", e.reason
    assert "5%" in e.reason or "0.05" in e.reason


def test_threshold_default_tolerance_is_tight_and_declared():
    check = Threshold(
        "edge", cases=lambda ctx: [{"scale": 1.0}], classify=_off_by(1.03), formula=lambda c: 2.0,
        below="below", above="above")
    assert check.tolerance <= 0.01
    assert "1%" in check.describe() or "0.01" in check.describe()
    for budget in BUDGETS:
        assert _evidence(check, budget).verdict.value == "FAIL"


def test_threshold_budget_dependent_tolerance_is_refused():
    with pytest.raises(ValueError, match="one tolerance"):
        _threshold(1.0, (0.05, 0.01, 0.002))


def test_threshold_bracket_too_wide_is_inconclusive():
    def classify(case, theta, dps):  # undecided within 3% of the boundary: no bracket fits in a 1% band
        if abs(theta / 2.0 - 1) < 0.03:
            return Classification("undecided", dps)
        return Classification("above" if theta > 2.0 else "below", dps)

    check = Threshold("edge", cases=lambda ctx: [{"scale": 1.0}], classify=classify, formula=lambda c: 2.0,
                      below="below", above="above", tolerance=0.01)
    for budget in BUDGETS:
        assert _evidence(check, budget).verdict.value == "INCONCLUSIVE"
