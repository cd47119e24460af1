"""Sweeps measured in parts (issue 13): a scaling check's cells run as parts on any workers (Check.splits_into_parts),
and nothing about the result depends on it: the same evidence with one job, two jobs or on Dask, a FAIL stays a
FAIL, and a part that raises, dies or runs past its time limit makes its check an ERROR that names it."""
import json
import textwrap

import pytest

from proofcheck.context import Budget
from proofcheck.execution import run_tasks
from proofcheck.registry import Registry
from proofcheck.runner import PartTask, execute_task, tasks_for
from proofcheck.testing import strip_timing as _strip

CLAIMS = textwrap.dedent('''
    """Synthetic sweeps for the split tests: T(cell) times a seeded noise, exact arithmetic."""
    import math
    import os
    import time
    import zlib

    import numpy as np

    from proofcheck import Claim
    from proofcheck.checks.scaling import Measurement, Scaling, Slope


    def measure_with(T_of_cell, trap=None):
        def measure(cell, seeds):
            if trap is not None and cell["n"] == 32 and cell["m"] == 2:
                trap()
            print(f"measured n={cell['n']} m={cell['m']}")  # claim output survives the split
            key = zlib.crc32(repr(sorted((k, str(v)) for k, v in cell.items())).encode())
            T = [T_of_cell(cell) * math.exp(0.03 * np.random.default_rng([s % 2**31, key]).standard_normal())
                 for s in seeds]
            return Measurement(T=T, capped=[False] * len(T), dps=50, backend="exact (synthetic)",
                               per_seed=[{"seed": int(s) % 1000} for s in seeds], info={"cell_n": cell["n"]})
        return measure


    def raise_error():
        raise ValueError("no convergence at n = 32")


    def die():
        os._exit(9)


    def hang():
        time.sleep(60)


    def pause(cell, seeds):
        time.sleep(0.3)
        return measure_with(lambda c: c["n"])(cell, seeds)


    def sweep(T_of_cell, claimed, trap=None, name="sweep", **kw):
        return Scaling(name, axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64], "m": [1, 2, 3]},
                       measure=measure_with(T_of_cell, trap), probability=0.5, seeds=(16, 16, 16),
                       bootstrap=(400, 400, 400), slopes=[Slope("n", "n", claimed, "<=", 0.1)], **kw)


    def claim(cid, *checks):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=list(checks))


    CLAIMS = [
        claim("linear", sweep(lambda c: 3.0 * c["n"] * c["m"], 1.0)),
        claim("quadratic-claimed-linear", sweep(lambda c: c["n"] ** 2 * c["m"], 1.0)),
        claim("raises", sweep(lambda c: c["n"], 1.0, trap=raise_error)),
        claim("dies", sweep(lambda c: c["n"], 1.0, trap=die)),
        claim("hangs", sweep(lambda c: c["n"], 1.0, trap=hang)),
        claim("slow", Scaling("sweep", axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64], "m": [1, 2, 3]}, measure=pause,
                              probability=0.5, seeds=(4, 4, 4), bootstrap=(100, 100, 100),
                              slopes=[Slope("n", "n", 1.0, "<=", 0.1)])),
    ]
''')


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("split") / "split_claims.py"
    path.write_text(CLAIMS)
    return str(path)


def _tasks(claims_file, ids):
    reg = Registry()
    reg.add_origin(claims_file)
    refs = [reg.ref(cid) for cid in ids]
    return tasks_for(refs, {r.id: reg.claims[r.id] for r in refs}, 5, Budget("quick"))


def test_scaling_checks_split_into_parts_and_give_the_same_evidence(claims_file):
    tasks = _tasks(claims_file, ["linear", "quadratic-claimed-linear"])
    info_one, info_two = {}, {}
    one = run_tasks(tasks, jobs=1, isolate=False, info=info_one)  # all cells measured inside the check, here
    two = run_tasks(tasks, jobs=2, info=info_two)  # cells measured as parts on two workers
    assert info_one["parts"] == 0 and info_two["parts"] >= 2 * len(tasks)
    assert [e["verdict"] for e in one.values()] == ["PASS", "FAIL"]
    for task in tasks:
        assert _strip(two[task]) == _strip(one[task])
    # the claim's output is kept; the parts' output comes first
    assert "measured n=64 m=3" in two[tasks[0]]["details"]["output"]


def test_a_split_fail_replays_as_a_fail_on_two_workers(claims_file, tmp_path):
    from proofcheck.testing import replay

    task = _tasks(claims_file, ["quadratic-claimed-linear"])[0]
    fail = run_tasks([task], jobs=2)[task]
    assert fail["verdict"] == "FAIL" and "--instance" in fail["reproducer"]
    assert "--seed 5" in fail["reproducer"] and "--claims" in fail["reproducer"]
    assert replay(fail["reproducer"] + " --jobs 2", tmp_path) == (1, "FAIL")


