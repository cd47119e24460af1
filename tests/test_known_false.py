"""Known-false claims (Claim(expect="FAIL", refuted_by=...)): REFUTED is success, anything else is red.

Like pytest's xfail(strict=True): a certified FAIL is reported REFUTED (exit 0, its own count and colour in every
report); an unexpected PASS or a refutation that stops reproducing (INCONCLUSIVE) exits 1, an ERROR exits 3, a FAIL
that no certified check backs is not REFUTED (exit 1). Toy claims, all quick.
"""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from proofcheck import Claim, Verdict
from proofcheck.cli import main
from proofcheck.model import Evidence, decide_known_false, decide, expect_outcome, verdict_label
from proofcheck import report_schema

TOY = '''
from fractions import Fraction
import numpy as np
import sympy as sp
from proofcheck import Bound, Claim, Space, Symbolic, fact

t = sp.Symbol("t", positive=True)


class Point(Space):
    """One instance: the witness."""
    def __init__(self, c):
        self.c = c

    def sample(self, rng):
        return {"c": self.c}

    def perturb(self, inst, rng, scale):
        return dict(inst)


def sides(inst, dps):
    # the (false) claim: c^2 <= c for every c > 0; exact Fractions at high precision
    c = Fraction(inst["c"])
    return (float(c * c), float(c)) if dps is None else (c * c, c)


def exact(inst):
    c = Fraction(inst["c"])
    return {"certified": c * c > c, "backend": "fractions", "lhs": str(c * c), "rhs": str(c)}


EFFORT = dict(random=(1, 1, 1), climbs=(0, 0, 0), hypothesis_examples=(0, 0, 0))
SYM = Symbolic("sym", lambda ctx: [fact("t > 0", t > 0)])
KNOWN = dict(expect="FAIL", refuted_by="Toy 2026, Sec. 1")


def claim(cid, checks, **kw):
    return Claim(id=cid, title=cid, source="toy", provenance="user", statement="c^2 <= c", hypotheses=[],
                 checks=checks, **kw)


def boom(ctx):
    raise ValueError("claim code crashed")


CLAIMS = [
    claim("kf-refuted", [SYM, Bound("b", Point(2), sides, certify=exact, **EFFORT)], **KNOWN),
    claim("kf-passes", [SYM, Bound("b", Point("1/2"), sides, certify=exact, **EFFORT)], **KNOWN),
    claim("kf-open", [Symbolic("sym", lambda ctx: [fact("open", sp.Symbol("u") > 0)])], **KNOWN),
    claim("kf-uncertified", [SYM, Bound("b", Point(2), sides, **EFFORT)], **KNOWN),
    claim("kf-error", [Symbolic("sym", boom)], **KNOWN),
    claim("plain-pass", [SYM, Bound("b", Point("1/2"), sides, certify=exact, **EFFORT)]),
]
'''


@pytest.fixture
def toy(tmp_path):
    path = tmp_path / "known_false_claims.py"
    path.write_text(TOY)
    return path


def run(toy, tmp_path, *targets, formats="json,md,html,junit"):
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", *targets, "--claims", str(toy), "--no-cache", "--jobs", "1", "--budget", "quick",
                 "--out", str(tmp_path / "out"), "--format", formats], out=out, err=err)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    return code, report, out.getvalue(), tmp_path / "out"


def by_id(report):
    return {c["id"]: c for c in report["claims"]}


def test_a_certified_refutation_is_refuted_with_exit_0_in_every_report(toy, tmp_path):
    code, report, text, out = run(toy, tmp_path, "kf-refuted", "plain-pass")
    claim = by_id(report)["kf-refuted"]
    assert code == 0, text
    assert claim["verdict"] == "REFUTED" and claim["expect"] == "FAIL" and claim["refuted_by"] == "Toy 2026, Sec. 1"
    assert claim["reason"].startswith("refuted as expected (Toy 2026, Sec. 1): b: ")
    assert report["summary"] == {"PASS": 1, "REFUTED": 1}
    assert "1 REFUTED" in text and "NOT refuted" not in text
    if report_schema.available():
        assert report_schema.errors(report) == []
    md = (out / "report.md").read_text()
    assert "1 REFUTED" in md and "refuted by: Toy 2026, Sec. 1" in md and "## Needs attention" not in md
    html = (out / "report.html").read_text()
    assert 'class="REFUTED"' in html and "refuted by: Toy 2026, Sec. 1" in html
    suite = ET.fromstring((out / "report.junit.xml").read_text())
    case = next(c for c in suite.iter("testcase") if c.get("name").startswith("kf-refuted"))
    assert case.find("failure") is None and case.find("error") is None and case.find("skipped") is None
    props = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert props["verdict"] == "REFUTED" and props["refuted_by"] == "Toy 2026, Sec. 1"
    assert props["certified_checks"] == "b" and "c = 2" in props["witness.b"]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"


