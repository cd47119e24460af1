"""The result cache (proofcheck/cache.py): what the key covers, what is never cached, resume after Ctrl-C."""
import dataclasses
import io
import json
import textwrap

import pytest

from proofcheck import cache as cachemod
from proofcheck.cache import ResultCache, task_key
from proofcheck.cli import main
from proofcheck.context import Budget
from proofcheck.execution import run_tasks
from proofcheck.report import TIMING_KEYS
from proofcheck.registry import Registry
from proofcheck.runner import tasks_for

CLAIMS = textwrap.dedent('''
    """Claims that count their executions (one file per run of a check) for the cache tests."""
    import os
    import uuid

    from proofcheck import Check, Claim, Verdict

    LOG = os.environ["PROOFCHECK_TEST_RUNLOG"]


    class Counted(Check):
        kind = "bound"

        def __init__(self, name, verdict=Verdict.PASS, basis="numeric", deterministic=True):
            super().__init__(name)
            self.verdict, self.basis, self.deterministic = verdict, basis, deterministic

        def evaluate(self, ctx):
            open(os.path.join(LOG, f"{ctx.claim_id}.{self.name}.{uuid.uuid4().hex}"), "w").close()
            if self.verdict is None:
                raise RuntimeError("claim code crashed")
            x = float(ctx.rng().standard_normal())
            details = {} if self.deterministic else {"deterministic": False}
            return self.evidence(self.verdict, instances=1, worst_margin=x, reason="counted", details=details)


    def claim(cid, *checks):
        return Claim(id=cid, title=cid, source="tests", provenance="user", statement=cid, hypotheses=[],
                     checks=list(checks))


    CLAIMS = [
        claim("good", Counted("sym", basis="symbolic"), Counted("num")),
        claim("bad", Counted("sym", basis="symbolic"), Counted("num", verdict=Verdict.FAIL)),
        claim("open", Counted("sym", basis="symbolic"), Counted("num", verdict=Verdict.INCONCLUSIVE)),
        claim("crash", Counted("sym", basis="symbolic"), Counted("num", verdict=None)),
        claim("flaky", Counted("sym", basis="symbolic"),
              Counted("num", verdict=Verdict.INCONCLUSIVE, deterministic=False)),
    ]
''')


