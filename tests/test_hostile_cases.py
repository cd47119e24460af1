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


    class Shrinks(Unit):
        def shrink(self, inst):
            return [{"x": 1.0}]  # where the sides raise (simpler than any witness, so the shrinker tries it)


    def violated_but_raises_at_the_shrunk_point(inst, dps):
        if inst["x"] == 1.0:
            raise ValueError("raised while shrinking")
        if dps is None:
            return inst["x"], 0.05
        return mpmath.mpf(inst["x"]), mpmath.mpf(1) / 20  # violated everywhere: a confirmed FAIL


    a = sp.Symbol("a", positive=True)


    def claim(cid, sides):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=[Symbolic("sym", lambda ctx: [fact("a^2 >= 0", a**2 >= 0)]), Bound("num", Unit(), sides)])


    CLAIMS = [claim("domain-error", domain_error), claim("high-precision-raises", only_at_high_precision),
              claim("outside-marked", outside_above_one), claim("all-outside", everywhere_outside),
              claim("fails-then-raises", violated_but_raises_at_the_shrunk_point)]
    CLAIMS[-1].checks[-1].space = Shrinks()
''')


def test_claim_code_that_raises_arithmetic_errors_is_an_error_naming_the_instance(tmp_path):
    """A Bound whose sides raise ValueError at every point was INCONCLUSIVE, exit 0; one that raises only at high
    precision too. Both are ERRORs naming the instance and the exception; InvalidInstance marks a point outside the
    domain (skipped, and a claim with no point inside is INCONCLUSIVE, not PASS); a confirmed FAIL whose shrinking
    meets a point where the sides raise stays a FAIL and says so."""
    path = tmp_path / "raising.py"
    path.write_text(RAISING)
    code, stdout, err = run("run", path, "--budget", "quick", "--jobs", "1", "--no-cache", "--out", tmp_path / "r",
                            "--format", "json")
    assert code == 1, (stdout, err)  # the FAIL is never hidden by the ERRORs beside it
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    got = {c["id"]: c["verdict"] for c in report["claims"]}
    assert got == {"domain-error": "ERROR", "high-precision-raises": "ERROR", "outside-marked": "PASS",
                   "all-outside": "INCONCLUSIVE", "fails-then-raises": "FAIL"}, got
    assert "raised while shrinking" in evidence_of(report, "fails-then-raises", "num")["details"]["claim_code_raised"][0]
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


# -- 2. every report validates against the published schema -------------------------------------------

def test_every_report_json_of_a_quick_run_of_all_follows_the_schema(tmp_path):
    """18 of 46 reports written by `all` failed report.schema.json (basis "symbolic+numeric" not in its enum,
    details.spot_checks typed integer but written as a list), the committed reference among them. This runs claims at
    the quick budget (--format json draws no plot) and validates every JSON file it writes, the report with its side file attached too, and the committed reference.
    Three claims stand for the twelve (tests/test_report_schema.py covers every check kind): a sweep (whose per-cell
    data goes to the side file), an identity decided symbolic+numeric, and a probability with a bound."""
    from proofcheck import report_schema
    from proofcheck.sidecar import attach

    if not report_schema.available():
        pytest.skip(report_schema.MISSING)
    out = tmp_path / "all"
    code, stdout, err = run("run", "adam-general", "pseudo-linear", "anti-concentration", "--budget", "quick",
                            "--jobs", "2", "--no-cache", "--format", "json", "--out", out)
    assert code == 0, (stdout, err)
    written = sorted(out.glob("*.json"))
    assert {p.name for p in written} >= {"report.json", "report.cells.json"}
    for path in written:
        json.loads(path.read_text(encoding="utf-8"))  # standard JSON, every file
    for folder in (out, ROOT / "reference"):
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert report_schema.errors(report) == [], folder
        assert report_schema.errors(attach(report, folder)) == [], folder
    kinds = {(e["kind"], e["basis"]) for c in report["claims"] for e in c["evidence"]}
    assert ("identity", "symbolic+numeric") in kinds


# -- 3. workers own their process groups --------------------------------------------------------------

FORKING = textwrap.dedent('''
    import os
    import subprocess
    import sys
    import time

    from proofcheck import Check, Claim, Verdict

    PIDS = os.environ["PROOFCHECK_TEST_PIDS"]  # each stray's pid is appended here, for the test to look for


    def note(pid):
        with open(PIDS, "a") as handle:
            handle.write(f"{pid}\\n")


    def start_sleep():
        note(subprocess.Popen(["sleep", "300"]).pid)


    def fork_a_copy():
        pid = os.fork()
        if pid == 0:  # the copy of the worker: holds its pipes, and starts a grandchild of its own
            note(subprocess.Popen(["sleep", "301"]).pid)
            time.sleep(300)
            os._exit(0)
        note(pid)
        time.sleep(0.3)  # the copy has started its grandchild


    def start_and_hang():
        start_sleep()
        while True:
            time.sleep(0.05)


    class Act(Check):
        kind = "bound"

        def __init__(self, name, action, basis="numeric"):
            super().__init__(name)
            self.action, self.basis = action, basis

        def evaluate(self, ctx):
            self.action()
            return self.evidence(Verdict.PASS, instances=1, worst_margin=-1.0, reason="acted")


    def claim(cid, action):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=[Act("sym", lambda: None, basis="symbolic"), Act("num", action)])


    CLAIMS = [claim("starts-sleep", start_sleep), claim("forks", fork_a_copy), claim("hangs", start_and_hang)]
    CLAIMS[2].checks[-1].time_limit = 1.5
