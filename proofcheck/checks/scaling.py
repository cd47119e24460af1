"""The ``scaling`` check kind: T = O(g(params)) (or Theta) over a parameter grid (DESIGN.md, 'Check kinds').

A sweep over the product of declared grid axes (narrowed by ``ctx.selection``), with the same seeds
in every cell (so that methods compared in one cell see the same random draws). The lemma supplies
the measurement ``measure(cell, seeds) -> Measurement``: one iteration count per seed and whether it
was capped. Capped runs are never counted as converged: they enter the quantiles as T = +inf, and a
cell whose quantile is capped is reported as such and only ever used as a *lower* bound.

Per cell, the seed quantile matching the claimed probability p is the order statistic
T_(ceil(p n)): "T <= C g with probability >= p" is the statement that this quantile is <= C g.
Uncertainty comes from a seeded bootstrap over seeds (one resampling of the seed indices shared by
all cells, which keeps paired comparisons paired); intervals are percentile intervals. A FAIL is decided
on intervals Bonferroni-corrected over all the tests the check makes (family-wise control of false
FAILs); a PASS on each test's own interval at the nominal confidence (the check passes only if every
test passes, so a false PASS needs the false test itself to pass: an intersection-union test).

Tests (each can fail):

- :class:`Slope`: the log-log slope of the quantile along one axis, per line (the other axes fixed),
  against a claimed exponent. ``<=`` (an O bound) FAILs when the interval's lower end exceeds
  claimed + tolerance; ``==`` (Theta) also FAILs when its upper end is below claimed - tolerance;
  ``>=`` FAILs when the upper end is below claimed - tolerance.
- :class:`Ratio`: the bounded-ratio test. The constant C = max T_q / g is fitted on the ``fit`` cells
  (with a bootstrap interval); on each held-out cell the growth (T_q/g) / C, bootstrapped jointly with C,
  must stay below ``growth``: PASS when its interval's upper end does, FAIL when its lower end exceeds it
  (capped runs count as T = cap there, a lower bound).
- :class:`Crossover`: along one axis, the first value at which series ``a`` stops beating series ``b``
  (quantile_a > quantile_b / factor), per value of another axis; the fitted exponent p-hat of that
  crossover against the claimed p, with the same relations as slopes.

Everything (grid, seeds, per-cell quantiles, slopes with intervals, constants, crossovers) goes into
Evidence.details; plots (matplotlib SVG) into Evidence.artifacts.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..context import Context
from ..model import Verdict
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
    """d log T_q / d log(vary) = claimed (relation), per line of cells with the other axes fixed."""

    name: str
    vary: str
    claimed: float
    relation: str = "<="
    tolerance: float = 0.1
    where: Callable[[dict], bool] | None = None
    min_points: int = 2
    description: str = ""

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}")


@dataclass
class Ratio:
    """T_q / g(cell) bounded: fit C on ``fit`` cells, test held-out cells, one constant per group."""

    bound: Callable[[dict], float]
    fit: Callable[[dict], bool]
    growth: float = 2.0
    where: Callable[[dict], bool] | None = None
    group_by: Sequence[str] = ()
    label: str = "g"


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


def _loglog(ax) -> None:
    """Log axes with plain tick labels (no mathtext: faster, and stable SVG text)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())


def _key(cell: dict, keys: Sequence[str]) -> tuple:
    return tuple((k, cell.get(k)) for k in keys)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.0)
    return a == b


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


