"""The ``scaling`` check kind on toy sweeps whose truth is known: T = c n^a x noise(seed)."""
import math

import numpy as np
import pytest

from proofcheck import Claim, Verdict
from proofcheck.checks.scaling import Crossover, Measurement, Plot, Ratio, Scaling, Slope, _decide
from proofcheck.context import Budget, Context
from proofcheck.testing import run_claim


def power_law(exponent, cap=None, const=3.0):
    """T = const n^exponent m^0 exp(N(0, 0.1)) per seed; capped above ``cap``."""

    def measure(cell, seeds):
        T, capped = [], []
        for s in seeds:
            noise = math.exp(0.1 * np.random.default_rng(s).standard_normal())
            t = const * cell["n"] ** exponent * noise * (2.0 if cell.get("method") == "slow" else 1.0)
            if cell.get("method") == "b":
                t = 50.0 * cell["m"] * noise  # series b costs 50 m, series a costs 3 n: crossover n* ~ m
            capped.append(cap is not None and t > cap)
            T.append(min(t, cap) if cap is not None else t)
        return Measurement(T=T, capped=capped, cap=cap, per_seed=[{"s": int(s % 97)} for s in seeds])

    return measure


def axes(ctx):
    return {"n": [2, 4, 8, 16, 32, 64], "m": [1]}


def sweep(exponent=1.0, claimed=1.0, relation="<=", bound=lambda c: c["n"], cap=None, **kw):
    return Scaling("sweep", axes=axes, measure=power_law(exponent, cap), probability=0.5, seeds=(12, 16, 16),
                   slopes=[Slope("n", "n", claimed, relation, 0.1)],
                   ratio=Ratio(bound=bound, fit=lambda c: c["n"] <= 8, growth=2.0, label="n"),
                   plots=[Plot("T-vs-n", "n", line="m")], bootstrap=(200, 200, 200), **kw)


def claim(check):
    return Claim(id="toy-scaling", title="toy", source="test", provenance="user", statement="T = O(n)", hypotheses=[],
                 checks=[check])


def run(check, budget="quick", selection=None, plots=False):
    ctx = Context(seed=0, budget=Budget(budget), claim_id="toy", check_name=check.name, selection=selection or {},
                  options={"plots": plots})
    return check.run(ctx)


def test_true_power_law_passes_with_local_exponents_scope_and_constant():
    ev = run(sweep(), plots=True)
    assert ev.verdict is Verdict.PASS, ev.reason
    test = next(t for t in ev.details["tests"] if t["spec"] == "n")
    last = test["local_exponents"][-1]
    lo, hi = last["interval"]
    assert lo <= 1.0 + 0.05 and hi >= 1.0 - 0.05 and abs(last["exponent"] - 1.0) < 0.1 and last["x"] == [32, 64]
    assert abs(test["fitted_slope_over_line"] - 1.0) < 0.05
    group = ev.details["ratio"]["groups"][0]
    assert 2.0 < group["fitted_constant"] < 4.5 and group["constant_interval"][0] <= group["fitted_constant"]
    assert ev.details["seeds_per_cell"] == 12 and len(ev.details["per_cell"]) == 6
    assert ev.artifacts and ev.artifacts[0]["data"].lstrip().startswith("<?xml")
    # the PASS states its scope: every axis's range, the seeds, the budget
    assert "n in 2..64" in ev.reason and "12 seeds per cell" in ev.reason and "quick budget" in ev.reason


def test_slope_above_claim_fails_on_a_trend():
    ev = run(sweep(exponent=1.5, bound=lambda c: c["n"] ** 1.5))
    assert ev.verdict is Verdict.FAIL
    assert ev.witness["spec"] == "n" and all(p["interval_familywise"][0] > 1.1 for p in ev.witness["local_exponents"])
    assert "between n = 32 and 64" in ev.reason and "limit 1.1" in ev.reason


def test_theta_slope_below_claim_fails_and_upper_bound_does_not():
    assert run(sweep(exponent=0.5, claimed=1.0, relation="==", bound=lambda c: c["n"] ** 0.5)).verdict is Verdict.FAIL
    assert run(sweep(exponent=0.5, claimed=1.0, relation="<=", bound=lambda c: c["n"] ** 0.5)).verdict is Verdict.PASS


def test_unbounded_ratio_fails_only_on_a_trend_and_a_fitted_constant_is_a_finding():
    ev = run(sweep(exponent=1.0, claimed=1.0, bound=lambda c: math.log(c["n"]) + 1))
    assert ev.verdict is Verdict.FAIL  # T/(log n + 1) has local exponent ~0.7 at every pair of the large end
    assert ev.witness["spec"] == "ratio" and ev.witness["cells"][-1]["n"] == 64
    # the held-out growth over the constant fitted on n <= 8 is reported as a finding, not as the failure
    assert ev.details["findings"] and "not a failure" in ev.details["findings"][0]["sentence"]


