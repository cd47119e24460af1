"""The ``scaling`` check kind: T = O(g(params)) (or Theta) over a parameter grid (docs/design.md, 'Check kinds').

What a scaling verdict means (README, "What a scaling verdict means"). An O(.) statement hides a constant and,
when the claim says so, logarithmic factors; a finite sweep can neither prove it nor refute it by extrapolating a
constant. So every test here is judged on **local exponents at the large end** of a line of cells (the other axes
fixed): the slope of log T_q between consecutive values of one axis, over the last ``window`` pairs.

- A claim declares the log factors it allows (``logs = k``: a factor (ln x)^k, whose local exponent at x is
  k/ln x). The limit of a pair at geometric midpoint x is claimed + tolerance + k/ln x.
- **FAIL** needs a trend no allowed log factor explains: every pair of the window is above its limit at the
  family-wise level, and the local exponent does not decay significantly across the window (a transient that
  decays towards the claimed exponent is not a counterexample). The deciding counts are re-counted at high
  precision first (the ``confirm`` hook); a FAIL has a one-line reproducer that replays exactly that test.
- **PASS** needs every test's window within its limit (per-test level: an intersection-union test) *and* the check
  must be able to see the claim's own false variants on the same measurements: every declared ``alternatives``
  mutant must FAIL there; a claim that allows no log factor must also exclude one (its PASS limit is at most
  claimed + 1/(2 ln x), halfway to the x ln x variant). Otherwise INCONCLUSIVE, "insufficient range at this budget".
  A PASS states its scope (every axis's range, seeds, budget).
- Everything else, e.g. a ratio T/g that exceeds the constant fitted on small cells, is a reported finding and
  the verdict is INCONCLUSIVE.

Per cell, the seed quantile matching the claimed probability p is the order statistic T_(ceil(p n)); capped runs
enter as T = +inf (and as the cap where a lower bound is wanted). Uncertainty comes from a seeded bootstrap over
seeds (one resampling of the seed indices shared by all cells, which keeps paired comparisons paired); intervals
are percentile intervals. FAIL is decided at the Bonferroni level over every test the check makes (counted in one
place: the tests that were made, alternatives' tests included); PASS at each test's own level.

Test specs (each makes its own tests, one per line):

- :class:`Slope`: the local exponent of T_q along ``vary`` against a claimed exponent (``<=`` an O bound, ``==``
  Theta, ``>=`` a lower bound).
- :class:`Ratio`: T_q / g(cell) bounded: the local exponent of the ratio along each axis is <= 0 (+ tolerance and
  log allowance). The constant C = max T_q/g on the ``fit`` cells and each held-out cell's growth over it are
  reported as findings, never decisive.
- :class:`Crossover`: along one axis, the first value at which series ``a`` stops beating series ``b``
  (quantile_a > quantile_b / factor), per value of another axis; the fitted exponent p-hat of that crossover
  against the claimed p. One test per line that has two or more crossovers.

Narrowing (``ctx.selection``) only restricts: each selected key keeps the intersection of the check's own values
with the selection; nothing is replaced. A replayed ``ctx.instance`` names cells of a failing test and that test.

Everything (grid, seeds, per-cell quantiles, local exponents with intervals, constants, crossovers) goes into
Evidence.details; plots (matplotlib SVG) into Evidence.artifacts.
"""
from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..context import Context
from ..model import Verdict
from ..explain import format_cell, format_value
from .base import Check

RELATIONS = ("<=", ">=", "==")


@dataclass
class Measurement:
    """What ``measure`` returns for one cell: T per seed, capped flags, optional per-seed records and info."""

    T: Sequence[float]
    capped: Sequence[bool]
    cap: float | None = None  # the iteration cap (a lower bound for every capped T)
    per_seed: list = field(default_factory=list)  # JSON-ready, e.g. the tuned step of each seed
    info: dict = field(default_factory=dict)  # JSON-ready cell facts (actual kappa, tuning grid, flags...)
    dps: int = 15
    backend: str = "numpy float64"


@dataclass
class Slope:
    """d log T_q / d log(vary) = claimed (relation), judged on local exponents at the large end of each line.

    ``logs``: the power k of the log factors (ln x)^k the claim allows (0: none). ``window``: how many consecutive
    pairs at the large end decide."""

    name: str
    vary: str
    claimed: float
    relation: str = "<="
    tolerance: float = 0.1
    where: Callable[[dict], bool] | None = None
    min_points: int = 2
    description: str = ""
    logs: int = 0
    window: int = 2

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}")


@dataclass
class Ratio:
    """T_q / g(cell) bounded: its local exponent along each axis in ``along`` (default: every numeric grid axis
    with two or more values, but ``group_by``) is <= 0 + tolerance + log allowance. ``fit``/``growth``: the constant
    fitted on small cells and the growth over it on held-out cells, reported as findings only."""

    bound: Callable[[dict], float]
    fit: Callable[[dict], bool]
    growth: float = 2.0
    where: Callable[[dict], bool] | None = None
    group_by: Sequence[str] = ()
    label: str = "g"
    tolerance: float = 0.1
    logs: int = 0
    window: int = 2
    along: Sequence[str] | None = None
    name: str = "ratio"


@dataclass
class Crossover:
    """Per value of ``over``: the smallest ``along`` at which series a stops beating series b; d* ~ over^p."""

    name: str
    over: str
    along: str
    series: str
    a: Any
    b: Any
    claimed: float
    relation: str = ">="
    tolerance: float = 0.1
    factor: float = 1.0
    where: Callable[[dict], bool] | None = None
    description: str = ""

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}")


@dataclass
class Plot:
    """Log-log T_q against ``x``, one line per value of ``line``, one panel per value of ``panel``."""

    name: str
    x: str
    line: str | None = None
    panel: str | None = None
    where: Callable[[dict], bool] | None = None
    caption: str = ""
    reference: Callable[[dict], float] | None = None  # a claimed bound drawn dotted beside each line
    reference_label: str = "claimed bound"


def _loglog(ax) -> None:
    """Log axes with one tick format per axis (:func:`proofcheck.plots.one_format_axis`: powers of ten on long axes,
    plain numbers on short ones); 1-2-5 ticks only on short ranges, so that labels on long axes (kappa over six
    decades) do not overlap."""
    from matplotlib.ticker import LogLocator, NullFormatter

    from ..plots import TICK_FONTSIZE, one_format_axis

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        decades = math.log10(hi / lo) if lo > 0 and hi > lo else 1.0
        subs = (1.0, 2.0, 5.0) if decades <= 2.5 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=8))
        one_format_axis(axis)
        axis.set_minor_formatter(NullFormatter())
    ax.tick_params(labelsize=TICK_FONTSIZE)


def _backend_summary(measured: set, rerun: set) -> str:
    """The sweep's backend in one line: the distinct arithmetics of its cells (a cell's own notes, after ';', dropped)
    and of its high-precision re-runs (their notes in parentheses dropped); the full descriptions are kept in
    ``details["backends"]``, which the report moves to the side file."""
    bases = sorted({str(b).split(";")[0].strip() for b in measured})
    again = sorted({str(b).split(" (")[0].strip() for b in rerun})
    return " + ".join(bases) + (f"; deciding runs re-run with {', '.join(again)}" if again else "")


def _key(cell: dict, keys: Sequence[str]) -> tuple:
    return tuple((k, cell.get(k)) for k in keys)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.0)
    return a == b


_num = format_value  # a number in a sentence: 6 significant digits, 100 rather than 100.0
fmt_cell = format_cell  # 'd = 64, kappa_bar = 100': the public keys of a cell, as every report writes them


def _fmt_interval(iv) -> str:
    lo, hi = iv
    show = lambda v: "?" if v is None else ("inf" if math.isinf(v) else f"{v:.3g}")
    return f"[{show(lo)}, {show(hi)}]"


