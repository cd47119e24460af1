"""The sweep check itself: :class:`Sweep`, the base class a claim's sweep subclasses (benchopt-style: the grid, the
measurement and the tests are class attributes and methods), and :class:`Scaling`, the same check configured by
keyword arguments (the public constructor of the README).

``evaluate`` runs four steps, each a method: **measure** (the grid's cells, here or from the parts measured apart),
**confirm** (a sample of high-precision re-counts, escalation of a cell that disagrees, the seed bootstrap),
**decide** (every test made, the Bonferroni family counted once, each test decided, a FAIL's deciding counts
re-counted at high precision) and **evidence** (details, figures, the verdict and its one-line reason).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ...context import Context
from ...model import Verdict
from ..base import Check, reproducer
from . import confirm as confirming
from . import grid, lines, parts, plots
from .rules import _LineTest
from .sentences import _num, backend_summary, fmt_cell
from .specs import Crossover, Measurement, Plot, Ratio, Slope
from .statistics import _interval, bootstrap, order_statistic


@dataclass
class _Run:
    """One evaluation, handed from step to step (measure -> confirm -> decide -> evidence)."""

    axes: dict
    cells: list
    seeds: list
    k: int  # the order statistic T_(k) of the seed quantile (1-based)
    scope: str
    records: list = field(default_factory=list)
    dps_used: set = field(default_factory=set)
    backends: set = field(default_factory=set)
    confirmations: list = field(default_factory=list)
    escalated: list = field(default_factory=list)
    reps: int = 0
    made: dict = field(default_factory=dict)
    n_tests: int = 0
    conf: float = 0.0  # the family-wise confidence a FAIL is decided at
    tests: list = field(default_factory=list)
    fails: list = field(default_factory=list)
    deciding: list = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.seeds)


class Sweep(Check):
    """A scaling sweep (module docstring of :mod:`proofcheck.checks.scaling`), written as a plugin class.

    Class attributes: ``name``, ``description``, ``probability`` (the claimed probability level p), ``seeds``
    (per budget), ``slopes``, ``ratio``, ``crossovers``, ``plots`` (the specs), ``alternatives`` ({mutant name:
    [specs]}, the tests of the claim's own false variants: a PASS needs each to FAIL on the same measurements),
    ``confirm_cells`` (per budget), ``confirm_per`` (a grid key: the confirmation sample is taken per value of it),
    ``bootstrap`` (replicates per budget), ``confidence``, ``notes`` (JSON-ready, copied into the details).
    Attributes may also be set per instance in ``__init__`` (a claim's mutant swaps one spec).

    Methods: ``axes(ctx)`` returns {key: [values]} (use ``ctx.pick`` for budgets); the grid is their product, each
    key in ``ctx.selection`` restricted to the selected values (an intersection: a selection never adds cells),
    filtered by ``admit(cell)``; ``derive(cell, ctx)`` may add derived, JSON-ready fields (underscore-prefixed: not
    grid keys). ``measure(cell, seeds)`` returns a :class:`Measurement`; it must depend on its arguments only (no
    state carried from one cell to the next), since with several workers the cells are measured in parts, in other
    processes and in any order (:meth:`run_part`). ``confirm(cell, seed, per_seed_record)`` (optional: leave it None
    when the measurement is exact) re-runs one run at high precision and returns a dict with ``agree`` (bool),
    ``dps``, ``backend`` and ``T_high``; ``cost(cell, T)`` ranks cells for the confirmations (cheapest first).
    """

    kind = "scaling"
    basis = "numeric"

    name: str = ""
    description: str = ""
    probability: float = 0.5
    seeds: tuple = (4, 16, 32)
    slopes: Sequence[Slope] = ()
    ratio: Ratio | None = None
    crossovers: Sequence[Crossover] = ()
    plots: Sequence[Plot] = ()
    alternatives: dict = {}
    confirm_cells: tuple = (1, 3, 6)
    confirm_per: str | None = None
    bootstrap: tuple = (1000, 2000, 4000)
    confidence: float = 0.95
    notes: dict = {}
    confirm: Callable[[dict, int, Any], dict] | None = None  # override with a method to re-count at high precision

    def __init__(self, name: str | None = None, description: str | None = None) -> None:
        super().__init__(name or type(self).name, type(self).description if description is None else description)
        if not self.name:
            raise ValueError(f"{type(self).__name__} needs a name")
        if not 0 < self.probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        # per-instance copies: a claim's build may swap a spec without touching the class
        self.slopes, self.crossovers, self.plots = list(self.slopes), list(self.crossovers), list(self.plots)
        self.alternatives = {k: list(v) for k, v in (self.alternatives or {}).items()}
        self.notes = dict(self.notes or {})

    # -- the hooks a sweep defines -------------------------------------------------------------
    def axes(self, ctx: Context) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError(f"sweep {self.name!r} defines no axes")

    def measure(self, cell: dict, seeds: list) -> Measurement:  # pragma: no cover - abstract
        raise NotImplementedError(f"sweep {self.name!r} defines no measure")

    def admit(self, cell: dict) -> bool:
        return True

    def derive(self, cell: dict, ctx: Context) -> dict:
        return cell

    def cost(self, cell: dict, T: float) -> float:
        return T

    # -- grid ----------------------------------------------------------------------------------
    def specs(self) -> list:
        return list(self.slopes) + ([self.ratio] if self.ratio is not None else []) + list(self.crossovers)

    def grid(self, ctx: Context) -> tuple[dict, list[dict]]:
        return grid.enumerate_grid(self, ctx)

    def seeds_for(self, ctx: Context) -> list[int]:
        """The seeds every cell is measured with (the same for all cells: the bootstrap resamples them jointly)."""
        return [ctx.subseed("seed", i) for i in range(int(ctx.pick(*self.seeds)))]

    # -- evaluation: measure -> confirm -> decide -> evidence ------------------------------------
    def evaluate(self, ctx: Context):
        run = self.step_measure(ctx)
        if not run.cells:
            empty = [f"{key} = {', '.join(_num(v) for v in vals)}" for key, vals in (ctx.selection or {}).items()]
            return self.evidence(Verdict.INCONCLUSIVE, instances=0, details={"grid": run.axes, "selection": ctx.selection},
                                 reason=f"the selection {'; '.join(empty)} leaves no cell of this check's grid at the "
                                        f"{ctx.budget.name} budget ({grid.ranges(self.axes(ctx))})")
        self.step_confirm(ctx, run)
        self.step_decide(ctx, run)
        return self.step_evidence(ctx, run)

    def step_measure(self, ctx: Context) -> _Run:
        """Every cell's counts per seed, measured here or taken from the parts that measured them apart."""
        axes, cells = self.grid(ctx)
        seeds = self.seeds_for(ctx)
        run = _Run(axes=axes, cells=cells, seeds=seeds, k=order_statistic(self.probability, len(seeds)),
                   scope=grid.scope(axes, len(seeds), ctx))
        if not cells:
            return run
        measured = parts.measured_apart(ctx, cells)
        for i, cell in enumerate(cells):
            m = measured[i] if measured is not None else self.measure(cell, seeds)
            T = np.array([math.inf if c else float(t) for t, c in zip(m.T, m.capped)], dtype=float)
            run.records.append({"cell": cell, "T": T, "capped": np.asarray(m.capped, bool), "cap": m.cap,
                                "per_seed": m.per_seed, "info": m.info, "dps": m.dps,
                                "q": float(np.sort(T)[run.k - 1])})
            run.dps_used.add(m.dps)
            run.backends.add(m.backend)
            ctx.report((i + 1) / max(len(cells), 1) * 0.9, f"cell {i + 1}/{len(cells)}")
        return run

    def step_confirm(self, ctx: Context, run: _Run) -> None:
        """A sample of high-precision re-counts (the quantile seed of the cheapest cells); a cell whose re-count
        differs is escalated: every seed of it re-counted at high precision, and those counts replace float64's.
        Then the seed bootstrap of every cell's quantile, on the counts that stand."""
        run.confirmations = confirming.sample(self, ctx, run.records, run.seeds, run.k)
        run.escalated = [confirming.escalate(self, r, run.seeds) for r in run.records
                         if any(c["_record"] is r and not c.get("agree", False) for c in run.confirmations)]
        for c in run.confirmations:
            c.pop("_record", None)
        run.reps = int(ctx.pick(*self.bootstrap))
        bootstrap(run.records, run.k, ctx.rng("bootstrap").integers(0, run.n, size=(run.reps, run.n)))

    def step_decide(self, ctx: Context, run: _Run) -> None:
        """Every test is made first, then counted here, once: the Bonferroni family is the tests that exist
        (alternatives' tests included). A FAIL rests only on deciding counts that agree at high precision."""
        made = {None: lines.make(self, self.specs(), run.records)}
        for mutant, specs in self.alternatives.items():
            made[mutant] = lines.make(self, specs, run.records)
        replay = ctx.instance or {}
        if "_test" in replay:  # a reproducer: exactly the failing test, at the family-wise level it was decided at
            made = {None: dict(made[None], tests=[t for t in made[None]["tests"] if t.what == replay["_test"]])}
        run.made = made
        run.n_tests = int(replay.get("_tests", sum(len(m["tests"]) for m in made.values())))
        run.conf = 1 - (1 - self.confidence) / max(run.n_tests, 1)
        for m in made.values():
            for t in m["tests"]:
                t.decide(run.conf, self.confidence)
        run.tests = made[None]["tests"]
        fails = [t for t in run.tests if t.status == "fail"]
        run.deciding = confirming.deciding(self, ctx, fails, run.records, run.seeds, run.k) if fails else []
        for t in fails:
            bad = [c for c in run.deciding if c["test"] == t.what and not c.get("agree", False)]
            if bad:
                t.status = "open"
                t.sentence += (f"; not a FAIL: {len(bad)} deciding count(s) differ at high precision "
                               f"(e.g. {bad[0].get('T_screen')} in float64 against {bad[0].get('T_high')})")
        run.fails = [t for t in run.tests if t.status == "fail"]

    def step_evidence(self, ctx: Context, run: _Run):
        """The details, the figures, and the verdict with its one-line reason."""
        tests, fails, deciding, confirmations = run.tests, run.fails, run.deciding, run.confirmations
        made = run.made
        invisible = [name for name, m in made.items() if name is not None
                     and not any(t.status == "fail" for t in m["tests"])]
        capped_cells = [fmt_cell(r["cell"]) for r in run.records if math.isinf(r["q"])]
        margins = [t.margin for t in tests if t.margin is not None and math.isfinite(t.margin)]
        findings = made[None]["findings"]
        details = self._details(ctx, run)
        want_plots = ctx.wants_plots(ctx.pick(False, True, True))  # figures cost ~1 s each
        deciding_cell = (fails or sorted(tests, key=lambda t: -(t.margin if math.isfinite(t.margin) else -math.inf))
                         or [None])[0]
        artifacts = plots.render(self, run.records, made[None], run.conf, deciding_cell) if want_plots else []
        details["plots"] = "rendered" if want_plots else ("not rendered: the run's report formats show no figures"
                                                          if "plots" in ctx.options else "not rendered at the quick "
                                                          "budget (options['plots'] = True, or --plots always, forces them)")
        confirmed_dps = [c["dps"] for c in confirmations + deciding if c.get("dps")]
        reruns = {c["backend"] for c in confirmations + deciding if c.get("backend")}
        common = dict(instances=int(sum(len(r["T"]) for r in run.records)),
                      worst_margin=max(margins) if margins else None,
                      margin_meaning="signed excess of a local exponent's interval end over its limit (claimed + "
                                     "tolerance + log allowance), the most violated test; a FAIL needs it > 0 at every pair of "
                                     "its window (and a trend that does not fade)",
                      dps=max(confirmed_dps) if confirmed_dps else min(run.dps_used) if run.dps_used else None,
                      backend=backend_summary(run.backends, reruns),
                      details=details, artifacts=artifacts)
        details["backends"] = sorted(run.backends) + sorted(  # in full (the side file): every cell's and re-run's
            {"re-run with " + b for b in reruns})
        finding = f"; finding: {findings[0]['sentence']}" if findings else ""
        scope = run.scope
        if not tests:
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no test could be made on this grid ({scope}): too few "
                                                              f"cells along every tested axis{finding}", **common)
        if fails:
            t = fails[0]
            mine = [c for c in deciding if c["test"] == t.what]
            dps_note = max((c.get("dps") or 0 for c in mine), default=None)
            share = f" ({len(mine)} of {mine[0]['of']} deciding cells, the cheapest)" if mine and len(mine) < mine[0]["of"] else ""
            prec = (f"; deciding counts confirmed at {dps_note} digits{share}" if dps_note and dps_note > 15 else
                    f"; deciding counts as measured ({min(r['dps'] for r in run.records)} digits)")
            instance = {t.vary: t.xs, **{k_: v for k_, v in t.fixed.items()}, "_test": t.what, "_tests": run.n_tests}
            return self.evidence(Verdict.FAIL, witness=t.to_json(), reproducer=reproducer(ctx, instance, budget_and_seed=True),
                                 reason=t.sentence + prec + (f" ({len(fails)} failing tests)" if len(fails) > 1 else ""),
                                 **common)
        open_ = [t for t in tests if t.status == "open"]
        fixed = {e["cell"] for e in run.escalated if e["complete"]}
        bad_confirm = [c for c in confirmations if not c.get("agree", False) and c["cell"] not in fixed]
        if open_ or bad_confirm:
            why = []
            if open_:
                why.append(f"{len(open_)} of {len(tests)} tests undecided; first: {open_[0].sentence}")
            if bad_confirm:
                c = bad_confirm[0]
                why.append(f"{len(bad_confirm)} high-precision re-count(s) disagree with the float64 screening "
                           f"(first at {fmt_cell(c['cell'])}: {c.get('T_screen')} against {c.get('T_high')})")
            if capped_cells:
                why.append(f"{len(capped_cells)} cell(s) with a capped quantile")
            return self.evidence(Verdict.INCONCLUSIVE, reason="; ".join(why) + finding, **common)
        if invisible:
            return self.evidence(Verdict.INCONCLUSIVE, reason=(
                f"insufficient range at this budget: all {len(tests)} tests pass over {scope}, but the false variant(s) "
                f"{', '.join(invisible)} would not FAIL on these measurements{finding}"), **common)
        note = f" ({len(capped_cells)} cell(s) with a capped quantile, used only as lower bounds)" if capped_cells else ""
        seen = f"; the false variant(s) {', '.join(self.alternatives)} FAIL on the same measurements" if self.alternatives else ""
        what = ("local exponents at the large end within their limits" if any(isinstance(t, _LineTest) for t in tests)
                else "crossover exponents within their tolerance")
        return self.evidence(Verdict.PASS, reason=f"all {len(tests)} tests passed ({what}) over {scope}{seen}{note}{finding}",
                             **common)

    def _details(self, ctx: Context, run: _Run) -> dict:
        """Everything the sweep measured and decided, JSON-ready (grid, seeds, per-cell quantiles, tests, findings,
        confirmations); the bulky per-cell part goes to the report's side file."""
        made, n, k = run.made, run.n, run.k
        return {
            "grid": {k_: list(v) for k_, v in run.axes.items()},
            "selection": dict(ctx.selection or {}),
            "scope": run.scope,
            "cells": len(run.records),
            "seeds": run.seeds,
            "seeds_per_cell": n,
            "probability": self.probability,
            "quantile": f"order statistic T_({k}) of {n} seeds (the smallest t with empirical P(T <= t) >= {self.probability:.4g})",
            "bootstrap": {"replicates": run.reps, "confidence": self.confidence, "tests": run.n_tests,
                          "familywise_confidence_for_fail": run.conf, "confidence_for_pass": self.confidence,
                          "method": "percentile, seed indices resampled jointly for all cells"},
            "rule": "local exponents over the last pairs of cells of each line; FAIL only on a trend above claimed + "
                    "tolerance + log allowance at every pair of the window and not decaying; fitted constants are findings",
            "per_cell": [self._cell_json(r, run.conf) for r in run.records],
            "tests": [t.to_json() for t in run.tests],
            "slopes": [s for s in made[None]["slope_json"]],
            "ratio": made[None]["ratio_json"],
            "crossovers": made[None]["crossovers"],
            "findings": made[None]["findings"],
            "alternatives": {name: {"tests": [t.to_json() for t in m["tests"]],
                                    "detected": any(t.status == "fail" for t in m["tests"])}
                             for name, m in made.items() if name is not None},
            "confirmations": run.confirmations,
            "deciding_counts_confirmed": run.deciding,
            "escalated_cells": run.escalated,
            "capped_quantile_cells": [fmt_cell(r["cell"]) for r in run.records if math.isinf(r["q"])],
            **self.notes,
        }

    @staticmethod
    def _cell_json(r, conf) -> dict:
        lo, hi = _interval(r["boot"], conf)
        T = [None if math.isinf(t) else int(t) if float(t).is_integer() else float(t) for t in r["T"]]
        return {"cell": r["cell"], "quantile": None if math.isinf(r["q"]) else r["q"], "quantile_capped": math.isinf(r["q"]),
                "quantile_interval": [lo, hi], "T": T, "capped": int(r["capped"].sum()), "cap": r["cap"],
                "per_seed": r["per_seed"], "info": r["info"], "dps": r["dps"]}

    # -- cells measured apart (Check.splits_into_parts) ---------------------------------------
    @property
    def splits_into_parts(self) -> bool:
        """Cells are measured in parts on any workers unless a subclass evaluates in its own way."""
        return type(self).evaluate is Sweep.evaluate and type(self).run is Check.run

    def run_part(self, ctx: Context, index: int, of: int) -> list:
        return parts.run_part(self, ctx, index, of)

    run_part.__doc__ = parts.run_part.__doc__


class Scaling(Sweep):
    """A sweep configured by keyword arguments instead of a subclass (the README's constructor for users' claims):
    every argument is the :class:`Sweep` attribute or hook of the same name, ``axes``, ``measure``, ``admit``,
    ``derive``, ``confirm`` and ``cost`` given as callables (``admit``, ``derive`` and ``cost`` may be None)."""

    def __init__(self, name: str, *, axes: Callable[[Context], dict], measure: Callable[[dict, list], Measurement],
                 probability: float, seeds: tuple = (4, 16, 32), slopes: Sequence[Slope] = (), ratio: Ratio | None = None,
                 crossovers: Sequence[Crossover] = (), plots: Sequence[Plot] = (),
                 admit: Callable[[dict], bool] | None = None, derive: Callable[[dict, Context], dict] | None = None,
                 confirm: Callable[[dict, int, Any], dict] | None = None, confirm_cells: tuple = (1, 3, 6),
                 cost: Callable[[dict, float], float] | None = None, confirm_per: str | None = None,
                 bootstrap: tuple = (1000, 2000, 4000), confidence: float = 0.95, notes: dict | None = None,
                 alternatives: dict | None = None, description: str = ""):
        self.probability, self.seeds, self.slopes, self.ratio = probability, seeds, slopes, ratio
        self.crossovers, self.plots, self.confirm_cells, self.confirm_per = crossovers, plots, confirm_cells, confirm_per
        self.bootstrap, self.confidence, self.notes, self.alternatives = bootstrap, confidence, notes, alternatives
        self.axes, self.measure, self.confirm = axes, measure, confirm  # instance attributes shadow the methods
        for hook, value in (("admit", admit), ("derive", derive), ("cost", cost)):
            if value is not None:
                setattr(self, hook, value)
        super().__init__(name, description)
