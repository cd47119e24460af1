"""T2 `adam-diagonal` at the quick budget: the evidence it must carry, and its mutants FAIL."""
import math

import numpy as np
import pytest

from lemmas.adam import t2_adam_diagonal as t2
from lemmas.adam._common import algorithms, fast, highprec
from lemmas.adam._common.tuning import ADAM, ADAM_B2, GD, beta2_schedule, measure_batch
from proofcheck import Verdict
from proofcheck.context import Budget, Context
from proofcheck.runner import run_check
from proofcheck.testing import run_claim


def one_check(claim, name, budget, selection=None):
    """One check of ``claim`` through the engine, with a ``claim[key=value]`` selection."""
    check = next(c for c in claim.checks if c.name == name)
    return run_check(claim, check, 0, Budget(budget), selection=selection)


@pytest.fixture(scope="module")
def result():
    return run_claim(t2.CLAIM, budget="quick")


def test_not_fail_and_symbolic_algebra_proved(result):
    assert result.verdict is not Verdict.FAIL, result.reason
    algebra = next(e for e in result.evidence if e.check == "bound-algebra")
    assert algebra.verdict is Verdict.PASS


def test_sweep_evidence_grid_seeds_slopes_constant_plots(result):
    ev = next(e for e in result.evidence if e.check == "scaling-sweep")
    d = ev.details
    assert set(d["grid"]) >= {"d", "kappa", "method", "spectrum"} and d["seeds_per_cell"] >= 8
    assert all(c["quantile"] is None or c["quantile"] >= 1 for c in d["per_cell"])
    gd = [t for t in d["tests"] if t["spec"] == "gd-kappa"]
    assert gd and all(abs(p["exponent"] - 1) < 0.1 for t in gd for p in t["local_exponents"])  # GD: Theta(kappa)
    group = d["ratio"]["groups"][0]
    assert 0 < group["fitted_constant"] <= 0.25 + 0.05  # the derivation predicts at most 1/4 (plus the +1)
    assert d["plots"].startswith("not rendered at the quick budget")  # quick budget: no figures
    assert d["confirmations"] and all(c["agree"] for c in d["confirmations"])
    assert ev.dps and ev.dps >= 30 and "mpmath" in ev.backend
    # Algorithm A's deciding runs are re-run on the engines that actually ran, and the evidence names them
    adam = [c for c in d["confirmations"] if "T_float64_rerun" in c]
    assert adam and all(fast.BACKEND in c["backend"] for c in adam)
    assert any(highprec.BACKEND in c["backend"] and c["dps"] >= 30 and c["T_high"] is not None for c in adam)
    assert highprec.BACKEND in ev.backend
    assert "tuning" in d and d["tuning"]["multipliers"][0] == 1.0


def test_plots_render_when_asked():
    check = next(c for c in t2.CLAIM.checks if c.name == "scaling-sweep")
    ctx = Context(seed=0, budget=Budget("quick"), claim_id=t2.CLAIM.id, check_name=check.name,
                  selection={"d": [2, 8], "kappa": [10.0, 1e3]}, options={"plots": True})
    ev = check.run(ctx)
    assert {a["name"] for a in ev.artifacts} >= {"T-vs-kappa", "T-vs-d", "ratio"}
    assert all(a["mime"] == "image/svg+xml" and "<svg" in a["data"] for a in ev.artifacts)


def test_crossover_reports_p_hat(result):
    ev = next(e for e in result.evidence if e.check == "crossover")
    line = ev.details["crossovers"][0]["lines"][0]
    assert line["p_hat"] is not None and len(line["interval"]) == 2 and ev.verdict is not Verdict.FAIL


def test_selection_narrows_the_grid_by_intersection():
    check = next(c for c in t2.CLAIM.checks if c.name == "scaling-sweep")
    ctx = Context(seed=0, budget=Budget("quick"), claim_id=t2.CLAIM.id, check_name=check.name,
                  selection={"d": [8], "kappa": [1e3, 1e4]})
    axes, cells = check.grid(ctx)
    assert {c["d"] for c in cells} == {8} and {c["kappa"] for c in cells} == {1e3}  # 1e4 is not on the quick grid
    assert 8 in t2.CLAIM.parameters["d"] and 1e4 in t2.CLAIM.parameters["kappa"]


