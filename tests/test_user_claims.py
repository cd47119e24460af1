"""User claims (examples/my_claims.py): loaded from a file or module with the public API, run
alongside or instead of the built-in claims, narrowed by the selection syntax."""
from __future__ import annotations

import io
import json
import math
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from proofcheck import Verdict
from proofcheck.cli import main
from proofcheck.errors import UsageError
from proofcheck.registry import Registry
from proofcheck.selection import narrow, parse, parse_body, split_target
from proofcheck.testing import run_claim

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "my_claims.py")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    """The README command, in a real process: every claim of the example file at the quick budget."""
    out = tmp_path_factory.mktemp("example")
    proc = subprocess.run([sys.executable, "-m", "proofcheck", "run", "examples/my_claims.py", "--budget", "quick",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return proc, json.loads((out / "report.json").read_text())


def test_example_file_true_claims_pass_and_the_false_one_fails(example_run):
    proc, report = example_run
    assert proc.returncode == 1, proc.stderr  # one FAIL
    verdicts = {c["id"]: c["verdict"] for c in report["claims"]}
    assert verdicts == {"am-gm": "PASS", "gm-below-hm": "FAIL", "birthday": "PASS"}
    assert all(c["provenance"] == "user" for c in report["claims"])


def test_the_false_claims_witness_is_a_real_counterexample_and_replays(example_run, tmp_path):
    _, report = example_run
    ev = next(c for c in report["claims"] if c["id"] == "gm-below-hm")["evidence"][0]
    x, y = ev["witness"]["x"], ev["witness"]["y"]
    assert math.sqrt(x * y) > 2 * x * y / (x + y)  # the geometric mean really exceeds the harmonic mean
    assert ev["dps"] == 100 and ev["worst_margin"] > 0
    argv = shlex.split(ev["reproducer"])
    assert argv[:5] == ["python", "-m", "proofcheck", "run", "--claims"]
    code, out, _ = run(argv[3:] + ["--budget", "quick", "--out", tmp_path])
    assert code == 1 and out.startswith("FAIL")


def test_the_bound_search_uses_the_users_hypothesis_strategy(monkeypatch):
    reg = Registry()
    reg.add_origin(EXAMPLE)
    claim = reg.get("am-gm")
    bound = claim.checks[1]
    drawn = []
    original = bound.space.strategy
    monkeypatch.setattr(bound.space, "strategy", lambda: original().map(lambda inst: drawn.append(inst) or inst))
    result = run_claim(claim, budget="quick")
    assert result.verdict is Verdict.PASS, result.reason
    assert len(drawn) >= 10
    assert all(1e-3 <= inst["x"] <= 1e3 and 1e-3 <= inst["y"] <= 1e3 for inst in drawn)
    assert result.evidence[1].instances >= 300 + len(drawn)  # random restarts + hill climbing + hypothesis


def test_user_claims_run_alongside_builtin_ones(tmp_path):
    code, out, err = run(["run", "gd-rate", EXAMPLE, "--budget", "quick", "--out", tmp_path, "--format", "json"])
    assert code == 1, err
    ids = [c["id"] for c in json.loads((tmp_path / "report.json").read_text())["claims"]]
    assert ids == ["gd-rate", "am-gm", "gm-below-hm", "birthday"]


def test_selection_narrows_the_grid_and_is_recorded(tmp_path):
    code, out, err = run(["run", "--claims", EXAMPLE, "birthday[n=[57,2.3e1]]", "--budget", "quick", "--out", tmp_path])
    assert code == 0, err
    claim = json.loads((tmp_path / "report.json").read_text())["claims"][0]
    assert claim["selection"] == {"n": [57, 23]}  # normalised to the claim's own values
    cases = claim["evidence"][1]["details"]["cases"]
    assert [c["case"]["n"] for c in cases] == [23, 57]
    code, _, _ = run(["run", "--claims", EXAMPLE, "birthday", "--budget", "quick", "--out", tmp_path])
    cases = json.loads((tmp_path / "report.json").read_text())["claims"][0]["evidence"][1]["details"]["cases"]
    assert [c["case"]["n"] for c in cases] == [23, 30, 40, 57]


def test_a_mutant_of_a_user_claim_fails(tmp_path):
    code, out, err = run(["run", "--claims", EXAMPLE, "birthday", "--mutant", "n-22", "--budget", "quick",
                          "--out", tmp_path])
    assert code == 1 and out.startswith("FAIL"), (out, err)
    evidence = json.loads((tmp_path / "report.json").read_text())["claims"][0]["evidence"]
    assert [e["verdict"] for e in evidence] == ["FAIL", "FAIL"]
    worst = evidence[1]["details"]["worst_case"]
    assert worst["case"] == {"n": 22} and worst["exact"] < 0.5


def test_claims_load_from_a_module_name(tmp_path, monkeypatch):
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "claims.py").write_text(Path(EXAMPLE).read_text())
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = run(["run", "--claims", "mypkg.claims", "am-gm", "--budget", "quick", "--out", tmp_path / "r"])
    assert code == 0 and out.startswith("PASS"), err


@pytest.mark.parametrize("text, expected", [
    ("d=64,kappa=1e4", {"d": [64], "kappa": [10000.0]}),
    ("d=[2, 4],spectrum=outlier", {"d": [2, 4], "spectrum": ["outlier"]}),
    ("kappa=[1e3,1e+6]", {"kappa": [1000.0, 1e6]}),
])
def test_selection_parser(text, expected):
    assert parse_body(text) == expected


@pytest.mark.parametrize("text", ["d=nan", "d=[1,inf]", "d=", "d", "=3", "d=1,d=2", "d=[]", "d=[1,[2]"])
def test_selection_parser_rejects(text):
    with pytest.raises(UsageError):
        parse_body(text)


def test_selection_validation_and_narrowing():
    class Fake:
        id = "fake"
        parameters = {"d": [2, 4, 8], "kappa": [1e2, 1e4], "free": None}

    assert split_target("fake") == ("fake", None)
    assert parse("fake[d=4,kappa=10000,free=0.5]", Fake) == {"d": [4], "kappa": [1e4], "free": [0.5]}
    for bad, words in [("fake[d=3]", "valid values of d: 2, 4, 8"), ("fake[e=3]", "valid parameters: d, kappa, free"),
                       ("fake[free=abc]", "finite number")]:
        with pytest.raises(UsageError, match=words):
            parse(bad, Fake)
    assert narrow([2, 4, 8], {"d": [4, 8]}, "d") == [4, 8] and narrow([2, 4], {}, "d") == [2, 4]


def readme_example() -> str:
    """The python block of the README's "Your own claims" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Your own claims", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_runs_and_its_mutant_is_detected(tmp_path):
    (tmp_path / "my_claims.py").write_text(readme_example())
    proc = subprocess.run([sys.executable, "-m", "proofcheck", "run", "my_claims.py", "--budget", "quick", "--out",
                           str(tmp_path / "reports")], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0 and proc.stdout.startswith("PASS"), proc.stdout + proc.stderr
    code, out, err = run(["selftest", "--claims", tmp_path / "my_claims.py", "am-gm"])
    assert code == 0 and "1/1 mutants detected (100%)" in out, out + err


def test_show_lists_the_selectable_parameters():
    code, out, err = run(["show", "--claims", EXAMPLE, "birthday"])
    assert code == 0, err
    assert "parameters (narrow with 'birthday[key=value,...]'):\n  - n: 23, 30, 40, 57\n" in out
    assert "mutants (false variants that must FAIL): n-22" in out


def test_selection_values_may_be_strings_with_parentheses():
    class Fake:
        id = "fake"
        parameters = {"method": ["adam(beta2=1)", "gd"]}

    assert parse("fake[method=[adam(beta2=1),gd]]", Fake) == {"method": ["adam(beta2=1)", "gd"]}
