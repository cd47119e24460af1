"""The scope of a PASS (issue 17): stated regimes, the checks that cover them, `reaches` steps, weakenings.

Every test here is engine-level and cheap (tiny claims written in the test), so that the mechanism is tested for
every claim, built-in or a user's, and not through two lemmas.
"""
from __future__ import annotations

import io
import textwrap

import pytest
import sympy as sp

from proofcheck import Claim, Evidence, Symbolic, Verdict, covering, equal, reaches, supporting
from proofcheck.checks.base import Check
from proofcheck.cli import main
from proofcheck.model import decide, decide_claim
from proofcheck.testing import run_claim


class Fixed(Check):
    """A check with a fixed verdict (its basis chosen per test)."""

    kind = "fixed"

    def __init__(self, name, verdict=Verdict.PASS, basis="numeric"):
        super().__init__(name)
        self.verdict, self.basis = verdict, basis

    def evaluate(self, ctx):
        return self.evidence(self.verdict, reason=f"{self.name} says {self.verdict}")


REGIMES = {"b1": "beta2 = 1, delta = 0", "b<1": "beta2 <= 0.99, delta = 1"}


def claim(checks, regimes=REGIMES):
    return Claim(id="scoped", title="t", source="test", provenance="user", statement="s", hypotheses=[],
                 checks=checks, regimes=regimes)


def test_a_stated_regime_that_no_deciding_check_covers_leaves_the_claim_inconclusive_and_is_named():
    c = claim([covering(Fixed("sym-1", basis="symbolic"), "b1"), covering(Fixed("num-1"), "b1")])
    result = run_claim(c)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "'beta2 <= 0.99, delta = 1'" in result.reason and "no deciding check covers it" in result.reason
    assert result.scope == ""


def test_a_supporting_check_never_stands_in_for_a_deciding_one():
    c = claim([covering(Fixed("sym-1", basis="symbolic"), "b1", "b<1"), covering(Fixed("num-1"), "b1"),
               supporting(covering(Fixed("sweep"), "b<1"))])
    result = run_claim(c)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "the supporting check(s) sweep cover it but do not decide" in result.reason
    assert "no numeric evidence" in result.reason  # its only deciding check is symbolic


def test_every_regime_covered_with_both_bases_passes_and_states_its_scope():
    c = claim([covering(Fixed("sym", basis="symbolic"), "b1", "b<1"), covering(Fixed("num-1"), "b1"),
               covering(Fixed("num-2"), "b<1"), Fixed("general")])
    result = run_claim(c)
    assert result.verdict is Verdict.PASS, result.reason
    assert result.scope == "for beta2 = 1, delta = 0; and beta2 <= 0.99, delta = 1"
    assert result.scope in result.reason
    data = result.to_json()
    assert data["scope"] == result.scope and data["regimes"] == REGIMES
    assert {e["check"]: e.get("covers") for e in data["evidence"]} == {
        "sym": ["b1", "b<1"], "num-1": ["b1"], "num-2": ["b<1"], "general": None}


def test_a_claim_without_regimes_has_an_empty_scope_and_decides_as_before():
    result = run_claim(claim([Fixed("sym", basis="symbolic"), Fixed("num")], regimes={}))
    assert result.verdict is Verdict.PASS and result.scope == "" and result.to_json()["scope"] == ""
    assert "regimes" not in result.to_json()


def test_the_claims_declarations_decide_coverage_not_what_an_evidence_says():
    c = claim([covering(Fixed("sym", basis="symbolic"), "b1"), covering(Fixed("num"), "b1")])
    def forged():
        return [Evidence("sym", "fixed", "symbolic", Verdict.PASS, covers=["b1", "b<1"]),
                Evidence("num", "fixed", "numeric", Verdict.PASS, covers=["b1", "b<1"])]

    evidence = forged()
    assert decide_claim(c, evidence).verdict is Verdict.INCONCLUSIVE
    assert [e.covers for e in evidence] == [["b1"], ["b1"]]  # the record shows what the claim declared
    assert decide(forged(), REGIMES).verdict is Verdict.PASS  # without the claim, the evidence's own covers count


def test_covering_an_unstated_regime_is_an_error_of_the_claim():
    with pytest.raises(ValueError, match="does not state"):
        claim([covering(Fixed("num"), "beta2 = 0.5")])
    with pytest.raises(ValueError, match="regime names"):
        covering(Fixed("num"))


# -- reaches: claimed >= derived ---------------------------------------------------------------------------------

def derivation(claimed, relation=">="):
    c = sp.Symbol("c", positive=True)
    derived = sp.Limit(1 / (2 * c * sp.log((c + 1) / (c - 1))), c, sp.oo)  # = 1/4, written as the chain gives it
    return Symbolic("d", lambda ctx: [reaches("claimed C >= derived C", claimed, derived, relation)])


def test_a_weaker_claimed_constant_is_implied_by_the_derivation():
    result = run_claim(claim([derivation(sp.Rational(1, 2))], regimes={}))
    (e,) = result.evidence
    assert e.verdict is Verdict.PASS, e.reason
    assert e.details["derivation"][0]["result"] == "proved"


def test_a_sharper_claimed_constant_is_not_reached_which_is_inconclusive_not_a_disproof():
    (e,) = run_claim(claim([derivation(sp.Rational(1, 40))], regimes={})).evidence
    assert e.verdict is Verdict.INCONCLUSIVE
    assert e.reason.startswith("the derivation does not reach the claim")
    assert e.details["derivation"][0]["result"] == "not reached"