def test_readme_narrowing_example_gives_the_explicit_form_a_verdict():
    """`run 'adam-diagonal[d=64,kappa=1e4]'`: the explicit form is checked on every (d, kappa) of the claim at standard,
    so the selection is one of its cases (three spectra) and is decided; the sweeps say the selection leaves them no cell."""
    ev = one_check(t2.CLAIM, "explicit-bound", "standard", {"d": [64], "kappa": [1e4]})
    assert ev.verdict is Verdict.PASS, ev.reason
    assert [c["case"] for c in ev.details["cases"]] == [{"d": 64, "kappa": 1e4, "spectrum": s} for s in t2.SPECTRA]


def test_measure_is_reproducible_and_paired():
    cell = {"d": 8, "kappa": 1e3, "spectrum": "logspaced", "eps": t2.EPS}
    a = t2.measure(dict(cell, method=ADAM), [1, 2, 3])
    b = t2.measure(dict(cell, method=ADAM), [1, 2, 3])
    g = t2.measure(dict(cell, method=GD), [1, 2, 3])
    assert a.T == b.T and all(x < y for x, y in zip(a.T, g.T))  # same initialisations; Adam wins at d << kappa


def test_beta2_below_one_screens_on_the_fast_engine_and_matches_the_numpy_reference():
    """measure_batch runs Algorithm A (beta2 < 1) on fast.adam_fast by default and records that backend; on diagonal
    Q it is bit-identical to the numpy reference adam_f64, so the tuned counts and steps are equal."""
    d, kappa = 8, 1e3
    lam = t2.spectrum(d, kappa, "logspaced")
    X0 = np.stack([t2.random_init(d, t2.B, np.random.default_rng(s)) for s in range(6)])
    Q = np.tile(lam, (len(X0), 1))
    kw = dict(eps=t2.EPS, phi=2 * t2.B, delta=t2.DELTA, cap=t2.adam_cap(d, kappa, t2.EPS), diagonal=True,
              beta2=beta2_schedule(d, kappa, t2.EPS))
    tuned, how = measure_batch(ADAM_B2, Q, X0, **kw)
    ref_tuned, ref_how = measure_batch(ADAM_B2, Q, X0, runner=algorithms.adam_f64, **kw)
    assert fast.BACKEND in how["backend"] and "adam_fast" in how["counting"]
    assert "numpy" in ref_how["backend"] and "adam_f64" in ref_how["counting"]
    assert np.array_equal(tuned.T, ref_tuned.T) and np.array_equal(tuned.step, ref_tuned.step)
    assert np.array_equal(tuned.flagged, ref_tuned.flagged)
    m = t2.measure({"d": d, "kappa": kappa, "spectrum": "logspaced", "eps": t2.EPS, "method": ADAM_B2}, [0, 1, 2])
    assert m.backend == how["backend"]


def test_explicit_form_passes_and_its_tightened_constant_fails_naming_the_broken_link(result):
    ev = next(e for e in result.evidence if e.check == "explicit-bound")
    assert ev.verdict is Verdict.PASS, ev.reason
    assert ev.details["max_quantile_T_over_bound"] < 1  # T <= (min(d+1,kappa)/4) log(1/eps) + 1 at the F3 level
    assert next(e for e in result.evidence if e.check == "explicit-derivation").verdict is Verdict.PASS
    mutant = t2.MUTANTS["adam-diagonal"]["explicit-constant-quarter"]()
    by = {name: run_claim(mutant, budget="quick", only_check=name).evidence[0]
          for name in ("explicit-bound", "explicit-derivation")}
    # the numeric check disproves it; the derivation only says that it does not reach so sharp a constant
    assert by["explicit-bound"].verdict is Verdict.FAIL and by["explicit-derivation"].verdict is Verdict.INCONCLUSIVE
    assert by["explicit-derivation"].reason.startswith("the derivation does not reach the claim")
    reason = by["explicit-bound"].reason
    assert "the event held" in reason and "link cond(H_0) -> T" in reason and "at 50 digits" in reason
    assert by["explicit-bound"].reproducer and '"spectrum"' in by["explicit-bound"].reproducer


def test_sweep_mutant_fails_and_the_sweep_cannot_pass_while_its_gauge_is_invisible():
    ev = one_check(t2.MUTANTS["adam-diagonal"]["gd-slope-half"](), "scaling-sweep", "quick")
    assert ev.verdict is Verdict.FAIL, ev.reason
    assert "gd" in ev.reason and "limit 0.6" in ev.reason
    claim = one_check(t2.CLAIM, "scaling-sweep", "quick")
    assert claim.verdict is not Verdict.PASS or all(a["detected"] for a in claim.details["alternatives"].values())
    assert set(claim.details["alternatives"]) == set(t2.SWEEP_MUTANTS)