def test_a_part_is_a_subset_of_the_cells_and_the_parts_cover_the_grid(claims_file):
    task = _tasks(claims_file, ["linear"])[0]
    outputs = [execute_task(PartTask(task, i, 4)) for i in range(4)]
    numbers = sorted(i for out in outputs for i, *_ in out["output"])
    assert numbers == list(range(18)) and all(out["part"] == i for i, out in enumerate(outputs))
    whole = execute_task(task, parts=outputs)
    assert _strip(whole) == _strip(execute_task(task))


def test_parts_that_do_not_cover_the_grid_are_an_error_not_a_verdict(claims_file):
    task = _tasks(claims_file, ["linear"])[0]
    outputs = [execute_task(PartTask(task, i, 4)) for i in range(3)]  # one part missing
    evidence = execute_task(task, parts=outputs)
    assert evidence["verdict"] == "ERROR" and "measured" in evidence["reason"]


@pytest.mark.parametrize("cid, words", [("raises", "ValueError: no convergence at n = 32"),
                                         ("dies", "worker process died")])
def test_a_failing_part_makes_its_check_an_error_and_the_run_goes_on(claims_file, cid, words):
    tasks = _tasks(claims_file, [cid, "quadratic-claimed-linear"])
    results = run_tasks(tasks, jobs=2)
    bad, fail = results[tasks[0]], results[tasks[1]]
    assert bad["verdict"] == "ERROR" and words in bad["reason"], bad["reason"]
    assert "of" in bad["details"]["part"]
    assert fail["verdict"] == "FAIL"  # the FAIL of the other claim is not lost


def test_a_part_past_the_time_limit_makes_its_check_an_error(claims_file):
    tasks = _tasks(claims_file, ["hangs", "linear"])
    results = run_tasks(tasks, jobs=2, timeout=3)
    assert results[tasks[0]]["verdict"] == "ERROR" and "time limit" in results[tasks[0]]["reason"]
    assert results[tasks[1]]["verdict"] == "PASS"


def test_a_split_checks_time_limit_covers_all_its_parts(claims_file):
    """18 cells of 0.3 s: 5.4 s of work, about 2.7 s on two workers, while no part takes 1 s. The check's limit of
    2 s counts from its first part's start, as it would in one task: the verdict does not depend on --jobs."""
    tasks = _tasks(claims_file, ["slow"])
    results = run_tasks(tasks, jobs=2, timeout=2)
    assert results[tasks[0]]["verdict"] == "ERROR" and "time limit" in results[tasks[0]]["reason"]


def test_dask_runs_the_parts_and_gives_the_same_evidence(claims_file):
    distributed = pytest.importorskip("distributed")
    tasks = _tasks(claims_file, ["linear", "quadratic-claimed-linear"])
    local = run_tasks(tasks, jobs=1, isolate=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  host="127.0.0.1", protocol="tcp://") as cluster:
        info = {}
        remote = run_tasks(tasks, scheduler=cluster.scheduler_address, info=info)
    assert info["parts"] >= 2 * len(tasks)
    for task in tasks:
        assert _strip(remote[task]) == _strip(local[task])


def test_the_builtin_t2_sweep_is_split_and_reproduces_its_numbers():
    """T2's sweep at the quick budget: split over two workers, the report is identical to one job's."""
    reg = Registry.builtin()
    task = next(t for t in tasks_for([reg.ref("adam-diagonal")], {"adam-diagonal": reg.get("adam-diagonal")}, 0,
                                     Budget("quick")) if t.check == "scaling-sweep")
    one = run_tasks([task], jobs=1)[task]
    two = run_tasks([task], jobs=2)[task]
    assert json.dumps(_strip(one), sort_keys=True) == json.dumps(_strip(two), sort_keys=True)


def test_figures_are_rendered_only_for_formats_that_show_them(tmp_path):
    """Plots cost time and only html and md show them: a json-only run renders none (and caches apart)."""
    from proofcheck.cli import main

    def run(name, *extra):
        out = tmp_path / name
        code = main(["run", "fixed-point", "--check", "threshold-delta-vs-alpha", "--budget", "quick", "--out",
                     str(out), "--quiet", "--rerun", *extra])
        assert code == 0
        report = json.loads((out / "report.json").read_text())
        ev = report["claims"][0]["evidence"][0]
        return ev, out

    json_only, out = run("json", "--format", "json")
    assert json_only["artifacts"] == [] and not (out / "plots").exists()
    forced, out = run("forced", "--format", "json", "--plots", "always")
    assert forced["artifacts"] and (out / "plots").is_dir()
    with_md, out = run("md", "--format", "json,md")
    assert with_md["artifacts"] and (out / "plots").is_dir()
    assert _strip({k: v for k, v in json_only.items() if k != "artifacts"}) == \
        _strip({k: v for k, v in with_md.items() if k != "artifacts"})  # the figures change nothing else