def test_a_step_that_contradicts_a_proved_fact_still_fails_beside_an_unreached_one():
    x = sp.Symbol("x", positive=True)
    check = Symbolic("d", lambda ctx: [reaches("C", sp.Rational(1, 40), sp.Rational(1, 4) + 0 * x),
                                       equal("wrong", (x + 1) ** 2, x**2 + 1)])
    (e,) = run_claim(claim([check], regimes={})).evidence
    assert e.verdict is Verdict.FAIL and "wrong" in e.reason


def test_a_probability_floor_is_reached_from_below():
    derived = sp.Rational(1, 2)
    passed = Symbolic("d", lambda ctx: [reaches("floor", sp.Rational(1, 4), 1 - derived * sp.Integer(1), "<=")])
    sharper = Symbolic("d", lambda ctx: [reaches("floor", sp.Float(0.99), 1 - derived * sp.Integer(1), "<=")])
    assert run_claim(claim([passed], regimes={})).evidence[0].verdict is Verdict.PASS
    assert run_claim(claim([sharper], regimes={})).evidence[0].verdict is Verdict.INCONCLUSIVE


def test_a_derived_bound_that_does_not_exist_is_not_reached():
    d = sp.Symbol("delta", nonnegative=True)
    check = Symbolic("d", lambda ctx: [reaches("C(delta) at delta = 0", sp.Rational(1, 2),
                                               sp.Subs((1 + d) / (4 * d), d, 0))])
    (e,) = run_claim(claim([check], regimes={})).evidence
    assert e.verdict is Verdict.INCONCLUSIVE and "does not reach" in e.reason


# -- weakenings ----------------------------------------------------------------------------------------------------

WEAK_FILE = '''
import sympy as sp
from proofcheck import Claim, Symbolic, fact

x = sp.Symbol("x", positive=True)


def claim(c):
    """x + c > 0 for x > 0: true for every c >= 0."""
    return Claim(id="pos", title="x + c > 0", source="t", provenance="user", statement="x + c > 0", hypotheses=[],
                 checks=[Symbolic("s", lambda ctx: [fact("x + c > 0", x + c > 0)])])


CLAIM = claim(1)
MUTANTS = {"pos": {"c-minus-one": lambda: claim(-1)}}
WEAKENINGS = {"pos": {"c-two": lambda: claim(2), "c-broken": lambda: claim(-1)}}
'''


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_selftest_runs_weakenings_beside_mutants_and_a_failed_weakening_fails_the_selftest(tmp_path):
    path = tmp_path / "weak.py"
    path.write_text(textwrap.dedent(WEAK_FILE))
    code, out, err = run(["selftest", "--claims", path, "pos"])
    lines = out.splitlines()
    # c-minus-one: x - 1 > 0 is not proved for every x (undecided: sympy cannot sign it), so the mutant is MISSED;
    # c-broken is a deliberately false "weakening": it must be reported as BROKEN if it FAILs, held otherwise
    assert any(line.startswith("held") and "weakening:c-two" in line for line in lines), out
    assert lines[-1].startswith("selftest: ") and "weakenings held" in lines[-1]
    assert code == 1  # not everything is as it must be


def test_a_weakening_that_fails_is_reported_broken(tmp_path, monkeypatch):
    from proofcheck import selftest

    outcome = selftest.MutantOutcome("c", "weakening:w", "FAIL", "it failed", expect="not-fail",
                                     broken=[{"check": "x", "kind": "bound", "basis": "numeric"}])
    held = selftest.MutantOutcome("c", "weakening:v", "INCONCLUSIVE", "", expect="not-fail", broken=[])
    out = io.StringIO()
    selftest.render([outcome, held], out)
    text = out.getvalue()
    assert "BROKEN" in text and "failed: x [numeric]" in text and "1/2 weakenings held" in text
    assert selftest.detected_share([outcome, held]) == 0.5


def test_a_weakening_replays_as_the_mutant_weakening_name(tmp_path):
    path = tmp_path / "weak.py"
    path.write_text(textwrap.dedent(WEAK_FILE))
    code, out, err = run(["run", "--claims", path, "pos", "--mutant", "weakening:c-two", "--budget", "quick",
                          "--out", tmp_path / "o", "--format", "json"])
    assert code == 0 and "pos (mutant weakening:c-two)" in out, out + err
    code, out, err = run(["run", "--claims", path, "pos", "--mutant", "weakening:nope", "--budget", "quick"])
    assert code == 2 and "no weakening 'nope'" in err and "c-two" in err


def test_malformed_weakenings_are_a_usage_error(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(textwrap.dedent(WEAK_FILE) + "\nWEAKENINGS = {'pos': [1]}\n")
    code, out, err = run(["selftest", "--claims", path, "pos"])
    assert code == 2 and "WEAKENINGS['pos']" in err


def test_a_pass_verdict_line_keeps_its_whole_scope_and_cuts_the_counts_first():
    """The scope is what a PASS promises: however long the claim's name, the line shortens its counts, never the
    regimes it decided (a cut scope would read as if only the first regime had been decided)."""
    from proofcheck.explain import explain

    scope = "for beta2 = 1, delta = 0, alpha tuned; and beta2 in {0.9, 0.99}, delta = 1, alpha = alpha*"
    evidence = [{"check": f"c{i}", "kind": "bound", "basis": b, "verdict": "PASS", "instances": 1000, "role": "decides"}
                for i, b in enumerate(["symbolic", "numeric", "numeric"])]
    evidence.append({"check": "sweep", "kind": "scaling", "basis": "numeric", "verdict": "INCONCLUSIVE",
                     "role": "supports", "reason": "open"})
    claim = {"id": "a-claim-with-a-rather-long-identifier", "verdict": "PASS", "reason": "", "scope": scope,
             "evidence": evidence}
    line = explain(claim, {"budget": "standard", "seed": 0})
    assert scope in line.text, line.text
    assert "…" not in line.text
    assert "not settled" in line.text or "unsettled" in line.text  # the open supporting check is still named
