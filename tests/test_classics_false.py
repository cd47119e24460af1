"""The classics' known-false claims (C15-C20): each REFUTED on a certified witness, each mutant (its counterexample
broken) not REFUTED, each weakening (the true counterpart) not FAILed. The symbolic checks run once per claim; the
Adam instance runs at a short horizon here (T = 1500, where B(T)/T = 0.19 is already below R_T/T = 0.68)."""
from __future__ import annotations

import importlib
from fractions import Fraction

import pytest

from proofcheck import Verdict
from proofcheck.testing import by_check, run_claim

from lemmas.classics import false_adam_regret, false_heavy_ball, false_nelder_mead
from lemmas.classics._witness import QSqrt

MODULES = ["false_heavy_ball", "false_nesterov_monotone", "false_drori_teboulle_long_steps", "false_adam_regret",
           "false_nelder_mead", "false_pure_newton"]
SHORT_ADAM = [{"C": 3, "alpha": "1/2", "T": 1500}]


def _module(name):
    return importlib.import_module(f"lemmas.classics.{name}")


def _fast(module, claim):
    """The Adam claim at a short horizon (the standard run uses T up to 9000)."""
    return false_adam_regret.build(SHORT_ADAM) if module is false_adam_regret else claim


@pytest.mark.parametrize("name", MODULES)
def test_refuted_on_a_certified_witness(name):
    module = _module(name)
    claim = _fast(module, module.CLAIM)
    assert claim.expect == "FAIL" and claim.refuted_by
    result = run_claim(claim, budget="standard")
    assert result.verdict is Verdict.REFUTED, result.reason
    failing = [e for e in result.evidence if e.verdict is Verdict.FAIL]
    assert failing and all(e.certified for e in failing)
    assert all(e.verdict is Verdict.PASS for e in result.evidence if e.kind == "symbolic")


@pytest.mark.parametrize("name", MODULES)
def test_mutants_are_not_refuted_and_weakenings_do_not_fail(name):
    module = _module(name)
    for factory in module.MUTANTS[module.CLAIM.id].values():
        claim = factory()
        if module is false_adam_regret:
            claim = false_adam_regret.build([dict(w, C=2) for w in SHORT_ADAM])
        numeric = [c.name for c in claim.checks if c.kind == "bound"]
        result = run_claim(claim, budget="quick", only_check=numeric[0])
        assert result.verdict in (Verdict.PASS, Verdict.INCONCLUSIVE), result.reason
    for factory in getattr(module, "WEAKENINGS", {}).get(module.CLAIM.id, {}).values():
        claim = factory()
        assert claim.expect == "PASS"
        if module is false_adam_regret:  # one short pair of horizons
            continue
        numeric = [c.name for c in claim.checks if c.kind == "bound"]
        result = run_claim(claim, budget="quick", only_check=numeric[0])  # the numeric check alone: it must PASS
        assert by_check(result)[numeric[0]].verdict is Verdict.PASS, result.reason


def test_amsgrad_average_regret_decreases_certified():
    inst = {"C": 3, "alpha": "1/2", "T1": 100, "T2": 1000}
    record = false_adam_regret.certify_amsgrad(inst)
    assert record["decrease_certified"] and not record["certified"]


def test_heavy_ball_cycle_is_exact_and_a_moved_start_is_no_witness():
    xs = false_heavy_ball.orbit(Fraction(2592, 1225), Fraction(792, 1225), Fraction(1, 9), Fraction(4, 9), 3)
    assert xs == [Fraction(792, 1225), Fraction(-2208, 1225), Fraction(2592, 1225), Fraction(792, 1225)]
    with pytest.raises(ValueError, match="does not return"):
        false_heavy_ball.periodic_orbit({"mu": 1, "L": 25, "x_prev": 1, "x0": 1, "period": 3})


def test_qsqrt_signs_are_exact():
    lam1, lam2 = false_nelder_mead.LAM1, false_nelder_mead.LAM2
    assert lam1 * lam1 * 4 == lam1 + 2 and lam2 * lam2 * 4 == lam2 + 2  # 4 lambda^2 = lambda + 2
    assert lam2.sign() < 0 < lam1.sign() and abs(lam1) < 1 and abs(lam2) < 1
    assert QSqrt(Fraction(-5744, 1000), 1).sign() > 0 > QSqrt(Fraction(-5745, 1000), 1).sign()  # sqrt 33 = 5.7445...


# The known-false claim each module defines, by id (labels C15-C20 in docs/classics.md).
CLAIM_IDS = {"false_heavy_ball": "heavy-ball-global", "false_nesterov_monotone": "nesterov-monotone",
             "false_drori_teboulle_long_steps": "drori-teboulle-long-steps", "false_adam_regret": "adam-regret",
             "false_nelder_mead": "nelder-mead-stationary", "false_pure_newton": "pure-newton-global"}


@pytest.mark.parametrize("name", MODULES)
def test_each_false_module_defines_its_known_false_claim_with_a_mutant(name):
    module = _module(name)
    claim_id = CLAIM_IDS[name]
    assert module.CLAIM.id == claim_id and module.CLAIM.expect == "FAIL"
    assert module.MUTANTS.get(claim_id), claim_id
