"""The ``existence`` check kind on toy properties: a witness is certified, none is INCONCLUSIVE, never PASS."""
import mpmath
import numpy as np

from proofcheck import InvalidInstance, Space, Verdict
from proofcheck.checks.existence import Existence
from proofcheck.context import Budget, Context


class Unit(Space):
    def sample(self, rng):
        return {"t": float(rng.uniform(0, 1))}

    def perturb(self, inst, rng, scale):
        return {"t": float(np.clip(inst["t"] + scale * rng.standard_normal(), 0, 1))}

    def validate(self, inst):
        if not 0 <= inst.get("t", -1) <= 1:
            raise InvalidInstance("t must lie in [0, 1]")


def above(c):
    """Property t > c: screened in float64, certified with mpmath at 50 digits."""
    score = lambda insts: [i["t"] - c for i in insts]

    def certify(inst):
        with mpmath.workdps(50):
            holds = mpmath.mpf(inst["t"]) > mpmath.mpf(c)
        return {"holds": bool(holds), "dps": 50, "backend": "mpmath"}

    return Existence("exists", Unit(), score, certify, describe_witness=lambda i: {"t": i["t"]})


def run(check, instance=None, seed=0):
    return check.run(Context(seed=seed, budget=Budget("quick"), claim_id="toy", check_name=check.name, instance=instance))


def test_witness_found_and_certified():
    ev = run(above(0.9))
    assert ev.verdict is Verdict.PASS and ev.witness["t"] > 0.9
    assert ev.dps == 50 and "--instance" in ev.reproducer and ev.details["witness_description"]["t"] > 0.9


def test_no_witness_is_inconclusive_never_pass_or_fail():
    ev = run(above(1.5))
    assert ev.verdict is Verdict.INCONCLUSIVE and "no candidate" in ev.reason


def test_screening_false_positive_is_not_certified():
    ex = above(0.5)
    ex.certify = lambda inst: {"holds": False, "dps": 50, "backend": "mpmath"}  # high precision disagrees
    ev = run(ex)
    assert ev.verdict is Verdict.INCONCLUSIVE and "none certified" in ev.reason


def test_replayed_instance_pass_or_fail():
    assert run(above(0.5), instance={"t": 0.75}).verdict is Verdict.PASS
    assert run(above(0.5), instance={"t": 0.25}).verdict is Verdict.FAIL


def test_same_seed_same_witness():
    assert run(above(0.8)).witness == run(above(0.8)).witness


def test_exhaustive_search_refutes_a_false_existence_claim():
    """'Some integer n in 1..60 has n^2 = 2' is false: every instance is certified not a witness, so the claim FAILs."""
    from fractions import Fraction

    def certify(inst):
        return {"holds": Fraction(inst["n"]) ** 2 == 2, "certified": True, "dps": None, "backend": "exact integers"}

    ex = Existence("root-of-two", Unit(), lambda insts: [0.0 for _ in insts], certify,
                   exhaustive=lambda ctx: [{"n": n} for n in range(1, 61)])
    ev = run(ex)
    assert ev.verdict is Verdict.FAIL and "all 60 instances" in ev.reason and ev.certified
    assert ev.reproducer.endswith("--check root-of-two")
    found = Existence("square-49", Unit(), lambda insts: [0.0 for _ in insts],
                      lambda inst: {"holds": inst["n"] ** 2 == 49, "certified": True, "backend": "exact integers"},
                      exhaustive=lambda ctx: [{"n": n} for n in range(1, 61)])
    assert run(found).verdict is Verdict.PASS


def test_certified_refutation_fails_and_uncertified_does_not():
    refuted = above(1.5)
    refuted.refute = lambda ctx: {"refuted": True, "certified": True, "method": "t <= 1 on the whole space, exactly"}
    ev = run(refuted)
    assert ev.verdict is Verdict.FAIL and "t <= 1" in ev.reason
    weak = above(1.5)
    weak.refute = lambda ctx: {"refuted": True, "certified": False, "method": "a float64 sweep"}
    assert run(weak).verdict is Verdict.INCONCLUSIVE
