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
