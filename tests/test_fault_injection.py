"""A FAIL is never lost (issue 11): claim code that exits, hangs, crashes or kills its worker, malformed
claim files, stale caches, broken report files and signals. Each test is a case that misbehaved before."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from proofcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Tiny user claims, one per behaviour of hostile claim code. Each claim has a symbolic and a numeric
# check, so that a claim whose checks all PASS is PASS.
CLAIMS = textwrap.dedent('''
    import os
    import sys
    import time

    from proofcheck import Check, Claim, InvalidInstance, Verdict


    class Act(Check):
        kind = "bound"

        def __init__(self, name, action=None, basis="numeric", verdict=Verdict.PASS, margin=0.5):
            super().__init__(name)
            self.action, self.basis, self.verdict, self.margin = action, basis, verdict, margin

        def evaluate(self, ctx):
            if self.action is not None:
                self.action()
            repro = "python -m proofcheck run false-claim --check num --instance '{}'" \\
                if self.verdict is Verdict.FAIL else None
            return self.evidence(self.verdict, instances=1, worst_margin=self.margin, reason="acted",
                                 witness={"t": 1.0} if repro else None, reproducer=repro)


    def hang():
        while True:
            time.sleep(0.05)


    def raise_(exc):
        def act():
            raise exc
        return act


    def claim(cid, *checks, title=None):
        return Claim(id=cid, title=title or cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=[Act("sym", basis="symbolic"), *checks])


    CLAIMS = [
        claim("false-claim", Act("num", verdict=Verdict.FAIL, margin=0.25)),
        claim("exits", Act("num", lambda: sys.exit(3))),
        claim("hangs", Act("num", hang)),
        claim("kills-worker", Act("num", lambda: os._exit(9))),
        claim("interrupts-itself", Act("num", raise_(KeyboardInterrupt))),
        claim("generator-exit", Act("num", raise_(GeneratorExit))),
        claim("rejects-own-instance", Act("num", raise_(InvalidInstance("Q is not symmetric")))),
        claim("true-claim", Act("num")),
    ]
    CLAIMS[2].checks[-1].time_limit = 2  # the check's own time limit (seconds): the budget's would be minutes
''')


@pytest.fixture
def claims(tmp_path):
    path = tmp_path / "hostile_claims.py"
    path.write_text(CLAIMS)
    return path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def strict_json(path: Path) -> dict:
    """Parse as standard JSON: Infinity and NaN are refused, as strict parsers do."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(path.read_text(), parse_constant=refuse)


def tasks_of(origin, ids: list[str]) -> list:
    """The check tasks of some claims of ``origin`` (quick budget, seed 0)."""
    from proofcheck.context import Budget
    from proofcheck.registry import Registry
    from proofcheck.runner import tasks_for

    reg = Registry()
    reg.add_origin(str(origin))
    refs = [reg.ref(cid) for cid in ids]
    return tasks_for(refs, {r.id: reg.claims[r.id] for r in refs}, 0, Budget("quick"))


def evidence_of(report: dict, cid: str, check: str = "num") -> dict:
    claim = next(c for c in report["claims"] if c["id"] == cid)
    return next(e for e in claim["evidence"] if e["check"] == check)


def verdicts(report: dict) -> dict:
    return {c["id"]: c["verdict"] for c in report["claims"]}


# -- the fault-injection run of the "Done when" --------------------------------------------

