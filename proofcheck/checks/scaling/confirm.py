"""High-precision confirmation of a sweep's counts: a sample of re-counts (the quantile seed of the cheapest cells),
the escalation of a cell whose re-count differs (every seed re-counted, the high-precision counts kept), and before
a FAIL the re-count of the cells that decide each failing test. The re-counts come from the sweep's ``confirm``
hook; without one, the measurement's own arithmetic stands and the evidence says so."""
from __future__ import annotations

import math

import numpy as np

from . import grid
from .sentences import fmt_cell


def sample(sweep, ctx, records, seeds, k) -> list[dict]:
    """A sample of high-precision re-counts: the quantile seed of the cheapest cells (per ``confirm_per``)."""
    if sweep.confirm is None:
        return []
    cost = sweep.cost or (lambda cell, t: t)
    candidates = sorted((r for r in records if math.isfinite(r["q"])), key=lambda r: cost(r["cell"], r["q"]))
    n_cells, chosen, taken = int(ctx.pick(*sweep.confirm_cells)), [], {}
    for r in candidates:  # the cheapest cells, up to n_cells per value of ``confirm_per`` (or overall)
        group = repr(r["cell"].get(sweep.confirm_per)) if sweep.confirm_per else ""
        if taken.get(group, 0) < n_cells:
            taken[group] = taken.get(group, 0) + 1
            chosen.append(r)
    return [dict(confirm_one(sweep, r, seeds, k), _record=r) for r in chosen]

def escalate(sweep, r, seeds) -> dict:
    """Re-count every seed of a cell at high precision (the step each seed was tuned to is kept) and replace the
    float64 counts where a high-precision count exists; the cell's precision is recorded."""
    replaced, missing, dps = 0, 0, set()
    for i, seed in enumerate(seeds):
        res = sweep.confirm(r["cell"], seed, r["per_seed"][i] if r["per_seed"] else None)
        if "T_high" not in res:
            missing += 1
            continue
        dps.add(res.get("dps"))
        new = math.inf if res["T_high"] is None else float(res["T_high"])
        if new != r["T"][i]:
            replaced += 1
            r["T"][i] = new
            r["capped"][i] = math.isinf(new)
    if not missing:
        r["dps"] = max(d for d in dps if d)
    return {"cell": fmt_cell(r["cell"]), "recounted": len(seeds) - missing, "changed": replaced,
            "complete": missing == 0, "dps": sorted(d for d in dps if d)}

def confirm_one(sweep, r, seeds, k) -> dict:
    i = int(np.argsort(r["T"], kind="stable")[k - 1])  # the seed that realises the quantile
    rec = r["per_seed"][i] if r["per_seed"] else None
    res = dict(sweep.confirm(r["cell"], seeds[i], rec))
    res.update(cell=fmt_cell(r["cell"]), seed=seeds[i], T_screen=r["q"])
    return res

def deciding(sweep, ctx, fails, records, seeds, k) -> list[dict]:
    """Before a FAIL: re-count at high precision the quantile seed of the cells that decide each failing test (its
    window; for a crossover, both series at each d*), the cheapest first by ``cost``, at most twice the budget's
    ``confirm_cells`` per test; a cell already re-counted in this run is not re-counted."""
    if sweep.confirm is None:
        return [{"test": t.what, "agree": True, "dps": min(r["dps"] for r in records), "of": len(t.cells),
                 "backend": "the measurement's own arithmetic (no confirm hook)"} for t in fails]
    cost = sweep.cost or (lambda cell, t: t)
    limit, done, out = 2 * int(ctx.pick(*sweep.confirm_cells)), {}, []
    for t in fails:
        rs = []
        for cell in t.cells:
            r = next((r for r in records if all(grid._same(r["cell"].get(k_), v) for k_, v in cell.items())), None)
            if r is not None and math.isfinite(r["q"]) and all(r is not x for x in rs):
                rs.append(r)
        for r in sorted(rs, key=lambda r: cost(r["cell"], r["q"]))[:limit]:
            if id(r) not in done:
                done[id(r)] = confirm_one(sweep, r, seeds, k)
            out.append(dict(done[id(r)], test=t.what, of=len(rs)))
    return out