def _decide(lo: float | None, hi: float | None, claimed: float, relation: str, tol: float,
            pass_interval: tuple | None = None) -> tuple[str, float]:
    """('pass'|'fail'|'open', margin) for an interval against a claimed value; margin > 0 means violated.

    ``lo, hi`` (family-wise interval) decide FAIL; ``pass_interval`` (the per-test interval, default the same)
    decides PASS: every test must pass for the check to pass, so a false PASS needs the one false test to pass,
    and the per-test level already bounds that (intersection-union test).
    """
    plo, phi = pass_interval if pass_interval is not None else (lo, hi)
    if lo is None or hi is None or not (math.isfinite(lo) or math.isfinite(hi)):
        return "open", math.nan
    plo = lo if plo is None else plo
    phi = hi if phi is None else phi
    if relation == "<=":
        margin = lo - (claimed + tol)
        return ("fail" if margin > 0 else "pass" if phi <= claimed + tol else "open"), margin
    if relation == ">=":
        margin = (claimed - tol) - hi
        return ("fail" if margin > 0 else "pass" if plo >= claimed - tol else "open"), margin
    margin = max(lo - (claimed + tol), (claimed - tol) - hi)
    inside = plo >= claimed - tol and phi <= claimed + tol
    return ("fail" if margin > 0 else "pass" if inside else "open"), margin


def _interval(samples: np.ndarray, conf: float) -> tuple[float | None, float | None]:
    """Percentile interval of bootstrap samples; None ends when too many samples are not finite."""
    s = np.asarray(samples, dtype=float)
    a = (1 - conf) / 2
    finite = np.isfinite(s)
    if s.size == 0:
        return None, None
    lo = float(np.percentile(np.where(np.isnan(s), np.inf, s), 100 * a, method="lower"))
    hi = float(np.percentile(np.where(np.isnan(s), np.inf, s), 100 * (1 - a), method="higher"))
    if (~finite).mean() > a:  # the upper end is unbounded
        hi = math.inf
    return lo, hi