def test_fault_injection_mixed_run_with_two_jobs(claims, tmp_path):
    """A true built-in claim, a false user claim, and claims that exit, hang and kill their worker:
    exit 1, the FAIL with its reproducer, each fault an ERROR saying what happened, the PASS, a valid set."""
    out = tmp_path / "r"
    code, stdout, err = run("run", "gd-rate", f"{claims}", "--jobs", "2", "--budget", "quick",
                            "--no-cache", "--out", out, "--format", "json,md,junit,html")
    assert code == 1, (stdout, err)
    report = strict_json(out / "report.json")
    assert report["complete"] is True
    got = verdicts(report)
    assert got["gd-rate"] == "PASS" and got["true-claim"] == "PASS"
    assert got["false-claim"] == "FAIL"
    assert evidence_of(report, "false-claim")["reproducer"].startswith(f"python -m proofcheck run --claims {claims}")
    for cid in ("exits", "hangs", "kills-worker", "interrupts-itself", "generator-exit", "rejects-own-instance"):
        assert got[cid] == "ERROR", (cid, got)
    assert "sys.exit(3)" in evidence_of(report, "exits")["reason"]
    assert "exceeded 2 s" in evidence_of(report, "hangs")["reason"]
    assert "exit status 9" in evidence_of(report, "kills-worker")["reason"]
    assert "KeyboardInterrupt" in evidence_of(report, "interrupts-itself")["reason"]
    assert "GeneratorExit" in evidence_of(report, "generator-exit")["reason"]
    assert "InvalidInstance" in evidence_of(report, "rejects-own-instance")["reason"]
    assert all(e["verdict"] == "PASS" for c in report["claims"] for e in c["evidence"] if e["check"] == "sym")
    assert report["run"]["jobs"] == 2
    ET.parse(out / "report.junit.xml")  # every format landed and is well formed
    assert (out / "report.md").read_text().startswith("# proofcheck report")
    assert (out / "report.html").stat().st_size > 0
    assert "reproduce: python -m proofcheck run" in stdout and "Traceback" not in err


def test_exit_and_self_interrupt_with_one_job_keep_the_fail(claims, tmp_path):
    code, stdout, err = run("run", claims, "--jobs", "1", "--no-cache", "--out", tmp_path, "--format", "json")
    assert code == 1, err
    got = verdicts(strict_json(tmp_path / "report.json"))
    assert got["false-claim"] == "FAIL" and got["true-claim"] == "PASS"
    assert got["exits"] == got["hangs"] == got["kills-worker"] == got["interrupts-itself"] == "ERROR"


def test_in_process_runs_turn_base_exceptions_into_errors(claims):
    """The library's in-process mode (no isolation) still reports SystemExit & co. as ERROR."""
    from proofcheck.execution import run_tasks

    ids = ["exits", "interrupts-itself", "generator-exit", "false-claim"]
    tasks = tasks_of(claims, ids)
    results = run_tasks(tasks, jobs=1, isolate=False)
    num = {t.ref.id: results[t] for t in tasks if t.check == "num"}
    assert [num[cid]["verdict"] for cid in ids] == ["ERROR", "ERROR", "ERROR", "FAIL"]


def test_the_timeout_option_overrides_the_checks_own_limit(claims, tmp_path):
    code, _, err = run("run", claims, "--jobs", "2", "--timeout", "1", "--no-cache", "--out", tmp_path / "r",
                       "--format", "json")
    assert code == 1
    assert "exceeded 1 s" in evidence_of(strict_json(tmp_path / "r" / "report.json"), "hangs")["reason"]


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_bad_timeout_is_an_input_error(value, tmp_path):
    code, out, err = run("run", "gd-rate", "--timeout", value, "--out", tmp_path)
    assert code == 2 and "--timeout must be a non-negative number of seconds" in err and err.count("\n") == 1


def test_dask_without_workers_says_so_and_fails_pending_checks(claims):
    distributed = pytest.importorskip("distributed")
    from proofcheck.execution import DaskExecutor

    tasks = tasks_of(claims, ["true-claim"])
    lines, results = [], {}
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None, host="127.0.0.1",
                                  protocol="tcp://") as cluster:
        started = time.monotonic()
        DaskExecutor(cluster.scheduler_address, log=lines.append, no_worker_wait=1.0).run(tasks, results.__setitem__)
    assert time.monotonic() - started < 30
    assert lines and "no worker" in lines[0]
    assert all(e["verdict"] == "ERROR" and "no Dask worker" in e["reason"] for e in results.values())
    assert set(results) == set(tasks)


