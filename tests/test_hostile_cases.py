"""The last hostile cases (issue 22): claim code that raises or forks, strings and files that break the writers,
hostile inputs, a dying Dask scheduler. Each test is a case that misbehaved before."""
from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from proofcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def evidence_of(report: dict, cid: str, check: str) -> dict:
    claim = next(c for c in report["claims"] if c["id"] == cid)
    return next(e for e in claim["evidence"] if e["check"] == check)


# -- 1. claim code that raises is an ERROR, whatever the exception ------------------------------------

RAISING = textwrap.dedent('''
    import math

    import mpmath
    import sympy as sp

    from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, fact


    class Unit(Space):
        def sample(self, rng):
            return {"x": float(rng.uniform(0.1, 2.0))}

        def perturb(self, inst, rng, scale):
            return {"x": min(max(inst["x"] * (1 + 0.1 * scale * rng.standard_normal()), 0.1), 2.0)}


    def domain_error(inst, dps):  # math.log of a negative number: ValueError at every point
        return math.log(-inst["x"]), 1.0


    def only_at_high_precision(inst, dps):
        if dps is not None:
            raise ZeroDivisionError("only at high precision")
        return inst["x"], 0.5  # violated wherever x > 0.5: every such candidate is escalated


    def outside_above_one(inst, dps):  # the documented way to mark points outside the domain
        if inst["x"] > 1:
            raise InvalidInstance("x > 1 lies outside the claim's domain")
        x = inst["x"] if dps is None else mpmath.mpf(inst["x"])
        return x, 1


    def everywhere_outside(inst, dps):
        raise InvalidInstance("no point is in the domain")


    a = sp.Symbol("a", positive=True)


    def claim(cid, sides):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=[Symbolic("sym", lambda ctx: [fact("a^2 >= 0", a**2 >= 0)]), Bound("num", Unit(), sides)])


    CLAIMS = [claim("domain-error", domain_error), claim("high-precision-raises", only_at_high_precision),
              claim("outside-marked", outside_above_one), claim("all-outside", everywhere_outside)]
''')


def test_claim_code_that_raises_arithmetic_errors_is_an_error_naming_the_instance(tmp_path):
    """A Bound whose sides raise ValueError at every point was INCONCLUSIVE, exit 0; one that raises only at high
    precision too. Both are ERRORs (exit 3) naming the instance and the exception; InvalidInstance marks a point outside
    the domain (skipped, and a claim with no point inside is INCONCLUSIVE, not PASS)."""
    path = tmp_path / "raising.py"
    path.write_text(RAISING)
    code, stdout, err = run("run", path, "--budget", "quick", "--jobs", "1", "--no-cache", "--out", tmp_path / "r",
                            "--format", "json")
    assert code == 3, (stdout, err)
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    got = {c["id"]: c["verdict"] for c in report["claims"]}
    assert got == {"domain-error": "ERROR", "high-precision-raises": "ERROR", "outside-marked": "PASS",
                   "all-outside": "INCONCLUSIVE"}, got
    raised = evidence_of(report, "domain-error", "num")
    assert "ValueError: math domain error" in raised["reason"] and "at x = " in raised["reason"]
    assert raised["details"]["raised_at"]["where"] == "sides (float64 screening)"
    assert 0.1 <= raised["details"]["raised_at"]["instance"]["x"] <= 2.0
    late = evidence_of(report, "high-precision-raises", "num")
    assert "ZeroDivisionError: only at high precision" in late["reason"] and "digits" in late["reason"]
    assert evidence_of(report, "outside-marked", "num")["details"]["outside_domain"] > 0
    assert "outside the claim's domain" in evidence_of(report, "all-outside", "num")["reason"]
    assert "Traceback" not in err


def test_the_engines_own_numerics_stay_undecided():
    """decide_sign: an arithmetic error of the engine's own evaluation leaves the sign undecided; claim code wrapped by
    call_claim_code passes through."""
    from proofcheck.errors import ClaimCodeRaised, call_claim_code
    from proofcheck.numerics import decide_sign

    assert decide_sign(lambda dps: 1 / 0).status == "undecided"
    with pytest.raises(ClaimCodeRaised, match="ZeroDivisionError"):
        decide_sign(lambda dps: call_claim_code(lambda: 1 / 0, instance={"x": 1}, where="sides"))


def test_invalid_instance_is_exported():
    import proofcheck
    from proofcheck.errors import InvalidInstance

    assert proofcheck.InvalidInstance is InvalidInstance and "InvalidInstance" in proofcheck.__all__