''')


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _strays_setup(tmp_path, monkeypatch):
    path = tmp_path / "forking.py"
    path.write_text(FORKING)
    pids = tmp_path / "pids"
    pids.write_text("")
    monkeypatch.setenv("PROOFCHECK_TEST_PIDS", str(pids))
    return path, pids


def _noted(pids: Path) -> list[int]:
    return [int(line) for line in pids.read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_strays_of_a_check_are_ended_and_proofcheck_returns_with_its_pipes_closed(tmp_path, monkeypatch):
    """A check that starts `sleep 300`, or os.fork()s a copy of itself (which starts a grandchild), left them alive
    after proofcheck exited, holding its stdout and stderr: a caller reading the pipes blocked. Now each is ended when
    its check ends (the evidence says so), a worker killed at its time limit takes what it started with it, and
    communicate() returns promptly."""
    import subprocess
    import sys

    path, pids = _strays_setup(tmp_path, monkeypatch)
    proc = subprocess.Popen([sys.executable, "-m", "proofcheck", "run", str(path), "--jobs", "2", "--no-cache",
                             "--out", str(tmp_path / "r"), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        stdout, stderr = proc.communicate(timeout=60)  # blocked until the strays died (300 s) before
    finally:
        proc.kill()
    assert proc.returncode == 3, (stdout, stderr)  # the hanging check is an ERROR at its time limit
    noted = _noted(pids)
    assert len(noted) == 4, noted  # sleep 300; the fork, its sleep 301; the hanging check's sleep 300
    assert [pid for pid in noted if _alive(pid)] == []
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert "ended 1 process(es)" in evidence_of(report, "starts-sleep", "num")["details"]["strays"]["summary"]
    forked = evidence_of(report, "forks", "num")["details"]["strays"]
    assert len(forked["processes"]) == 2 and "sleep 301" in forked["summary"]
    assert "exceeded 1.5 s" in evidence_of(report, "hangs", "num")["reason"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_strays_of_a_check_run_in_this_process_are_ended(tmp_path, monkeypatch):
    """The library's in-process mode (run_tasks(isolate=False)): what a check starts is ended when it ends, and the
    processes this one had before are left alone."""
    import subprocess

    from proofcheck.context import Budget
    from proofcheck.execution import run_tasks
    from proofcheck.registry import Registry
    from proofcheck.runner import tasks_for

    path, pids = _strays_setup(tmp_path, monkeypatch)
    mine = subprocess.Popen(["sleep", "30"])
    try:
        reg = Registry()
        reg.add_origin(str(path))
        refs = [reg.ref(cid) for cid in ("starts-sleep", "forks")]
        tasks = tasks_for(refs, {r.id: reg.claims[r.id] for r in refs}, 0, Budget("quick"))
        results = run_tasks(tasks, jobs=1, isolate=False)
        assert _alive(mine.pid)
    finally:
        mine.kill()
        mine.wait()
    assert [pid for pid in _noted(pids) if _alive(pid)] == []
    ended = [r["details"]["strays"] for t, r in results.items() if t.check == "num"]
    assert [len(e["processes"]) for e in ended] == [1, 2]


# -- 4. writers that no string can break -------------------------------------------------------------

HOSTILE_STRINGS = textwrap.dedent(r'''
    from proofcheck import Check, Claim, Verdict

    # a lone surrogate (no encoding can write it), raw HTML, combining marks and an emoji, control characters (NUL,
    # ESC, DEL), a line separator, Markdown and XML syntax
    HOSTILE = ("lone \ud800 surrogate <script>alert(1)</script> & <b>bold</b> kappa-bar \u03ba\u0304 \U0001F600 "
               "ctl \x00\x1b[31m\x7f sep \u2028 |pipe| `tick` *star* ]]> \udfff")


    class Act(Check):
        kind = "bound"

        def __init__(self, name, basis, verdict):
            super().__init__(name, description=HOSTILE)
            self.basis, self.verdict = basis, verdict

        def evaluate(self, ctx):
            fail = self.verdict is Verdict.FAIL
            return self.evidence(self.verdict, instances=1, worst_margin=0.5, reason=HOSTILE,
                                 witness={"t": HOSTILE} if fail else None,
                                 reproducer="python -m proofcheck run hostile --check num" if fail else None,
                                 details={"note": HOSTILE, HOSTILE: 1})


    CLAIMS = [Claim(id="hostile", title=HOSTILE, source=HOSTILE, provenance="user", statement=HOSTILE,
                    hypotheses=[HOSTILE], checks=[Act("sym", "symbolic", Verdict.PASS), Act("num", "numeric", Verdict.FAIL)])]