def test_capped_quantiles_are_lower_bounds_never_convergence():
    # cap 40: cells n >= 16 have T ~ 48..192 > cap, so their quantiles are capped
    ev = run(sweep(exponent=1.0, cap=40.0))
    capped = [c for c in ev.details["per_cell"] if c["quantile_capped"]]
    assert capped and all(c["cell"]["n"] >= 16 for c in capped)
    assert ev.verdict is not Verdict.PASS
    # T = 3 n^2 claimed O(1): n = 64 is capped at 5000, and the cap (a lower bound) still shows growth at the large end
    ev = run(sweep(exponent=2.0, bound=lambda c: 1.0, claimed=2.0, cap=5000.0))
    assert ev.verdict is Verdict.FAIL and ev.witness["cells"][-1]["n"] == 64
    assert ev.witness["local_exponents"][-1]["interval_familywise"][0] > 0.5


def test_selection_narrows_the_grid_and_same_seed_same_numbers():
    ev = run(sweep(), selection={"n": [2, 8, 32]})
    assert [c["cell"]["n"] for c in ev.details["per_cell"]] == [2, 8, 32]
    a, b = run(sweep(), plots=True), run(sweep(), plots=True)
    assert a.details["per_cell"] == b.details["per_cell"] and a.details["slopes"] == b.details["slopes"]
    assert [x["data"] for x in a.artifacts] == [x["data"] for x in b.artifacts]


def crossover_check(claimed, relation=">="):
    return Scaling("cross", axes=lambda ctx: {"m": [1, 4, 16, 64], "n": [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
                                              "method": ["a", "b"]},
                   measure=power_law(1.0), probability=0.5, seeds=(12, 12, 12), bootstrap=(200, 200, 200),
                   crossovers=[Crossover("a-vs-b", over="m", along="n", series="method", a="a", b="b", claimed=claimed,
                                         relation=relation, tolerance=0.15)])


def test_crossover_exponent_is_estimated_and_judged():
    ev = run(crossover_check(1.0, "=="))
    line = ev.details["crossovers"][0]["lines"][0]
    assert abs(line["p_hat"] - 1.0) < 0.1 and ev.verdict is Verdict.PASS
    assert run(crossover_check(2.0, ">=")).verdict is Verdict.FAIL
    assert run(crossover_check(1.0 / 3, ">=")).details["crossovers"][0]["lines"][0]["note"]  # loose: a finding


def test_instance_replays_cells():
    check = sweep()
    ctx = Context(seed=0, budget=Budget("quick"), claim_id="toy", check_name=check.name, instance={"n": 8})
    assert [c["n"] for c in check.grid(ctx)[1]] == [8]


def test_plots_skipped_at_quick_unless_asked():
    ev = Scaling("s", axes=axes, measure=power_law(1.0), probability=0.5, seeds=(8, 8, 8), plots=[Plot("p", "n")],
                 bootstrap=(50, 50, 50)).run(Context(seed=0, budget=Budget("quick"), claim_id="toy", check_name="s"))
    assert ev.artifacts == [] and ev.details["plots"].startswith("not rendered at the quick budget")
    check = Scaling("s", axes=axes, measure=power_law(1.0), probability=0.5, seeds=(8, 8, 8), plots=[Plot("p", "n")],
                    bootstrap=(50, 50, 50))
    ev = check.run(Context(seed=0, budget=Budget("standard"), claim_id="toy", check_name="s", options={"plots": False}))
    assert ev.artifacts == [] and "formats show no figures" in ev.details["plots"]  # the run decided: no figure


def test_decide_relations():
    assert _decide(1.3, 1.5, 1.0, "<=", 0.1)[0] == "fail"
    assert _decide(0.8, 1.05, 1.0, "<=", 0.1)[0] == "pass"
    assert _decide(0.8, 1.3, 1.0, "<=", 0.1)[0] == "open"
    assert _decide(0.5, 0.7, 1.0, ">=", 0.1)[0] == "fail"
    assert _decide(0.5, 0.7, 1.0, "==", 0.1)[0] == "fail"
    assert _decide(None, None, 1.0, "==", 0.1)[0] == "open"


def test_claim_runs_through_the_engine():
    result = run_claim(claim(sweep()))
    assert result.evidence[0].kind == "scaling" and result.evidence[0].verdict is Verdict.PASS
    assert result.verdict is Verdict.INCONCLUSIVE  # numeric evidence alone is not enough for PASS
