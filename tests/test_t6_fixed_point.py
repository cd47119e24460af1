"""T6 `fixed-point`: verdicts, the orbit to 30 digits, our stability region, float64's fake convergence, mutants."""
import mpmath
import numpy as np
import pytest

from lemmas.adam import t6_fixed_point as t6
from lemmas.adam._common import orbits
from lemmas.adam._common.algorithms import adam_f64
from proofcheck import Verdict
from proofcheck.numbers import call_with_precision
from proofcheck.testing import run_claim


@pytest.fixture(scope="module")
def quick():
    return run_claim(t6.CLAIM, budget="quick")


def test_claim_passes_at_quick_with_symbolic_and_numeric_evidence(quick):
    assert quick.verdict is Verdict.PASS, quick.reason
    assert {e.basis for e in quick.evidence} == {"symbolic", "numeric"}
    for e in quick.evidence:
        if e.basis == "numeric":
            assert e.dps is not None and e.dps >= 50  # every convergence decision records its precision
    thresholds = [e for e in quick.evidence if e.kind == "threshold"]
    assert len(thresholds) == 2
    for e in thresholds:
        assert e.artifacts and "<svg" in e.artifacts[0]["data"]
        for record in e.details["cases"]:
            assert all(ev["dps"] in (50, 100) for ev in record["evaluations"] + record["confirmations"])


def test_diagonal_and_nondiagonal_sufficiency_are_separate_checks(quick):
    names = {e.check: e for e in quick.evidence}
    assert names["sufficiency-diagonal"].verdict is Verdict.PASS
    assert names["sufficiency-nondiagonal"].verdict is Verdict.PASS


def test_orbit_amplitude_matches_simulation_to_30_digits_at_50_dps():
    inst = {"Q": [1.0, 4.0], "diagonal": True, "x0": [0.7, -1.3], "phi": 1.5, "alpha": 1.0, "beta2": 0.6, "u": 0.5}
    with mpmath.workdps(50):
        lhs, rhs = call_with_precision(t6.amplitude_sides(), inst, 50)
    assert lhs < mpmath.mpf(10) ** -30 == rhs
    with mpmath.workdps(50):
        delta = t6.orbit_delta(inst, 50)
        c, run = t6.classify(inst, delta, 50, orbit_digits=40)
        assert c.label == "orbit" and c.dps == 50
        r_j = t6.initial_r(inst, 50)
        for xj, lam, rj in zip(run.trajectory[-1][0], inst["Q"], r_j):
            a = mpmath.mpf(inst["alpha"]) / 2 - delta * rj / lam
            assert abs(abs(xj) - a) / a < mpmath.mpf(10) ** -30


def test_measured_jacobian_matches_closed_form_and_orbit_attracts_near_beta2_one():
    inst = {"alpha": 1.0, "lam": 5.0, "beta2": 0.995, "u": 0.4}
    M_hat, a, v_star = t6.measured_jacobian(inst, 50)
    M = t6.aligned_jacobian(1.0, 0.995, 5.0, 5.0 * 0.6 / (2 * float(5.0 * a)), float(5.0 * a))
    for i in range(2):
        assert abs(float(M_hat[i, i]) - M[i][i]) < 1e-8
    label, ratio = t6.simulated_attraction(inst, 50, 2000)
    assert label == "attracting"  # our result: attracting even for beta2 near 1, only slowly


def test_float64_fakes_convergence_where_high_precision_returns_to_the_orbit():
    """Below the threshold with beta2 near 1: float64 underflows to exactly 0; mpmath comes back to the orbit."""
    case = {"Q": [10.0], "diagonal": True, "x0": [0.3], "phi": 10.0, "alpha": 1.0, "beta2": 0.995}
    delta = 0.9 * 1.0 * 10.0 / (2 * 10.0)
    f64 = adam_f64(np.array([case["Q"]]), np.array([case["x0"]]), 1.0, 0.995, 10.0, delta, iters=30000)
    assert f64.x[0, 0] == 0.0 and f64.underflow[0]
    c, run = t6.classify(case, delta, 50, start=20000, cap=20000)
    assert c.label == "orbit"
    assert abs(abs(run.trajectory[-1][0][0]) - t6.orbit_amplitude(1.0, 10.0, delta, 10.0)) < 1e-6


