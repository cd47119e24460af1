"""F3 `init-spread` (docs/claims.md F3): the true claim passes with symbolic and numeric evidence, the exact form
of P(E) is right on hand-computed cases, near-ties are decided exactly, the raised-probability mutant fails
with a shrunk witness and reproducer, and runs are deterministic."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from lemmas.adam import f3_init_spread as f3
from proofcheck import Verdict
from proofcheck.testing import by_check, run_claim, without_timing

MUTANT = "probability-1-minus-half-over-d-plus-1"


@pytest.fixture(scope="module")
def result():
    return run_claim(f3.CLAIM, seed=0, budget="quick")


@pytest.fixture(scope="module")
def mutant_result():
    return run_claim(f3.MUTANTS["init-spread"][MUTANT](), seed=0, budget="quick", mutant=MUTANT)



def test_true_claim_passes_with_both_kinds_of_evidence(result):
    assert result.verdict is Verdict.PASS, result.reason
    assert {e.basis for e in result.evidence} == {"symbolic", "numeric"}
    steps = by_check(result)["derivation"].details["derivation"]
    assert all(s["result"] == "proved" for s in steps) and any("1/e" in s["step"] for s in steps)
    # every step is evidence: its two sides differ as written (no 'X == X')
    assert by_check(result)["derivation"].details["not_evidence"] == 0
    assert all(s["lhs"] != s["rhs"] for s in steps) and len(steps) >= 19
    mc = by_check(result)["cond-event-monte-carlo"]
    assert mc.verdict is Verdict.PASS and mc.worst_margin > 0 and len(mc.details["cases"]) >= 40
    assert {c["case"]["spectrum"] for c in mc.details["cases"]} == set(f3.KINDS)
    assert all(c["decided_by"].startswith("Clopper-Pearson") for c in mc.details["cases"])
    # cond(H_0) = kappa has positive probability: those ties were decided exactly
    assert mc.details["exact_rechecks"]["exact_rechecks"] > 0 and "exact rational" in mc.backend
    exact = by_check(result)["cond-event-exact"]
    assert exact.verdict is Verdict.PASS and exact.dps >= 50 and exact.worst_margin > 0
    assert by_check(result)["sampler-agreement"].verdict is Verdict.PASS


@pytest.mark.parametrize("case, expected", [
    ({"d": 2, "kappa": 10.0, "spectrum": "outlier"}, Fraction(2, 3)),  # one coordinate above c = 3
    ({"d": 3, "kappa": 100.0, "spectrum": "one-low"}, Fraction(3, 4) ** 2),  # N = d - 1, the worst spectrum
    ({"d": 5, "kappa": 4.0, "spectrum": "logspaced"}, Fraction(1)),  # kappa <= d + 1: always
    ({"d": 1, "kappa": 9.0, "spectrum": "logspaced"}, Fraction(1)),
])
def test_exact_form_on_hand_computed_cases(case, expected):
    case = dict(case, B=1.0, lambda_min=1.0, seed=0)
    with mpmath.workdps(50):
        value = f3.exact_cond_probability(case)
        assert abs(value - mpmath.mpf(expected.numerator) / expected.denominator) < mpmath.mpf(10) ** -45
        assert value >= f3.claimed_probability(case)


def test_near_ties_are_decided_exactly():
    lam = np.array([1.0, 3.0])  # c = min(d + 1, kappa) = 3: cond(H_0) = 3 exactly when |x_2| <= 2/3
    x = np.array([[0.5, 0.1], [0.5, 0.9], [0.01, 0.6]])
    sampler = f3.EventSampler("cond")
    h = f3.h0_float(lam, x, 1.0)
    exact = sampler._exact_cond(lam, x, 1.0, h, f3.threshold(lam))
    assert exact.tolist() == [True, True, True]  # cond <= kappa always (docs/claims.md F3)
    lam = np.array([1.0, 100.0])  # c = 3; x_2 = 0.01 gives cond = 50 > 3
    h = f3.h0_float(lam, x[:1] * [1, 0.1], 1.0)
    assert sampler._exact_cond(lam, x[:1] * [1, 0.1], 1.0, h, f3.threshold(lam)).tolist() == [False]


def test_mutant_fails_with_shrunk_witness_and_reproducer(mutant_result):
    assert mutant_result.verdict is Verdict.FAIL
    for name in ("cond-event-monte-carlo", "cond-event-exact"):
        ev = by_check(mutant_result)[name]
        assert ev.verdict is Verdict.FAIL and ev.worst_margin < 0
        assert ev.witness["d"] == 2 and ev.witness["spectrum"] == "outlier"  # shrunk
        assert f"--mutant {MUTANT}" in ev.reproducer and f"--check {name}" in ev.reproducer
        replay = run_claim(f3.MUTANTS["init-spread"][MUTANT](), instance=ev.witness, only_check=name, mutant=MUTANT)
        assert replay.verdict is Verdict.FAIL
        assert run_claim(f3.CLAIM, instance=ev.witness, only_check=name).evidence[0].verdict is Verdict.PASS
    exact = by_check(mutant_result)["cond-event-exact"].details["worst_case"]
    assert exact["exact"] < exact["claimed"]  # decided by the exact value, not by sampling noise
    # the derivation takes the claimed bound: the worst spectrum at d = 2 (P(E) = 2/3) refutes it symbolically
    steps = by_check(mutant_result)["derivation"].details["derivation"]
    assert by_check(mutant_result)["derivation"].verdict is Verdict.FAIL
    assert any(s["result"] == "DISPROVED" and "d = 2" in s["step"] for s in steps)


def test_same_seed_same_evidence(result):
    again = run_claim(f3.CLAIM, seed=0, budget="quick")
    assert without_timing(again) == without_timing(result)


def test_agreement_check_refutes_a_wrong_exact_form():
    """The sampler-agreement check can fail: exponent N + 1 in the exact form is refuted by the Monte Carlo."""
    mutant = "exact-form-exponent-plus-one"
    res = run_claim(f3.MUTANTS["init-spread"][mutant](), seed=0, budget="quick", mutant=mutant)
    assert res.verdict is Verdict.FAIL
    ev = by_check(res)["sampler-agreement"]
    assert ev.verdict is Verdict.FAIL and ev.worst_margin < 0 and ev.witness["event"] == "cond"
    assert f"--mutant {mutant}" in ev.reproducer
    # ... and the derivation, which takes the exact form, disproves it symbolically
    derivation = by_check(res)["derivation"]
    assert derivation.verdict is Verdict.FAIL and "P(E) = (1 - 1/c)^N" in derivation.witness["step"]


def test_h0_is_algorithm_a_frozen_preconditioner():
    """diag(H_0) used by the sampler equals P_0 Q from the shared Algorithm A (mpmath, 50 digits)."""
    from lemmas.adam._common.algorithms import adam_mp
    from lemmas.adam._common.init import random_init

    rng = np.random.default_rng(3)
    for case in f3._grid((1, 3, 6), (5.0, 1e4), f3.KINDS)[:12]:
        lam, B = f3.case_spectrum(case), case["B"]
        x0 = random_init(len(lam), B, rng)
        run = adam_mp(lam.tolist(), x0.tolist(), alpha=0.1, beta2=1, phi=2 * B * lam.min(), delta=0, iters=1,
                      dps=50, record=True)
        _, _, p = run.trajectory[0]
        h_ref = [float(pj * mpmath.mpf(lj)) for pj, lj in zip(p, lam)]
        assert np.allclose(f3.h0_float(lam, x0[None], B)[0], h_ref, rtol=1e-14, atol=0)


@pytest.mark.parametrize("bad", [{"d": 0, "kappa": 10.0, "spectrum": "outlier", "B": 1.0},
                                 {"d": 2, "kappa": 10.0, "spectrum": "nope", "B": 1.0},
                                 {"d": 2, "kappa": 10.0, "spectrum": "outlier", "B": 0.0},
                                 {"d": 2.5, "kappa": 10.0, "spectrum": "outlier", "B": 1.0}])
def test_cases_outside_the_hypotheses_are_rejected(bad):
    from proofcheck import InvalidInstance

    with pytest.raises(InvalidInstance):
        run_claim(f3.CLAIM, instance=bad, only_check="cond-event-exact")
