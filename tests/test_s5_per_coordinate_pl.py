"""S5 `per-coordinate-pl`: the encoded hypotheses, the reconstructed rate, Algorithm A on a gradient callback, mutants."""
import mpmath
import numpy as np
import pytest

from lemmas.adam import s5_per_coordinate_pl as s5
from lemmas.adam._common.algorithms import adam_mp
from lemmas.adam._common.testfunctions import FAMILIES, adam_general_mp, make, psi, random_spec
from proofcheck import Verdict
from proofcheck.testing import run_claim


@pytest.fixture(scope="module")
def quick():
    return run_claim(s5.CLAIM, budget="quick")


def test_claim_passes_at_quick_and_states_its_reconstruction(quick):
    assert quick.verdict is Verdict.PASS, quick.reason
    assert {e.basis for e in quick.evidence} == {"symbolic", "numeric"}
    assert s5.CLAIM.provenance == "reconstruction" and "WEAKEST" in s5.CLAIM.notes
    assert "G_j + delta r_j" in s5.CLAIM.notes
    rate = next(e for e in quick.evidence if e.check == "linear-rate")
    assert rate.dps >= 50 and -1 < rate.worst_margin <= 0
    derivation = next(e for e in quick.evidence if e.check == "rate-derivation").details
    assert derivation["not_evidence"] == 0 and derivation["counted_steps"] >= 13  # every step's sides differ as written


def test_general_adam_matches_the_quadratic_specification():
    q, x0 = [1.0, 7.0, 30.0], [0.4, -1.1, 0.9]
    ref = adam_mp(q, x0, 0.3, 0.9, 0.5, 0.2, iters=40, dps=40)
    grad = lambda x: [mpmath.mpf(qj) * xj for qj, xj in zip(q, x)]
    xs, _, _ = adam_general_mp(grad, x0, 0.3, 0.9, 0.5, 0.2, iters=40, dps=40)
    with mpmath.workdps(40):
        assert max(abs(a - b) for a, b in zip(xs[-1], ref.x)) == 0


@pytest.mark.parametrize("family", FAMILIES)
def test_gradients_match_finite_differences_and_minimiser_is_stationary(family):
    fn = make(random_spec(family, 3, np.random.default_rng(3)))
    with mpmath.workdps(40):
        x = [mpmath.mpf(v) for v in (0.3, -0.7, 1.1)]
        h = mpmath.mpf(10) ** -15
        for j, gj in enumerate(fn.grad(x)):
            xp = list(x)
            xp[j] += h
            xm = list(x)
            xm[j] -= h
            assert abs((fn.value(xp) - fn.value(xm)) / (2 * h) - gj) < mpmath.mpf(10) ** -20
        xs, fstar = fn.minimiser()
        assert max(abs(g) for g in fn.grad(xs)) < mpmath.mpf(10) ** -30
        assert fn.value([v + mpmath.mpf("0.01") for v in xs]) > fstar


def test_separable_pl_constant_is_tight_at_the_corner():
    """For separable log-cosh, mu_L = min_j psi(R_j) is attained at the box corner: the bound cannot be raised."""
    spec = {"family": "logcosh", "c": [2.0, 5.0], "m": [0.0, 0.0], "eps": 0.0}
    fn = make(spec)
    with mpmath.workdps(50):
        F = mpmath.mpf(3)
        R = [mpmath.acosh(mpmath.exp(F / c)) for c in spec["c"]]
        assert fn.mu_L(F) == min(psi(r) for r in R)
        j = 0 if psi(R[0]) < psi(R[1]) else 1
        x = [mpmath.mpf(0), mpmath.mpf(0)]
        x[j] = R[j]  # f(x) = F on this coordinate alone
        lhs = 2 * fn.mu_L(F) * fn.value(x)
        rhs = sum(g**2 / L for g, L in zip(fn.grad(x), fn.L()))
        assert abs(lhs / rhs - 1) < mpmath.mpf(10) ** -40


@pytest.mark.parametrize("mutant, check", [("rate-ignores-sqrt-v", "linear-rate"), ("pl-constant-doubled", "H2-modified-PL")])
def test_mutants_fail(mutant, check):
    claim = s5.MUTANTS["per-coordinate-pl"][mutant]()
    result = run_claim(claim, budget="quick", only_check=check, mutant=mutant)
    ev = result.evidence[0]
    assert result.verdict is Verdict.FAIL and ev.verdict is Verdict.FAIL
    assert ev.dps == 100 and f"--mutant {mutant}" in ev.reproducer


@pytest.mark.parametrize("mutant, step", [("rate-ignores-sqrt-v", "the claimed factor rho is at least"),
                                          ("pl-constant-doubled", "H2 with the encoded PL constant")])
def test_mutants_break_the_derivation(mutant, step):
    """The derivation receives the claimed rate and the encoded PL constant, so each mutant is disproved by sympy."""
    claim = s5.MUTANTS["per-coordinate-pl"][mutant]()
    ev = run_claim(claim, budget="quick", only_check="rate-derivation", mutant=mutant).evidence[0]
    assert ev.verdict is Verdict.FAIL and step in ev.witness["step"]