def test_shrinking_f_with_a_growing_coordinate_is_not_called_converged():
    """beta2 = 0.97, delta 8% below the threshold: f falls to ~1e-146 while the lambda_max coordinate grows."""
    case = t6.threshold_case(10.0, 1.0, 0.97, np.random.default_rng(0))
    delta = 0.92 * t6.case_formula()(case)
    c = t6.classify_cached(case, delta, 50, start=400, cap=25600)
    assert c.label == "orbit", c.info


def test_mutant_threshold_halved_fails():
    mutant = t6.MUTANTS["fixed-point"]["threshold-halved"]()
    result = run_claim(mutant, budget="quick", only_check="threshold-delta-vs-alpha", mutant="threshold-halved")
    ev = result.evidence[0]
    assert result.verdict is Verdict.FAIL and ev.verdict is Verdict.FAIL
    assert ev.witness["empirical_lo"] > 1.1 * ev.witness["formula"]  # the true boundary is twice the halved one
    assert "--mutant threshold-halved" in ev.reproducer


def test_mutant_amplitude_doubled_fails_symbolically_and_numerically():
    mutant = t6.MUTANTS["fixed-point"]["amplitude-doubled"]()
    sym = run_claim(mutant, budget="quick", only_check="orbit-closed-form")
    num = run_claim(mutant, budget="quick", only_check="orbit-amplitude")
    assert sym.verdict is Verdict.FAIL and num.verdict is Verdict.FAIL
    assert num.evidence[0].dps == 100 and num.evidence[0].worst_margin > 1e20


def test_mutant_stability_region_contradicted_by_simulation_fails():
    mutant = t6.MUTANTS["fixed-point"]["stability-only-moderate-beta2"]()
    result = run_claim(mutant, budget="quick", only_check="orbit-stability-vs-simulation")
    ev = result.evidence[0]
    assert result.verdict is Verdict.FAIL and ev.witness["beta2"] >= 0.9


def test_derivation_steps_are_evidence_and_each_formula_mutant_is_disproved():
    """Every T6 derivation step has two different sides as written, and each mutant of a claimed formula (threshold,
    amplitude, stability region) is DISPROVED by the symbolic check that uses that formula."""
    from proofcheck import Verdict
    from proofcheck.checks.symbolic import Symbolic
    from proofcheck.context import Budget, Context

    ctx = Context(0, Budget("quick"))
    for derive in (t6.sufficiency_derivation, t6.orbit_derivation, t6.stability_derivation):
        ev = Symbolic("s", derive).run(ctx)
        assert ev.verdict is Verdict.PASS and ev.details["not_evidence"] == 0, ev.reason
    for derive, kw in ((t6.sufficiency_derivation, {"threshold": t6._halved}),
                       (t6.orbit_derivation, {"amplitude": t6._doubled_amplitude}),
                       (t6.stability_derivation, {"region": t6._region_not_near_one})):
        assert Symbolic("s", lambda c: derive(c, **kw)).run(ctx).verdict is Verdict.FAIL, kw


def _classify_by_restarting(inst, delta, dps, start=400, cap=12800):
    """The classifier before it resumed: a fresh fully recorded mpmath run for every step count."""
    n = start
    while True:
        run = t6.run_adam(inst, delta, dps, n)
        label, info = orbits.judge_run(inst, delta, run)
        if label != "undecided" or n >= cap:
            return label, info, run
        n = min(2 * n, cap)


@pytest.mark.parametrize("delta", [0.24688521297067495, 0.2512135502685618, 0.1])
def test_resuming_classifier_equals_restarting_mpmath_classifier(delta):
    """Cases of the standard run's beta2 = 0.3 bisection that need 800, 3200 and 400 steps: same label, same
    numbers, same end state as restarting fully recorded mpmath runs."""
    case = {"Q": [1.0, 10.0], "diagonal": True, "x0": [0.4152486160098112, -1.0753457542287106], "phi": 20.0,
            "alpha": 1.0, "beta2": 0.3}
    label, info, run = _classify_by_restarting(case, delta, 50)
    got, got_run = t6.classify(case, delta, 50)
    assert (got.label, got.info) == (label, info) and got_run.x == run.x and got_run.iters == run.iters
    assert info["iters"] == {0.24688521297067495: 800, 0.2512135502685618: 3200, 0.1: 400}[delta]
