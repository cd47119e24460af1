"""T4 `adam-diag-dominant` and T5 `adam-general` at the quick budget, and their mutants."""
import math
import pytest

from lemmas.adam import t4_adam_diag_dominant as t4
from lemmas.adam import t5_adam_general as t5
from proofcheck import Verdict
from proofcheck.testing import run_claim


@pytest.fixture(scope="module")
def t4_result():
    return run_claim(t4.CLAIM, budget="quick")


def test_t4_evidence(t4_result):
    assert t4_result.verdict is not Verdict.FAIL, t4_result.reason
    sweep = next(e for e in t4_result.evidence if e.check == "scaling-sweep")
    cell = sweep.details["per_cell"][0]["cell"]
    assert {"_kappa", "_kappa_bar", "_kappa_diag"} <= set(cell) and cell["_kappa_bar"] <= 3 + 1e-9  # F2, nu = 1/2
    assert sweep.details["ratio"]["groups"][0]["constant_interval"][0] is not None
    cross = next(e for e in t4_result.evidence if e.check == "crossover")
    line = cross.details["crossovers"][0]["lines"][0]
    assert line["p_hat"] >= 1 / 3 - 0.1  # the claim's implication; larger is a finding on looseness


def test_dense_beta2_below_one_cell_screens_on_the_fast_engine_and_confirms_at_high_precision():
    """A dense (nu-DD) beta2 < 1 cell: tuned on fast.adam_fast (recorded as the cell's backend), and the quantile
    seed's run re-run on the MPFR engine at 30 digits with the same count."""
    from lemmas.adam._common import fast, highprec
    from lemmas.adam._common.tuning import ADAM_B2

    cell = {"d": 4, "kappa": 10.0, "nu": t4.NU, "eps": t4.EPS, "method": ADAM_B2, "_qseed": 12345}
    q_cond = t4.conditions(t4.make_q(cell))
    cell.update(_kappa=q_cond["kappa"], _kappa_bar=q_cond["kappa_bar"], _kappa_diag=q_cond["kappa_diag"])
    measure = t4.dense_measure(t4.make_q, lambda c: min(c["d"] * (c["d"] * c["_kappa"]) ** 0.5, c["_kappa"]))
    seeds = [3, 4, 5]
    m = measure(cell, seeds)
    assert m.backend == f"float64 {fast.BACKEND}" and not any(m.capped)
    conf = t4.dense_confirm(t4.make_q)(cell, seeds[0], m.per_seed[0])
    assert conf["agree"] and conf["T_high"] == m.per_seed[0]["T"] == conf["T_float64_rerun"]
    assert highprec.BACKEND in conf["backend"] and conf["dps"] == 30


def test_t5_not_fail_with_evidence():
    result = run_claim(t5.CLAIM, budget="quick")
    assert result.verdict is not Verdict.FAIL, result.reason
    sweep = next(e for e in result.evidence if e.check == "scaling-sweep")
    assert sweep.details["slopes"] and sweep.details["ratio"]["groups"]


@pytest.mark.parametrize("module,claim_id,name,check", [
    (t4, "adam-diag-dominant", "d-exponent-zero", "scaling-sweep"),
    (t4, "adam-diag-dominant", "crossover-p-2", "crossover"),
    (t4, "adam-diag-dominant", "explicit-constant-tightened", "explicit-bound"),
    (t5, "adam-general", "kbar-exponent-zero", "scaling-sweep"),
    (t5, "adam-general", "explicit-constant-tightened", "explicit-bound"),
])
def test_mutants_fail(module, claim_id, name, check):
    result = run_claim(module.MUTANTS[claim_id][name](), budget="quick", only_check=check)
    assert result.verdict is Verdict.FAIL, result.reason


@pytest.mark.parametrize("module", [t4, t5])
def test_explicit_forms_pass_with_a_derivation_and_a_margin(module):
    result = run_claim(module.CLAIM, budget="quick", only_check="explicit-bound")
    ev = result.evidence[0]
    assert ev.verdict is Verdict.PASS, ev.reason
    # the tightened mutant divides the constant beyond the largest measured quantile ratio: it cannot pass by slack
    assert ev.details["max_quantile_T_over_bound"] * module.TIGHTENED_DIVISOR > 1
    derivation = run_claim(module.CLAIM, budget="quick", only_check="explicit-derivation").evidence[0]
    assert derivation.verdict is Verdict.PASS, derivation.reason


def test_t5_derivation_has_both_branches_under_the_stated_reading_of_phi():
    """Branch 1 (phi = 2B lambda_min) is the F5/F6 chain; branch 2 (phi above every |g_0^(j)|) is GD on Q with
    kappa <= kb kd (F2); the last step proves the claimed constant reaches the chain's."""
    steps = t5.explicit_derivation(t5.EXPLICIT_CONSTANT)(None)
    text = " ".join(s.description for s in steps)
    assert "branch 1" in text and "branch 2" in text and "phi chosen per instance" in text
    assert all(s.status == "proved" for s in steps)


@pytest.mark.parametrize("name,check", [("explicit-constant-tightened", "explicit-bound"),
                                        ("d-exponent-zero", "scaling-sweep")])
def test_fail_reproducers_replay_through_the_cli_and_fail_again(tmp_path, name, check):
    from proofcheck.testing import replay

    result = run_claim(t4.MUTANTS["adam-diag-dominant"][name](), budget="quick", only_check=check, mutant=name)
    ev = result.evidence[0]
    assert ev.verdict is Verdict.FAIL and f"--mutant {name}" in ev.reproducer and "--budget quick" in ev.reproducer
    assert "_qseed" not in ev.reason and "_kappa" not in ev.reason
    code, verdict = replay(ev.reproducer, tmp_path, budget="quick")
    assert code == 1 and verdict == "FAIL"


def test_sweep_plots_draw_the_explicit_bound_beside_the_measurements():
    """T4's and T5's sweep plots draw the explicit finite form (at each cell's own kappa, kappa_bar, kappa_diag) beside
    Algorithm A's quantiles, so a reader sees the measured T under the bound that decides the claim."""
    from lemmas.adam import t4_adam_diag_dominant as t4m, t5_adam_general as t5m

    for module in (t4m, t5m):
        sweep = next(c for c in module.CLAIM.checks if c.name == "scaling-sweep")
        assert all(p.reference is module.explicit_reference for p in sweep.plots)
        cell = {"d": 8, "method": "adam(beta2=1)", "eps": 1e-12, "_kappa": 100.0, "_kappa_bar": 2.0, "_kappa_diag": 1.0}
        assert module.explicit_reference(cell) > 0 and module.explicit_reference(dict(cell, method="gd")) != \
            module.explicit_reference(dict(cell, method="gd"))  # NaN: no bound drawn for GD
    cell = {"d": 8, "method": "adam(beta2=1)", "eps": 1e-12, "_kappa": 100.0}
    assert t4m.explicit_reference(cell) == 1.125 * 16 * math.log(1e12) + 1
