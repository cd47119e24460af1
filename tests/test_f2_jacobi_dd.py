"""F2 `jacobi-dd` (docs/claims.md F2): the true claim passes with certified evidence, the trap instance is real,
the (1 + nu) mutant fails with a confirmed shrunk witness, and runs are deterministic."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from lemmas.adam import f2_jacobi_dd as f2
from lemmas.adam._common.quadratics import dd_ratio
from proofcheck import InvalidInstance, Verdict
from proofcheck.numbers import mp
from proofcheck.testing import by_check, run_claim, without_timing

MUTANT = "kbar-one-plus-nu"


@pytest.fixture(scope="module")
def result():
    return run_claim(f2.CLAIM, seed=0, budget="quick")


@pytest.fixture(scope="module")
def mutant_result():
    return run_claim(f2.MUTANTS["jacobi-dd"][MUTANT](), seed=0, budget="quick", mutant=MUTANT)



def test_true_claim_passes_with_symbolic_and_certified_numeric_evidence(result):
    assert result.verdict is Verdict.PASS, result.reason
    assert {e.basis for e in result.evidence} == {"symbolic", "numeric"}
    steps = by_check(result)["similarity-gershgorin"].details["derivation"]
    assert len(steps) >= 10 and all(s["result"] == "proved" for s in steps)
    for name in ("kappa-bar-bound", "eigenvalue-interval", "kappa-le-kbar-kdiag"):
        ev = by_check(result)[name]
        # the deciding precision is a step of the schedule (50, 100, 200 digits), at least 50
        assert ev.verdict is Verdict.PASS and ev.dps >= 50 and ev.instances >= 300
        assert ev.worst_margin <= 0
        cert = ev.details["certificate"]
        assert ev.certified and cert["certified"] and cert["outcome"] == "bound holds"
        assert cert["prec_bits"] >= 128 and 0 < cert["width"] < 1e-20 and "flint" in cert["backend"]


def test_search_gets_close_to_the_tight_bound(result):
    # the d = 2 example attains (1+nu)/(1-nu); the adversarial search must come near it
    assert -0.05 < by_check(result)["kappa-bar-bound"].worst_margin <= 0


def test_trap_instance_is_nu_dd_but_m_row_sum_exceeds_nu(result):
    """The naive Gershgorin-on-M argument is invalid: checked here independently at 50 digits."""
    trap = by_check(result)["similarity-gershgorin"].details["trap"]
    assert trap["found"] and trap["exact_row_sum_exceeds_nu"] and trap["spd_exact"]
    q = trap["Q"]
    nu = Fraction(trap["nu"])
    d = len(q)
    assert nu < 1
    qf = [[Fraction(v) for v in row] for row in q]
    for i in range(d):  # exactly nu-DD
        assert sum(abs(qf[i][j]) for j in range(d) if j != i) <= nu * qf[i][i]
    with mpmath.workdps(50):
        nu_mp = mpmath.mpf(nu.numerator) / nu.denominator
        m = mpmath.matrix(f2.jacobi_matrix(q, mp(50)).tolist())
        rows = [mpmath.fsum(abs(m[i, j]) for j in range(d) if j != i) for i in range(d)]
        assert max(rows) - nu_mp > mpmath.mpf(10) ** -20  # M's row sum exceeds nu, well above the noise
        ev = mpmath.eigsy(m, eigvals_only=True)
        eig = sorted(ev[i] for i in range(d))
        # ... while the similarity argument's conclusion still holds on it
        assert 1 - nu_mp <= eig[0] and eig[-1] <= 1 + nu_mp


def test_mutant_fails_with_confirmed_shrunk_witness_and_reproducer(mutant_result):
    assert mutant_result.verdict is Verdict.FAIL
    ev = by_check(mutant_result)["kappa-bar-bound"]
    assert ev.verdict is Verdict.FAIL and ev.dps == 100 and ev.worst_margin > 0
    assert len(ev.witness["Q"]) == 2  # shrunk to the smallest dimension
    assert f"--mutant {MUTANT}" in ev.reproducer and "--check kappa-bar-bound" in ev.reproducer
    assert ev.details["certificate"]["outcome"] == "bound violated" and ev.certified
    replay = run_claim(f2.MUTANTS["jacobi-dd"][MUTANT](), instance=ev.witness, only_check="kappa-bar-bound",
                       mutant=MUTANT)
    assert replay.verdict is Verdict.FAIL
    # the same witness satisfies the true bound
    assert run_claim(f2.CLAIM, instance=ev.witness, only_check="kappa-bar-bound").evidence[0].verdict is Verdict.PASS


def test_every_derivation_step_is_evidence(result):
    """No step has identical sides as written: each could have failed, and each is proved."""
    ev = by_check(result)["similarity-gershgorin"]
    assert ev.details["not_evidence"] == 0 and ev.details["counted_steps"] == len(ev.details["derivation"]) >= 14
    assert all(s["lhs"] != s["rhs"] and s["result"] == "proved" for s in ev.details["derivation"])


def test_mutant_is_also_refuted_symbolically(mutant_result):
    steps = by_check(mutant_result)["similarity-gershgorin"].details["derivation"]
    assert any(s["result"] == "DISPROVED" and "tight example" in s["step"] for s in steps)


def test_exact_hypothesis_rejects_float_rounded_dd():
    """Float row sums say nu-DD, exact arithmetic says not: the space must reject it."""
    a, b = 0.25591081235012836, 0.47523184816296765
    q = [[1.0, a, b], [a, 1.0, 0.0], [b, 0.0, 1.0]]
    inst = {"Q": q, "nu": dd_ratio(np.array(q))}
    f2.SPDSpace("nu-dd").validate(inst)  # the float64 check accepts it
    with pytest.raises(InvalidInstance):
        f2.ExactNuDDSpace().validate(inst)


def test_same_seed_same_evidence(result):
    again = run_claim(f2.CLAIM, seed=0, budget="quick")
    assert without_timing(again) == without_timing(result)


@pytest.mark.parametrize("mutant, check, step", [
    ("eig-radius-half-nu", "eigenvalue-interval", "within the claimed radius"),
    ("kappa-le-kbar", "kappa-le-kbar-kdiag", "a diagonal Q"),
])
def test_other_bounds_can_fail(mutant, check, step):
    """Each numeric bound of F2 has a false variant that it refutes with a confirmed, shrunk witness; the derivation,
    which takes all three claimed formulas, disproves the same variant at a named step."""
    res = run_claim(f2.MUTANTS["jacobi-dd"][mutant](), seed=0, budget="quick", mutant=mutant)
    assert res.verdict is Verdict.FAIL
    ev = by_check(res)[check]
    assert ev.verdict is Verdict.FAIL and ev.dps == 100 and ev.worst_margin > 0
    assert len(ev.witness["Q"]) == 2 and f"--mutant {mutant}" in ev.reproducer
    assert ev.details["certificate"]["outcome"] == "bound violated"
    derivation = by_check(res)["similarity-gershgorin"]
    assert derivation.verdict is Verdict.FAIL and step in derivation.witness["step"]
