"""T2 `adam-diagonal` at the quick budget: the evidence it must carry, and its mutants FAIL."""
import math

import numpy as np
import pytest

from lemmas import t2_adam_diagonal as t2
from lemmas._common import algorithms, fast, highprec
from lemmas._common.tuning import ADAM, ADAM_B2, GD, beta2_schedule, measure_batch
from proofcheck import Verdict
from proofcheck.context import Budget, Context
from proofcheck.testing import run_claim


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
    gd = next(s for s in d["slopes"] if s["name"] == "gd-kappa")
    assert all(abs(l["slope"] - 1) < 0.1 for l in gd["lines"])  # GD: Theta(kappa log 1/eps)
    group = d["ratio"]["groups"][0]
    assert 0 < group["fitted_constant"] <= 0.25 + 0.05  # the derivation predicts at most 1/4 (plus the +1)
    assert d["plots"].startswith("skipped")  # quick budget: no figures
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


def test_selection_narrows_the_grid():
    check = next(c for c in t2.CLAIM.checks if c.name == "scaling-sweep")
    ctx = Context(seed=0, budget=Budget("quick"), claim_id=t2.CLAIM.id, check_name=check.name,
                  selection={"d": [8], "kappa": [1e4]})
    axes, cells = check.grid(ctx)
    assert {c["d"] for c in cells} == {8} and {c["kappa"] for c in cells} == {1e4}
    assert 8 in t2.CLAIM.parameters["d"] and 1e4 in t2.CLAIM.parameters["kappa"]


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


@pytest.mark.parametrize("name", ["bound-log-d", "gd-slope-half"])
def test_mutants_fail(name):
    mutant = t2.MUTANTS["adam-diagonal"][name]()
    result = run_claim(mutant, budget="quick", only_check="scaling-sweep")
    assert result.verdict is Verdict.FAIL, result.reason
