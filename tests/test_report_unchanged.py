"""Issue 13's speed-ups change no verdict, number or witness: the committed standard report (reference/, seed 0) is
reproduced, timings, wording and backend names aside.

* the whole standard run, on two workers (so every scaling sweep is measured in parts and reduced), against every
  claim's verdict and deciding numbers (``benchmarks/compare_reports.py``: worst margins, witnesses, precisions,
  threshold brackets, sweep quantiles and per-seed counts);
* T2 `adam-diagonal`, one beta2 < 1 cell of the standard sweep whose flagged runs are recounted (now in compiled
  float64 with an unbounded exponent; before in longdouble and MPFR), with the standard run's seeds.
"""
import importlib.util
import json
from pathlib import Path

import pytest

from proofcheck.context import Budget, Context

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = next((p for p in (ROOT / "reference" / "report.json", ROOT / "reports" / "report.json") if p.exists()), None)

pytestmark = pytest.mark.skipif(REFERENCE is None, reason="no committed standard report")


def _compare_reports():
    spec = importlib.util.spec_from_file_location("compare_reports", ROOT / "benchmarks" / "compare_reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_claim(claim_id: str) -> dict:
    from proofcheck.sidecar import attach

    report = attach(json.loads(REFERENCE.read_text()), REFERENCE.parent)  # per-cell data lives in report.cells.json
    assert report["budget"] == "standard" and report["seed"] == 0
    return next(c for c in report["claims"] if c["id"] == claim_id)


def test_the_standard_run_on_two_workers_reproduces_the_committed_report():
    from proofcheck.execution import run_tasks
    from proofcheck.registry import Registry
    from proofcheck.runner import merge, tasks_for

    reg = Registry.builtin()
    refs = [reg.ref(cid) for cid in reg.ids()]
    claims = {r.id: reg.claims[r.id] for r in refs}
    # figures change no number (tests/test_split_sweeps.py): leaving them out saves a tenth of the run
    tasks = tasks_for(refs, claims, 0, Budget("standard"), plots=False)
    info = {}
    results = run_tasks(tasks, jobs=2, info=info)
    assert info["parts"] > 0  # the sweeps ran in parts
    new = {"claims": [r.to_json() for r in merge(refs, claims, results, tasks)]}
    reference = {"claims": [_reference_claim(cid) for cid in reg.ids()]}
    assert _compare_reports().differences(reference, new) == []


def test_t2_cell_with_recounted_runs_reproduces_the_committed_counts():
    from lemmas.adam import t2_adam_diagonal as t2
    from lemmas.adam._common.tuning import ADAM_B2

    cell = {"d": 32, "kappa": 10000.0, "spectrum": "logspaced", "method": ADAM_B2, "eps": t2.EPS}  # d = 128 runs only as beta2 = 1 since issue 17
    sweep = next(e for e in _reference_claim("adam-diagonal")["evidence"] if e["check"] == "scaling-sweep")
    committed = next(c for c in sweep["details"]["per_cell"] if c["cell"] == cell)
    ctx = Context(seed=0, budget=Budget("standard"), claim_id="adam-diagonal", check_name="scaling-sweep")
    seeds = [ctx.subseed("seed", i) for i in range(sweep["details"]["seeds_per_cell"])]
    assert seeds == sweep["details"]["seeds"]
    m = t2.measure(cell, seeds)
    assert m.info["escalated_chosen_runs"]  # the cell exercises the recount
    assert m.per_seed == committed["per_seed"] and m.cap == committed["cap"]
