"""A sweep's cells measured apart (Check.splits_into_parts): the share of cells each part measures, and the
reduction that hands the parts' measurements back to the sweep's own evaluation, checked cell by cell."""
from __future__ import annotations

import contextlib
import io
import sys

import numpy as np

from ...context import Context
from . import grid


def run_part(sweep, ctx: Context, index: int, of: int) -> list:
    """Measure part ``index`` of ``of`` of this sweep's cells: [(cell number, cell, Measurement, what measuring
    it printed), ...]. A cell's measurement depends only on the cell and the seeds (drawn from seed, claim and
    check), so it is the same whichever part, worker or process measures it.

    The cells are dealt to the parts in a fixed shuffled order: in grid order, one axis (the method, say) would
    put all the costly cells into the same few parts."""
    _, cells = sweep.grid(ctx)
    seeds = sweep.seeds_for(ctx)
    dealt = np.random.default_rng(len(cells)).permutation(len(cells))
    mine = sorted(int(i) for i in dealt[index::of])
    out = []
    for j, i in enumerate(mine):
        printed = io.StringIO()  # what measuring the cell prints, replayed in cell order by evaluate
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            m = sweep.measure(cells[i], seeds)
        out.append((i, cells[i], m, printed.getvalue()))
        ctx.report((j + 1) / max(len(mine), 1), f"part {index + 1}/{of}: cell {j + 1}/{len(mine)}")
    return out

def measured_apart(ctx: Context, cells: list) -> dict | None:
    """{cell number: Measurement} from the parts that measured this grid apart (None: measure here). Every
    cell must come back exactly once and be the cell this evaluation enumerates, or nothing is used. What the
    cells printed is printed again here, in cell order, as if they had been measured here."""
    if ctx.parts is None:
        return None
    measured, printed = {}, {}
    for part in ctx.parts:
        for i, cell, m, text in part:
            if i in measured or not 0 <= i < len(cells) or grid._cell_text(cell) != grid._cell_text(cells[i]):
                raise RuntimeError(f"the cells measured apart do not match this sweep's grid (cell {i})")
            measured[i], printed[i] = m, text
    if len(measured) != len(cells):
        raise RuntimeError(f"the parts measured {len(measured)} of this sweep's {len(cells)} cells")
    for i in sorted(printed):
        if printed[i]:
            sys.stdout.write(printed[i])
    return measured