class Scaling(Check):
    """A scaling sweep: see the module docstring.

    ``axes(ctx)`` returns {key: [values]} (use ``ctx.pick`` for budgets); the grid is their product,
    with any key in ``ctx.selection`` (or in a replayed ``ctx.instance``) replaced by the selected values,
    filtered by ``admit(cell)``.
    ``derive(cell, ctx)`` may add derived, JSON-ready fields (e.g. the actual kappa of the instance).
    ``measure(cell, seeds)`` returns a :class:`Measurement`. ``confirm(cell, seed, per_seed_record)``
    (optional) re-runs one deciding run at high precision and returns a dict with ``agree`` (bool),
    ``dps`` and ``backend``; ``cost(cell, T)`` ranks cells for confirmation (cheapest first).
    """

    kind = "scaling"
    basis = "numeric"

    def __init__(self, name: str, *, axes: Callable[[Context], dict], measure: Callable[[dict, list], Measurement],
                 probability: float, seeds: tuple = (4, 16, 32), slopes: Sequence[Slope] = (), ratio: Ratio | None = None,
                 crossovers: Sequence[Crossover] = (), plots: Sequence[Plot] = (),
                 admit: Callable[[dict], bool] | None = None, derive: Callable[[dict, Context], dict] | None = None,
                 confirm: Callable[[dict, int, Any], dict] | None = None, confirm_cells: tuple = (1, 3, 6),
                 cost: Callable[[dict, float], float] | None = None, confirm_per: str | None = None, bootstrap: tuple = (1000, 2000, 4000),
                 confidence: float = 0.95, notes: dict | None = None, description: str = ""):
        super().__init__(name, description)
        if not 0 < probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        self.axes, self.measure, self.probability, self.seeds = axes, measure, probability, seeds
        self.slopes, self.ratio, self.crossovers, self.plots = list(slopes), ratio, list(crossovers), list(plots)
        self.admit, self.derive, self.confirm, self.confirm_cells = admit, derive, confirm, confirm_cells
        self.cost, self.bootstrap, self.confidence, self.notes = cost, bootstrap, confidence, notes or {}
        self.confirm_per = confirm_per

    # -- grid --------------------------------------------------------------------------------
    def grid(self, ctx: Context) -> tuple[dict, list[dict]]:
        axes = dict(self.axes(ctx))
        chosen = dict(ctx.selection or {})
        if ctx.instance is not None:  # ``--instance '{"d": 8, "kappa": 1e4, ...}'`` replays those cells
            chosen.update({k: v for k, v in ctx.instance.items() if k in axes})
        for key, values in chosen.items():
            if key in axes:
                axes[key] = list(values) if isinstance(values, (list, tuple)) else [values]
        keys = list(axes)
        cells = [dict(zip(keys, combo)) for combo in itertools.product(*(axes[k] for k in keys))]
        if self.admit is not None:
            cells = [c for c in cells if self.admit(c)]
        if self.derive is not None:
            cells = [self.derive(dict(c), ctx) for c in cells]
        return axes, cells

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, ctx: Context):
        axes, cells = self.grid(ctx)
        n = int(ctx.pick(*self.seeds))
        seeds = [ctx.subseed("seed", i) for i in range(n)]
        k = max(1, math.ceil(self.probability * n - 1e-12))  # order statistic T_(k), 1-based
        records, dps_used, backends = [], set(), set()
        for i, cell in enumerate(cells):
            m = self.measure(cell, seeds)
            T = np.array([math.inf if c else float(t) for t, c in zip(m.T, m.capped)], dtype=float)
            records.append({"cell": cell, "T": T, "capped": np.asarray(m.capped, bool), "cap": m.cap,
                            "per_seed": m.per_seed, "info": m.info})
            dps_used.add(m.dps)
            backends.add(m.backend)
            ctx.report((i + 1) / max(len(cells), 1) * 0.9, f"cell {i + 1}/{len(cells)}")
        reps = int(ctx.pick(*self.bootstrap))
        idx = ctx.rng("bootstrap").integers(0, n, size=(reps, n))
        for r in records:
            T = r["T"]
            r["q"] = float(np.sort(T)[k - 1])
            boot = np.sort(T[idx], axis=1)[:, k - 1]
            r["boot"] = boot
            lower = np.where(np.isinf(boot), r["cap"] if r["cap"] is not None else np.inf, boot)
            r["boot_lower"] = lower  # capped replicate quantiles replaced by the cap: a lower bound

        n_tests = self._count_tests(records)
        conf = 1 - (1 - self.confidence) / max(n_tests, 1)
        slopes = [self._slope(s, records, conf) for s in self.slopes]
        ratio = self._ratio(records, conf) if self.ratio is not None else None
        crossovers = [self._crossover(c, records, conf) for c in self.crossovers]
        confirmations = self._confirm(ctx, records, seeds, k)

        tests = [t for s in slopes for t in s["lines"]] + (ratio["tests"] if ratio else []) + \
                [t for c in crossovers for t in c["tests"]]
        statuses = [t["status"] for t in tests]
        capped_cells = [r["cell"] for r in records if math.isinf(r["q"])]
        margins = [t["margin"] for t in tests if t.get("margin") is not None and math.isfinite(t["margin"])]
        details = {
            "grid": {k_: list(v) for k_, v in axes.items()},
            "selection": dict(ctx.selection or {}),
            "cells": len(records),
            "seeds": seeds,
            "seeds_per_cell": n,
            "probability": self.probability,
            "quantile": f"order statistic T_({k}) of {n} seeds (the smallest t with empirical P(T <= t) >= {self.probability:.4g})",
            "bootstrap": {"replicates": reps, "confidence": self.confidence, "tests": n_tests,
                          "familywise_confidence_for_fail": conf, "confidence_for_pass": self.confidence,
                          "method": "percentile, seed indices resampled jointly for all cells"},
            "per_cell": [self._cell_json(r, conf) for r in records],
            "slopes": slopes,
            "ratio": ratio,
            "crossovers": crossovers,
            "confirmations": confirmations,
            "capped_quantile_cells": capped_cells,
            **self.notes,
        }
        want_plots = bool(ctx.options.get("plots", ctx.pick(False, True, True)))  # figures cost ~1 s each
        artifacts = self._plots(records, slopes, ratio, crossovers, conf) if want_plots else []
        details["plots"] = "rendered" if want_plots else "skipped at the quick budget (options['plots'] = True forces them)"
        confirmed_dps = [c["dps"] for c in confirmations if c.get("dps")]
        common = dict(instances=int(sum(len(r["T"]) for r in records)),
                      worst_margin=max(margins) if margins else None,
                      margin_meaning="largest signed excess of an interval end over claimed +/- tolerance "
                                     "(slopes, crossover exponents) or of a held-out ratio over growth x C; > 0 is a failure",
                      dps=max(confirmed_dps) if confirmed_dps else min(dps_used) if dps_used else None,
                      backend=" + ".join(sorted(backends)) + (" (deciding runs re-run with "
                                                              + ", ".join(sorted({c["backend"] for c in confirmations}))
                                                              + ")" if confirmations else ""),
                      details=details, artifacts=artifacts)
        if not tests:
            return self.evidence(Verdict.INCONCLUSIVE, reason="no test could be made on this grid (too few cells)", **common)
        fails = [t for t in tests if t["status"] == "fail"]
        if fails:
            return self.evidence(Verdict.FAIL, witness=fails[0], reason=f"{len(fails)} test(s) failed; first: {fails[0]['what']}",
                                 **common)
        bad_confirm = [c for c in confirmations if not c.get("agree", False)]
        open_ = [t for t in tests if t["status"] == "open"]
        if open_ or bad_confirm:
            why = []
            if open_:
                why.append(f"{len(open_)} test(s) undecided, first: {open_[0]['what']}")
            if bad_confirm:
                why.append(f"{len(bad_confirm)} high-precision re-run(s) disagree with the float64 screening")
            if capped_cells:
                why.append(f"{len(capped_cells)} cell(s) with a capped quantile")
            return self.evidence(Verdict.INCONCLUSIVE, reason="; ".join(why), **common)
        note = f" ({len(capped_cells)} cell(s) with a capped quantile, used only as lower bounds)" if capped_cells else ""
        return self.evidence(Verdict.PASS, reason=f"all {len(statuses)} tests passed{note}", **common)

    # -- pieces ------------------------------------------------------------------------------
    @staticmethod
    def _selected(records, where):
        return [r for r in records if where is None or where(r["cell"])]

    def _lines(self, records, vary, where):
        """Groups of records with every key but ``vary`` equal, sorted along ``vary``."""
        groups: dict = {}
        for r in self._selected(records, where):
            other = tuple(sorted((k, repr(v)) for k, v in r["cell"].items() if k != vary and not k.startswith("_")))
            groups.setdefault(other, []).append(r)
        return [sorted(g, key=lambda r: r["cell"][vary]) for g in groups.values()]

    def _count_tests(self, records) -> int:
        n = 0
        for s in self.slopes:
            n += sum(1 for line in self._lines(records, s.vary, s.where) if len(line) >= s.min_points)
        if self.ratio is not None:
            n += sum(1 for r in self._selected(records, self.ratio.where) if not self.ratio.fit(r["cell"]))
        n += len(self.crossovers)
        return n

    def _slope(self, spec: Slope, records, conf) -> dict:
        lines = []
        for line in self._lines(records, spec.vary, spec.where):
            finite = [r for r in line if math.isfinite(r["q"])]
            fixed = {k: v for k, v in line[0]["cell"].items() if k != spec.vary and not k.startswith("_")}
            if len(finite) < spec.min_points or len({r["cell"][spec.vary] for r in finite}) < 2:
                continue
            x = np.log([float(r["cell"][spec.vary]) for r in finite])
            y_point = np.log([[r["q"]] for r in finite])
            y_boot = np.log(np.vstack([r["boot"] for r in finite]))
            est = float(_ols_slopes(x, y_point)[0])
            boot = _ols_slopes(x, y_boot)
            lo, hi = _interval(boot, conf)
            plo, phi = _interval(boot, self.confidence)
            status, margin = _decide(lo, hi, spec.claimed, spec.relation, spec.tolerance, (plo, phi))
            lines.append({"what": f"slope {spec.name} in {spec.vary} at {fixed}", "fixed": fixed,
                          "points": [[r["cell"][spec.vary], r["q"]] for r in finite],
                          "excluded_capped": [r["cell"][spec.vary] for r in line if not math.isfinite(r["q"])],
                          "slope": est, "interval": [plo, phi], "interval_familywise": [lo, hi], "status": status,
                          "margin": margin})
        return {"name": spec.name, "vary": spec.vary, "claimed": spec.claimed, "relation": spec.relation,
                "tolerance": spec.tolerance, "description": spec.description, "lines": lines}

    def _ratio(self, records, conf) -> dict:
        spec = self.ratio
        groups: dict = {}
        for r in self._selected(records, spec.where):
            groups.setdefault(_key(r["cell"], spec.group_by), []).append(r)
        out_groups, tests = [], []
        for gkey, rs in groups.items():
            g = np.array([float(spec.bound(r["cell"])) for r in rs])
            fit = [i for i, r in enumerate(rs) if spec.fit(r["cell"])]
            held = [i for i, r in enumerate(rs) if not spec.fit(r["cell"])]
            if not fit:
                continue
            point = np.array([r["q"] for r in rs]) / g
            boot_hi = np.vstack([r["boot"] for r in rs]) / g[:, None]
            boot_lo = np.vstack([r["boot_lower"] for r in rs]) / g[:, None]
            c_point = float(np.max(point[fit]))
            c_lo, c_hi = _interval(np.max(boot_hi[fit], axis=0), conf)
            allc_lo, allc_hi = _interval(np.max(boot_hi, axis=0), conf)
            group = {"group": dict(gkey), "fitted_constant": c_point, "constant_interval": [c_lo, c_hi],
                     "constant_over_all_cells": float(np.max(point)), "constant_over_all_cells_interval": [allc_lo, allc_hi],
                     "fit_cells": [rs[i]["cell"] for i in fit], "held_out": []}
            c_boot_hi = np.max(boot_hi[fit], axis=0)  # C per replicate (capped fit quantiles: +inf)
            c_boot_lo = np.max(boot_lo[fit], axis=0)  # ... with capped fit quantiles at the cap (a lower bound)
            for i in held:
                # growth = held-out ratio / fitted C, bootstrapped jointly (the same seed resampling in every cell)
                with np.errstate(divide="ignore", invalid="ignore"):
                    grow_lo = _interval(boot_lo[i] / c_boot_hi, conf)[0]  # family-wise: decides FAIL
                    grow_hi = _interval(boot_hi[i] / c_boot_lo, self.confidence)[1]  # per test: decides PASS
                if math.isinf(rs[i]["q"]) and rs[i]["cap"] is not None and math.isfinite(c_point):
                    grow_lo = max(grow_lo if grow_lo is not None else 0.0, rs[i]["cap"] / g[i] / c_point)
                margin = (grow_lo - spec.growth) / spec.growth if grow_lo is not None else math.nan
                status = "fail" if margin > 0 else "pass" if (grow_hi is not None and grow_hi <= spec.growth) else "open"
                test = {"what": f"ratio T/{spec.label} on held-out cell {rs[i]['cell']}", "cell": rs[i]["cell"],
                        "ratio": float(point[i]), "interval": [_interval(boot_lo[i], conf)[0], _interval(boot_hi[i], conf)[1]],
                        "growth_over_C": float(point[i] / c_point) if c_point > 0 else math.inf,
                        "growth_interval": [grow_lo, grow_hi], "limit": spec.growth, "status": status, "margin": margin}
                group["held_out"].append(test)
                tests.append(test)
            out_groups.append(group)
        return {"label": spec.label, "growth": spec.growth, "groups": out_groups, "tests": tests}

    def _crossover(self, spec: Crossover, records, conf) -> dict:
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
            stars, boot_stars, censored = [], [], []
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
                if not math.isfinite(star):
                    censored.append(ov)
            pts = [(ov, s) for ov, s in stars if s is not None]
            line = {"fixed": dict(okey), "crossover": [{spec.over: ov, spec.along + "*": s} for ov, s in stars],
                    "censored": censored}
            if len(pts) >= 2:
                keep = [i for i, (_, s) in enumerate(stars) if s is not None]
                x = np.log([float(stars[i][0]) for i in keep])
                yb = np.log(np.vstack([boot_stars[i] for i in keep]))
                est = float(_ols_slopes(x, np.log([[stars[i][1]] for i in keep]))[0])
                boot = _ols_slopes(x, yb)
                lo, hi = _interval(boot, conf)
                plo, phi = _interval(boot, self.confidence)
                status, margin = _decide(lo, hi, spec.claimed, spec.relation, spec.tolerance, (plo, phi))
                loose = spec.relation == ">=" and plo is not None and plo > spec.claimed + spec.tolerance
                line.update(p_hat=est, interval=[plo, phi], interval_familywise=[lo, hi], status=status, margin=margin,
                            note=("p-hat above the claimed exponent: the bound is loose here (a finding, not a failure)"
                                  if loose else ""))
                test = {"what": f"crossover {spec.name} exponent at {dict(okey)}", "p_hat": est, "interval": [plo, phi],
                        "interval_familywise": [lo, hi],
                        "claimed": spec.claimed, "relation": spec.relation, "status": status, "margin": margin}
                tests.append(test)
            lines.append(line)
        return {"name": spec.name, "over": spec.over, "along": spec.along, "a": spec.a, "b": spec.b,
                "factor": spec.factor, "claimed": spec.claimed, "relation": spec.relation, "tolerance": spec.tolerance,
                "description": spec.description, "lines": lines, "tests": tests}

    def _confirm(self, ctx, records, seeds, k) -> list[dict]:
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
        out = []
        for r in chosen:
            i = int(np.argsort(r["T"], kind="stable")[k - 1])  # the seed that realises the quantile
            rec = r["per_seed"][i] if r["per_seed"] else None
            res = dict(self.confirm(r["cell"], seeds[i], rec))
            res.update(cell=r["cell"], seed=seeds[i], T_screen=r["q"])
            out.append(res)
        return out

    @staticmethod
    def _cell_json(r, conf) -> dict:
        lo, hi = _interval(r["boot"], conf)
        T = [None if math.isinf(t) else int(t) if float(t).is_integer() else float(t) for t in r["T"]]
        return {"cell": r["cell"], "quantile": None if math.isinf(r["q"]) else r["q"], "quantile_capped": math.isinf(r["q"]),
                "quantile_interval": [lo, hi], "T": T, "capped": int(r["capped"].sum()), "cap": r["cap"],
                "per_seed": r["per_seed"], "info": r["info"]}

    # -- plots -------------------------------------------------------------------------------
    def _plots(self, records, slopes, ratio, crossovers, conf) -> list[dict]:
        try:
            from ..plots import figure, svg_artifact
        except ImportError:  # pragma: no cover - matplotlib is optional
            return []
        try:
            import matplotlib  # noqa: F401
        except ImportError:  # pragma: no cover
            return []
        arts = []
        for spec in self.plots:
            arts.append(self._panel_plot(spec, records, conf, figure, svg_artifact))
        if ratio and ratio["groups"]:
            arts.append(self._ratio_plot(records, ratio, figure, svg_artifact))
        for c in crossovers:
            if any(l.get("crossover") for l in c["lines"]):
                arts.append(self._crossover_plot(c, figure, svg_artifact))
        return [a for a in arts if a]

    def _panel_plot(self, spec: Plot, records, conf, figure, svg_artifact):
        rs = self._selected(records, spec.where)
        if not rs:
            return None
        panels = sorted({repr(r["cell"].get(spec.panel)) for r in rs}) if spec.panel else ["_"]
        fig, ax0 = figure()
        fig.clf()
        fig.set_size_inches(4.2 * len(panels), 4.0)
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, pv in zip(axes, panels):
            sub = [r for r in rs if not spec.panel or repr(r["cell"].get(spec.panel)) == pv]
            lines = sorted({repr(r["cell"].get(spec.line)) for r in sub}) if spec.line else ["_"]
            lines = sorted(lines, key=lambda s: (len(s), s))
            for lv in lines:
                pts = sorted((r for r in sub if not spec.line or repr(r["cell"].get(spec.line)) == lv),
                             key=lambda r: r["cell"][spec.x])
                xs = [float(r["cell"][spec.x]) for r in pts if math.isfinite(r["q"])]
                ys = [r["q"] for r in pts if math.isfinite(r["q"])]
                err = [_interval(r["boot"], conf) for r in pts if math.isfinite(r["q"])]
                lo = [max(y - (e[0] if e[0] is not None and math.isfinite(e[0]) else y), 0) for y, e in zip(ys, err)]
                hi = [((e[1] if e[1] is not None and math.isfinite(e[1]) else y) - y) for y, e in zip(ys, err)]
                label = f"{spec.line}={lv}" if spec.line else "T"
                if xs:
                    ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", ms=3, capsize=2, label=label)
                cx = [float(r["cell"][spec.x]) for r in pts if not math.isfinite(r["q"]) and r["cap"]]
                if cx:
                    ax.plot(cx, [r["cap"] for r in pts if not math.isfinite(r["q"]) and r["cap"]], "x", color="red",
                            label="capped (T > cap)")
            _loglog(ax)
            ax.set_xlabel(spec.x)
            ax.set_title(f"{spec.panel}={pv}" if spec.panel else spec.name, fontsize=9)
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(fontsize=6)
        axes[0].set_ylabel(f"T quantile (p={self.probability:.3g})")
        return svg_artifact(fig, spec.name, spec.caption)

    def _ratio_plot(self, records, ratio, figure, svg_artifact):
        spec = self.ratio
        fig, ax = figure()
        for gi, group in enumerate(ratio["groups"]):
            key = group["group"]
            rs = [r for r in self._selected(records, spec.where) if _key(r["cell"], spec.group_by) == tuple(key.items())]
            for fit, marker in ((True, "o"), (False, "s")):
                pts = [r for r in rs if bool(spec.fit(r["cell"])) == fit and math.isfinite(r["q"])]
                if pts:
                    ax.plot([float(spec.bound(r["cell"])) for r in pts], [r["q"] / spec.bound(r["cell"]) for r in pts],
                            marker, color=f"C{gi}", ms=4, label=f"{key} {'fit' if fit else 'held out'}")
            ch = group["constant_interval"][1]
            if ch is not None and math.isfinite(ch):
                ax.axhline(ch * spec.growth, color=f"C{gi}", ls="--", lw=0.8)
        _loglog(ax)
        ax.set_xlabel(spec.label)
        ax.set_ylabel(f"T quantile / {spec.label}")
        ax.set_title(f"ratio T/{spec.label}; dashed: growth {spec.growth} x upper C", fontsize=9)
        ax.legend(fontsize=6)
        return svg_artifact(fig, "ratio", f"T/{spec.label} over the grid (fit cells round, held-out square)")

    @staticmethod
    def _crossover_plot(c, figure, svg_artifact):
        fig, ax = figure()
        for i, line in enumerate(c["lines"]):
            pts = [(p[c["over"]], p[c["along"] + "*"]) for p in line["crossover"] if p[c["along"] + "*"] is not None]
            if not pts:
                continue
            xs, ys = zip(*pts)
            ph = line.get("p_hat")
            label = f"{line['fixed']}" + (f" p-hat={ph:.2f}" if ph is not None else "")
            ax.plot(xs, ys, "o-", color=f"C{i}", label=label)
            ref = np.array([min(xs), max(xs)], dtype=float)
            ax.plot(ref, ys[0] * (ref / xs[0]) ** c["claimed"], ":", color=f"C{i}", lw=0.8)
        _loglog(ax)
        ax.set_xlabel(c["over"])
        ax.set_ylabel(c["along"] + "*")
        ax.set_title(f"crossover {c['name']}: dotted = claimed exponent {c['claimed']:.3g}", fontsize=9)
        ax.legend(fontsize=6)
        return svg_artifact(fig, "crossover-" + c["name"], f"smallest {c['along']} at which {c['a']} stops beating {c['b']}")