''')


def test_every_writer_survives_any_string_and_an_ascii_stdout(tmp_path):
    """A lone surrogate in a title raised UnicodeEncodeError in report.write_set (exit 1, no report, the FAIL lost);
    with PYTHONIOENCODING=ascii the verdict lines were lost to a traceback; report.md had to escape raw HTML. Now every
    writer (JSON, Markdown, HTML, JUnit, the terminal, `show`, a re-render) writes such a claim, with its FAIL."""
    import os
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    path = tmp_path / "strings.py"
    path.write_text(HOSTILE_STRINGS)
    env = dict(os.environ, PYTHONIOENCODING="ascii", PYTHONPATH=str(ROOT))
    out = tmp_path / "r"

    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "proofcheck", *map(str, argv)], capture_output=True, env=env,
                              cwd=tmp_path, timeout=120)

    done = cli("run", path, "--jobs", "1", "--no-cache", "--budget", "quick", "--out", out, "--format",
               "json,md,html,junit")
    assert done.returncode == 1, done.stderr.decode("ascii", "replace")  # the FAIL, not a crash
    stdout = done.stdout.decode("ascii")  # every byte on stdout is ASCII
    assert "FAIL" in stdout and "hostile" in stdout and "reproduce:" in stdout and not done.stderr
    for name in ("report.json", "report.md", "report.html", "report.junit.xml"):
        raw = (out / name).read_bytes()
        text = raw.decode("utf-8")  # strict UTF-8: no surrogate reached a file
        assert b"\x00" not in raw and b"\x1b" not in raw, name
        if name != "report.json":
            assert "<script>" not in text and "&lt;script&gt;" in text, name  # HTML escaped where it would render
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["claims"][0]["verdict"] == "FAIL"
    assert report["claims"][0]["title"].startswith("lone \\ud800 surrogate <script>")  # the surrogate, spelled out
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # every string of the record is valid Unicode
    ET.parse(out / "report.junit.xml")
    rerender = cli("report", out / "report.json", "--format", "md,html,junit", "--out", tmp_path / "again")
    assert rerender.returncode == 0, rerender.stderr.decode("ascii", "replace")
    shown = cli("show", "--claims", path, "hostile")
    assert shown.returncode == 0 and b"kappa-bar" in shown.stdout, shown.stderr.decode("ascii", "replace")
    shown.stdout.decode("ascii")


# -- 5. input errors are input errors ----------------------------------------------------------------

def _one_line_input_error(code, stdout, err, *words):
    assert code == 2, (code, stdout, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert all(word in err for word in words), err


def test_report_on_hostile_json_is_an_input_error(tmp_path):
    """`report` on a report.json nested 100,000 levels gave a RecursionError traceback and exit 1 (the FAIL code); one
    whose claims have the wrong shape an AttributeError traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    _one_line_input_error(*run("report", deep, "--out", tmp_path / "a"), "nested too deeply")
    inner = tmp_path / "inner.json"
    inner.write_text('{"claims": ' + "[" * 100_000 + "]" * 100_000 + "}")
    _one_line_input_error(*run("report", inner, "--out", tmp_path / "b"), "nested too deeply")
    shapeless = tmp_path / "shapeless.json"
    shapeless.write_text('{"claims": [1, {"id": 5, "evidence": "x"}]}')
    _one_line_input_error(*run("report", shapeless, "--out", tmp_path / "c"), "not a usable proofcheck report")
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())  # nothing written


def test_a_claim_file_that_is_a_symlink_loop_is_an_input_error(tmp_path):
    """A claim file that is a symlink loop gave a 43-line RuntimeError traceback and exit 1."""
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    _one_line_input_error(*run("run", tmp_path / "a.py", "--out", tmp_path / "r"), "symbolic link loop")
    _one_line_input_error(*run("run", "--claims", tmp_path / "a.py", "gd-rate", "--out", tmp_path / "r"),
                          "symbolic link loop")


def test_a_dangling_symlink_as_out_is_an_input_error(tmp_path):
    """A dangling symlink as --out said only "File exists"."""
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    _one_line_input_error(*run("run", "gd-rate", "--check", "minimax-step", "--budget", "quick", "--out",
                               tmp_path / "out"), "dangling symbolic link", "nowhere")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("argv, flag", [(["run", "gd-rate", "--seed", "1_0"], "--seed"),
                                        (["selftest", "--seed", "1_0"], "--seed"),
                                        (["run", "gd-rate", "--jobs", "\u0662"], "--jobs"),  # an Arabic-Indic 2
                                        (["run", "gd-rate", "--timeout", "1_0"], "--timeout")])
def test_numbers_are_ascii_digits_only(argv, flag, tmp_path):
    """`--seed 1_0` ran seed 10 (int() takes digit separators, and other scripts' digits)."""
    _one_line_input_error(*run(*argv, "--out", tmp_path), flag, "got")


def test_one_symbolic_check_runs_without_an_instance(tmp_path):
    """`run CLAIM --check CHECK` of a symbolic check was refused with "--instance does not apply" though no --instance
    was given."""
    code, stdout, err = run("run", "gd-rate", "--check", "minimax-step", "--budget", "quick", "--no-cache", "--jobs",
                            "1", "--out", tmp_path, "--format", "json")
    assert code == 0, (stdout, err)
    _one_line_input_error(*run("run", "gd-rate", "--check", "minimax-step", "--instance", '{"kappa": 2}', "--out",
                               tmp_path), "--instance does not apply")


# -- 6. a Dask scheduler that dies is like a worker that dies ------------------------------------------

DASK_CLAIMS = textwrap.dedent('''
    import os
    import time

    from proofcheck import Check, Claim, Verdict


    class Act(Check):
        kind = "bound"

        def __init__(self, name, verdict=Verdict.PASS, basis="numeric", hang=False):
            super().__init__(name)
            self.verdict, self.basis, self.hang = verdict, basis, hang

        def evaluate(self, ctx):
            if self.hang:  # say that it started (every check before it has finished: one worker, one thread)
                with open(os.environ["PROOFCHECK_TEST_MARK"], "w") as handle:
                    handle.write("started")
                while True:
                    time.sleep(0.05)
            fail = self.verdict is Verdict.FAIL
            return self.evidence(self.verdict, instances=1, worst_margin=0.25 if fail else -1.0, reason="acted",
                                 witness={"t": 1.0} if fail else None,
                                 reproducer="python -m proofcheck run false-claim --check num" if fail else None)


    def claim(cid, check):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=[Act("sym", basis="symbolic"), check])


    CLAIMS = [claim("false-claim", Act("num", Verdict.FAIL)), claim("true-claim", Act("num")),
              claim("pending", Act("num", hang=True))]
