"""Executors (proofcheck/execution/): the same numbers for any number of workers, on Dask too,
and an interrupted run keeps what finished."""
import io
import json
import multiprocessing
import textwrap

import numpy as np
import pytest

from proofcheck.cli import main
from proofcheck.context import Budget
from proofcheck.execution import run_tasks
from proofcheck.registry import Registry
from proofcheck.runner import tasks_for

CLAIMS = textwrap.dedent('''
    """Small deterministic claims for the execution tests."""
    import os
    import time

    from proofcheck import Check, Claim, Verdict


    class Draws(Check):
        """Numbers drawn from the check's seeded generator: equal runs give equal numbers."""

        kind = "bound"

        def __init__(self, name, basis="numeric", pause=0.0, verdict=Verdict.PASS):
            super().__init__(name)
            self.basis, self.pause, self.verdict = basis, pause, verdict

        def evaluate(self, ctx):
            time.sleep(self.pause)
            x = ctx.rng("draws").standard_normal(5)
            return self.evidence(self.verdict, instances=5, worst_margin=float(x.max()), reason="drawn",
                                 details={"draws": x.tolist(), "pid": os.getpid() if self.name == "pid" else 0})


    class Crash(Check):
        kind = "bound"

        def evaluate(self, ctx):
            os._exit(7)  # the worker process dies without a word


    def claim(cid, *checks):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=list(checks))


    CLAIMS = [
        claim("one", Draws("sym", basis="symbolic"), Draws("num")),
        claim("two", Draws("a", basis="symbolic"), Draws("b"), Draws("c")),
        claim("three", Draws("sym", basis="symbolic"), Draws("num", verdict=Verdict.FAIL)),
        claim("slow", Draws("sym", basis="symbolic", pause=0.5), Draws("num", pause=0.5)),
    ]
''')


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("claims") / "exec_claims.py"
    path.write_text(CLAIMS)
    return str(path)


def _tasks(origins, ids=None, budget="quick", seed=3):
    reg = Registry()
    for origin in origins:
        reg.add_origin(origin)
    refs = [reg.ref(cid) for cid in (ids or reg.ids())]
    return tasks_for(refs, {r.id: reg.claims[r.id] for r in refs}, seed, Budget(budget))


