"""Issue 13's speed-ups change no verdict, number or witness: the committed standard report's deciding numbers
are reproduced (timings, wording and backend names aside) for what the speed-ups touched.

* T6 `fixed-point`, the whole claim at the standard budget (its classifier now resumes MPFR runs);
* T2 `adam-diagonal`, one beta2 < 1 cell of the standard sweep whose flagged runs are recounted (now in compiled
  float64 with an unbounded exponent; before in longdouble and MPFR), with the standard run's seeds.

The whole standard run is compared by ``benchmarks/run_all.py --only cli`` (``benchmarks/compare_reports.py``).
"""
import importlib.util
import json
from pathlib import Path

import pytest

from proofcheck.context import Budget, Context
from proofcheck.testing import run_claim

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


def test_fixed_point_at_standard_reproduces_the_committed_report():
    from lemmas import t6_fixed_point as t6

    compare = _compare_reports()
    result = run_claim(t6.CLAIM, budget="standard")
    new = {"claims": [{"id": "fixed-point", "verdict": result.verdict.value,
                       "evidence": [e.to_json() for e in result.evidence]}]}
    reference = {"claims": [_reference_claim("fixed-point")]}
    assert compare.differences(reference, new) == []


def test_t2_cell_with_recounted_runs_reproduces_the_committed_counts():
    from lemmas import t2_adam_diagonal as t2
    from lemmas._common.tuning import ADAM_B2

    cell = {"d": 128, "kappa": 10000.0, "spectrum": "logspaced", "method": ADAM_B2, "eps": t2.EPS}
    sweep = next(e for e in _reference_claim("adam-diagonal")["evidence"] if e["check"] == "scaling-sweep")
    committed = next(c for c in sweep["details"]["per_cell"] if c["cell"] == cell)
    ctx = Context(seed=0, budget=Budget("standard"), claim_id="adam-diagonal", check_name="scaling-sweep")
    seeds = [ctx.subseed("seed", i) for i in range(sweep["details"]["seeds_per_cell"])]
    assert seeds == sweep["details"]["seeds"]
    m = t2.measure(cell, seeds)
    assert m.info["escalated_chosen_runs"]  # the cell exercises the recount
    assert m.per_seed == committed["per_seed"] and m.cap == committed["cap"]
