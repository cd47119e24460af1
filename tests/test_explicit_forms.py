"""The headline theorems' explicit forms (issue 17): the adaptive regime decided on its own, derivations that reach
(or not) the claimed constants, power where it decides, T5's two branches, and the diagnostics.

Kept cheap: single checks, narrowed to the cases that matter (``one_check`` with a selection), at the quick budget
unless the point is the standard budget's power.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from lemmas.adam import t2_adam_diagonal as t2
from lemmas.adam import t4_adam_diag_dominant as t4
from lemmas.adam import t5_adam_general as t5
from lemmas.adam._common.tuning import ADAM_B2, BETA2_ONE_TOLERANCE, beta2_regime, beta2_schedule, schedule_is_beta2_one
from proofcheck import Verdict
from proofcheck.context import Budget
from proofcheck.registry import Registry
from proofcheck.runner import run_check


def one_check(claim, name, budget="quick", selection=None):
    check = next(c for c in claim.checks if c.name == name)
    return run_check(claim, check, 0, Budget(budget), selection=selection)


T2_MUT, T2_WEAK = t2.MUTANTS["adam-diagonal"], t2.WEAKENINGS["adam-diagonal"]
T4_MUT, T4_WEAK = t4.MUTANTS["adam-diag-dominant"], t4.WEAKENINGS["adam-diag-dominant"]


# -- regimes: what each PASS covers ---------------------------------------------------------------------------------

def test_every_stated_regime_of_a_builtin_claim_has_deciding_symbolic_and_numeric_checks():
    reg = Registry.builtin()
    for cid in reg.ids():
        claim = reg.get(cid)
        for name in claim.regimes:
            mine = [c for c in claim.checks if name in c.covers and not c.supporting]
            bases = {b for c in mine for b in c.basis.split("+")}
            assert {"symbolic", "numeric"} <= bases, (cid, name, [c.name for c in mine])
    assert set(reg.get("adam-diagonal").regimes) == {"beta2 = 1", "beta2 < 1"}
    assert set(reg.get("adam-diag-dominant").regimes) == {"beta2 = 1", "beta2 < 1"}
    assert set(reg.get("adam-general").regimes) == {"beta2 = 1"}  # the restatement states no beta2 < 1 form


def test_a_beta2_within_1e4_of_one_is_the_beta2_one_regime():
    assert beta2_regime(1 - BETA2_ONE_TOLERANCE / 2) == "beta2 = 1" and beta2_regime(0.99) == "beta2 < 1"
    assert beta2_schedule(128, 1e4, 1e-12) > 1 - BETA2_ONE_TOLERANCE  # the sweeps' schedule at d = 128, kappa = 1e4
    cells = [c for c in next(c for c in t2.CLAIM.checks if c.name == "scaling-sweep").grid(_ctx("standard"))[1]
             if c["method"] == ADAM_B2]
    assert cells and not any(schedule_is_beta2_one(c) for c in cells)  # only true beta2 < 1 cells are run as such


def _ctx(budget):
    from proofcheck.context import Context

    return Context(seed=0, budget=Budget(budget), claim_id="adam-diagonal", check_name="scaling-sweep")


# -- the adaptive regime --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("module", [t2, t4])
def test_the_adaptive_form_passes_by_literal_runs_at_beta2_below_0_99(module):
    ev = one_check(module.CLAIM, "adaptive-bound", selection={"d": [2], "kappa": [10.0]})
    assert ev.verdict is Verdict.PASS, ev.reason
    assert {rec["case"]["beta2"] for rec in ev.details["cases"]} == {0.9, 0.99}
    assert "literal runs of Algorithm A" in ev.backend and ev.covers == ["beta2 < 1"]
    assert ev.details["detectable_gap"]["worst"] > 0
    assert one_check(module.CLAIM, "adaptive-derivation").verdict is Verdict.PASS


@pytest.mark.parametrize("module,table", [(t2, T2_MUT), (t4, T4_MUT)])
def test_the_adaptive_form_without_its_offset_fails_with_a_confirmed_orbit(module, table):
    mutant = table["adaptive-no-offset"]()
    ev = one_check(mutant, "adaptive-bound", selection={"d": [2], "kappa": [10.0]})
    assert ev.verdict is Verdict.FAIL, ev.reason
    orbit = ev.details["orbit_witness"]
    assert orbit["by"] == "orbit" and orbit["dps"] == [30, 50] and orbit["f_over_f0"] > 1e-3
    assert "period-2 orbit" in ev.reason and "delta = 0" in ev.reason
    derivation = one_check(mutant, "adaptive-derivation")
    assert derivation.verdict is Verdict.INCONCLUSIVE and "does not reach" in derivation.reason


# -- derivations that reach the claim, or do not -------------------------------------------------------------------

@pytest.mark.parametrize("make,check,verdict", [
    (T2_WEAK["explicit-constant-doubled"], "explicit-derivation", Verdict.PASS),
    (T2_MUT["explicit-constant-fortieth"], "explicit-derivation", Verdict.INCONCLUSIVE),
    (T2_WEAK["adaptive-constant-doubled"], "adaptive-derivation", Verdict.PASS),
    (T4_WEAK["explicit-floor-halved"], "explicit-derivation", Verdict.PASS),
    (T4_MUT["explicit-floor-099"], "explicit-derivation", Verdict.INCONCLUSIVE),
    (t5.WEAKENINGS["adam-general"]["explicit-constant-doubled"], "explicit-derivation", Verdict.PASS),
])
def test_a_weaker_claim_follows_from_the_derivation_and_a_sharper_one_is_not_reached(make, check, verdict):
    ev = one_check(make(), check)
    assert ev.verdict is verdict, ev.reason
    last = ev.details["derivation"][-1]
    assert last["result"] == ("proved" if verdict is Verdict.PASS else "not reached")


def test_the_links_of_each_chain_are_checked_inequalities():
    for claim, check in [(t2.CLAIM, "explicit-derivation"), (t2.CLAIM, "adaptive-derivation"),
                         (t4.CLAIM, "explicit-derivation"), (t4.CLAIM, "adaptive-derivation")]:
        steps = one_check(claim, check).details["derivation"]
        signed = [s for s in steps if s["method"].startswith("sign of lhs - rhs")]
        assert len(signed) >= 3 and all(s["result"] == "proved" for s in steps), (claim.id, check)


# -- power where it decides (standard budget, narrowed to the deciding cases) ---------------------------------------

def test_t4_floor_099_fails_at_standard_against_a_true_probability_near_0_95():
    ev = one_check(T4_MUT["explicit-floor-099"](), "explicit-bound", "standard", {"d": [2], "kappa": [100.0, 1e3]})
    assert ev.verdict is Verdict.FAIL, ev.reason
    assert ev.details["samples_per_case"] >= 1024
    assert {rec["case"]["family"] for rec in ev.details["cases"]} == {"random", "blocks"}


def test_t2_constant_one_fortieth_fails_at_standard_through_the_numeric_check():
    ev = one_check(T2_MUT["explicit-constant-fortieth"](), "explicit-bound", "standard",
                   {"d": [2], "kappa": [10.0], "spectrum": ["logspaced"]})
    assert ev.verdict is Verdict.FAIL and "0.025" in ev.reason


def test_t4_instances_come_from_the_run_seed_and_from_the_hard_blocks():
    from proofcheck.context import Context

    ctx = lambda seed: Context(seed=seed, budget=Budget("quick"), claim_id="adam-diag-dominant", check_name="explicit-bound")
    a, b = t4.explicit_cases(ctx(0)), t4.explicit_cases(ctx(1))
    seeds = lambda cases: [c["_qseed"] for c in cases if c["family"] == "random"]
    assert seeds(a) != seeds(b)  # another run seed, other matrices
    q = t4.dd_blocks(4, 100.0)
    assert t4.conditions(q)["kappa_bar"] == pytest.approx((1 + t4.NU) / (1 - t4.NU))  # F2's maximum


# -- T5 decided under the stated reading of phi --------------------------------------------------------------------

def test_t5_second_branch_phi_bounds_every_initial_gradient_so_algorithm_a_is_gd_on_q():
    case = {"d": 8, "kappa_bar": 10.0, "kappa_diag": 1.0, "family": "blocks"}
    first, second = t5.branches(case)
    assert second < first
    q, phi, diagonal = t5.instance(case)
    X0 = np.random.default_rng(0).uniform(-2 * t5.B, 2 * t5.B, size=(500, 8))
    assert np.all(np.abs(X0 @ q) <= phi)  # r_j = phi for every j: P_0 = I / phi
    assert t5.conditions(q)["kappa"] == pytest.approx(10.0)  # the blocks reach kappa = kb kd
    ev = one_check(t5.CLAIM, "explicit-bound", selection={"d": [2], "kappa_bar": [2.0], "kappa_diag": [1.0]})
    assert ev.verdict is Verdict.PASS, ev.reason


# -- diagnostics -----------------------------------------------------------------------------------------------------

def test_capped_counts_are_reported_as_capped_not_as_f1_violations():
    ev = one_check(T2_MUT["explicit-constant-fortieth"](), "explicit-bound",
                   selection={"d": [64], "kappa": [1e4], "spectrum": ["logspaced"]})
    (rec,) = ev.details["cases"]
    chain = rec["chain"]
    assert chain["capped"] > 0 and chain["capped_F1_not_checked"] > 0 and chain["F1_violations"] == 0


def test_an_undecided_local_exponent_quotes_the_family_wise_interval_the_decision_used():
    from proofcheck.checks.scaling import _LineTest

    rng = np.random.default_rng(0)
    point = np.array([1.0, 2.0, 4.0])
    boot = point[:, None] * np.exp(rng.normal(0, 0.6, size=(3, 400)))
    test = _LineTest(spec="s", what="T", quantity="T", vary="d", fixed={}, cells=[{}, {}, {}], xs=[2, 4, 8],
                     point=point, boot_hi=boot, boot_lo=boot, claimed=0.0, relation="<=", tolerance=0.1, logs=0,
                     window=2, ols=None, adjacent=lambda a, b: True)
    test.decide(0.9999, 0.95)
    assert test.status == "open"
    assert "family-wise interval" in test.sentence and "a FAIL needs it beyond the limit" in test.sentence


def test_no_is_a_failure_wording_on_a_check_that_did_not_fail():
    ev = one_check(t4.CLAIM, "scaling-sweep", selection={"d": [2, 8], "kappa": [10.0]})
    assert ev.verdict is not Verdict.FAIL
    assert "is a failure" not in ev.margin_meaning and "is a failure" not in ev.reason
