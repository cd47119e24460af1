"""Issue 18, part B: claims as an outside researcher writes them from the README.

- a ``claimed`` value may be exact (sympy, Fraction, int, an mpmath-aware callable); a float ``claimed`` never decides
  a FAIL by its own rounding (INCONCLUSIVE, asking for the exact form), unless it is declared exact;
- ``Probability(exact=...)`` also simulates: an exact formula outside the simulation's interval is an ERROR;
- an exhaustive Existence refutation needs every instance *certified* not a witness;
- one shrinker (proofcheck.checks.shrinking) with a seen-set, a default shrink toward simple numbers, and counts.
"""
import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from proofcheck import Bound, InvalidInstance, Probability, Space, Verdict
from proofcheck.checks.existence import Existence
from proofcheck.context import Budget, Context


def run(check, budget="quick", seed=0, instance=None):
    return check.run(Context(seed=seed, budget=Budget(budget), claim_id="outsider", check_name=check.name,
                             instance=instance))


# ---------------------------------------------------------------------------------------------
# Buffon's needle with needle length l = d/2: P(the needle crosses a line) = 2 l / (pi d) = 1/pi exactly.
# ---------------------------------------------------------------------------------------------
def buffon_count(case, rng, n):
    """Drop ``n`` needles of length 1/2 on lines 1 apart: centre distance y ~ U(0, 1/2), angle ~ U(0, pi/2)."""
    y = rng.uniform(0, 0.5, n)
    theta = rng.uniform(0, np.pi / 2, n)
    return int(np.sum(y <= 0.25 * np.sin(theta)))


def one_over_pi(case, dps):
    return 1 / mpmath.pi  # at the working precision


def buffon(claimed, exact=one_over_pi, direction=">=", **kw):
    return Probability("buffon", cases=lambda ctx: [{"l": 0.5, "d": 1}], count_events=buffon_count, claimed=claimed,
                       exact=exact, direction=direction, **kw)


def test_a_float_claim_of_one_over_pi_is_not_failed_and_asks_for_the_exact_form():
    """Today: FAIL, because float(1/pi) is 1.97e-17 above 1/pi and 50 and 100 digits agree on that."""
    ev = run(buffon(lambda c: 1 / math.pi))
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "0.3183098861837907" in ev.reason and "1/sympy.pi" in ev.reason


def test_the_exact_form_passes_and_a_wrong_exact_value_fails():
    assert run(buffon(lambda c: 1 / sp.pi)).verdict is Verdict.PASS
    assert run(buffon(1 / sp.pi)).verdict is Verdict.PASS  # a constant, not a callable
    assert run(buffon(lambda c: Fraction(3183, 10000))).verdict is Verdict.PASS  # below 1/pi = 0.318309...
    assert run(buffon(lambda c: 1 / mpmath.pi)).verdict is Verdict.PASS  # mpmath-aware: computed at each precision
    wrong = run(buffon(lambda c: sp.Rational(3184, 10000)))
    assert wrong.verdict is Verdict.FAIL, wrong.reason
    assert run(buffon(lambda c: 1 / sp.pi, direction="<=")).verdict is Verdict.PASS


def test_a_float_declared_exact_is_taken_as_that_float():
    from proofcheck import exactly

    ev = run(buffon(lambda c: exactly(1 / math.pi)))  # P >= 0.3183098861837907... exactly: false
    assert ev.verdict is Verdict.FAIL, ev.reason


def test_a_wrong_exact_probability_is_an_error_not_a_pass():
    """exact = 1/2 satisfies the claim P >= 0.3, but the needles cross with frequency 1/pi: today a PASS."""
    ev = run(buffon(lambda c: sp.Rational(3, 10), exact=lambda case, dps: mpmath.mpf(1) / 2))
    assert ev.verdict is Verdict.ERROR, ev.reason
    assert "disagrees with simulation" in ev.reason


def test_a_right_exact_probability_agrees_with_simulation():
    ev = run(buffon(lambda c: sp.Rational(3, 10)))
    assert ev.verdict is Verdict.PASS
    case = ev.details["cases"][0]
    lo, hi = case["interval"]
    assert lo <= 1 / math.pi <= hi and case["trials"] > 0


# ---------------------------------------------------------------------------------------------
# A tolerance is a constant compared at high precision too.
# ---------------------------------------------------------------------------------------------
class Point(Space):
    def sample(self, rng):
        return {"x": 1.0}

    def perturb(self, inst, rng, scale):
        return {"x": 1.0}


def seventeen_tenths(inst, dps):
    """lhs/rhs - 1 = 7/10 exactly."""
    return (17, 10) if dps is None else (mpmath.mpf(17), mpmath.mpf(10))


def test_a_float_tolerance_never_fails_by_its_rounding():
    """float(0.7) is 4.4e-17 below 7/10: lhs <= rhs (1 + 0.7) with lhs/rhs = 1.7 exactly must not FAIL."""
    few = dict(random=(5, 5, 5), climbs=(1, 1, 1), climb_steps=(2, 2, 2), hypothesis_examples=(0, 0, 0))
    ev = run(Bound("b", Point(), seventeen_tenths, tolerance=0.7, **few))
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "Fraction(7, 10)" in ev.reason or "Rational(7, 10)" in ev.reason
    assert run(Bound("b", Point(), seventeen_tenths, tolerance=Fraction(7, 10), **few)).verdict is Verdict.PASS
    assert run(Bound("b", Point(), seventeen_tenths, tolerance=sp.Rational(69, 100), **few)).verdict is Verdict.FAIL