@pytest.fixture
def env(tmp_path, monkeypatch):
    log = tmp_path / "runs"
    log.mkdir()
    monkeypatch.setenv("PROOFCHECK_TEST_RUNLOG", str(log))
    monkeypatch.setenv("PROOFCHECK_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "cache_claims.py"
    path.write_text(CLAIMS)

    def runs():
        names = sorted(p.name.rsplit(".", 1)[0] for p in log.iterdir())
        for p in log.iterdir():
            p.unlink()
        return names

    return str(path), runs, tmp_path


def _tasks(path, ids, seed=0, budget="quick"):
    reg = Registry()
    reg.add_origin(path)
    refs = [reg.ref(cid) for cid in ids]
    return tasks_for(refs, {r.id: reg.claims[r.id] for r in refs}, seed, Budget(budget))


def _cli(path, out, *extra):
    err = io.StringIO()
    code = main(["run", path, "--jobs", "1", "--out", str(out), "--format", "json", *extra], io.StringIO(), err)
    return code, json.loads((out / "report.json").read_text())


def test_key_covers_parameters_seed_budget_code_and_libraries(env, monkeypatch):
    path, _, tmp = env
    task = _tasks(path, ["good"])[0]
    key = task_key(task)
    assert key == task_key(_tasks(path, ["good"])[0])  # equal tasks, equal keys
    variants = [dataclasses.replace(task, seed=1), dataclasses.replace(task, budget="standard"),
                dataclasses.replace(task, check="num"), dataclasses.replace(task, instance_json='{"x": 1}'),
                dataclasses.replace(task, ref=dataclasses.replace(task.ref, mutant="m"))]
    if hasattr(task, "selection_json"):
        variants.append(dataclasses.replace(task, selection_json='{"n": [23]}'))
    assert len({key} | {task_key(v) for v in variants}) == len(variants) + 1
    versions = cachemod.library_versions()
    monkeypatch.setattr(cachemod, "library_versions", lambda: {**versions, "numpy": "0.0"})
    assert task_key(task) != key
    monkeypatch.undo()
    material = cachemod.key_material(task)
    # a user file shares only the engine; a catalogue's claims also the shared code it declares (SHARED)
    assert set(material["shared_code"]) == {"proofcheck"}
    from proofcheck.registry import catalogues, load_origin

    # each catalogue's own shared code, never another catalogue's
    for origin in catalogues():
        load_origin(origin)
    assert set(cachemod.shared_digests("lemmas.adam")) == {"proofcheck", "lemmas/adam/_common"}
    assert set(cachemod.shared_digests("lemmas.classics")) == {"proofcheck", "lemmas/classics/_pep",
                                                               "lemmas/classics/_witness"}
    assert material["claim_code"]["module"] == "cache_claims.py"
    with open(path, "a") as fh:  # the claim's code changed: a new key
        fh.write("\n# edited\n")
    assert task_key(task) != key


def test_builtin_claims_are_keyed_by_their_own_module():
    reg = Registry.builtin()
    code = cachemod.claim_code_digest("lemmas.adam", "gd-rate")
    assert code["module"] == "f1_gd_rate.py" and len(code["digest"]) == 64
    # its catalogue's helpers it imports, named from the folder that holds the top-level package
    assert "lemmas/adam/_common/methods.py" in code["related"]
    assert not any(name.startswith("lemmas/classics/") for name in code["related"]), code["related"]
    assert reg.ids()[0] == "gd-rate"


def test_passes_and_deterministic_inconclusives_are_cached_and_reruns_skip_them(env):
    path, runs, tmp = env
    code, first = _cli(path, tmp / "r1")
    assert code == 1 and len(runs()) == 10  # every check ran; "bad" FAILs (a FAIL outranks the ERROR)
    code, second = _cli(path, tmp / "r2")
    # good/*, open/* and the PASSing symbolic checks came from the cache (a deterministic INCONCLUSIVE repeats);
    # the FAIL, the ERROR and the INCONCLUSIVE marked non-deterministic ran again
    assert runs() == ["bad.num", "crash.num", "flaky.num"]
    hidden = ("details",) + TIMING_KEYS  # what may differ between equal runs: times and cache marks
    strip = lambda rep: [[{k: v for k, v in e.items() if k not in hidden} for e in c["evidence"]] for c in rep["claims"]]  # noqa: E731
    assert strip(first) == strip(second)  # cached evidence is the evidence, unchanged
    served = [e for c in second["claims"] for e in c["evidence"] if e["cached"]]
    assert len(served) == 7 and all(e["original_seconds"] is not None and e["seconds"] == 0.0 for e in served)
    assert [e["verdict"] for e in served if e["check"] == "num"] == ["PASS", "INCONCLUSIVE"]  # and says so
    assert "cached" in (tmp / "r2" / "report.json").read_text()
    assert not any(e["cached"] for c in first["claims"] for e in c["evidence"])
    _cli(path, tmp / "r3", "--rerun")
    assert len(runs()) == 10  # --rerun ignores the cache...
    _cli(path, tmp / "r4")
    assert len(runs()) == 3  # ...but refreshes it
    _cli(path, tmp / "r5", "--no-cache")
    assert len(runs()) == 10


def test_no_cache_writes_nothing(env):
    path, runs, tmp = env
    _cli(path, tmp / "r", "--no-cache")
    assert not (tmp / "cache").exists()


def test_corrupt_entries_are_recomputed(env):
    path, runs, tmp = env
    cache = ResultCache(tmp / "c")
    tasks = _tasks(path, ["good"])
    fresh = run_tasks(tasks, jobs=1, cache=cache)
    assert cache.stores == 2 and len(runs()) == 2
    for entry in (tmp / "c").rglob("*.json"):
        entry.write_text("{not json")
    again = run_tasks(tasks, jobs=1, cache=ResultCache(tmp / "c"))
    assert len(runs()) == 2 and again.keys() == fresh.keys()


def test_an_interrupted_run_resumes_from_what_finished(env):
    path, runs, tmp = env
    tasks = _tasks(path, ["good", "bad"])
    cache, calls = ResultCache(tmp / "c"), []

    def interrupt(task, evidence):
        calls.append(task)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, {}, jobs=1, cache=cache, on_done=interrupt)
    assert cache.stores == 2 and len(runs()) == 2  # "good" finished and was stored before the interrupt
    resumed = ResultCache(tmp / "c")
    run_tasks(tasks, {}, jobs=1, cache=resumed)
    assert resumed.hits == 2 and runs() == ["bad.num", "bad.sym"]


def test_timing_hints_submit_the_longest_tasks_first(env):
    path, runs, tmp = env
    from proofcheck.cache import TimingHints

    tasks = _tasks(path, ["good", "bad"])
    hints = TimingHints(tmp / "h")
    assert hints.order(tasks) == tasks  # nothing known: the given order
    for task, seconds in zip(tasks, (0.1, 3.0, 0.2)):  # the last task was never timed
        hints.record(task, seconds)
    hints.save()
    again = TimingHints(tmp / "h")
    assert again.order(tasks) == [tasks[3], tasks[1], tasks[2], tasks[0]]
    assert again.label(tasks[0]) == again.label(dataclasses.replace(tasks[0], seed=99))  # the seed is not part
    run_tasks(tasks, {}, jobs=2, cache=ResultCache(tmp / "c"))
    assert set(json.loads((tmp / "c" / "timings.json").read_text())) == {again.label(t) for t in tasks}
