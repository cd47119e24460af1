"""Hardened input and output of the command line.

Every bad input gets exit 2 and exactly one line on stderr naming the bad value and the valid
choices, with no traceback; nothing is written, and a good report already in the output directory
stays byte-identical. Reports are written atomically: a failure while rendering or writing (disk
full, Ctrl-C) leaves the old files intact and no temporary files behind.
"""
from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from proofcheck import report as reporting
from proofcheck.cli import main
from proofcheck.progress import LiveProgress, summary
from proofcheck.runner import CheckTask
from proofcheck.registry import ClaimRef

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "my_claims.py")

SYNTAX_ERROR = "from proofcheck import Claim\nCLAIMS = [Claim(\n"
RAISES = "raise RuntimeError('boom at import')\n"
CRASHING = '''
import sympy as sp
from proofcheck import Claim, Symbolic, fact

x = sp.Symbol("x", positive=True)


def broken(ctx):
    return [fact("divides", 1 / 0 > x)]


CLAIMS = [
    Claim(id="crashes", title="a check that raises", source="test", provenance="user", statement="-",
          hypotheses=[], checks=[Symbolic("broken", broken)]),
    Claim(id="still-runs", title="runs after the crash", source="test", provenance="user", statement="x+1>0",
          hypotheses=[], checks=[Symbolic("fine", lambda ctx: [fact("positive", x + 1 > 0)])]),
]
'''
GOOD_JSON = '{"schema_version": 1, "claims": [], "note": "a good report from an earlier run"}\n'
GOOD_MD = "# proofcheck report\n\nan earlier, good report\n"


@pytest.fixture
def files(tmp_path):
    """User claim files (broken in various ways) and a file that blocks a directory path."""
    d = tmp_path / "claims"
    d.mkdir()
    (d / "syntax_error.py").write_text(SYNTAX_ERROR)
    (d / "raises.py").write_text(RAISES)
    (d / "crashing.py").write_text(CRASHING)
    (d / "a_file").write_text("not a directory")
    return d


@pytest.fixture
def out_dir(tmp_path):
    """An output directory holding a good report from an earlier run."""
    d = tmp_path / "reports"
    d.mkdir()
    (d / "report.json").write_text(GOOD_JSON)
    (d / "report.md").write_text(GOOD_MD)
    return d


def snapshot(directory: Path) -> dict:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


SPD_BAD_SYM = '{"Q": [[2.0, 1.0], [0.0, 2.0]], "x": [1.0, 1.0]}'
SPD_BAD_PD = '{"Q": [[1.0, 0.0], [0.0, -1.0]], "x": [1.0, 1.0]}'
REPLAY = ["run", "gd-rate", "--check", "per-step-contraction", "--instance"]

