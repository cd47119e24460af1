"""The tests a sweep makes from its specs on the measured cells: one line test per line of cells for a Slope, one
per axis and line for a Ratio (with its fitted constants as findings), one crossover test per line for a Crossover.
Tests are made undecided; rules.py decides them."""
from __future__ import annotations

import math

import numpy as np

from . import grid
from .rules import _CrossoverTest, _LineTest
from .sentences import _fmt_interval, _num, fmt_cell
from .specs import Crossover, Ratio, Slope
from .statistics import _interval, _ols_slopes


def make(sweep, specs, records) -> dict:
    """The tests of ``specs`` on ``records`` (undecided), with the JSON of each spec and the findings."""
    tests, slope_json, ratio_json, crossovers, findings = [], [], None, [], []
    for spec in specs:
        if isinstance(spec, Slope):
            made = slope_tests(sweep, spec, records)
            tests += made
            slope_json.append({"name": spec.name, "vary": spec.vary, "claimed": spec.claimed,
                               "relation": spec.relation, "tolerance": spec.tolerance, "logs_allowed": spec.logs,
                               "description": spec.description, "tests": [t.what for t in made]})
        elif isinstance(spec, Ratio):
            made, ratio_json = ratio_tests(sweep, spec, records)
            tests += made
            findings += ratio_json["findings"]
        elif isinstance(spec, Crossover):
            c = crossover(sweep, spec, records)
            tests += c.pop("_tests")
            crossovers.append(c)
    return {"tests": tests, "slope_json": slope_json, "ratio_json": ratio_json, "crossovers": crossovers,
            "findings": findings}

def line_test(sweep, spec_name, what, quantity, vary, line, values_point, values_hi, values_lo, claimed,
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
                     logs=logs, window=window, ols=ols, adjacent=grid.adjacent_on(sweep._own_axes, vary))
    # the precision of the counts of every cell the test uses (digits: 15 = float64; more = escalated)
    test.counts_dps = {_num(r["cell"][vary]): r["dps"] for r in line if any(grid._same(r["cell"][vary], x) for x in test.xs)}
    return test


def slope_tests(sweep, spec: Slope, records) -> list:
    out = []
    for line in grid.lines(records, spec.vary, spec.where):
        if len(line) < max(spec.min_points, 2) or len({r["cell"][spec.vary] for r in line}) < len(line):
            continue
        fixed = {k: v for k, v in line[0]["cell"].items() if k != spec.vary and not k.startswith("_")}
        out.append(line_test(sweep, 
            spec.name, f"slope {spec.name} in {spec.vary}" + (f" at {fmt_cell(fixed)}" if fixed else ""), "T", spec.vary, line,
            [r["q"] for r in line], [r["boot"] for r in line], [r["boot_lower"] for r in line],
            spec.claimed, spec.relation, spec.tolerance, spec.logs, spec.window))
    return out

def ratio_tests(sweep, spec: Ratio, records) -> tuple[list, dict]:
    sel = grid.selected(records, spec.where)
    numeric = lambda key: all(isinstance(r["cell"].get(key), (int, float)) and not isinstance(r["cell"].get(key), bool)
                              for r in sel)
    along = list(spec.along) if spec.along is not None else [
        key for key in (sel[0]["cell"] if sel else {}) if not key.startswith("_") and key not in spec.group_by
        and numeric(key) and len({r["cell"][key] for r in sel}) >= 2]
    tests = []
    for axis in along:
        for line in grid.lines(sel, axis, None):
            if len(line) < 2 or len({r["cell"][axis] for r in line}) < len(line):
                continue
            g = np.array([float(spec.bound(r["cell"])) for r in line])
            fixed = {k: v for k, v in line[0]["cell"].items() if k != axis and not k.startswith("_")}
            tests.append(line_test(sweep, 
                spec.name, f"ratio T/{spec.label} along {axis}" + (f" at {fmt_cell(fixed)}" if fixed else ""), f"T/{spec.label}", axis, line,
                [r["q"] / gi for r, gi in zip(line, g)], [r["boot"] / gi for r, gi in zip(line, g)],
                [r["boot_lower"] / gi for r, gi in zip(line, g)], 0.0, "<=", spec.tolerance, spec.logs, spec.window))
    return tests, ratio_findings(sweep, spec, sel)

def ratio_findings(sweep, spec: Ratio, sel) -> dict:
    """The constant fitted on small cells and the held-out growth over it: reported, never decisive (a constant
    fitted on small cells and extrapolated is no evidence against an O(.) bound)."""
    groups: dict = {}
    for r in sel:
        groups.setdefault(grid._key(r["cell"], spec.group_by), []).append(r)
    conf = sweep.confidence
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

def crossover(sweep, spec: Crossover, records) -> dict:
    sel = grid.selected(records, spec.where)
    other_keys = sorted({k for r in sel for k in r["cell"]} - {spec.over, spec.along, spec.series})
    other_keys = [k for k in other_keys if not k.startswith("_")]
    by: dict = {}
    for r in sel:
        c = r["cell"]
        by.setdefault(grid._key(c, other_keys), {}).setdefault(c[spec.over], {}).setdefault(c[spec.along], {})[
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
                v = next(v for v in alongs if grid._same(v, star))
                deciding += [table[ov][v][repr(m)]["cell"] for m in (spec.a, spec.b)]
            if not math.isfinite(star):
                censored.append(ov)
        spans = [_interval(np.where(np.isnan(b), np.inf, b), sweep.confidence) for b in boot_stars]
        line = {"fixed": dict(okey), "crossover": [{spec.over: ov, spec.along + "*": s, "interval": list(iv)}
                                                   for (ov, s), iv in zip(stars, spans)],
                "censored": censored}
        keep = [i for i, (_, s) in enumerate(stars) if s is not None]
        if spec.along in sweep._restricted:  # d* on a thinned d grid is another statistic, not a restriction
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