def test_an_unexpected_pass_is_red(toy, tmp_path):
    code, report, text, out = run(toy, tmp_path, "kf-passes")
    claim = by_id(report)["kf-passes"]
    assert code == 1
    assert claim["verdict"] == "PASS" and expect_outcome(claim) == "unexpected"
    assert claim["reason"].startswith("not refuted: the claim is known to be false (Toy 2026, Sec. 1), yet every")
    assert "PASS (expected REFUTED)" in text and "1 known-false claim NOT refuted" in text
    if report_schema.available():
        assert report_schema.errors(report) == []
    suite = ET.fromstring((out / "report.junit.xml").read_text())
    case = next(suite.iter("testcase"))
    assert case.find("failure").get("type") == "PASS (expected REFUTED)" and suite.get("failures") == "1"
    assert "PASS (expected REFUTED)" in (out / "report.md").read_text().split("## Claims")[0]  # needs attention
    assert 'class="UNEXPECTED"' in (out / "report.html").read_text()


@pytest.mark.parametrize("cid, verdict, code", [("kf-open", "INCONCLUSIVE", 1), ("kf-uncertified", "FAIL", 1),
                                                ("kf-error", "ERROR", 3)])
def test_a_refutation_that_stops_reproducing_is_red(toy, tmp_path, cid, verdict, code):
    got, report, text, out = run(toy, tmp_path, cid, formats="json,junit")
    claim = by_id(report)[cid]
    assert got == code and claim["verdict"] == verdict and expect_outcome(claim) == "unexpected", text
    assert claim["reason"].startswith("not refuted: ")
    if report_schema.available():
        assert report_schema.errors(report) == []
    case = next(ET.fromstring((out / "report.junit.xml").read_text()).iter("testcase"))
    assert case.find("error" if verdict == "ERROR" else "failure") is not None


def test_quiet_still_names_a_known_false_claim_not_refuted(toy, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", "kf-passes", "kf-refuted", "--claims", str(toy), "--no-cache", "--jobs", "1", "--quiet",
                 "--budget", "quick", "--out", str(tmp_path / "q"), "--format", "json"], out=out, err=err)
    assert code == 1 and "kf-passes" in out.getvalue() and "kf-refuted" not in out.getvalue()


def test_the_decision_rule():
    fail = Evidence("b", "bound", "numeric", Verdict.FAIL, certified=True, reason="excess 1")
    loose = Evidence("b", "bound", "numeric", Verdict.FAIL, certified=False, reason="excess 1")
    assert decide_known_false(decide([fail]), [fail], "S").verdict is Verdict.REFUTED
    assert decide_known_false(decide([loose]), [loose], "S").verdict is Verdict.FAIL
    assert verdict_label({"verdict": "REFUTED", "expect": "FAIL"}) == "REFUTED"
    assert verdict_label({"verdict": "PASS", "expect": "FAIL"}) == "PASS (expected REFUTED)"
    assert verdict_label({"verdict": "PASS"}) == "PASS"
    with pytest.raises(ValueError, match="refuted_by"):
        Claim(id="x", title="x", source="s", provenance="user", statement="s", hypotheses=[], checks=[], expect="FAIL")
    with pytest.raises(ValueError, match="expect"):
        Claim(id="x", title="x", source="s", provenance="user", statement="s", hypotheses=[], checks=[], expect="no")


def test_schema_rejects_refuted_without_expect():
    if not report_schema.available():
        pytest.skip(report_schema.MISSING)
    claim = {"id": "x", "title": "x", "source": "s", "provenance": "user", "statement": "s", "hypotheses": [],
             "verdict": "REFUTED", "reason": "r", "seconds": 0, "evidence": []}
    schema = report_schema.schema()
    import jsonschema

    wrapped = {k: v for k, v in schema.items() if k not in ("required", "properties", "type")}
    validator = jsonschema.Draft202012Validator({**wrapped, "$ref": "#/$defs/claim"})
    assert list(validator.iter_errors(claim))
    assert not list(validator.iter_errors(dict(claim, expect="FAIL", refuted_by="S")))


def test_the_pytest_plugin_passes_refuted_and_fails_the_rest(toy, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "proofcheck.pytest_plugin", "-q", "-p",
                           "no:cacheprovider", "--proofcheck", "--proofcheck-claims", toy.name, "-k",
                           "kf-refuted or kf-passes", "-rA", toy.name], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout and "kf-refuted" in proc.stdout
    assert "1 failed, 1 passed" in proc.stdout and "PASS (expected REFUTED) kf-passes" in proc.stdout
