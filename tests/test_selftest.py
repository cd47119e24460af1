"""``proofcheck selftest``: every registered mutant (false variant) must be detected.

The full selftest (one test per registered mutant at the quick budget, about 20 s on 2 cores)
runs by default and asserts 100% detection; ``PROOFCHECK_FULL_SELFTEST=0`` skips it for a
faster local loop, leaving the fast subset (gd-rate's mutant and the example user file's).
``python -m proofcheck selftest`` runs the same thing from the command line.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from proofcheck import Claim
from proofcheck.cli import main
from proofcheck.registry import Registry
from proofcheck.testing import selftest_outcomes
from proofcheck.selftest import MutantOutcome, detected_share, mutant_refs, render, run_selftest, weakening_refs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "my_claims.py")
FULL = os.environ.get("PROOFCHECK_FULL_SELFTEST", "1") == "1"

BUILTIN = Registry.builtin()
ALL_MUTANTS = [(ref.id, ref.mutant) for ref in mutant_refs(BUILTIN)]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_selftest_detects_every_mutant_of_the_fast_subset():
    code, out, err = run(["selftest", "--claims", EXAMPLE, "gd-rate", "birthday"])
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[-1].startswith("selftest: 2/2 mutants detected (100%)")
    assert [line.split()[:3] for line in lines[:-1]] == [["detected", "gd-rate", "rate-1-minus-2-over-kappa"],
                                                         ["detected", "birthday", "n-22"],
                                                         ["held", "gd-rate", "weakening:small-d-and-kappa"]]
    assert "1/1 weakenings held" in lines[-1]


@pytest.mark.parametrize("claim_id, mutant", ALL_MUTANTS, ids=[f"{c}[{m}]" for c, m in ALL_MUTANTS])
def test_every_registered_mutant_is_a_distinct_variant(claim_id, mutant):
    original, variant = BUILTIN.get(claim_id), BUILTIN.mutant(claim_id, mutant)
    assert isinstance(variant, Claim) and variant is not original
    assert variant.id == original.id and variant.checks


def test_every_builtin_claim_has_a_mutant():
    assert ALL_MUTANTS
    assert [cid for cid in BUILTIN.ids() if not BUILTIN.mutants.get(cid)] == []


def selftest_of(claim_id: str) -> tuple:
    """All mutants of one claim, run once at the quick budget (shared with the generic suite of test_catalogue)."""
    return selftest_outcomes(None, claim_id, "quick", 0)


@pytest.mark.skipif(not FULL, reason="full selftest skipped by PROOFCHECK_FULL_SELFTEST=0")
@pytest.mark.parametrize("claim_id, mutant", ALL_MUTANTS, ids=[f"{c}[{m}]" for c, m in ALL_MUTANTS])
def test_full_selftest_detects_every_registered_mutant(claim_id, mutant):
    (outcome,) = [o for o in selftest_of(claim_id) if o.mutant == mutant]
    assert outcome.detected, f"{claim_id}[{mutant}] not detected: {outcome.verdict}: {outcome.reason}"


ALL_WEAKENINGS = [(ref.id, ref.mutant) for ref in weakening_refs(BUILTIN)]


@pytest.mark.skipif(not FULL, reason="full selftest skipped by PROOFCHECK_FULL_SELFTEST=0")
@pytest.mark.parametrize("claim_id, weakening", ALL_WEAKENINGS, ids=[f"{c}[{m}]" for c, m in ALL_WEAKENINGS])
def test_full_selftest_holds_every_registered_weakening(claim_id, weakening):
    """A true weaker variant must never FAIL (nor ERROR): that would be a FAIL of a true theorem."""
    (outcome,) = [o for o in selftest_of(claim_id) if o.mutant == weakening]
    assert outcome.weakening and outcome.detected, f"{claim_id}[{weakening}] FAILED: {outcome.verdict}: {outcome.reason}"


# Built-in claims without a weakening, and why: every statement of pseudo-linear is an identity (no constant, no
# floor), adam-worse-than-gd is an existence claim with none either; the two known-false classics below.
NO_WEAKENING = {"pseudo-linear", "adam-worse-than-gd",
                # known-false classics whose true counterpart is not a weaker form of the same statement: heavy ball on
                # quadratics is its own tight claim (C10), and Nelder-Mead has no corrected statement
                "heavy-ball-global", "nelder-mead-stationary"}


def test_every_builtin_claim_with_a_constant_or_a_floor_has_a_weakening():
    assert ALL_WEAKENINGS
    assert sorted(cid for cid in BUILTIN.ids() if not BUILTIN.weakenings.get(cid)) == sorted(NO_WEAKENING)
    wanted = {("adam-diagonal", "weakening:explicit-constant-doubled"),
              ("adam-diag-dominant", "weakening:explicit-floor-halved"),
              ("adam-general", "weakening:explicit-constant-doubled")}
    assert wanted <= set(ALL_WEAKENINGS)
    assert {("adam-diag-dominant", "explicit-floor-099"), ("adam-diagonal", "explicit-constant-fortieth")} <= set(ALL_MUTANTS)


UNDETECTABLE = '''
import sympy as sp
from proofcheck import Claim, Symbolic, fact

x = sp.Symbol("x", positive=True)


def claim(c):
    return Claim(id="pos", title="x + c > 0", source="t", provenance="user", statement="x + c > 0", hypotheses=[],
                 checks=[Symbolic("s", lambda ctx: [fact("x + c > 0", x + c > 0)])])


def broken():
    raise RuntimeError("factory bug")


CLAIMS = [claim(1)]
MUTANTS = {"pos": {"still-true": lambda: claim(2), "false": lambda: claim(-x - 1), "broken": broken}}
'''


def test_a_mutant_that_is_not_detected_is_reported_and_fails_the_selftest(tmp_path):
    path = tmp_path / "undetectable.py"
    path.write_text(UNDETECTABLE)
    code, out, err = run(["selftest", "--claims", path, "pos"])
    assert code == 1, out + err
    lines = [line for line in out.splitlines() if not line.lstrip().startswith("reason:")]
    reasons = [line for line in out.splitlines() if line.lstrip().startswith("reason:")]
    assert lines[-1].startswith("selftest: 1/3 mutants detected (33%)")
    assert [line.split()[:3] for line in lines[:-1]] == [["MISSED", "pos", "still-true"], ["detected", "pos", "false"],
                                                         ["MISSED", "pos", "broken"]]
    assert "factory raised RuntimeError: factory bug" in reasons[-1]
    reg = Registry()
    reg.add_origin(str(path))
    outcomes = run_selftest(reg)
    assert detected_share(outcomes) == pytest.approx(1 / 3)
    quiet = io.StringIO()
    render(outcomes, quiet, quiet=True)
    assert quiet.getvalue().startswith("selftest: 1/3 mutants detected (33%)")
    assert detected_share([]) == 1.0 and MutantOutcome("a", "b", "FAIL", "").detected