def test_malformed_scheduler_address_fails_at_once(tmp_path):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "proofcheck", "run", "gd-rate", "--scheduler", "tcp://host:port:x",
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "scheduler" in proc.stderr and "Exception ignored" not in proc.stderr
    assert time.monotonic() - started < 15


# -- claim files that are malformed ----------------------------------------------------------------

def _claim_file(tmp_path, body: str, name="bad_claims.py") -> Path:
    path = tmp_path / name
    path.write_text("from proofcheck import Claim, Symbolic, fact\n" + textwrap.dedent(body))
    return path


CLAIM = ('Claim(id={cid!r}, title={title!r}, source="t", provenance="user", statement="s", hypotheses=[], '
         'checks=[Symbolic("s", lambda ctx: [])])')


@pytest.mark.parametrize("body, expected", [
    (f"CLAIMS = [{CLAIM.format(cid='dup', title='first')}, {CLAIM.format(cid='other', title='x')}, "
     f"{CLAIM.format(cid='dup', title='second')}]", ["'dup'", "CLAIMS[0]", "CLAIMS[2]", "first", "second"]),
    (f"CLAIMS = [{CLAIM.format(cid='', title='empty')}]", ["''", "non-empty"]),
    (f"CLAIMS = [{CLAIM.format(cid='a b;rm -rf x', title='unsafe')}]", ["'a b;rm -rf x'", "letters, digits"]),
    (f"CLAIMS = [{CLAIM.format(cid=chr(39) + 'q', title='quote')}]", ["letters, digits"]),
    ("CLAIMS = 5", ["CLAIMS must be a list", "int"]),
    ("CLAIMS = None", ["CLAIMS must be a list", "NoneType"]),
    ("CLAIM = Claim", ["the class proofcheck.Claim itself"]),
    (f"CLAIMS = [{CLAIM.format(cid='ok', title='t')}]\nMUTANTS = ['ok']", ["MUTANTS must be a dict"]),
    (f"CLAIMS = [{CLAIM.format(cid='ok', title='t')}]\nMUTANTS = {{'ok': 5}}", ["MUTANTS['ok']"]),
    (f"CLAIMS = [{CLAIM.format(cid='ok', title='t')}]\nMUTANTS = {{'ok': {{'m': 5}}}}", ["MUTANTS['ok']['m']"]),
    ("import sys\nsys.exit(0)\nCLAIMS = []", ["raised on import", "SystemExit"]),
    ("raise KeyboardInterrupt", ["raised on import", "KeyboardInterrupt"]),
], ids=["duplicate-id", "empty-id", "unsafe-id", "quote-in-id", "claims-int", "claims-none", "bare-claim-class",
        "mutants-list", "mutants-table-int", "mutant-factory-int", "sys-exit-at-import", "ctrl-c-at-import"])
@pytest.mark.parametrize("command", ["run", "show", "selftest"])
def test_malformed_claim_files_are_input_errors(body, expected, command, tmp_path):
    path = _claim_file(tmp_path, body)
    out_dir = tmp_path / "out"
    if command == "run":
        argv = ["run", path, "--out", out_dir, "--no-cache"]
    elif command == "show":
        argv = ["show", "gd-rate", "--claims", path]
    else:
        argv = ["selftest", "--claims", path, "--budget", "quick"]
    code, out, err = run(*argv)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and err.startswith("proofcheck: error: ") and "Traceback" not in err, err
    for part in expected:
        assert part in err, (part, err)
    assert not out_dir.exists()