# (id, argv after the command's common options, substrings the one-line message must contain)
BAD_INPUTS = [
    ("unknown-claim", ["run", "no-such-claim"], ["'no-such-claim'", "valid claims:", "gd-rate"]),
    ("near-miss-claim", ["run", "gd-rat"], ["'gd-rat'", "did you mean gd-rate"]),
    ("unknown-format", ["run", "gd-rate", "--format", "json,xml"], ["xml", "valid formats:", "json", "md"]),
    ("unknown-budget", ["run", "gd-rate", "--budget", "huge"], ["'huge'", "quick, standard, deep"]),
    ("negative-seed", ["run", "gd-rate", "--seed", "-1"], ["--seed", "'-1'", "non-negative integer"]),
    ("non-integer-seed", ["run", "gd-rate", "--seed", "1.5"], ["--seed", "'1.5'", "non-negative integer"]),
    ("zero-jobs", ["run", "gd-rate", "--jobs", "0"], ["--jobs", "'0'", "positive integer"]),
    ("non-integer-jobs", ["run", "gd-rate", "--jobs", "two"], ["--jobs", "'two'", "integer"]),
    ("negative-jobs", ["all", "--jobs", "-3"], ["--jobs", "'-3'", "integer"]),
    ("nan-in-selection", ["run", "--claims", EXAMPLE, "birthday[n=nan]"], ["n=nan", "not a finite number"]),
    ("inf-in-selection", ["run", "--claims", EXAMPLE, "birthday[n=inf]"], ["n=inf", "not a finite number"]),
    ("minus-inf-in-list", ["run", "--claims", EXAMPLE, "birthday[n=[23,-inf]]"], ["n=-inf", "not a finite number"]),
    ("unknown-selection-key", ["run", "--claims", EXAMPLE, "birthday[m=23]"], ["'m'", "valid parameters: n"]),
    ("bad-selection-value", ["run", "--claims", EXAMPLE, "birthday[n=24]"],
     ["n=24", "valid values of n: 23, 30, 40, 57"]),
    ("selection-without-parameters", ["run", "gd-rate[d=3]"], ["'gd-rate'", "no selectable parameters"]),
    ("malformed-selection", ["run", "--claims", EXAMPLE, "birthday[n=23"], ["malformed", "birthday[n=23"]),
    ("missing-claim-file", ["run", "{files}/missing.py"], ["missing.py", "does not exist"]),
    ("claim-file-syntax-error", ["run", "{files}/syntax_error.py"], ["syntax_error.py", "syntax error", "line"]),
    ("claim-file-raises", ["run", "{files}/raises.py"], ["raises.py", "raised on import", "RuntimeError", "boom"]),
    ("missing-claim-module", ["run", "--claims", "no_such_pkg.claims", "gd-rate"], ["'no_such_pkg.claims'", "cannot import"]),
    ("instance-not-symmetric", [*REPLAY, SPD_BAD_SYM], ["instance rejected", "not symmetric"]),
    ("instance-not-positive-definite", [*REPLAY, SPD_BAD_PD], ["instance rejected", "not positive definite"]),
    ("instance-not-json", [*REPLAY, "{Q: 1}"], ["--instance", "not valid JSON"]),
    ("instance-nan", [*REPLAY, '{"Q": [[NaN]], "x": [1.0]}'], ["--instance", "non-finite", "nan"]),
    ("unknown-mutant", ["run", "gd-rate", "--mutant", "nope"], ["'nope'", "valid mutants:", "rate-1-minus-2-over-kappa"]),
    ("unknown-check", ["run", "gd-rate", "--check", "nope", "--instance", "{}"], ["'nope'", "valid checks:", "minimax-step"]),
    ("instance-without-check", ["run", "gd-rate", "--instance", '{"x": 1}'], ["--instance", "--check"]),
    ("unwritable-out-dir", ["run", "gd-rate", "--out", "{files}/a_file/sub"], ["a_file/sub", "not writable"]),
    ("unknown-command", ["frobnicate"], ["'frobnicate'", "invalid choice"]),
    ("selftest-unknown-claim", ["selftest", "no-such-claim"], ["'no-such-claim'", "'proofcheck list' shows the claims"]),
]


