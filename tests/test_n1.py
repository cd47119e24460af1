"""N1 `adam-worse-than-gd`: a certified witness at d = 4, kappa = 1e4; the diagonal-only mutant is not PASS."""
import numpy as np
import pytest

from lemmas.adam import n1_adam_worse_than_gd as n1
from lemmas.adam._common import fast
from proofcheck import Verdict
from proofcheck.testing import run_claim


@pytest.fixture(scope="module")
def result():
    return run_claim(n1.CLAIM, budget="quick")


def test_witness_certified_with_its_description(result):
    assert result.verdict is Verdict.PASS, result.reason
    ev = next(e for e in result.evidence if e.kind == "existence")
    desc = ev.details["witness_description"]
    assert desc["d"] == 4 and desc["d"] < desc["kappa"] ** (1 / 3)
    assert desc["kappa_bar"] > 1 and desc["kappa_diag"] >= 1
    assert all(a > g for a, g in zip(desc["T_adam_tuned"], desc["T_gd_tuned"]))
    cert = ev.details["candidates_certified"][-1]
    assert cert["holds"] is True and ev.dps == 100
    rows = cert["at_50"]["rows"]
    assert all(r["T_gd_high"] == r["T_gd_f64"] and r["every_adam_grid_step_exceeds_T_gd"] for r in rows)
    literal = cert["literal_rerun_float64"]
    assert literal["agree"] in (True, None)
    if literal["agree"] is not None:  # the chosen steps were iterated on the compiled engine, which is named
        assert fast.BACKEND in literal["backend"] and literal["float64_suspect"] is False
    assert np.array(ev.witness["Q"]).shape == (4, 4)
    # Ball arithmetic on the stored witness agrees with the 50/100-digit counts for every initialisation.
    ball = cert["ball_certificate"]
    assert ev.certified and ball["certified"] and ball["prec_bits"] >= 128
    for row, hp in zip(ball["rows"], rows):
        assert row["T_gd"] == f"T(eps) = {hp['T_gd_high']}"
        assert row["adam"] == [f"T(eps) > {hp['T_gd_high']}"] * len(row["adam_steps"])


def test_replay_of_the_witness(result):
    ev = next(e for e in result.evidence if e.kind == "existence")
    replay = run_claim(n1.CLAIM, budget="quick", instance=ev.witness, only_check="witness")
    assert replay.evidence[0].verdict is Verdict.PASS


def test_diagonal_only_mutant_is_not_pass():
    mutant = n1.MUTANTS["adam-worse-than-gd"]["diagonal-only"]()
    assert run_claim(mutant, budget="quick").verdict is not Verdict.PASS


def test_wrong_basis_mutant_fails():
    mutant = n1.MUTANTS["adam-worse-than-gd"]["basis-plus-half"]()
    symbolic = run_claim(mutant, budget="quick", only_check="linear-reduction").evidence[0]
    assert symbolic.verdict is Verdict.FAIL and symbolic.witness["step"].startswith("x_{k+1} = (I - alpha P_0 Q) x_k")


def test_reduction_steps_differ_as_written(result):
    symbolic = next(e for e in result.evidence if e.kind == "symbolic")
    assert symbolic.verdict is Verdict.PASS
    assert symbolic.details["not_evidence"] == 0 and symbolic.details["counted_steps"] == 4
    # the change of basis is shown as the product P_0^{1/2} (I - alpha P_0 Q) P_0^{-1/2}, multiplied out by sympy
    assert "*" in symbolic.details["derivation"][0]["lhs"] and "Matrix" in symbolic.details["derivation"][0]["lhs"]