def test_a_mutant_factory_that_returns_no_claim_is_an_input_error(tmp_path):
    path = _claim_file(tmp_path, f"CLAIMS = [{CLAIM.format(cid='ok', title='t')}]\n"
                                 "MUTANTS = {'ok': {'broken': lambda: 5}}")
    for argv in (["run", "ok", "--claims", path, "--mutant", "broken", "--out", tmp_path / "o"],
                 ["selftest", "--claims", path]):
        code, out, err = run(*argv)
        assert code == 2 and "returned int, not a proofcheck.Claim" in err and err.count("\n") == 1, (argv, err)


# -- exit codes and tracebacks ---------------------------------------------------------------------

EXAMPLE = str(ROOT / "examples" / "my_claims.py")
GOOD = '{"schema_version": 1, "complete": true, "claims": [], "note": "previous report"}\n'


@pytest.fixture
def previous(tmp_path):
    d = tmp_path / "previous"
    d.mkdir()
    (d / "report.json").write_text(GOOD)
    return d


REPLAY = ["run", "gd-rate", "--check", "per-step-contraction", "--instance"]


@pytest.mark.parametrize("argv, expected", [
    (["run", "--claims", EXAMPLE, "birthday[n=" + "9" * 400 + "]"], ["selection"]),
    ([*REPLAY, "[" * 50_000 + "]" * 50_000], ["--instance"]),
    ([*REPLAY, '{"Q": ' + "[" * 50_000 + "]" * 50_000 + "}"], ["--instance", "nested too deeply"]),
    ([*REPLAY, '{"Q": "abc", "x": [1.0, 1.0]}'], ["instance rejected", "per-step-contraction"]),
    ([*REPLAY, '{"Q": [[2.0, 0.0], [0.0]], "x": [1.0, 1.0]}'], ["ragged"]),
    ([*REPLAY, '{"Q": [[true, false], [false, true]], "x": [1.0, 1.0]}'], ["true", "not a number"]),
    ([*REPLAY, '{"Q": [[' + "9" * 400 + ', 0.0], [0.0, 1.0]], "x": [1.0, 1.0]}'], ["too large"]),
    ([*REPLAY, '{"Q": [[2.0, 0.0], [0.0, 2.0]], "Q": [[1.0]], "x": [1.0, 1.0]}'], ["'Q'", "twice"]),
    (["run", "gd-rate", "--instance", '{"x": [1.0]}'], ["--instance needs --check"]),
    (["run", "gd-rate", "--check", "minimax-step", "--instance", '{"x": [1.0]}'], ["does not apply", "symbolic"]),
], ids=["400-digit-selection", "deep-instance-list", "deep-instance-value", "string-for-matrix", "ragged-matrix",
        "booleans", "400-digit-integer", "duplicated-key", "instance-without-check", "instance-on-symbolic-check"])
def test_bad_values_are_one_line_exit_2_and_keep_the_previous_report(argv, expected, previous):
    code, out, err = run(*argv, "--out", previous, "--budget", "quick", "--no-cache")
    assert code == 2, (code, out, err[-500:])
    assert err.count("\n") == 1 and "Traceback" not in err, err[-500:]
    for part in expected:
        assert part in err, (part, err)
    assert (previous / "report.json").read_text() == GOOD and sorted(p.name for p in previous.iterdir()) == ["report.json"]


def test_malformed_evidence_from_a_custom_check_is_that_claims_error(tmp_path):
    path = tmp_path / "malformed.py"
    path.write_text(textwrap.dedent('''
        from proofcheck import Check, Claim, Verdict


        class ReturnsNumber(Check):
            kind = "bound"

            def evaluate(self, ctx):
                return 42


        class BadVerdict(Check):
            kind = "bound"

            def evaluate(self, ctx):
                e = self.evidence(Verdict.PASS, instances=1, reason="x")
                e.verdict = "PASS"
                return e


        class Unpicklable(Check):
            kind = "bound"

            def evaluate(self, ctx):
                return self.evidence(Verdict.PASS, instances=1, reason="x", details={"f": lambda: 1})


        def claim(cid, check):
            return Claim(id=cid, title=cid, source="t", provenance="user", statement="s", hypotheses=[], checks=[check])


        CLAIMS = [claim("number", ReturnsNumber("n")), claim("verdict", BadVerdict("v")),
                  claim("lambda", Unpicklable("l"))]
    '''))
    code, out, err = run("run", path, "--jobs", "1", "--no-cache", "--out", tmp_path / "r", "--format", "json")
    report = strict_json(tmp_path / "r" / "report.json")
    assert code == 3 and verdicts(report) == {"number": "ERROR", "verdict": "ERROR", "lambda": "ERROR"}
    assert "returned int, not a proofcheck Evidence" in report["claims"][0]["evidence"][0]["reason"]
    assert "malformed evidence" in report["claims"][1]["evidence"][0]["reason"]
    assert "malformed evidence" in report["claims"][2]["evidence"][0]["reason"]