''')


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, seconds: float, what: str):
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_dask_scheduler_that_dies_mid_run_leaves_errors_and_writes_what_finished(tmp_path):
    """Killing the scheduler mid-run gave a FuturesCancelledError traceback, exit 1 and no report. Now the pending checks
    are ERRORs naming the lost scheduler, what finished is written, and the exit code is 1 (a FAIL finished)."""
    pytest.importorskip("distributed")
    import os
    import signal
    import subprocess
    import sys

    path = tmp_path / "dask_claims.py"
    path.write_text(DASK_CLAIMS)
    mark = tmp_path / "started"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PROOFCHECK_TEST_MARK=str(mark))
    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], start_new_session=True, **quiet)
    worker = run_ = None
    try:
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                                  start_new_session=True, **quiet)
        run_ = subprocess.Popen([sys.executable, "-m", "proofcheck", "run", str(path), "--scheduler", address,
                                 "--no-cache", "--out", str(tmp_path / "r"), "--format", "json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
        _wait_for(mark.exists, 60, "the last check to start on the Dask worker")
        os.killpg(scheduler.pid, signal.SIGKILL)
        stdout, stderr = run_.communicate(timeout=60)
    finally:
        for proc in (run_, worker, scheduler):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL) if proc is not run_ else proc.kill()
                proc.wait()
    err = stderr.decode("utf-8", "replace")
    assert run_.returncode == 1, (stdout, err)
    assert "Traceback" not in err, err
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    got = {c["id"]: c["verdict"] for c in report["claims"]}
    assert got == {"false-claim": "FAIL", "true-claim": "PASS", "pending": "ERROR"}, got
    lost = evidence_of(report, "pending", "num")
    assert "scheduler" in lost["reason"] and address in lost["reason"], lost["reason"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_run_killed_with_sigkill_leaves_no_stray_holding_its_pipes(tmp_path, monkeypatch):
    """kill -9 of proofcheck takes its workers with it (PR_SET_PDEATHSIG), but what a running check had started lived
    on, holding the pipes; the worker's session keeper ends it."""
    import signal
    import subprocess
    import sys

    path, pids = _strays_setup(tmp_path, monkeypatch)
    proc = subprocess.Popen([sys.executable, "-m", "proofcheck", "run", "--claims", str(path), "hangs", "--jobs", "1",
                             "--timeout", "0", "--no-cache", "--out", str(tmp_path / "r"), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        _wait_for(lambda: _noted(pids), 60, "the check to start its sleep")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)  # every writer of the pipes is gone
    finally:
        proc.kill()
    _wait_for(lambda: not any(_alive(pid) for pid in _noted(pids)), 5, "the stray to be ended")
