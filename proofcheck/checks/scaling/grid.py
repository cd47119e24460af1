"""The grid of a sweep: cells from the axes (narrowed by a selection or a replay, never widened), cell comparison,
the lines of cells a test is made on, and the grid's ranges in words."""
from __future__ import annotations

import itertools
import json
import math
from typing import Sequence

from ...context import Context
from ...explain import format_value as _num


def _key(cell: dict, keys: Sequence[str]) -> tuple:
    return tuple((k, cell.get(k)) for k in keys)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.0)
    return a == b


def _cell_text(cell: dict) -> str:
    """A cell as canonical text, to compare cells that went through pickling (derived fields may be arrays)."""
    return json.dumps(cell, sort_keys=True, default=str)


def enumerate_grid(sweep, ctx: Context) -> tuple[dict, list[dict]]:
    """(axes, cells) of ``sweep`` in ``ctx``: the product of ``sweep.axes(ctx)``, each key in ``ctx.selection``
    restricted to the selected values (an intersection: a selection never adds cells), a replayed ``ctx.instance``
    naming the cells of one test, filtered by ``sweep.admit`` and completed by ``sweep.derive``. Records on the
    sweep its own (unnarrowed) axes and the keys a selection narrowed, which the tests consult."""
    axes = {k: list(v) for k, v in sweep.axes(ctx).items()}
    sweep._own_axes = {k: list(v) for k, v in axes.items()}
    sweep._restricted = set()  # keys whose values a selection or a replay narrowed
    for key, values in (ctx.selection or {}).items():  # narrowing: an intersection with this check's own values
        if key in axes:
            wanted = values if isinstance(values, (list, tuple)) else [values]
            kept = [v for v in axes[key] if any(_same(v, w) for w in wanted)]
            if len(kept) < len(axes[key]):
                sweep._restricted.add(key)
            axes[key] = kept
    if ctx.instance is not None:  # a reproducer names the cells of one failing test (values of the full grid)
        for key, values in ctx.instance.items():
            if key in axes:
                axes[key] = list(values) if isinstance(values, (list, tuple)) else [values]
    keys = list(axes)
    cells = [dict(zip(keys, combo)) for combo in itertools.product(*(axes[k] for k in keys))]
    cells = [c for c in cells if sweep.admit(c)]
    cells = [sweep.derive(dict(c), ctx) for c in cells]
    return axes, cells


def ranges(axes: dict) -> str:
    """The grid in words: 'd in 2..64 (6 values), method in {adam, gd}'."""
    parts = []
    for key, vals in axes.items():
        vals = list(vals)
        if len(vals) > 1 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            parts.append(f"{key} in {_num(min(vals))}..{_num(max(vals))} ({len(vals)} values)")
        else:
            parts.append(f"{key} in {{{', '.join(_num(v) for v in vals)}}}" if len(vals) != 1 else f"{key} = {_num(vals[0])}")
    return ", ".join(parts)


def scope(axes: dict, n: int, ctx: Context) -> str:
    """What a PASS covers: every axis's range, the seeds, the budget."""
    return f"{ranges(axes)}; {n} seeds per cell, run seed {ctx.seed}, {ctx.budget.name} budget"


def selected(records, where):
    return [r for r in records if where is None or where(r["cell"])]


def lines(records, vary, where, extra_skip=()):
    """Groups of records with every public key but ``vary`` equal, sorted along ``vary``."""
    groups: dict = {}
    for r in selected(records, where):
        other = tuple(sorted((k, repr(v)) for k, v in r["cell"].items()
                             if k != vary and not k.startswith("_") and k not in extra_skip))
        groups.setdefault(other, []).append(r)
    return [sorted(g, key=lambda r: r["cell"][vary]) for g in groups.values()]


def adjacent_on(own_axes: dict, vary):
    """Whether two values of ``vary`` are neighbours on the check's own (unnarrowed) grid."""
    own = sorted(float(v) for v in own_axes.get(vary, []))

    def adjacent(a, b):
        ia = next((i for i, v in enumerate(own) if _same(v, a)), None)
        ib = next((i for i, v in enumerate(own) if _same(v, b)), None)
        return ia is None or ib is None or abs(ia - ib) == 1
    return adjacent