@pytest.mark.parametrize("command", ["list", "run gd-rate --budget quick --no-cache --jobs 2 --out {out}"],
                         ids=["list", "run"])
def test_a_closed_pipe_is_no_traceback(command, tmp_path):
    """``proofcheck list | head -1`` and ``all | head -1``: no BrokenPipeError traceback, and the exit
    status is the command's own (0 here), never 1 (the FAIL code)."""
    # ``true`` closes the pipe without reading (as ``head -1`` does after its line): every write meets EPIPE
    line = f"set -o pipefail; {sys.executable} -m proofcheck {command.format(out=tmp_path)} | true"
    proc = subprocess.run(line, shell=True, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          executable="/bin/bash", env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr and proc.returncode == 0, (proc.returncode, proc.stderr)


# -- files that are always whole -------------------------------------------------------------------

NONFINITE = textwrap.dedent('''
    from proofcheck import Check, Claim, Verdict


    class Odd(Check):
        kind = "bound"

        def __init__(self, name, value, basis="numeric", title=""):
            super().__init__(name)
            self.value, self.basis = value, basis

        def evaluate(self, ctx):
            return self.evidence(Verdict.PASS, instances=1, worst_margin=self.value, reason="odd\\x07 number",
                                 details={"values": [self.value, -self.value]})


    CLAIMS = [Claim(id="odd", title="bell\\x07 and escape\\x1b", source="t", provenance="user", statement="s",
                    hypotheses=[], checks=[Odd("inf", float("inf"), "symbolic"), Odd("nan", float("nan"))])]
''')


def test_report_json_is_standard_json_and_junit_survives_control_characters(tmp_path):
    path = tmp_path / "odd.py"
    path.write_text(NONFINITE)
    code, out, err = run("run", path, "--no-cache", "--out", tmp_path / "r", "--format", "json,junit")
    report = strict_json(tmp_path / "r" / "report.json")
    inf, nan = report["claims"][0]["evidence"]
    assert inf["worst_margin"] == "inf" and inf["details"]["values"] == ["inf", "-inf"] and nan["worst_margin"] == "nan"
    root = ET.parse(tmp_path / "r" / "report.junit.xml").getroot()
    assert "\\x07" in ET.tostring(root, encoding="unicode")


def test_a_narrowed_run_writes_standard_json(tmp_path):
    code, out, err = run("run", "adam-diagonal[d=64]", "--budget", "quick", "--no-cache", "--out", tmp_path)
    strict_json(tmp_path / "report.json")


def test_a_full_disk_replaces_no_file_of_the_set(tmp_path, monkeypatch):
    """The third file of the set cannot be written: none of the new files may land."""
    out = tmp_path / "r"
    out.mkdir()
    old = {"report.json": GOOD, "report.md": "old md\n", "report.html": "old html\n", "report.junit.xml": "<old/>\n"}
    for name, text in old.items():
        (out / name).write_text(text)
    import errno

    real, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code, stdout, err = run("run", "gd-rate", "--budget", "quick", "--out", out, "--format", "json,md,html,junit")
    assert code == 2 and "No space left on device" in err
    assert {p.name: p.read_text() for p in out.iterdir()} == old  # no temporary file either


INTERRUPTS = textwrap.dedent('''
    import os
    import signal
    import time

    from proofcheck import Check, Claim, Verdict


    class Act(Check):
        kind = "bound"

        def __init__(self, name, basis="numeric", interrupt=False):
            super().__init__(name)
            self.basis, self.interrupt = basis, interrupt

        def evaluate(self, ctx):
            if self.interrupt and os.environ.get("INTERRUPT_PARENT"):
                os.kill(int(os.environ["INTERRUPT_PARENT"]), signal.SIGINT)
                time.sleep(10)
            return self.evidence(Verdict.PASS, instances=1, reason="fine")


    CLAIMS = [Claim(id="first", title="t", source="t", provenance="user", statement="s", hypotheses=[],
                    checks=[Act("s", "symbolic"), Act("n")]),
              Claim(id="second", title="t", source="t", provenance="user", statement="s", hypotheses=[],
                    checks=[Act("s", "symbolic"), Act("n", interrupt=True)])]
''')


def test_an_interrupted_run_keeps_the_complete_report_and_writes_the_partial_one_beside_it(tmp_path, monkeypatch):
    path = tmp_path / "interrupts.py"
    path.write_text(INTERRUPTS)
    out = tmp_path / "r"
    argv = ["run", path, "--jobs", "1", "--no-cache", "--out", out, "--format", "json,md"]
    assert run(*argv)[0] == 0
    complete = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setenv("INTERRUPT_PARENT", str(os.getpid()))
    code, stdout, err = run(*argv)
    assert code == 130 and "interrupted" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if ".partial." not in p.name} == complete
    partial = strict_json(out / "report.partial.json")
    assert partial["complete"] is False and [c["id"] for c in partial["claims"]] == ["first"]
    assert (out / "report.partial.md").is_file()
    monkeypatch.delenv("INTERRUPT_PARENT")
    assert run(*argv)[0] == 0 and not (out / "report.partial.json").exists()  # a complete run clears it


