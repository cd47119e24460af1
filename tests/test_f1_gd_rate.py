"""F1 gd-rate: PASS with symbolic and numeric evidence; its mutant FAILs with a confirmed, shrunk witness."""
from lemmas.adam import f1_gd_rate
from proofcheck import Verdict
from proofcheck.testing import replay, run_claim


def test_gd_rate_passes_with_tightness_witness():
    result = run_claim(f1_gd_rate.CLAIM)
    assert result.verdict is Verdict.PASS, result.reason
    by_name = {e.check: e for e in result.evidence}
    step = by_name["per-step-contraction"]
    # Equality is attainable (extreme eigenvector): the search must get close to margin 0 from below.
    # every positive screening margin is decided along the precision schedule (50, 100, 200 digits)
    assert -1e-6 < step.worst_margin <= 0 and step.dps >= 50
    minimax = by_name["minimax-step"]
    assert minimax.basis == "symbolic" and len(minimax.details["derivation"]) == 7
    # every step is evidence: its two sides differ as written, and sympy proves it
    assert minimax.details["not_evidence"] == 0 and minimax.details["counted_steps"] == 7
    assert all(s["result"] == "proved" and s["lhs"] != s["rhs"] for s in minimax.details["derivation"])


def test_gd_rate_mutant_fails_and_reproducer_replays(tmp_path):
    mutant = f1_gd_rate.MUTANTS["gd-rate"]["rate-1-minus-2-over-kappa"]()
    result = run_claim(mutant, mutant="rate-1-minus-2-over-kappa")
    assert result.verdict is Verdict.FAIL
    step = next(e for e in result.evidence if e.check == "per-step-contraction")
    assert step.verdict is Verdict.FAIL and step.worst_margin > 0 and step.dps == 100
    assert len(step.witness["Q"]) == 2  # shrunk to the smallest dimension
    # the derivation takes the claimed rate, so the wrong rate is disproved symbolically as well
    minimax = next(e for e in result.evidence if e.check == "minimax-step")
    assert minimax.verdict is Verdict.FAIL and "claimed rate" in minimax.witness["step"]
    # The one-line reproducer replays the failure through the CLI.
    assert replay(step.reproducer, tmp_path) == (1, "FAIL")
