"""The pytest plugin: ``pytest --proofcheck`` runs claims as test items; without the flag it is inert.

Each case runs pytest in a subprocess, in a scratch directory with a tiny user claim file, loading
the plugin with ``-p proofcheck.pytest_plugin`` (what the installed ``pytest11`` entry point does).
"""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TINY = '''
import mpmath
import sympy as sp
from proofcheck import Bound, Claim, Space, Symbolic, fact

t = sp.Symbol("t", positive=True)


class Unit(Space):
    def sample(self, rng):
        return {"t": float(rng.uniform(0, 1))}

    def perturb(self, inst, rng, scale):
        return {"t": min(max(inst["t"] + scale * float(rng.standard_normal()), 0.0), 1.0)}

    def shrink(self, inst):
        if inst["t"] != 1.0:
            yield {"t": 1.0}


def below(c):
    return lambda inst, dps: ((inst["t"] if dps is None else mpmath.mpf(inst["t"])) ** 2,
                              c * (inst["t"] if dps is None else mpmath.mpf(inst["t"])) + 1e-300)


def claim(cid, c, numeric=True):
    checks = [Symbolic("sym", lambda ctx: [fact("t > 0", t > 0)])]
    if numeric:
        checks.append(Bound("square-below", Unit(), below(c), random=(50, 50, 50), climbs=(1, 1, 1),
                            climb_steps=(5, 5, 5), hypothesis_examples=(0, 0, 0)))
    return Claim(id=cid, title=cid, source="tiny", provenance="user", statement="t^2 <= c t", hypotheses=[],
                 checks=checks)


CLAIMS = [claim("tiny-true", 1.0), claim("tiny-false", 0.5), claim("tiny-open", 1.0, numeric=False)]
MUTANTS = {"tiny-true": {"c-halved": lambda: claim("tiny-true", 0.5)}}
'''

PLAIN = '''
import os
from hypothesis import settings


def test_plain():
    assert 1 + 1 == 2


def test_profile_follows_the_budget():
    assert settings.default.max_examples == int(os.environ.get("EXPECT_EXAMPLES", settings.default.max_examples))
'''


@pytest.fixture
def scratch(tmp_path):
    (tmp_path / "tiny_claims.py").write_text(TINY)
    (tmp_path / "test_plain.py").write_text(PLAIN)
    return tmp_path


def pytest_run(scratch: Path, *args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run pytest in ``scratch``; return the process and {test name: (outcome, message)} from its JUnit XML."""
    xml = scratch / "junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "proofcheck.pytest_plugin", "-p", "no:cacheprovider",
                           "-q", f"--junitxml={xml}", *args], cwd=scratch, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    outcomes = {}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            kinds = [child for child in case if child.tag in ("failure", "error", "skipped")]
            outcome = kinds[0].tag if kinds else "passed"
            outcomes[case.get("name")] = (outcome, kinds[0].get("message", "") if kinds else "")
    return proc, outcomes


def test_without_the_flag_nothing_changes(scratch):
    proc, outcomes = pytest_run(scratch)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(outcomes) == {"test_plain", "test_profile_follows_the_budget"}
    assert "proofcheck" not in proc.stdout


def test_claims_become_test_items(scratch):
    proc, outcomes = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "tiny_claims.py",
                                "--proofcheck-mutants", "-k", "tiny")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # tiny-false fails the session
    assert outcomes["tiny-true"] == ("passed", "")
    assert outcomes["tiny-true[c-halved]"] == ("passed", "")  # the mutant was detected (FAIL)
    assert outcomes["tiny-open"][0] == "skipped" and "INCONCLUSIVE" in outcomes["tiny-open"][1]
    outcome, message = outcomes["tiny-false"]
    assert outcome == "failure"
    expected = "python -m proofcheck run --claims tiny_claims.py tiny-false --check square-below --instance '{\"t\":1.0}'"
    line = "FAIL tiny-false at the quick budget (seed 0): square-below: "
    assert message.startswith(line) and message.endswith(f"reproduce: {expected}")  # the verdict line, then how to replay
    assert line in proc.stdout and expected in proc.stdout
    assert "tiny_claims.py::tiny-false" in proc.stdout  # located at the claim's module, not at the plugin
    assert "INCONCLUSIVE tiny-open at the quick budget" in outcomes["tiny-open"][1]


def test_claims_are_collected_the_normal_way(scratch):
    proc, _ = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "tiny_claims.py", "--co", "tiny_claims.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [x for x in proc.stdout.splitlines() if "::" in x] == [
        "tiny_claims.py::tiny-true", "tiny_claims.py::tiny-false", "tiny_claims.py::tiny-open"]
    proc, outcomes = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "tiny_claims.py", "-k", "false or open",
                                "-x", "-rs", "tiny_claims.py")
    assert "1 failed, 1 deselected" in proc.stdout and list(outcomes) == ["tiny-false"]  # -x stopped before tiny-open
    proc, _ = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "tiny_claims.py", "-rs", "tiny_claims.py")
    assert "SKIPPED [1] tiny_claims.py:" in proc.stdout and "pytest_plugin.py" not in proc.stdout
    proc, outcomes = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "tiny_claims.py",
                                "tiny_claims.py::tiny-open", "test_plain.py::test_plain")  # node ids select
    assert sorted(outcomes) == ["test_plain", "tiny-open"], proc.stdout
    xml = scratch / "lf.xml"
    for _ in range(2):  # the second run, with --lf, reruns only the failure
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "proofcheck.pytest_plugin", "-q", "--lf",
                               f"--junitxml={xml}", "--proofcheck", "--proofcheck-claims", "tiny_claims.py",
                               "tiny_claims.py"], cwd=scratch, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert [c.get("name") for c in ET.parse(xml).getroot().iter("testcase")] == ["tiny-false"], proc.stdout


def test_the_hypothesis_profile_follows_the_budget(scratch):
    proc, outcomes = pytest_run(scratch, "--proofcheck", "--proofcheck-budget", "standard", "--proofcheck-claims",
                                "tiny_claims.py", "-k", "profile", env={"EXPECT_EXAMPLES": "200"})
    assert proc.returncode == 0 and outcomes == {"test_profile_follows_the_budget": ("passed", "")}, proc.stdout


def test_bad_plugin_options_are_usage_errors(scratch):
    proc, _ = pytest_run(scratch, "--proofcheck", "--proofcheck-claims", "missing.py")
    assert proc.returncode == 4 and "missing.py" in proc.stderr and "does not exist" in proc.stderr
    proc, _ = pytest_run(scratch, "--proofcheck", "--proofcheck-budget", "huge")
    assert proc.returncode == 4 and "huge" in proc.stderr