# -- the cache -------------------------------------------------------------------------------------

def test_the_cache_key_covers_modules_imported_by_helpers(tmp_path, monkeypatch):
    """claim -> helper -> constants: changing the constant must not keep the cached PASS."""
    pkg = tmp_path / "src"
    pkg.mkdir()
    (pkg / "fi_constants.py").write_text("LIMIT = 2.0\n")
    (pkg / "fi_helper.py").write_text("import fi_constants\n\n\ndef limit():\n    return fi_constants.LIMIT\n")
    (pkg / "fi_claim.py").write_text(textwrap.dedent('''
        from fi_helper import limit
        from proofcheck import Check, Claim, Verdict


        class AtMost(Check):
            kind = "bound"

            def __init__(self, name, basis):
                super().__init__(name)
                self.basis = basis

            def evaluate(self, ctx):
                ok = 1.0 <= limit()
                return self.evidence(Verdict.PASS if ok else Verdict.FAIL, instances=1, reason=f"1 <= {limit()}")


        CLAIMS = [Claim(id="fi-limit", title="t", source="t", provenance="user", statement="1 <= L", hypotheses=[],
                        checks=[AtMost("s", "symbolic"), AtMost("n", "numeric")])]
    '''))
    monkeypatch.syspath_prepend(str(pkg))
    monkeypatch.setenv("PROOFCHECK_CACHE_DIR", str(tmp_path / "cache"))
    argv = ["run", pkg / "fi_claim.py", "--jobs", "1", "--out", tmp_path / "r", "--format", "json"]
    assert run(*argv)[0] == 0
    assert run(*argv)[0] == 0
    cached = strict_json(tmp_path / "r" / "report.json")
    assert all(e["cached"] is True and e["original_seconds"] is not None for e in cached["claims"][0]["evidence"])
    (pkg / "fi_constants.py").write_text("LIMIT = 0.5\n")
    sys.modules.pop("fi_constants", None)
    sys.modules.pop("fi_helper", None)
    code, out, err = run(*argv)
    assert code == 1, out
    assert not any(e["cached"] for e in strict_json(tmp_path / "r" / "report.json")["claims"][0]["evidence"])


