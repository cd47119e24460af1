"""JUnit XML reports (--format junit) and GitHub Actions annotations."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from proofcheck.cli import main
from proofcheck.junit_report import annotations, annotations_wanted, render

TOY = '''
import mpmath
import numpy as np
import sympy as sp
from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, fact

t = sp.Symbol("t", positive=True)


class Unit(Space):
    def sample(self, rng):
        return {"t": float(rng.uniform(0, 1))}

    def perturb(self, inst, rng, scale):
        return {"t": float(np.clip(inst["t"] + scale * rng.standard_normal(), 0, 1))}

    def shrink(self, inst):
        for v in (1.0, 0.5, round(inst["t"], 1)):
            if v != inst["t"]:
                yield {"t": v}

    def validate(self, inst):
        if not 0 <= inst.get("t", -1) <= 1:
            raise InvalidInstance("t must lie in [0, 1]")


def below(c):
    return lambda inst, dps: ((inst["t"] if dps is None else mpmath.mpf(inst["t"])) ** 2,
                              c * (inst["t"] if dps is None else mpmath.mpf(inst["t"])) + mpmath.mpf(10) ** -300)


def claim(cid, checks):
    return Claim(id=cid, title=cid, source="toy", provenance="user", statement="t^2 <= c t", hypotheses=[], checks=checks)


def boom(ctx):
    raise ValueError("claim code crashed")


SYM = Symbolic("sym", lambda ctx: [fact("t > 0", t > 0)])
CLAIMS = [
    claim("toy-pass", [SYM, Bound("b", Unit(), below(1.0))]),
    claim("toy-fail", [SYM, Bound("b", Unit(), below(0.5))]),
    claim("toy-error", [Symbolic("sym", boom)]),
    claim("toy-open", [SYM]),
]
'''


@pytest.fixture(scope="module")
def toy_report(tmp_path_factory):
    d = tmp_path_factory.mktemp("junit")
    (d / "toy.py").write_text(TOY)
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", str(d / "toy.py"), "--budget", "quick", "--out", str(d), "--format", "json,junit"], out, err)
    return code, d, out.getvalue()


def test_one_testcase_per_claim_with_verdicts_mapped(toy_report):
    code, d, _ = toy_report
    assert code == 1  # a FAIL outranks an ERROR (issue 11: a FAIL is never lost)
    root = ET.parse(d / "report.junit.xml").getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "1", "1")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["seed"] == "0" and props["budget"] == "quick" and "run" in props["command"]
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == ["toy-pass", "toy-fail", "toy-error", "toy-open"]
    assert [child.tag for child in cases["toy-pass"]] == ["system-out"]
    failure = cases["toy-fail"].find("failure")
    assert "reproduce: python -m proofcheck run --claims" in failure.get("message")
    assert "toy-fail --check b --instance '{\"t\":1.0}'" in failure.get("message")
    assert "witness" in failure.text
    error = cases["toy-error"].find("error")
    assert "ValueError" in error.get("message") and "Traceback" in error.text
    skipped = cases["toy-open"].find("skipped")
    assert "no numeric evidence" in skipped.get("message")
    for case in cases.values():
        assert case.get("classname") == "proofcheck" and float(case.get("time")) >= 0


def test_annotations_only_on_github_or_with_the_flag(toy_report, monkeypatch, tmp_path):
    _, d, plain_out = toy_report
    assert "::error" not in plain_out or annotations_wanted()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, err = io.StringIO(), io.StringIO()
    main(["run", str(d / "toy.py"), "--budget", "quick", "--out", str(tmp_path), "--quiet"], out, err)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("::")]
    assert len(lines) == 1 and lines[0].startswith("::error title=proofcheck toy-fail::FAIL toy-fail at the quick budget")
    assert "; reproduce: python -m proofcheck run" in lines[0]
    monkeypatch.delenv("GITHUB_ACTIONS")
    out = io.StringIO()
    main(["run", str(d / "toy.py"), "--budget", "quick", "--out", str(tmp_path), "--quiet"], out, io.StringIO())
    assert "::error" not in out.getvalue()
    out = io.StringIO()
    main(["run", str(d / "toy.py"), "--budget", "quick", "--out", str(tmp_path), "--quiet", "--annotations"], out,
         io.StringIO())
    assert "\n::error title=proofcheck toy-fail::" in out.getvalue()


def test_annotation_and_xml_escaping():
    report = {"seed": 0, "budget": "quick", "complete": True, "git_revision": None, "git_dirty": None,
              "command": ["proofcheck"], "claims": [{
                  "id": "odd:id,1", "title": "<&>", "source": "s", "provenance": "user", "verdict": "FAIL",
                  "reason": "100% wrong\nsecond line", "seconds": 0.5, "evidence": [{
                      "check": "c", "kind": "bound", "basis": "numeric", "verdict": "FAIL", "instances": 1,
                      "worst_margin": 1.0, "dps": 100, "backend": "mpmath", "reason": "100% x < y & z\nsecond line",
                      "witness": {"q": "<tag>"}, "reproducer": "python -m proofcheck run odd --instance '{\"a\":1}'",
                      "details": {}}]}]}
    (line,) = annotations(report)
    assert line == ("::error title=proofcheck odd%3Aid%2C1::FAIL odd:id,1 at the quick budget (seed 0): "
                    "c: 100%25 x < y & z second line; reproduce: "  # a verdict line is one line
                    "python -m proofcheck run odd --instance '{\"a\":1}'")
    root = ET.fromstring(render(report))  # well-formed despite <, & and quotes
    case = root.find("testsuite/testcase")
    assert case.get("name") == "odd:id,1" and "<tag>" in case.find("failure").text
    assert annotations_wanted(environ={"GITHUB_ACTIONS": "true"}) and not annotations_wanted(environ={})