def _ols_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Slopes of y (n_points, n_reps) on x (n_points,), vectorised over replicates; non-finite -> nan."""
    xc = x - x.mean()
    with np.errstate(invalid="ignore"):
        out = (xc[:, None] * (y - y.mean(axis=0))).sum(axis=0) / (xc**2).sum()
    out[~np.all(np.isfinite(y), axis=0)] = np.nan
    return out


def log_allowance(logs: int, x_mid: float) -> float:
    """The local exponent of a factor (ln x)^logs at x: logs / ln x (ln x floored at 1 near x = 1)."""
    return logs / max(math.log(x_mid), 1.0) if logs else 0.0


def _cell_text(cell: dict) -> str:
    """A cell as canonical text, to compare cells that went through pickling (derived fields may be arrays)."""
    return json.dumps(cell, sort_keys=True, default=str)


def _safe_log(a) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(a, dtype=float))


class _LineTest:
    """One test on one line of cells: local exponents of a value (T_q or T_q/g) over the last ``window`` pairs."""

    def __init__(self, *, spec: str, what: str, quantity: str, vary: str, fixed: dict, cells: list, xs: list,
                 point: np.ndarray, boot_hi: np.ndarray, boot_lo: np.ndarray, claimed: float, relation: str,
                 tolerance: float, logs: int, window: int, ols: float | None, adjacent: Callable[[float, float], bool]):
        self.spec, self.what, self.quantity, self.vary, self.fixed = spec, what, quantity, vary, fixed
        self.claimed, self.relation, self.tolerance, self.logs = claimed, relation, tolerance, logs
        # Pairs of consecutive cells that are also neighbours on the check's own grid (a narrowed grid only drops
        # pairs, it never makes a long-range pair out of a gap), the last ``window`` of them.
        pairs = [i for i in range(len(xs) - 1) if adjacent(xs[i], xs[i + 1])][-window:]
        used = sorted({j for i in pairs for j in (i, i + 1)})
        self.cells, self.xs = [cells[j] for j in used], [xs[j] for j in used]
        lx = np.log(np.asarray([float(x) for x in xs]))
        y, yh, yl = _safe_log(point), _safe_log(boot_hi), _safe_log(boot_lo)
        self.pairs = []
        for i in pairs:
            dx = lx[i + 1] - lx[i]
            with np.errstate(invalid="ignore"):
                est = (y[i + 1] - y[i]) / dx
                hi_s = (yh[i + 1] - yl[i]) / dx  # the largest the exponent can be (a capped later value: +inf)
                lo_s = (yl[i + 1] - yh[i]) / dx  # the smallest (a capped later value at its cap: a lower bound)
                mid_s = (yh[i + 1] - yh[i]) / dx
            lo_s = np.where(np.isnan(lo_s), -np.inf, lo_s)
            self.pairs.append({"x": [xs[i], xs[i + 1]], "x_mid": math.sqrt(float(xs[i]) * float(xs[i + 1])),
                               "exponent": float(est) if np.isfinite(est) else (math.inf if est > 0 else None),
                               "_lo": lo_s, "_hi": np.where(np.isnan(hi_s), np.inf, hi_s), "_mid": mid_s})
        self.ols = ols
        self.status, self.margin, self.sentence = "open", math.nan, ""

    def limit(self, pair) -> float:
        return self.claimed + self.tolerance + log_allowance(self.logs, pair["x_mid"])

    def pass_limit(self, pair) -> float:
        """For a claim that allows no log factor, PASS must also exclude the x ln x variant: at most claimed + 1/(2 ln x)."""
        if self.relation == ">=" or self.logs:
            return self.limit(pair)
        return self.claimed + min(self.tolerance, 0.5 / max(math.log(pair["x_mid"]), 1.0))

    def decide(self, conf_fail: float, conf_pass: float) -> None:
        if not self.pairs:
            self.status, self.sentence = "open", f"{self.what}: fewer than two cells"
            return
        fails, passes, margins = [], [], []
        for p in self.pairs:
            allow = log_allowance(self.logs, p["x_mid"])
            lo = _interval(p["_lo"], conf_fail)[0]
            hi = _interval(p["_hi"], conf_fail)[1]
            plo = _interval(p["_lo"], conf_pass)[0]
            phi = _interval(p["_hi"], conf_pass)[1]
            p["interval"], p["interval_familywise"] = [plo, phi], [lo, hi]
            p["limit"] = self.limit(p)
            p["log_allowance"] = allow
            up_fail = lo is not None and lo > self.limit(p)
            down_limit = self.claimed - self.tolerance - allow
            down_fail = hi is not None and hi < down_limit
            up_ok = phi is not None and phi <= self.pass_limit(p)
            down_ok = plo is not None and plo >= down_limit
            if self.relation == "<=":
                fails.append(up_fail), passes.append(up_ok), margins.append((lo if lo is not None else -math.inf) - p["limit"])
            elif self.relation == ">=":
                fails.append(down_fail), passes.append(down_ok), margins.append(down_limit - (hi if hi is not None else math.inf))
            else:
                fails.append(up_fail or down_fail), passes.append(up_ok and down_ok)
                margins.append(max((lo if lo is not None else -math.inf) - p["limit"],
                                   down_limit - (hi if hi is not None else math.inf)))
        self.margin = min(margins) if all(fails) else max(margins)
        decays = False
        if len(self.pairs) >= 2:  # a trend must not fade across the window: significant decay (growth for >=) is not a FAIL
            diff = self.pairs[-1]["_mid"] - self.pairs[0]["_mid"]
            dlo, dhi = _interval(np.where(np.isnan(diff), 0.0, diff), conf_fail)
            going_up = self.relation == "<=" or (self.relation == "==" and (self.pairs[-1]["exponent"] or 0) > self.claimed)
            drop = (self.pairs[0]["exponent"] or 0.0) - (self.pairs[-1]["exponent"] or 0.0)
            # "monotone across the window": a significant fade, or a fade of the point estimates beyond the tolerance
            decays = ((dhi is not None and dhi < 0) or drop > self.tolerance) if going_up else \
                ((dlo is not None and dlo > 0) or -drop > self.tolerance)
            self.decay_interval = [dlo, dhi]
        last = self.pairs[-1]
        where = f"between {self.vary} = {_num(last['x'][0])} and {_num(last['x'][1])}" + (
            f" at {fmt_cell(self.fixed)}" if fmt_cell(self.fixed) else "")
        est = last["exponent"]
        numbers = (f"local exponent {'inf' if est is None or math.isinf(est) else f'{est:.3g}'} "
                   f"(interval {_fmt_interval(last['interval'])}")
        limit = (f"limit {last['limit']:.3g} = claimed {_num(self.claimed)} + tolerance {_num(self.tolerance)}"
                 + (f" + log allowance {last['log_allowance']:.2g}" if self.logs else "") + ")")
        # a FAIL (and "above its limit") is decided on the family-wise interval: quote that one there
        fw_numbers = (f"local exponent {'inf' if est is None or math.isinf(est) else f'{est:.3g}'} (family-wise "
                      f"interval {_fmt_interval(last['interval_familywise'])}")
        if all(fails) and len(self.pairs) < 2:  # one local exponent is a short line, not a trend
            self.status = "open"
            self.sentence = (f"{self.quantity} above its limit {where}: {fw_numbers}, {limit}; only one pair of cells at the "
                             f"large end, and a trend needs two")
        elif all(fails) and not decays:
            self.status = "fail"
            over = ", ".join(f"{p['exponent']:.3g}" if p["exponent"] is not None else "inf" for p in self.pairs)
            faster = (last["interval_familywise"][0] or -math.inf) > last["limit"]
            if not faster:  # a lower bound (>=, or the lower side of ==) failed: the limit is claimed - tolerance
                limit = (f"limit {self.claimed - self.tolerance - last['log_allowance']:.3g} = claimed "
                         f"{_num(self.claimed)} - tolerance {_num(self.tolerance)}"
                         + (f" - log allowance {last['log_allowance']:.2g}" if self.logs else "") + ")")
            numbers = fw_numbers
            self.sentence = (f"{self.quantity} grows {'faster' if faster else 'slower'} than claimed {where}: {numbers}, "
                             f"{limit}; local exponents over the last {len(self.pairs)} pair(s) {over}, none "
                             f"{'decaying' if faster else 'rising'}")
        elif all(passes):
            self.status = "pass"
            self.sentence = f"{self.quantity} {where}: {numbers}, {limit}"
        else:
            self.status = "open"
            tail = "; it decays across the largest cells (a transient, not a trend)" if all(fails) and decays else ""
            if not tail and self.pass_limit(last) < last["limit"] and self.relation != ">=":
                tail = (f"; a PASS needs at most {self.pass_limit(last):.3g}, halfway to the x ln x variant, which a claim "
                        f"without log factors must exclude")
            # Quote the intervals the decision used, at the pair that kept it open: a FAIL needs the family-wise
            # interval beyond the limit at every pair of the window, a PASS the per-test interval within it at every pair.
            blocking = next((p for p, ok in zip(self.pairs, passes) if not ok), last)
            bwhere = f"between {self.vary} = {_num(blocking['x'][0])} and {_num(blocking['x'][1])}" + (
                f" at {fmt_cell(self.fixed)}" if fmt_cell(self.fixed) else "")
            best = blocking["exponent"]
            decided = (f"local exponent {'inf' if best is None or math.isinf(best) else f'{best:.3g}'}: family-wise "
                       f"interval {_fmt_interval(blocking['interval_familywise'])} (a FAIL needs it beyond the limit at "
                       f"all {len(self.pairs)} pair(s)), per-test interval {_fmt_interval(blocking['interval'])} (a PASS "
                       f"needs it within the limit at every pair), "
                       + (f"limit {blocking['limit']:.3g} = claimed {_num(self.claimed)} + tolerance "
                          f"{_num(self.tolerance)}" + (f" + log allowance {blocking['log_allowance']:.2g}" if self.logs else "")
                          if self.relation != ">=" else
                          f"limit {self.claimed - self.tolerance - blocking['log_allowance']:.3g} = claimed "
                          f"{_num(self.claimed)} - tolerance {_num(self.tolerance)}"
                          + (f" - log allowance {blocking['log_allowance']:.2g}" if self.logs else "")))
            self.sentence = f"{self.quantity} undecided {bwhere}: {decided}{tail}"

    def to_json(self) -> dict:
        pairs = [{k: v for k, v in p.items() if not k.startswith("_")} for p in self.pairs]
        out = {"spec": self.spec, "what": self.what, "vary": self.vary, "fixed": self.fixed, "cells": self.cells,
               "local_exponents": pairs, "claimed": self.claimed, "relation": self.relation,
               "tolerance": self.tolerance, "logs_allowed": self.logs, "status": self.status, "margin": self.margin,
               "reason": self.sentence, "fitted_slope_over_line": self.ols,
               "counts_dps": getattr(self, "counts_dps", {})}
        if hasattr(self, "decay_interval"):
            out["change_of_local_exponent_across_window"] = self.decay_interval
        return out


class _CrossoverTest:
    """The crossover exponent p-hat of one line (OLS of log along* on log over), against the claimed p."""

    def __init__(self, spec: Crossover, fixed: dict, x, y_point, y_boot, line: dict, overs: list):
        self.spec, self.fixed, self.line = spec, fixed, line
        self.what = f"crossover {spec.name} exponent" + (f" at {fmt_cell(fixed)}" if fixed else "")
        self.p_hat = float(_ols_slopes(x, y_point)[0])
        self.boot = _ols_slopes(x, y_boot)
        self.status, self.margin, self.sentence, self.cells = "open", math.nan, "", []
        self.vary, self.xs = spec.over, list(overs)  # the grid's own values (a reproducer names them exactly)

    def decide(self, conf_fail: float, conf_pass: float) -> None:
        s = self.spec
        lo, hi = _interval(self.boot, conf_fail)
        plo, phi = _interval(self.boot, conf_pass)
        self.status, self.margin = _decide(lo, hi, s.claimed, s.relation, s.tolerance, (plo, phi))
        loose = s.relation == ">=" and plo is not None and plo > s.claimed + s.tolerance
        self.line.update(p_hat=self.p_hat, interval=[plo, phi], interval_familywise=[lo, hi], status=self.status,
                         margin=self.margin, note=("p-hat above the claimed exponent: the bound is loose here "
                                                   "(a finding, not a failure)" if loose else ""))
        verb = {"fail": "contradicts", "pass": "agrees with", "open": "is undecided against"}[self.status]
        self.sentence = (f"the crossover exponent p-hat = {self.p_hat:.3g} (interval {_fmt_interval([plo, phi])}) of "
                         f"{s.along}* ~ {s.over}^p {verb} the claimed p {s.relation} {_num(s.claimed)} (tolerance "
                         f"{_num(s.tolerance)})" + (f" at {fmt_cell(self.fixed)}" if self.fixed else ""))

    def to_json(self) -> dict:
        return {"what": self.what, "p_hat": self.p_hat, "interval": self.line.get("interval"),
                "interval_familywise": self.line.get("interval_familywise"), "claimed": self.spec.claimed,
                "relation": self.spec.relation, "status": self.status, "margin": self.margin, "reason": self.sentence}


class Scaling(Check):
    """A scaling sweep: see the module docstring.

    ``axes(ctx)`` returns {key: [values]} (use ``ctx.pick`` for budgets); the grid is their product, each key in
    ``ctx.selection`` restricted to the selected values (an intersection: a selection never adds cells), filtered by
    ``admit(cell)``. ``derive(cell, ctx)`` may add derived, JSON-ready fields (underscore-prefixed: not grid keys).
    ``measure(cell, seeds)`` returns a :class:`Measurement`; it must depend on its arguments only (no state carried
    from one cell to the next), since with several workers the cells are measured in parts, in other processes and
    in any order (:meth:`run_part`). ``confirm(cell, seed, per_seed_record)`` (optional)
    re-runs one run at high precision and returns a dict with ``agree`` (bool), ``dps`` and ``backend``;
    ``cost(cell, T)`` ranks cells for the sample of confirmations (cheapest first).
    ``alternatives``: {mutant name: [Slope | Ratio | Crossover, ...]}, the tests of the claim's own false variants;
    a PASS needs each of them to FAIL on the same measurements (build the MUTANTS from the same objects).
    """

    kind = "scaling"
    basis = "numeric"

    def __init__(self, name: str, *, axes: Callable[[Context], dict], measure: Callable[[dict, list], Measurement],
                 probability: float, seeds: tuple = (4, 16, 32), slopes: Sequence[Slope] = (), ratio: Ratio | None = None,
                 crossovers: Sequence[Crossover] = (), plots: Sequence[Plot] = (),
                 admit: Callable[[dict], bool] | None = None, derive: Callable[[dict, Context], dict] | None = None,
                 confirm: Callable[[dict, int, Any], dict] | None = None, confirm_cells: tuple = (1, 3, 6),
                 cost: Callable[[dict, float], float] | None = None, confirm_per: str | None = None,
                 bootstrap: tuple = (1000, 2000, 4000), confidence: float = 0.95, notes: dict | None = None,
                 alternatives: dict | None = None, description: str = ""):
        super().__init__(name, description)
        if not 0 < probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        self.axes, self.measure, self.probability, self.seeds = axes, measure, probability, seeds
        self.slopes, self.ratio, self.crossovers, self.plots = list(slopes), ratio, list(crossovers), list(plots)
        self.admit, self.derive, self.confirm, self.confirm_cells = admit, derive, confirm, confirm_cells
        self.cost, self.bootstrap, self.confidence, self.notes = cost, bootstrap, confidence, notes or {}
        self.confirm_per = confirm_per
        self.alternatives = {k: list(v) for k, v in (alternatives or {}).items()}

    def specs(self) -> list:
        return self.slopes + ([self.ratio] if self.ratio is not None else []) + self.crossovers

    # -- grid --------------------------------------------------------------------------------
    def grid(self, ctx: Context) -> tuple[dict, list[dict]]:
        axes = {k: list(v) for k, v in self.axes(ctx).items()}
        self._own_axes = {k: list(v) for k, v in axes.items()}
        self._restricted = set()  # keys whose values a selection or a replay narrowed
        for key, values in (ctx.selection or {}).items():  # narrowing: an intersection with this check's own values
            if key in axes:
                wanted = values if isinstance(values, (list, tuple)) else [values]
                kept = [v for v in axes[key] if any(_same(v, w) for w in wanted)]
                if len(kept) < len(axes[key]):
                    self._restricted.add(key)
                axes[key] = kept
        if ctx.instance is not None:  # a reproducer names the cells of one failing test (values of the full grid)
            for key, values in ctx.instance.items():
                if key in axes:
                    axes[key] = list(values) if isinstance(values, (list, tuple)) else [values]
        keys = list(axes)
        cells = [dict(zip(keys, combo)) for combo in itertools.product(*(axes[k] for k in keys))]
        if self.admit is not None:
            cells = [c for c in cells if self.admit(c)]
        if self.derive is not None:
            cells = [self.derive(dict(c), ctx) for c in cells]
        return axes, cells

    def _seeds(self, ctx: Context) -> list[int]:
        """The seeds every cell is measured with (the same for all cells: the bootstrap resamples them jointly)."""
        return [ctx.subseed("seed", i) for i in range(int(ctx.pick(*self.seeds)))]

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, ctx: Context):
        axes, cells = self.grid(ctx)
        seeds = self._seeds(ctx)
        n = len(seeds)
        k = max(1, math.ceil(self.probability * n - 1e-12))  # order statistic T_(k), 1-based
        scope = self._scope(axes, n, ctx)
        if not cells:
            empty = [f"{key} = {', '.join(_num(v) for v in vals)}" for key, vals in (ctx.selection or {}).items()]
            return self.evidence(Verdict.INCONCLUSIVE, instances=0, details={"grid": axes, "selection": ctx.selection},
                                 reason=f"the selection {'; '.join(empty)} leaves no cell of this check's grid at the "
                                        f"{ctx.budget.name} budget ({self._ranges(self.axes(ctx))})")
        records, dps_used, backends = [], set(), set()
        measured = self._measured_apart(ctx, cells)
        for i, cell in enumerate(cells):
            m = measured[i] if measured is not None else self.measure(cell, seeds)
            T = np.array([math.inf if c else float(t) for t, c in zip(m.T, m.capped)], dtype=float)
            records.append({"cell": cell, "T": T, "capped": np.asarray(m.capped, bool), "cap": m.cap,
                            "per_seed": m.per_seed, "info": m.info, "dps": m.dps, "q": float(np.sort(T)[k - 1])})
            dps_used.add(m.dps)
            backends.add(m.backend)
            ctx.report((i + 1) / max(len(cells), 1) * 0.9, f"cell {i + 1}/{len(cells)}")
        # A sample of high-precision re-counts (the quantile seed of the cheapest cells); a cell whose re-count
        # differs is escalated: every seed of it re-counted at high precision, and those counts replace float64's.
        confirmations = self._confirm(ctx, records, seeds, k)
        escalated = [self._escalate(r, seeds) for r in records
                     if any(c["_record"] is r and not c.get("agree", False) for c in confirmations)]
        for c in confirmations:
            c.pop("_record", None)
        reps = int(ctx.pick(*self.bootstrap))
        idx = ctx.rng("bootstrap").integers(0, n, size=(reps, n))
        for r in records:
            T = r["T"]
            r["q"] = float(np.sort(T)[k - 1])
            boot = np.sort(T[idx], axis=1)[:, k - 1]
            r["boot"] = boot
            lower = np.where(np.isinf(boot), r["cap"] if r["cap"] is not None else np.inf, boot)
            r["boot_lower"] = lower  # capped replicate quantiles replaced by the cap: a lower bound

        # Every test is made first, then counted here, once: the Bonferroni family is the tests that exist.
        made = {None: self._make(self.specs(), records)}
        for mutant, specs in self.alternatives.items():
            made[mutant] = self._make(specs, records)
        replay = ctx.instance or {}
        if "_test" in replay:  # a reproducer: exactly the failing test, at the family-wise level it was decided at
            made = {None: dict(made[None], tests=[t for t in made[None]["tests"] if t.what == replay["_test"]])}
        n_tests = int(replay.get("_tests", sum(len(m["tests"]) for m in made.values())))
        conf = 1 - (1 - self.confidence) / max(n_tests, 1)
        for m in made.values():
            for t in m["tests"]:
                t.decide(conf, self.confidence)
        tests = made[None]["tests"]
        fails = [t for t in tests if t.status == "fail"]
        deciding = self._confirm_deciding(ctx, fails, records, seeds, k) if fails else []
        for t in fails:  # a FAIL rests only on counts that agree at high precision
            bad = [c for c in deciding if c["test"] == t.what and not c.get("agree", False)]
            if bad:
                t.status = "open"
                t.sentence += (f"; not a FAIL: {len(bad)} deciding count(s) differ at high precision "
                               f"(e.g. {bad[0].get('T_screen')} in float64 against {bad[0].get('T_high')})")
        fails = [t for t in tests if t.status == "fail"]
        invisible = [name for name, m in made.items() if name is not None
                     and not any(t.status == "fail" for t in m["tests"])]
        capped_cells = [fmt_cell(r["cell"]) for r in records if math.isinf(r["q"])]
        margins = [t.margin for t in tests if t.margin is not None and math.isfinite(t.margin)]
        findings = made[None]["findings"]
        details = {
            "grid": {k_: list(v) for k_, v in axes.items()},
            "selection": dict(ctx.selection or {}),
            "scope": scope,
            "cells": len(records),
            "seeds": seeds,
            "seeds_per_cell": n,
            "probability": self.probability,
            "quantile": f"order statistic T_({k}) of {n} seeds (the smallest t with empirical P(T <= t) >= {self.probability:.4g})",
            "bootstrap": {"replicates": reps, "confidence": self.confidence, "tests": n_tests,
                          "familywise_confidence_for_fail": conf, "confidence_for_pass": self.confidence,
                          "method": "percentile, seed indices resampled jointly for all cells"},
            "rule": "local exponents over the last pairs of cells of each line; FAIL only on a trend above claimed + "
                    "tolerance + log allowance at every pair of the window and not decaying; fitted constants are findings",
            "per_cell": [self._cell_json(r, conf) for r in records],
            "tests": [t.to_json() for t in tests],
            "slopes": [s for s in made[None]["slope_json"]],
            "ratio": made[None]["ratio_json"],
            "crossovers": made[None]["crossovers"],
            "findings": findings,
            "alternatives": {name: {"tests": [t.to_json() for t in m["tests"]],
                                    "detected": any(t.status == "fail" for t in m["tests"])}
                             for name, m in made.items() if name is not None},
            "confirmations": confirmations,
            "deciding_counts_confirmed": deciding,
            "escalated_cells": escalated,
            "capped_quantile_cells": capped_cells,
            **self.notes,
        }
        want_plots = ctx.wants_plots(ctx.pick(False, True, True))  # figures cost ~1 s each
        deciding_cell = (fails or sorted(tests, key=lambda t: -(t.margin if math.isfinite(t.margin) else -math.inf))
                         or [None])[0]
        artifacts = self._plots(records, made[None], conf, deciding_cell) if want_plots else []
        details["plots"] = "rendered" if want_plots else ("not rendered: the run's report formats show no figures"
                                                          if "plots" in ctx.options else "not rendered at the quick "
                                                          "budget (options['plots'] = True, or --plots always, forces them)")
        confirmed_dps = [c["dps"] for c in confirmations + deciding if c.get("dps")]
        common = dict(instances=int(sum(len(r["T"]) for r in records)),
                      worst_margin=max(margins) if margins else None,
                      margin_meaning="signed excess of a local exponent's interval end over its limit (claimed + "
                                     "tolerance + log allowance), the most violated test; a FAIL needs it > 0 at every pair of "
                                     "its window (and a trend that does not fade)",
                      dps=max(confirmed_dps) if confirmed_dps else min(dps_used) if dps_used else None,
                      backend=_backend_summary(backends, {c["backend"] for c in confirmations + deciding
                                                          if c.get("backend")}),
                      details=details, artifacts=artifacts)
        details["backends"] = sorted(backends) + sorted(  # in full (the side file): every cell's and confirmation's
            {"re-run with " + c["backend"] for c in confirmations + deciding if c.get("backend")})
        finding = f"; finding: {findings[0]['sentence']}" if findings else ""
        if not tests:
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no test could be made on this grid ({scope}): too few "
                                                              f"cells along every tested axis{finding}", **common)
        if fails:
            t = fails[0]
            mine = [c for c in deciding if c["test"] == t.what]
            dps_note = max((c.get("dps") or 0 for c in mine), default=None)
            share = f" ({len(mine)} of {mine[0]['of']} deciding cells, the cheapest)" if mine and len(mine) < mine[0]["of"] else ""
            prec = (f"; deciding counts confirmed at {dps_note} digits{share}" if dps_note and dps_note > 15 else
                    f"; deciding counts as measured ({min(r['dps'] for r in records)} digits)")
            instance = {t.vary: t.xs, **{k_: v for k_, v in t.fixed.items()}, "_test": t.what, "_tests": n_tests}
            return self.evidence(Verdict.FAIL, witness=t.to_json(), reproducer=self._reproducer(ctx, instance),
                                 reason=t.sentence + prec + (f" ({len(fails)} failing tests)" if len(fails) > 1 else ""),
                                 **common)
        open_ = [t for t in tests if t.status == "open"]
        fixed = {e["cell"] for e in escalated if e["complete"]}
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

    # -- cells measured apart (Check.splits_into_parts) ---------------------------------------
    @property
    def splits_into_parts(self) -> bool:
        """Cells are measured in parts on any workers unless a subclass evaluates in its own way."""
        return type(self).evaluate is Scaling.evaluate and type(self).run is Check.run

    def run_part(self, ctx: Context, index: int, of: int) -> list:
        """Measure part ``index`` of ``of`` of this sweep's cells: [(cell number, cell, Measurement, what measuring
        it printed), ...]. A cell's measurement depends only on the cell and the seeds (drawn from seed, claim and
        check), so it is the same whichever part, worker or process measures it.

        The cells are dealt to the parts in a fixed shuffled order: in grid order, one axis (the method, say) would
        put all the costly cells into the same few parts."""
        _, cells = self.grid(ctx)
        seeds = self._seeds(ctx)
        dealt = np.random.default_rng(len(cells)).permutation(len(cells))
        mine = sorted(int(i) for i in dealt[index::of])
        out = []
        for j, i in enumerate(mine):
            printed = io.StringIO()  # what measuring the cell prints, replayed in cell order by evaluate
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                m = self.measure(cells[i], seeds)
            out.append((i, cells[i], m, printed.getvalue()))
            ctx.report((j + 1) / max(len(mine), 1), f"part {index + 1}/{of}: cell {j + 1}/{len(mine)}")
        return out

    @staticmethod
    def _measured_apart(ctx: Context, cells: list) -> dict | None:
        """{cell number: Measurement} from the parts that measured this grid apart (None: measure here). Every
        cell must come back exactly once and be the cell this evaluation enumerates, or nothing is used. What the
        cells printed is printed again here, in cell order, as if they had been measured here."""
        if ctx.parts is None:
            return None
        measured, printed = {}, {}
        for part in ctx.parts:
            for i, cell, m, text in part:
                if i in measured or not 0 <= i < len(cells) or _cell_text(cell) != _cell_text(cells[i]):
                    raise RuntimeError(f"the cells measured apart do not match this sweep's grid (cell {i})")
                measured[i], printed[i] = m, text
        if len(measured) != len(cells):
            raise RuntimeError(f"the parts measured {len(measured)} of this sweep's {len(cells)} cells")
        for i in sorted(printed):
            if printed[i]:
                sys.stdout.write(printed[i])
        return measured

    # -- pieces ------------------------------------------------------------------------------
    @staticmethod
    def _ranges(axes: dict) -> str:
        parts = []
        for key, vals in axes.items():
            vals = list(vals)
            if len(vals) > 1 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
                parts.append(f"{key} in {_num(min(vals))}..{_num(max(vals))} ({len(vals)} values)")
            else:
                parts.append(f"{key} in {{{', '.join(_num(v) for v in vals)}}}" if len(vals) != 1 else f"{key} = {_num(vals[0])}")
        return ", ".join(parts)

    def _scope(self, axes: dict, n: int, ctx: Context) -> str:
        return f"{self._ranges(axes)}; {n} seeds per cell, run seed {ctx.seed}, {ctx.budget.name} budget"

    @staticmethod
    def _reproducer(ctx: Context, instance: dict) -> str:
        text = json.dumps(instance, sort_keys=True, separators=(",", ":"))
        mutant = f" --mutant {ctx.mutant}" if ctx.mutant else ""
        return (f"python -m proofcheck run {ctx.claim_id}{mutant} --check {ctx.check_name} --instance '{text}' "
                f"--budget {ctx.budget.name} --seed {ctx.seed}")

    @staticmethod
    def _selected(records, where):
        return [r for r in records if where is None or where(r["cell"])]

    def _lines(self, records, vary, where, extra_skip=()):
        """Groups of records with every public key but ``vary`` equal, sorted along ``vary``."""
        groups: dict = {}
        for r in self._selected(records, where):
            other = tuple(sorted((k, repr(v)) for k, v in r["cell"].items()
                                 if k != vary and not k.startswith("_") and k not in extra_skip))
            groups.setdefault(other, []).append(r)
        return [sorted(g, key=lambda r: r["cell"][vary]) for g in groups.values()]

    def _make(self, specs, records) -> dict:
        """The tests of ``specs`` on ``records`` (undecided), with the JSON of each spec and the findings."""
        tests, slope_json, ratio_json, crossovers, findings = [], [], None, [], []
        for spec in specs:
            if isinstance(spec, Slope):
                made = self._slope_tests(spec, records)
                tests += made
                slope_json.append({"name": spec.name, "vary": spec.vary, "claimed": spec.claimed,
                                   "relation": spec.relation, "tolerance": spec.tolerance, "logs_allowed": spec.logs,
                                   "description": spec.description, "tests": [t.what for t in made]})
            elif isinstance(spec, Ratio):
                made, ratio_json = self._ratio_tests(spec, records)
                tests += made
                findings += ratio_json["findings"]
            elif isinstance(spec, Crossover):
                c = self._crossover(spec, records)
                tests += c.pop("_tests")
                crossovers.append(c)
        return {"tests": tests, "slope_json": slope_json, "ratio_json": ratio_json, "crossovers": crossovers,
                "findings": findings}

    def _line_test(self, spec_name, what, quantity, vary, line, values_point, values_hi, values_lo, claimed,
                   relation, tolerance, logs, window) -> _LineTest:
        xs = [r["cell"][vary] for r in line]
        fixed = {k: v for k, v in line[0]["cell"].items() if k != vary and not k.startswith("_")}
        finite = [i for i, v in enumerate(values_point) if math.isfinite(v)]
        ols = None
        if len(finite) >= 2:
            ols = float(_ols_slopes(np.log([xs[i] for i in finite]), np.log([[values_point[i]] for i in finite]))[0])
        test = _LineTest(spec=spec_name, what=what, quantity=quantity, vary=vary, fixed=fixed,
                         cells=[{k: v for k, v in r["cell"].items() if not k.startswith("_")} for r in line], xs=xs,
                         point=np.asarray(values_point, float), boot_hi=np.vstack(values_hi),
                         boot_lo=np.vstack(values_lo), claimed=claimed, relation=relation, tolerance=tolerance,
                         logs=logs, window=window, ols=ols, adjacent=self._adjacent(vary))
        # the precision of the counts of every cell the test uses (digits: 15 = float64; more = escalated)
        test.counts_dps = {_num(r["cell"][vary]): r["dps"] for r in line if any(_same(r["cell"][vary], x) for x in test.xs)}
        return test

    def _adjacent(self, vary):
        """Whether two values of ``vary`` are neighbours on the check's own (unnarrowed) grid."""
        own = sorted(float(v) for v in self._own_axes.get(vary, []))

        def adjacent(a, b):
            ia = next((i for i, v in enumerate(own) if _same(v, a)), None)
            ib = next((i for i, v in enumerate(own) if _same(v, b)), None)
            return ia is None or ib is None or abs(ia - ib) == 1
        return adjacent

    def _slope_tests(self, spec: Slope, records) -> list:
        out = []
        for line in self._lines(records, spec.vary, spec.where):
            if len(line) < max(spec.min_points, 2) or len({r["cell"][spec.vary] for r in line}) < len(line):
                continue
            fixed = {k: v for k, v in line[0]["cell"].items() if k != spec.vary and not k.startswith("_")}
            out.append(self._line_test(
                spec.name, f"slope {spec.name} in {spec.vary}" + (f" at {fmt_cell(fixed)}" if fixed else ""), "T", spec.vary, line,
                [r["q"] for r in line], [r["boot"] for r in line], [r["boot_lower"] for r in line],
                spec.claimed, spec.relation, spec.tolerance, spec.logs, spec.window))
        return out

    def _ratio_tests(self, spec: Ratio, records) -> tuple[list, dict]:
        sel = self._selected(records, spec.where)
        numeric = lambda key: all(isinstance(r["cell"].get(key), (int, float)) and not isinstance(r["cell"].get(key), bool)
                                  for r in sel)
        along = list(spec.along) if spec.along is not None else [
            key for key in (sel[0]["cell"] if sel else {}) if not key.startswith("_") and key not in spec.group_by
            and numeric(key) and len({r["cell"][key] for r in sel}) >= 2]
        tests = []
        for axis in along:
            for line in self._lines(sel, axis, None):
                if len(line) < 2 or len({r["cell"][axis] for r in line}) < len(line):
                    continue
                g = np.array([float(spec.bound(r["cell"])) for r in line])
                fixed = {k: v for k, v in line[0]["cell"].items() if k != axis and not k.startswith("_")}
                tests.append(self._line_test(
                    spec.name, f"ratio T/{spec.label} along {axis}" + (f" at {fmt_cell(fixed)}" if fixed else ""), f"T/{spec.label}", axis, line,
                    [r["q"] / gi for r, gi in zip(line, g)], [r["boot"] / gi for r, gi in zip(line, g)],
                    [r["boot_lower"] / gi for r, gi in zip(line, g)], 0.0, "<=", spec.tolerance, spec.logs, spec.window))
        return tests, self._ratio_findings(spec, sel)

    def _ratio_findings(self, spec: Ratio, sel) -> dict:
        """The constant fitted on small cells and the held-out growth over it: reported, never decisive (a constant
        fitted on small cells and extrapolated is no evidence against an O(.) bound)."""
        groups: dict = {}
        for r in sel:
            groups.setdefault(_key(r["cell"], spec.group_by), []).append(r)
        conf = self.confidence
        out_groups, findings = [], []
        for gkey, rs in groups.items():
            g = np.array([float(spec.bound(r["cell"])) for r in rs])
            fit = [i for i, r in enumerate(rs) if spec.fit(r["cell"])]
            if not fit:
                continue
            point = np.array([r["q"] for r in rs]) / g
            boot_hi = np.vstack([r["boot"] for r in rs]) / g[:, None]
            boot_lo = np.vstack([r["boot_lower"] for r in rs]) / g[:, None]
            c_point = float(np.max(point[fit]))
            c_boot_hi, c_boot_lo = np.max(boot_hi[fit], axis=0), np.max(boot_lo[fit], axis=0)
            group = {"group": dict(gkey), "fitted_constant": c_point, "constant_interval": list(_interval(c_boot_hi, conf)),
                     "constant_over_all_cells": float(np.max(point)),
                     "constant_over_all_cells_interval": list(_interval(np.max(boot_hi, axis=0), conf)),
                     "fit_cells": [fmt_cell(rs[i]["cell"]) for i in fit], "held_out": []}
            for i in (i for i in range(len(rs)) if i not in fit):
                with np.errstate(divide="ignore", invalid="ignore"):
                    lo = _interval(boot_lo[i] / c_boot_hi, conf)[0]
                    hi = _interval(boot_hi[i] / c_boot_lo, conf)[1]
                grow = float(point[i] / c_point) if c_point > 0 else math.inf
                entry = {"cell": fmt_cell(rs[i]["cell"]), "ratio": float(point[i]), "growth_over_C": grow,
                         "growth_interval": [lo, hi], "reference_growth": spec.growth}
                group["held_out"].append(entry)
                if lo is not None and lo > spec.growth:
                    findings.append({"growth": grow, "sentence": (
                        f"T/{spec.label} grows {grow:.3g}x the constant fitted on small cells (interval "
                        f"{_fmt_interval([lo, hi])}, reference {_num(spec.growth)}) at {fmt_cell(rs[i]['cell'])}, "
                        f"not a failure: an extrapolated constant does not bound an O(.) claim")})
            out_groups.append(group)
        findings.sort(key=lambda f: -f["growth"])
        return {"label": spec.label, "reference_growth": spec.growth, "groups": out_groups, "findings": findings,
                "tolerance": spec.tolerance, "logs_allowed": spec.logs}

    def _crossover(self, spec: Crossover, records) -> dict:
        sel = self._selected(records, spec.where)
        other_keys = sorted({k for r in sel for k in r["cell"]} - {spec.over, spec.along, spec.series})
        other_keys = [k for k in other_keys if not k.startswith("_")]
        by: dict = {}
        for r in sel:
            c = r["cell"]
            by.setdefault(_key(c, other_keys), {}).setdefault(c[spec.over], {}).setdefault(c[spec.along], {})[
                repr(c[spec.series])] = r
        tests, lines = [], []
        for okey, table in by.items():
            overs = sorted(table)
            stars, boot_stars, censored, deciding = [], [], [], []
            for ov in overs:
                alongs = sorted(v for v, pair in table[ov].items() if repr(spec.a) in pair and repr(spec.b) in pair)
                if not alongs:
                    continue
                qa = np.array([table[ov][v][repr(spec.a)]["q"] for v in alongs])
                qb = np.array([table[ov][v][repr(spec.b)]["q"] for v in alongs])
                ba = np.vstack([table[ov][v][repr(spec.a)]["boot"] for v in alongs])
                bb = np.vstack([table[ov][v][repr(spec.b)]["boot"] for v in alongs])

                def first(lose):
                    hit = np.argmax(lose, axis=0)
                    vals = np.array(alongs, dtype=float)[hit]
                    return np.where(np.any(lose, axis=0), vals, np.nan)

                with np.errstate(invalid="ignore"):
                    star = first((qa > qb / spec.factor)[:, None])[0]
                    bstar = first(ba > bb / spec.factor)
                stars.append((ov, float(star) if math.isfinite(star) else None))
                boot_stars.append(bstar)
                if math.isfinite(star):  # the cells whose counts decide d*: both series at d*
                    v = next(v for v in alongs if _same(v, star))
                    deciding += [table[ov][v][repr(m)]["cell"] for m in (spec.a, spec.b)]
                if not math.isfinite(star):
                    censored.append(ov)
            spans = [_interval(np.where(np.isnan(b), np.inf, b), self.confidence) for b in boot_stars]
            line = {"fixed": dict(okey), "crossover": [{spec.over: ov, spec.along + "*": s, "interval": list(iv)}
                                                       for (ov, s), iv in zip(stars, spans)],
                    "censored": censored}
            keep = [i for i, (_, s) in enumerate(stars) if s is not None]
            if spec.along in self._restricted:  # d* on a thinned d grid is another statistic, not a restriction
                line["note"] = (f"no test: the selection thins the {spec.along} grid, and the crossover needs the "
                                f"check's whole {spec.along} grid")
            elif len(keep) >= 2:
                test = _CrossoverTest(spec, dict(okey), np.log([float(stars[i][0]) for i in keep]),
                                      np.log([[stars[i][1]] for i in keep]), np.log(np.vstack([boot_stars[i] for i in keep])),
                                      line, overs=[stars[i][0] for i in keep])
                test.cells = [{k: v for k, v in c.items() if not k.startswith("_")} for c in deciding]
                tests.append(test)
            lines.append(line)
        return {"name": spec.name, "over": spec.over, "along": spec.along, "a": spec.a, "b": spec.b,
                "factor": spec.factor, "claimed": spec.claimed, "relation": spec.relation, "tolerance": spec.tolerance,
                "description": spec.description, "lines": lines, "tests_made": len(tests), "_tests": tests}

    def _confirm(self, ctx, records, seeds, k) -> list[dict]:
        """A sample of high-precision re-counts: the quantile seed of the cheapest cells (per ``confirm_per``)."""
        if self.confirm is None:
            return []
        cost = self.cost or (lambda cell, t: t)
        candidates = sorted((r for r in records if math.isfinite(r["q"])), key=lambda r: cost(r["cell"], r["q"]))
        n_cells, chosen, taken = int(ctx.pick(*self.confirm_cells)), [], {}
        for r in candidates:  # the cheapest cells, up to n_cells per value of ``confirm_per`` (or overall)
            group = repr(r["cell"].get(self.confirm_per)) if self.confirm_per else ""
            if taken.get(group, 0) < n_cells:
                taken[group] = taken.get(group, 0) + 1
                chosen.append(r)
        return [dict(self._confirm_one(r, seeds, k), _record=r) for r in chosen]

    def _escalate(self, r, seeds) -> dict:
        """Re-count every seed of a cell at high precision (the step each seed was tuned to is kept) and replace the
        float64 counts where a high-precision count exists; the cell's precision is recorded."""
        replaced, missing, dps = 0, 0, set()
        for i, seed in enumerate(seeds):
            res = self.confirm(r["cell"], seed, r["per_seed"][i] if r["per_seed"] else None)
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

    def _confirm_one(self, r, seeds, k) -> dict:
        i = int(np.argsort(r["T"], kind="stable")[k - 1])  # the seed that realises the quantile
        rec = r["per_seed"][i] if r["per_seed"] else None
        res = dict(self.confirm(r["cell"], seeds[i], rec))
        res.update(cell=fmt_cell(r["cell"]), seed=seeds[i], T_screen=r["q"])
        return res

    def _confirm_deciding(self, ctx, fails, records, seeds, k) -> list[dict]:
        """Before a FAIL: re-count at high precision the quantile seed of the cells that decide each failing test (its
        window; for a crossover, both series at each d*), the cheapest first by ``cost``, at most twice the budget's
        ``confirm_cells`` per test; a cell already re-counted in this run is not re-counted."""
        if self.confirm is None:
            return [{"test": t.what, "agree": True, "dps": min(r["dps"] for r in records), "of": len(t.cells),
                     "backend": "the measurement's own arithmetic (no confirm hook)"} for t in fails]
        cost = self.cost or (lambda cell, t: t)
        limit, done, out = 2 * int(ctx.pick(*self.confirm_cells)), {}, []
        for t in fails:
            rs = []
            for cell in t.cells:
                r = next((r for r in records if all(_same(r["cell"].get(k_), v) for k_, v in cell.items())), None)
                if r is not None and math.isfinite(r["q"]) and all(r is not x for x in rs):
                    rs.append(r)
            for r in sorted(rs, key=lambda r: cost(r["cell"], r["q"]))[:limit]:
                if id(r) not in done:
                    done[id(r)] = self._confirm_one(r, seeds, k)
                out.append(dict(done[id(r)], test=t.what, of=len(rs)))
        return out

    @staticmethod
    def _cell_json(r, conf) -> dict:
        lo, hi = _interval(r["boot"], conf)
        T = [None if math.isinf(t) else int(t) if float(t).is_integer() else float(t) for t in r["T"]]
        return {"cell": r["cell"], "quantile": None if math.isinf(r["q"]) else r["q"], "quantile_capped": math.isinf(r["q"]),
                "quantile_interval": [lo, hi], "T": T, "capped": int(r["capped"].sum()), "cap": r["cap"],
                "per_seed": r["per_seed"], "info": r["info"], "dps": r["dps"]}

    # -- plots -------------------------------------------------------------------------------
    def _plots(self, records, made, conf, deciding) -> list[dict]:
        try:
            import matplotlib  # noqa: F401

            from ..plots import figure, svg_artifact
        except ImportError:  # pragma: no cover - matplotlib is optional
            return []
        marked = [c for c in (getattr(deciding, "cells", None) or [])]
        arts = [self._panel_plot(spec, records, conf, figure, svg_artifact, marked) for spec in self.plots]
        if made["ratio_json"] and made["ratio_json"]["groups"]:
            arts.append(self._ratio_plot(records, made["ratio_json"], conf, figure, svg_artifact, marked))
        for c in made["crossovers"]:
            if any(p[c["along"] + "*"] is not None for l in c["lines"] for p in l["crossover"]):
                arts.append(self._crossover_plot(c, figure, svg_artifact))
        return [a for a in arts if a]

    @staticmethod
    def _errorbars(rs, conf, value=lambda r: 1.0):
        """(x-independent) points and asymmetric bootstrap error bars of q / value(r) for finite quantiles."""
        ys, lo, hi = [], [], []
        for r in rs:
            v = value(r)
            y = r["q"] / v
            a, b = _interval(r["boot"] / v, conf)
            ys.append(y)
            lo.append(max(y - (a if a is not None and math.isfinite(a) else y), 0.0))
            hi.append((b if b is not None and math.isfinite(b) else y) - y)
        return ys, [lo, hi]

    def _panel_plot(self, spec: Plot, records, conf, figure, svg_artifact, marked):
        """T quantile against ``spec.x``, one colour per value of ``spec.line`` (the same colour in every panel), one
        panel per value of ``spec.panel``; one legend outside the panels: the series by colour, then what each mark
        means (explained once, and only what some panel draws)."""
        from ..plots import LABEL_FONTSIZE, math_label, outside_legend, palette, series_label, sort_values, style_handle

        rs = self._selected(records, spec.where)
        if not rs:
            return None
        panels = [repr(v) for v in sort_values({r["cell"].get(spec.panel) for r in rs})] if spec.panel else ["_"]
        values = [repr(v) for v in sort_values({r["cell"].get(spec.line) for r in rs})] if spec.line else ["_"]
        colours = dict(zip(values, palette(len(values))))
        fig, axes = figure(panels=len(panels), height=4.0)
        axes = axes if isinstance(axes, list) else [axes]
        series, meanings = {}, {}
        for ax, pv in zip(axes, panels):
            sub = [r for r in rs if not spec.panel or repr(r["cell"].get(spec.panel)) == pv]
            for lv in values:
                pts = sorted((r for r in sub if not spec.line or repr(r["cell"].get(spec.line)) == lv),
                             key=lambda r: r["cell"][spec.x])
                if not pts:
                    continue
                colour = colours[lv]
                fin = [r for r in pts if math.isfinite(r["q"])]
                label = series_label(spec.line, pts[0]["cell"].get(spec.line)) if spec.line else "T quantile"
                if fin:
                    ys, err = self._errorbars(fin, conf)
                    drawn = ax.errorbar([float(r["cell"][spec.x]) for r in fin], ys, yerr=err, marker="o", ms=3.5,
                                        capsize=2, lw=1.2, color=colour)
                    series.setdefault(label, drawn)
                cx = [r for r in pts if not math.isfinite(r["q"]) and r["cap"]]
                if cx:
                    ax.plot([float(r["cell"][spec.x]) for r in cx], [r["cap"] for r in cx], "x", color=colour, ms=6)
                    meanings.setdefault("capped: T > cap (cap drawn)", style_handle(marker="x", ms=6))
                refs = [(float(r["cell"][spec.x]), float(spec.reference(r["cell"]))) for r in pts] \
                    if spec.reference is not None else []
                refs = [(x, y) for x, y in refs if math.isfinite(y) and y > 0]
                if refs:  # explained in the legend only when some panel draws it
                    ax.plot(*zip(*refs), ":", color=colour, lw=1.2)
                    meanings.setdefault(f"dotted: {math_label(spec.reference_label)}", style_handle(ls=":", lw=1.4))
                hit = [r for r in fin if any(all(_same(r["cell"].get(k), v) for k, v in c.items()) for c in marked)]
                if hit:
                    ax.plot([float(r["cell"][spec.x]) for r in hit], [r["q"] for r in hit], "o", ms=10, mfc="none",
                            mec="black", mew=1.5)
                    meanings.setdefault("deciding cell", style_handle(marker="o", ms=10, mfc="none", mec="black"))
            ax.set_xlabel(math_label(spec.x), fontsize=LABEL_FONTSIZE)
            sample = sub[0] if sub else None
            if spec.panel and sample:
                ax.set_title(series_label(spec.panel, sample["cell"].get(spec.panel)), fontsize=LABEL_FONTSIZE)
            _loglog(ax)
            ax.grid(True, which="major", alpha=0.3)
        axes[0].set_ylabel(f"T quantile (p = {self.probability:.3g})", fontsize=LABEL_FONTSIZE)
        if not spec.panel:
            axes[0].set_title(spec.name, fontsize=LABEL_FONTSIZE)
        handles = list(series.values()) + list(meanings.values())
        outside_legend(fig, handles, list(series) + list(meanings), ncol=min(len(handles), 4 if len(axes) > 1 else 3))
        return svg_artifact(fig, spec.name, spec.caption)

    def _ratio_plot(self, records, ratio, conf, figure, svg_artifact, marked):
        """T / g against g, one colour per group; the marker says fit cell (round) or held-out cell (square), the dotted
        line in the group's colour the constant fitted on its fit cells. Two legends outside the data: the groups by
        colour, and the marks' meaning, each explained once."""
        from ..plots import LABEL_FONTSIZE, math_label, method_label, outside_legend, palette, style_handle

        spec = self.ratio
        fig, ax = figure(width=7.2, height=4.4)
        colours = palette(len(ratio["groups"]))
        groups, meanings = {}, {}
        for gi, group in enumerate(ratio["groups"]):
            key = group["group"]
            rs = [r for r in self._selected(records, spec.where) if _key(r["cell"], spec.group_by) == tuple(key.items())]
            name = ", ".join(method_label(v) if k == "method" else _num(v) for k, v in key.items()) or "all cells"
            for fit, marker in ((True, "o"), (False, "s")):
                pts = [r for r in rs if bool(spec.fit(r["cell"])) == fit and math.isfinite(r["q"])]
                if pts:
                    ys, err = self._errorbars(pts, conf, lambda r: float(spec.bound(r["cell"])))
                    drawn = ax.errorbar([float(spec.bound(r["cell"])) for r in pts], ys, yerr=err, fmt=marker,
                                        color=colours[gi], ms=4.5, capsize=2, mfc=colours[gi] if fit else "none")
                    groups.setdefault(name, drawn)
                    meanings.setdefault("fit cells" if fit else "held-out cells",
                                        style_handle(marker=marker, ms=5, mfc="0.25" if fit else "none"))
            hit = [r for r in rs if math.isfinite(r["q"]) and any(
                all(_same(r["cell"].get(k), v) for k, v in c.items()) for c in marked)]
            if hit:
                ax.plot([float(spec.bound(r["cell"])) for r in hit], [r["q"] / spec.bound(r["cell"]) for r in hit], "o",
                        ms=10, mfc="none", mec="black", mew=1.5)
                meanings.setdefault("deciding cell", style_handle(marker="o", ms=10, mfc="none", mec="black"))
            c = group["fitted_constant"]
            if c and math.isfinite(c):
                ax.axhline(c, color=colours[gi], ls=":", lw=1.2)
                meanings.setdefault("dotted: constant fitted on the fit cells (a finding)", style_handle(ls=":", lw=1.4))
        _loglog(ax)
        ax.grid(True, which="major", alpha=0.3)
        label = math_label(spec.label)
        ax.set_xlabel(f"g = {label}", fontsize=LABEL_FONTSIZE)
        ax.set_ylabel("T quantile / g", fontsize=LABEL_FONTSIZE)
        ax.set_title("T / g over the grid", fontsize=LABEL_FONTSIZE)
        outside_legend(fig, list(groups.values()), list(groups), where="outside right upper", ncol=1, title="group")
        outside_legend(fig, list(meanings.values()), list(meanings), where="outside lower center", ncol=2)
        return svg_artifact(fig, "ratio", f"T/{spec.label} over the grid (fit cells round, held-out square)")

    @staticmethod
    def _crossover_plot(c, figure, svg_artifact):
        """The crossover point along ``c['along']`` against ``c['over']``, one colour per line, and in the same colour,
        dotted, the claimed exponent drawn through each line's first point."""
        from ..plots import LABEL_FONTSIZE, math_label, outside_legend, palette, series_label, style_handle

        fig, ax = figure(width=6.8, height=4.2)
        colours = palette(len(c["lines"]))
        series, meanings = {}, {}
        for i, line in enumerate(c["lines"]):
            pts = [(p[c["over"]], p[c["along"] + "*"]) for p in line["crossover"] if p[c["along"] + "*"] is not None]
            if not pts:
                continue
            xs, ys = zip(*pts)
            ph = line.get("p_hat")
            name = ", ".join(series_label(k, v) for k, v in (line["fixed"] or {}).items()
                             if not str(k).startswith("_")) or "crossover"
            ivs = [p.get("interval") or [None, None] for p in line["crossover"] if p[c["along"] + "*"] is not None]
            lo = [max(y - (a if a is not None and math.isfinite(a) else y), 0.0) for y, (a, _) in zip(ys, ivs)]
            hi = [(b if b is not None and math.isfinite(b) else y) - y for y, (_, b) in zip(ys, ivs)]
            drawn = ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o-", capsize=2, color=colours[i], ms=4)
            series.setdefault(name + (f" ($\\hat p$ = {ph:.2f})" if ph is not None else ""), drawn)
            ref = np.array([min(xs), max(xs)], dtype=float)
            ax.plot(ref, ys[0] * (ref / xs[0]) ** c["claimed"], ":", color=colours[i], lw=1.2)
            meanings.setdefault(f"dotted: the claimed exponent p = {c['claimed']:.3g}, through the first point",
                                style_handle(ls=":", lw=1.4))
        _loglog(ax)
        ax.grid(True, which="major", alpha=0.3)
        ax.set_xlabel(math_label(c["over"]), fontsize=LABEL_FONTSIZE)
        ax.set_ylabel(f"{math_label(c['along'])}* (crossover point)", fontsize=LABEL_FONTSIZE)
        ax.set_title(f"crossover {c['name']}: {math_label(c['along'])}* ~ {math_label(c['over'])}$^p$",
                     fontsize=LABEL_FONTSIZE)
        handles = list(series.values()) + list(meanings.values())
        outside_legend(fig, handles, list(series) + list(meanings), ncol=1)
        return svg_artifact(fig, "crossover-" + c["name"], f"smallest {c['along']} at which {c['a']} stops beating {c['b']}")