@pytest.mark.parametrize("garbage", ["null", "[]", '{"key": ', "\x00\x01garbage", '{"key": "x", "evidence": 5}'],
                         ids=["null", "list", "truncated", "garbage", "evidence-int"])
def test_corrupt_cache_entries_and_timings_are_recomputed_and_rewritten(garbage, tmp_path):
    from proofcheck.cache import ResultCache, task_key
    from proofcheck.execution import run_tasks

    path = tmp_path / "c.py"
    path.write_text(CLAIMS)
    tasks = tasks_of(path, ["true-claim"])
    cache = ResultCache(tmp_path / "cache")
    run_tasks(tasks, jobs=1, cache=cache)
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    entries = [e for e in entries if e.name != "timings.json"]
    assert len(entries) == 2
    for entry in entries:
        entry.write_text(garbage)
    (tmp_path / "cache" / "timings.json").write_text('{"a": null, "b": "x"}' if garbage == "null" else garbage)
    again = ResultCache(tmp_path / "cache")
    results = run_tasks(tasks, jobs=1, cache=again)
    assert again.hits == 0 and all(e["verdict"] == "PASS" and not e["cached"] for e in results.values())
    assert again.stores == 2  # rewritten...
    third = ResultCache(tmp_path / "cache")
    run_tasks(tasks, jobs=1, cache=third)
    assert third.hits == 2  # ...and served next time
    assert isinstance(json.loads((tmp_path / "cache" / "timings.json").read_text()), dict)
    assert not list((tmp_path / "cache").rglob(".tmp-*"))
    assert task_key(tasks[0]) in {p.stem for p in entries}


def test_rerun_refreshes_entries_and_a_failed_save_leaves_no_temporary_file(tmp_path):
    from proofcheck.cache import ResultCache
    from proofcheck.execution import run_tasks

    path = tmp_path / "c.py"
    path.write_text(CLAIMS)
    tasks = tasks_of(path, ["true-claim"])
    run_tasks(tasks, jobs=1, cache=ResultCache(tmp_path / "cache"))
    entries = [p for p in (tmp_path / "cache").rglob("*.json") if p.name != "timings.json"]
    before = {p: p.stat().st_mtime_ns for p in entries}
    time.sleep(0.01)
    rerun = ResultCache(tmp_path / "cache", read=False)
    run_tasks(tasks, jobs=1, cache=rerun)
    assert rerun.stores == 2 and all(p.stat().st_mtime_ns > before[p] for p in entries)  # refreshed

    circular = {"verdict": "PASS"}
    circular["itself"] = circular  # cannot be written as JSON
    assert ResultCache(tmp_path / "c2").put(tasks[0], circular) is False
    assert not [p for p in (tmp_path / "c2").rglob("*") if p.is_file()]


# -- processes and signals -------------------------------------------------------------------------

HANGS = textwrap.dedent('''
    import os
    import time

    from proofcheck import Check, Claim, Verdict


    class Hang(Check):
        kind = "bound"

        def evaluate(self, ctx):
            open(os.path.join(os.environ["PIDS"], str(os.getpid())), "w").close()
            while True:
                time.sleep(0.1)


    CLAIMS = [Claim(id=f"hang-{i}", title="t", source="t", provenance="user", statement="s", hypotheses=[],
                    checks=[Hang("h")]) for i in range(2)]
''')


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT], ids=["sigterm", "kill-9", "ctrl-c"])
def test_no_worker_outlives_its_parent(how, tmp_path):
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    path = tmp_path / "hangs.py"
    path.write_text(HANGS)
    pids = tmp_path / "pids"
    pids.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "proofcheck", "run", str(path), "--jobs", "2", "--no-cache",
                             "--out", str(tmp_path / "r")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PIDS": str(pids), "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    proc.send_signal(how)
    out, err = proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    if how != signal.SIGKILL:
        assert proc.returncode == 128 + how and "Traceback" not in err and "leaked" not in err, err
        assert strict_json(tmp_path / "r" / "report.json")["complete"] is False


