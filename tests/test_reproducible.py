"""Reproducibility: the same seed and budget give a byte-identical report.json once the timing
fields (report.TIMING_KEYS) are left out, and every report records how to reproduce it."""
from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

from proofcheck.cli import main
from proofcheck import report as reporting
from proofcheck.report import TIMING_KEYS
from proofcheck.testing import strip_timing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "my_claims.py")


def run_json(argv) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    assert code in (0, 1), err.getvalue()
    out_dir = Path(argv[argv.index("--out") + 1])
    return (out_dir / "report.json").read_text()


def without_timing_lines(text: str) -> str:
    """The report text minus the lines of timing fields (JSON is written one key per line)."""
    return "\n".join(line for line in text.splitlines()
                     if not any(line.lstrip().startswith(f'"{key}":') for key in TIMING_KEYS))




def argv_for(seed: int, out: Path) -> list:
    # gd-rate (bound search, symbolic), and the example file: a hypothesis-driven search, a shrunk witness,
    # Monte Carlo-free exact probabilities and a selection.
    return ["run", "--claims", EXAMPLE, "gd-rate", "am-gm", "gm-below-hm", "birthday[n=[23,57]]",
            "--budget", "quick", "--seed", seed, "--out", out, "--format", "json", "--no-cache"]  # recompute


def test_same_seed_and_budget_give_byte_identical_reports(tmp_path, monkeypatch):
    # Other work may commit to this checkout between the two runs: read the git state once, for both.
    frozen = reporting.git_state(exclude=str(tmp_path))
    monkeypatch.setattr(reporting, "git_state", lambda exclude=None: dict(frozen))
    out = tmp_path / "r"
    first = run_json(argv_for(11, out))
    second = run_json(argv_for(11, out))
    assert without_timing_lines(first) == without_timing_lines(second)
    assert strip_timing(json.loads(first)) == strip_timing(json.loads(second))
    witnesses = [e["witness"] for c in json.loads(first)["claims"] for e in c["evidence"] if e["verdict"] == "FAIL"]
    assert witnesses and all(w is not None for w in witnesses)


def test_another_seed_gives_other_numbers(tmp_path):
    a = strip_timing(json.loads(run_json(argv_for(11, tmp_path / "a"))))
    b = strip_timing(json.loads(run_json(argv_for(12, tmp_path / "b"))))
    # The comparison above is not vacuous: the seed reaches the searches (the worst instances differ, even where the
    # worst margins are both 0, a bound attained with equality).
    worst = lambda r: [(e["worst_margin"], json.dumps(e["details"].get("worst_instance"), sort_keys=True))
                       for c in r["claims"] for e in c["evidence"] if e["kind"] == "bound"]
    assert worst(a) != worst(b)
    assert [c["verdict"] for c in a["claims"]] == [c["verdict"] for c in b["claims"]]


def test_the_report_records_how_to_reproduce_it(tmp_path):
    argv = [str(a) for a in argv_for(5, tmp_path)]
    head = lambda: subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    before = head()
    report = json.loads(run_json(argv))
    after = head()
    assert report["command"] == ["proofcheck", *argv]
    assert report["seed"] == 5 and report["budget"] == "quick" and report["complete"] is True
    versions = report["versions"]
    for lib in ("python", "numpy", "sympy", "mpmath", "scipy", "hypothesis"):
        assert versions.get(lib), lib
    if before.returncode == 0:  # (the shared checkout may get a commit during the run)
        assert report["git_revision"] in {before.stdout.strip(), after.stdout.strip()}
        assert isinstance(report["git_dirty"], bool)
    for claim in report["claims"]:
        for ev in claim["evidence"]:
            assert ev["backend"], (claim["id"], ev["check"])  # which arithmetic produced the deciding numbers
            if ev["basis"] == "numeric":
                assert isinstance(ev["dps"], int) and ev["dps"] >= 15, (claim["id"], ev["check"], ev["dps"])
    selected = next(c for c in report["claims"] if c["id"] == "birthday")
    assert selected["selection"] == {"n": [23, 57]}


def test_reports_are_readable_like_any_new_file(tmp_path):
    from proofcheck.report import atomic_write

    target = tmp_path / "report.md"
    atomic_write(target, "x\n")
    mask = os.umask(0)
    os.umask(mask)
    assert (target.stat().st_mode & 0o777) == (0o666 & ~mask)