def _strip(value):
    """Evidence without what may differ between equal runs: times, process ids and cache marks."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("seconds", "cache", "pid")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _same(a: dict, b: dict):
    assert list(a) == list(b) or set(a) == set(b)
    for task in a:
        assert _strip(a[task]) == _strip(b[task]), task


def test_results_do_not_depend_on_the_number_of_workers(claims_file):
    tasks = _tasks([claims_file, "lemmas.adam"], ["one", "two", "three", "gd-rate"])
    seen = []
    one = run_tasks(tasks, jobs=1)
    two = run_tasks(tasks, jobs=2, on_done=lambda t, e: seen.append(t))
    assert set(one) == set(two) == set(tasks)
    _same(one, two)
    assert seen == tasks  # on_done in submission order, whichever worker finished first
    assert one[tasks[0]]["details"]["draws"] != one[tasks[1]]["details"]["draws"]  # per-check seeds
    assert all(e["verdict"] in ("PASS", "FAIL") for e in two.values())


def test_workers_are_other_processes(claims_file):
    path = claims_file.replace("exec_claims.py", "pid_claims.py")
    with open(path, "w") as fh:
        fh.write(CLAIMS.replace('Draws("a", basis="symbolic")', 'Draws("pid", basis="symbolic")'))
    tasks = _tasks([path], ["two"])
    results = run_tasks(tasks, jobs=2)
    pids = {e["details"]["pid"] for e in results.values()} - {0}
    assert pids and multiprocessing.current_process().pid not in pids


def test_dask_local_cluster_gives_the_local_numbers(claims_file):
    distributed = pytest.importorskip("distributed")
    tasks = _tasks([claims_file, "lemmas.adam"], ["one", "three", "gd-rate"])
    local = run_tasks(tasks, jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  host="127.0.0.1", protocol="tcp://") as cluster:
        seen, info = [], {}
        remote = run_tasks(tasks, scheduler=cluster.scheduler_address, on_done=lambda t, e: seen.append(t),
                           info=info)
    _same(local, remote)
    assert seen == tasks
    assert info["jobs"] == 1 and info["mode"] == "dask"  # run.jobs records the one Dask worker that ran


def test_unreachable_scheduler_is_a_usage_error(claims_file):
    pytest.importorskip("distributed")
    from proofcheck.errors import UsageError
    from proofcheck.execution import DaskExecutor

    def nothing(task, evidence):
        raise AssertionError("no check may run")

    with pytest.raises(UsageError, match="cannot connect to the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1).run(_tasks([claims_file], ["one"]), nothing)
    # nothing listens there: said at once, from one connection attempt, not after Dask's retries
    with pytest.raises(UsageError, match="connection refused"):
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout=30).run(_tasks([claims_file], ["one"]), nothing)


def test_interrupt_keeps_what_finished_and_stops_the_workers(claims_file):
    tasks = _tasks([claims_file], ["one", "two", "slow"])
    results, calls = {}, []

    def interrupt(task, evidence):
        calls.append(task)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, results, jobs=2, on_done=interrupt)
    assert len(results) >= 2 and set(calls) <= set(results) and len(results) < len(tasks) + 1
    assert all(e["verdict"] == "PASS" for e in results.values())
    assert multiprocessing.active_children() == []


def test_cli_interrupt_writes_an_incomplete_report(claims_file, tmp_path, monkeypatch):
    import proofcheck.cli as cli

    real, count = cli._tick, []

    def tick(task, evidence, args, err):
        real(task, evidence, args, err)
        count.append(task)
        if len(count) == 4:  # "one" (2 checks) delivered; "slow" (2 x 0.5 s) cannot have finished
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_tick", tick)
    err = io.StringIO()
    code = main(["run", claims_file, "--jobs", "2", "--no-cache", "--out", str(tmp_path), "--format", "json"],
                io.StringIO(), err)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["complete"] is False and "incomplete" in err.getvalue()
    ids = [c["id"] for c in report["claims"]]
    assert ids[0] == "one" and "slow" not in ids and code == 130


def test_a_dying_worker_becomes_an_error_not_a_hang(claims_file, tmp_path):
    path = claims_file.replace("exec_claims.py", "crash_claims.py")
    with open(path, "w") as fh:
        fh.write(CLAIMS + '\nCLAIMS.append(claim("crash", Draws("sym", basis="symbolic"), Crash("dies")))\n')
    out = io.StringIO()
    code = main(["run", path, "--jobs", "2", "--no-cache", "--out", str(tmp_path), "--format", "json"], out,
                io.StringIO())
    report = json.loads((tmp_path / "report.json").read_text())
    crash = next(c for c in report["claims"] if c["id"] == "crash")
    assert code == 1 and crash["verdict"] == "ERROR"  # "three" FAILs: a FAIL outranks an ERROR
    assert any("worker failed" in e["reason"] and "exit status 7" in e["reason"] for e in crash["evidence"])
    others = [e for c in report["claims"] if c["id"] != "crash" for e in c["evidence"]]
    assert others and all(e["verdict"] in ("PASS", "FAIL") for e in others)  # only the dead worker's check


def test_forkserver_workers_give_the_same_numbers(claims_file, monkeypatch):
    """With other threads running here, workers start from the forkserver instead of a fork."""
    from proofcheck.execution import pool

    tasks = _tasks([claims_file], ["one", "two"])
    forked = run_tasks(tasks, jobs=2)
    monkeypatch.setattr(pool, "_threads_running", lambda: True)
    assert pool._pool_context().get_start_method() in ("forkserver", "spawn")
    _same(forked, run_tasks(tasks, jobs=2))


def test_numba_kernels_run_in_forked_pool_workers(tmp_path):
    """The parent imported numba (claim modules do) but ran no kernel, so workers are forked with numba
    preloaded; capping their threads must not make numba refuse to dispatch ("Cannot set
    NUMBA_NUM_THREADS to a different value once the threads have been launched")."""
    pytest.importorskip("numba")
    import os
    import subprocess
    import sys

    claims = tmp_path / "numba_claims.py"
    claims.write_text(NUMBA_CLAIMS)
    proc = subprocess.run([sys.executable, "-m", "proofcheck", "run", str(claims), "--jobs", "2", "--no-cache",
                           "--budget", "quick", "--out", str(tmp_path / "out"), "--format", "json"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")})  # compile in the worker
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    evidence = [e for c in report["claims"] for e in c["evidence"]]
    assert [e["verdict"] for e in evidence] == ["PASS", "PASS"], [e["reason"] for e in evidence]


NUMBA_CLAIMS = '''
import numpy as np
from proofcheck import Check, Claim, Verdict
from lemmas.adam._common import fast


class RunsNumba(Check):
    kind, basis = "bound", "numeric"

    def evaluate(self, ctx):
        run = fast.gd_fast(np.ones((4, 3)), np.ones((4, 3)), 0.1, iters=5)  # not yet dispatched in this process
        ok = bool(np.all(np.isfinite(run.x)))
        return self.evidence(Verdict.PASS if ok else Verdict.FAIL, instances=4, reason="numba ran in the worker")


CLAIMS = [Claim(id=f"numba-{i}", title="t", source="t", provenance="user", statement="s", hypotheses=[],
                checks=[RunsNumba("run")]) for i in range(2)]
'''


def test_without_timings_the_kinds_that_usually_take_longest_are_submitted_first():
    """With no timing of an earlier run (``--no-cache``, a first run), a pool starts sweeps and bisections first, so a
    long check is not left to the end while the other workers idle; ties keep their catalogue order."""
    from proofcheck.context import Budget
    from proofcheck.execution import likely_longest_first
    from proofcheck.registry import Registry
    from proofcheck.runner import tasks_for

    reg = Registry.builtin()
    refs = [reg.ref(cid) for cid in ("gd-rate", "adam-diagonal", "fixed-point")]
    claims = {r.id: reg.claims[r.id] for r in refs}
    ordered = likely_longest_first(tasks_for(refs, claims, 0, Budget("quick")))
    kinds = [next(c.kind for c in claims[t.ref.id].checks if c.name == t.check) for t in ordered]
    assert kinds[:3] == ["scaling", "scaling", "threshold"] and kinds[-1] == "symbolic"


def test_check_metadata_travels_on_the_task_and_is_no_part_of_its_identity(claims_file):
    """tasks_for reads a check's kind, basis, time limit and split once, onto the task (runner.CheckInfo), so that
    executors never load claim code in the parent; it travels to workers (pickled) but equality, hash and the cache
    key ignore it."""
    import dataclasses
    import pickle

    from proofcheck.cache import key_material
    from proofcheck.runner import CheckInfo

    sym, num = _tasks([claims_file], ["one"])
    assert (sym.info.kind, sym.info.basis, num.info.basis) == ("bound", "symbolic", "numeric")
    assert sym.info.time_limit is None and not sym.info.splits and sym.info.weight == 5
    bare = dataclasses.replace(sym, info=CheckInfo())
    assert bare == sym and hash(bare) == hash(sym) and "info" not in sym.identity()
    assert key_material(bare)["task"] == key_material(sym)["task"]
    assert pickle.loads(pickle.dumps(sym)).info == sym.info


def test_every_executor_reports_each_task_once_with_the_same_numbers(claims_file):
    """One interface, run(tasks, on_result): the local and the pool executor give the same evidence, once per task."""
    from proofcheck.execution import LocalExecutor, PoolExecutor

    tasks = _tasks([claims_file], ["one", "two"])
    runs = []
    for executor in (LocalExecutor(), PoolExecutor(2)):
        seen = []
        executor.run(tasks, lambda task, evidence: seen.append((task, evidence)))
        assert sorted(t.check + t.ref.id for t, _ in seen) == sorted(t.check + t.ref.id for t in tasks)
        runs.append(dict(seen))
    _same(*runs)
    assert runs[0] and LocalExecutor.mode == "in-process" and PoolExecutor.mode == "processes"