# -- smaller items ---------------------------------------------------------------------------------

def test_claim_output_cannot_forge_annotations_or_break_quiet(tmp_path):
    path = tmp_path / "loud.py"
    path.write_text(textwrap.dedent('''
        import sys
        from proofcheck import Check, Claim, Verdict

        print("::error title=forged at import::all good")


        class Loud(Check):
            kind = "bound"

            def __init__(self, name, basis):
                super().__init__(name)
                self.basis = basis

            def evaluate(self, ctx):
                print("::error title=forged::nothing failed")
                print("::error title=forged on stderr::", file=sys.stderr)
                return self.evidence(Verdict.PASS, instances=1, reason="loud")


        CLAIMS = [Claim(id="loud", title="t", source="t", provenance="user", statement="s", hypotheses=[],
                        checks=[Loud("s", "symbolic"), Loud("n", "numeric")])]
    '''))
    for jobs in ("1", "2"):
        code, out, err = run("run", path, "--quiet", "--annotations", "--jobs", jobs, "--no-cache",
                             "--out", tmp_path / "r")
        assert code == 0 and out == "", out
        assert not any(line.startswith("::") for line in err.splitlines()), err
    report = strict_json(tmp_path / "r" / "report.json")
    assert "::error title=forged::nothing failed" in report["claims"][0]["evidence"][0]["details"]["output"]


def test_reproducers_are_shell_quoted():
    import shlex

    from proofcheck.checks.base import reproducer
    from proofcheck.context import Budget, Context

    ctx = Context(seed=0, budget=Budget("quick"), claim_id="c", check_name="check name", mutant="it's $(evil)")
    witness = {"label": "O'Brien; rm -rf ~", "x": [1.5]}
    argv = shlex.split(reproducer(ctx, witness))
    assert argv[argv.index("--mutant") + 1] == "it's $(evil)" and argv[argv.index("--check") + 1] == "check name"
    assert json.loads(argv[argv.index("--instance") + 1]) == witness


def test_builtin_claims_load_from_any_working_directory(tmp_path):
    (tmp_path / "lemmas").mkdir()
    (tmp_path / "lemmas" / "__init__.py").write_text("CATALOGUE = []\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    listed = subprocess.run([sys.executable, "-m", "proofcheck", "list"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120, env=env)
    rows = listed.stdout.splitlines()[1:]  # after the header: label, id, ...
    assert listed.returncode == 0 and rows[0].split()[1] == "gd-rate", listed.stdout + listed.stderr
    ran = subprocess.run([sys.executable, "-m", "proofcheck", "run", "gd-rate", "--budget", "quick", "--jobs", "2",
                          "--no-cache", "--out", str(tmp_path / "r"), "--format", "json"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=300, env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert verdicts(strict_json(tmp_path / "r" / "report.json")) == {"gd-rate": "PASS"}


def test_run_jobs_records_the_workers_that_ran(claims, tmp_path):
    code, out, err = run("run", claims, "--jobs", "2", "--no-cache", "--out", tmp_path / "one", "--format", "json")
    assert strict_json(tmp_path / "one" / "report.json")["run"]["jobs"] == 2
    single = _claim_file(tmp_path, f"CLAIMS = [{CLAIM.format(cid='single', title='t')}]", "single.py")
    run("run", single, "--jobs", "2", "--no-cache", "--out", tmp_path / "two", "--format", "json")
    assert strict_json(tmp_path / "two" / "report.json")["run"]["jobs"] == 1  # one check: one worker ran