@pytest.mark.parametrize("argv, expected", [pytest.param(a, e, id=i) for i, a, e in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, expected, files, out_dir):
    argv = [a.replace("{files}", str(files)) for a in argv]
    if argv[0] in ("run", "all"):
        argv += [] if "--out" in argv else ["--out", str(out_dir)]
        argv += [] if "--budget" in argv else ["--budget", "quick"]
    before, claim_files = snapshot(out_dir), snapshot(files)
    code, out, err = run(argv)
    assert code == 2, (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("proofcheck: error: "), err
    for part in expected:
        assert part in lines[0], (part, lines[0])
    assert "Traceback" not in err and out == ""
    assert snapshot(out_dir) == before  # the good report is byte-identical, and nothing was added
    assert snapshot(files) == claim_files and not (files / "a_file").is_dir()


def test_there_are_at_least_fifteen_bad_inputs():
    assert len({i for i, _, _ in BAD_INPUTS}) == len(BAD_INPUTS) >= 15


@pytest.mark.parametrize("argv", [
    ["run", "gd-rat"],
    ["run", "gd-rate", "--seed", "-1"],
    ["run", "{files}/syntax_error.py"],
    ["run", "{files}/raises.py"],
], ids=["unknown-claim", "negative-seed", "syntax-error", "raises-on-import"])
def test_no_traceback_from_the_real_command(argv, files, out_dir):
    """The same guarantees through a real ``python -m proofcheck`` process."""
    argv = [a.replace("{files}", str(files)) for a in argv] + ["--out", str(out_dir)]
    before = snapshot(out_dir)
    proc = subprocess.run([sys.executable, "-m", "proofcheck", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == "" and snapshot(out_dir) == before


def test_a_crashing_user_check_is_an_error_and_the_others_still_run(files, out_dir):
    code, out, err = run(["run", files / "crashing.py", "--budget", "quick", "--out", out_dir])
    assert code == 3, (out, err)
    report = json.loads((out_dir / "report.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in report["claims"]}
    assert verdicts == {"crashes": "ERROR", "still-runs": "INCONCLUSIVE"}  # symbolic only: no numeric evidence
    broken = report["claims"][0]["evidence"][0]
    assert "ZeroDivisionError" in broken["reason"] and "Traceback" in broken["details"]["traceback"]
    assert "ERROR" in out and "Traceback" not in err


def _assert_intact(out_dir: Path, before: dict) -> None:
    assert snapshot(out_dir) == before
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]


def test_disk_full_while_writing_is_one_line_exit_2_and_keeps_the_old_report(out_dir, monkeypatch):
    """Simulate a full disk: the data reaches the temporary file, then fsync fails with ENOSPC."""
    before = snapshot(out_dir)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", out_dir])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "No space left on device" in err and str(out_dir) in err
    _assert_intact(out_dir, before)


def test_failing_atomic_writer_is_one_line_exit_2(out_dir, monkeypatch):
    before = snapshot(out_dir)

    def full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(reporting, "_stage", full)
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", out_dir, "--format", "json,md"])
    assert code == 2 and err.startswith("proofcheck: error: cannot write reports") and err.count("\n") == 1
    _assert_intact(out_dir, before)


def test_a_renderer_that_raises_loses_no_record_and_leaves_no_stale_file(out_dir, monkeypatch):
    """A renderer bug costs only its own format: the run's record (report.json) and the other formats land as a set,
    and the broken format's file from an earlier run is removed rather than left stale beside the new set."""
    (out_dir / "report.boom").write_text("an earlier run's report")

    def boom(report):
        raise RuntimeError("renderer crashed")

    monkeypatch.setitem(reporting.WRITERS, "boom", ("report.boom", boom))
    report = {"schema_version": 2, "seed": 0, "budget": "quick", "complete": True, "versions": {}, "git_revision": None,
              "git_dirty": None, "command": [], "claims": []}
    with pytest.raises(reporting.RenderError, match="renderer crashed"):
        reporting.write_reports(report, str(out_dir), ["json", "md", "boom"])
    assert json.loads((out_dir / "report.json").read_text())["budget"] == "quick"
    assert (out_dir / "report.md").is_file() and not (out_dir / "report.boom").exists()
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".")]  # no temporary file left


class _HalfThenInterrupt(io.StringIO):
    """A file object that writes half of what it is given, then 'receives' Ctrl-C."""

    def __init__(self, real):
        super().__init__()
        self.real = real

    def write(self, text):
        self.real.write(text[: len(text) // 2])
        self.real.flush()
        raise KeyboardInterrupt

    def fileno(self):
        return self.real.fileno()

    def __exit__(self, *exc):
        self.real.close()
        return False


def test_ctrl_c_in_the_middle_of_a_write_leaves_the_old_file(out_dir, monkeypatch):
    before = snapshot(out_dir)
    real_fdopen = os.fdopen
    monkeypatch.setattr(reporting.os, "fdopen", lambda fd, *a, **k: _HalfThenInterrupt(real_fdopen(fd, *a, **k)))
    with pytest.raises(KeyboardInterrupt):
        reporting.atomic_write(out_dir / "report.json", GOOD_JSON.replace("good", "new") * 100)
    _assert_intact(out_dir, before)


def test_output_is_quiet_when_piped_and_verbose_on_request(tmp_path):
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", tmp_path])
    assert code == 0 and err == ""  # not a terminal: no live display
    assert out.splitlines()[0].startswith("PASS") and "summary: 1 claim: 1 PASS, 0 FAIL" in out
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", tmp_path, "--quiet"])
    assert code == 0 and out == "" and err == ""
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", tmp_path, "--verbose"])
    checks = [line for line in out.splitlines() if line.startswith("  gd-rate/")]  # with the output when piped
    assert err == "" and sorted(line.split(":")[0].strip() for line in checks) == [  # in completion order
        "gd-rate/exact-count-extreme-start", "gd-rate/minimax-step", "gd-rate/per-step-contraction"]
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", tmp_path, "--verbose", "--no-cache"])
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", tmp_path, "--verbose"])
    assert all("(cached, computed in " in line for line in out.splitlines() if line.startswith("  gd-rate/"))


def test_live_progress_on_a_terminal_shows_each_claim_and_the_tally(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # a wide terminal, so that the tally is not cut
    refs = [ClaimRef("lemmas.adam", "alpha"), ClaimRef("lemmas.adam", "beta", "weaker")]
    tasks = [CheckTask(refs[0], "sym", 0, "quick"), CheckTask(refs[0], "num", 0, "quick"),
             CheckTask(refs[1], "num", 0, "quick")]
    ev = lambda v, basis: {"check": "c", "kind": "bound", "basis": basis, "verdict": v, "seconds": 0.0}
    screen = io.StringIO()
    with LiveProgress(tasks, screen, enabled=True) as live:
        live.progress_for(tasks[0])(0.5, "searching")
        live.on_done(tasks[0], ev("PASS", "symbolic"))
        assert live.tally()["running"] == 2
        live.on_done(tasks[1], ev("PASS", "numeric"))
        live.on_done(tasks[2], ev("FAIL", "numeric"))
    text = screen.getvalue()
    assert "alpha" in text and "beta (mutant weaker)" in text
    assert live.tally() == {"PASS": 1, "FAIL": 1, "ERROR": 0, "INCONCLUSIVE": 0, "running": 0}
    assert "claims: PASS 1 FAIL 1 ERROR 0 INCONCLUSIVE 0 running 0" in text and "all claims" in text
    assert "2/2" in text  # the tally row counts claims (2 of 2 done), not checks (3)
    screen = io.StringIO()
    with LiveProgress(tasks, screen, enabled=True, unit="checks") as live:  # --tally checks
        live.on_done(tasks[0], ev("PASS", "symbolic"))
        assert live.tally_text() == "checks: PASS 1 FAIL 0 ERROR 0 INCONCLUSIVE 0 to do 2"
    piped = io.StringIO()
    with LiveProgress(tasks, piped) as quiet:  # a StringIO is not a terminal
        quiet.on_done(tasks[2], ev("FAIL", "numeric"))
        assert quiet.progress_for(tasks[0]) is None
    assert piped.getvalue() == "" and quiet.tally()["FAIL"] == 1


def test_summary_table_on_a_terminal(tmp_path):
    from proofcheck.testing import run_claim
    import lemmas.adam.f1_gd_rate as f1

    result = run_claim(f1.MUTANTS["gd-rate"]["rate-1-minus-2-over-kappa"](), mutant="rate-1-minus-2-over-kappa")
    screen = io.StringIO()
    summary([result], screen, rich=True)
    text = screen.getvalue()
    assert "proofcheck summary" in text and "FAIL" in text and "reproduce gd-rate: python -m proofcheck run" in text
    assert text.rstrip().endswith("summary: 1 claim: 0 PASS, 1 FAIL, 0 ERROR, 0 INCONCLUSIVE")


INTERRUPTED = '''
import os
import signal
import time

import sympy as sp
from proofcheck import Claim, Symbolic, fact

x = sp.Symbol("x", positive=True)


def ctrl_c(ctx):
    os.kill({parent}, signal.SIGINT)  # the user's Ctrl-C reaches the proofcheck process
    time.sleep(5)
    return [fact("positive", x + 1 > 0)]


CLAIMS = [
    Claim(id="finishes", title="finishes", source="test", provenance="user", statement="x+1>0", hypotheses=[],
          checks=[Symbolic("fine", lambda ctx: [fact("positive", x + 1 > 0)])]),
    Claim(id="interrupted", title="Ctrl-C", source="test", provenance="user", statement="-", hypotheses=[],
          checks=[Symbolic("ctrl-c", ctrl_c)]),
]
'''


def test_ctrl_c_during_the_run_keeps_what_finished_and_marks_the_report_incomplete(tmp_path):
    (tmp_path / "interrupted.py").write_text(INTERRUPTED.replace("{parent}", str(os.getpid())))
    code, out, err = run(["run", tmp_path / "interrupted.py", "--jobs", "1", "--budget", "quick", "--out",
                          tmp_path / "r"])
    assert code == 130 and "interrupted" in err and "Traceback" not in err
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["complete"] is False and [c["id"] for c in report["claims"]] == ["finishes"]


def test_ctrl_c_while_writing_reports_exits_130_and_keeps_the_old_report(out_dir, monkeypatch):
    before = snapshot(out_dir)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reporting, "write_reports", interrupted)
    code, out, err = run(["run", "gd-rate", "--budget", "quick", "--out", out_dir])
    assert code == 130 and err == "proofcheck: interrupted\n"
    _assert_intact(out_dir, before)