# ---------------------------------------------------------------------------------------------
# Exhaustive refutations are certified.
# ---------------------------------------------------------------------------------------------
class Naturals(Space):
    def sample(self, rng):
        return {"n": int(rng.integers(1, 61))}

    def perturb(self, inst, rng, scale):
        return {"n": int(np.clip(inst["n"] + rng.integers(-3, 4), 1, 60))}


def test_an_exhaustive_refutation_with_one_uncertified_instance_is_inconclusive():
    def certify(inst):
        if inst["n"] == 41:  # a float64 "not a witness": no proof
            return {"holds": False, "dps": 15, "backend": "float64"}
        return {"holds": Fraction(inst["n"]) ** 2 == 2, "certified": True, "dps": None, "backend": "exact integers"}

    ex = Existence("root-of-two", Naturals(), lambda insts: [0.0 for _ in insts], certify,
                   exhaustive=lambda ctx: [{"n": n} for n in range(1, 61)])
    ev = run(ex)
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "1 of 60" in ev.reason and "certified" in ev.reason
    assert ev.details["exhaustive"]["uncertified"] == 1


# ---------------------------------------------------------------------------------------------
# One shrinker.
# ---------------------------------------------------------------------------------------------
class ZeroToTen(Space):
    """x in [0, 10]; no shrink method."""

    def sample(self, rng):
        return {"x": float(rng.uniform(0, 10))}

    def perturb(self, inst, rng, scale):
        return {"x": float(np.clip(inst["x"] + 10 * scale * rng.standard_normal(), 0, 10))}

    def validate(self, inst):
        if not 0 <= inst.get("x", -1) <= 10:
            raise InvalidInstance("x must lie in [0, 10]")


def log_bound(inst, dps):
    """log(1 + x) <= x - x^2/4: true near 0, false for x above about 1.6."""
    x = inst["x"] if dps is None else mpmath.mpf(inst["x"])
    return (math.log1p(x) if dps is None else mpmath.log1p(x)), x - x * x / 4


def test_the_default_shrink_finds_a_simple_witness():
    """Today the witness is x = 3.99922 (where the right side is near 0) and is not shrunk at all."""
    ev = run(Bound("log", ZeroToTen(), log_bound))
    assert ev.verdict is Verdict.FAIL
    x = ev.witness["x"]
    assert float(x).is_integer() and 0 <= x <= 10, ev.witness
    shrink = ev.details["shrink"]
    assert shrink["tried"] >= shrink["new"] > 0 and "new" in ev.reason


class Stubborn(ZeroToTen):
    """A shrink that proposes the instance itself, forever."""

    def shrink(self, inst):
        while True:
            yield dict(inst)


def test_the_seen_set_ends_a_shrink_that_repeats_itself():
    """Today: "shrunk in 200 tries", each try deciding the same instance at high precision again."""
    ev = run(Bound("log", Stubborn(), log_bound))
    assert ev.verdict is Verdict.FAIL
    assert ev.details["shrink"]["new"] == 0 and "200 tries" not in ev.reason
    assert ev.witness == ev.details["unshrunk_witness"]


def test_the_shrinker_tries_no_candidate_twice_and_keeps_the_simplest():
    from proofcheck.checks.shrinking import shrink, simpler

    calls = []

    def fails(inst):
        calls.append(inst["x"])
        return inst["x"] > 1.6

    repeats = lambda inst: itertools.chain(itertools.repeat({"x": 1.0}, 50), itertools.repeat({"x": 3.0}, 50))
    result = shrink({"x": 7.123456}, fails, repeats)
    assert result.instance == {"x": 3.0}
    assert calls == [1.0, 3.0]  # simplest first; neither decided twice, though each is proposed 100 times
    assert result.new == 2 and result.tried == 200
    assert simpler({"x": 4.0}, {"x": 3.99922}) and simpler({"x": 2.0}, {"x": 4.0}) and not simpler({"x": 4.0}, {"x": 4.0})
    assert simpler({"x": 10.0}, {"x": 3.99922}) and simpler({"Q": [1.0]}, {"Q": [1.0, 0.0]})


def test_probability_shrinks_with_the_same_shrinker():
    """A wrong exact value shrinks through the shared shrinker; the reason and record are the shrunk case's own."""
    cases = lambda ctx: [{"l": 0.5, "d": 1, "k": 7.3}]
    check = Probability("buffon", cases=cases, count_events=buffon_count, claimed=lambda c: sp.Rational(1, 3),
                        exact=one_over_pi, shrink=lambda case: [dict(case, k=7.3), dict(case, k=1)])
    ev = run(check)
    assert ev.verdict is Verdict.FAIL and ev.witness["k"] == 1
    assert ev.details["shrink"]["new"] == 1 and "k = 1" in ev.reason
