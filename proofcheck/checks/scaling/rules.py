"""The decision rules of a sweep: an interval against a claimed value, a line test on local exponents at the large
end of a line of cells (with its log signature), and a crossover test (module docstring of proofcheck.checks.scaling).
Each test decides its own status and margin; its sentence is written by sentences.py."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from . import sentences
from .sentences import fmt_cell
from .specs import Crossover
from .statistics import _interval, _ols_slopes, _safe_log, log_allowance

# A missing log factor: the excess of a local exponent over its claimed value (and its allowed log factors) times
# ln x is the power of the next factor ln x; it reads as one missing factor where that product rounds to 1, the
# band halfway to no factor (0) and to two (2). A definition of "near 1", not a tolerance: it decides nothing but
# that such a trend is INCONCLUSIVE rather than FAIL.
LOG_SIGNATURE_BAND = (0.5, 1.5)


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
        self.log_signature = self._log_signature()
        if all(fails) and len(self.pairs) < 2:  # one local exponent is a short line, not a trend
            self.status, self.sentence = "open", sentences.line_short(self)
        elif all(fails) and not decays and not self.log_signature:
            self.status, self.sentence = "fail", sentences.line_failed(self)
        elif all(passes):
            self.status, self.sentence = "pass", sentences.line_passed(self)
        else:  # a trend that fades, or one that a missing log factor explains, is not a counterexample
            self.status, self.sentence = "open", sentences.line_undecided(self, passes, all(fails) and decays)

    def _log_signature(self) -> list | None:
        """(exponent - claimed) ln x_mid - logs at every pair of the window, when each lies in LOG_SIGNATURE_BAND:
        what a factor ln x beyond the allowed ones gives (its local exponent at x is 1/ln x); else None. Only for
        growth (an upper bound, or == above the claim), and only where ln x_mid > 1."""
        if self.relation == ">=" or not self.pairs:
            return None
        out = []
        for p in self.pairs:
            est, lx = p["exponent"], math.log(p["x_mid"])
            if est is None or not math.isfinite(est) or lx <= 1.0:
                return None
            v = (est - self.claimed) * lx - self.logs
            if not LOG_SIGNATURE_BAND[0] <= v <= LOG_SIGNATURE_BAND[1]:
                return None
            out.append(v)
        return out

    def to_json(self) -> dict:
        pairs = [{k: v for k, v in p.items() if not k.startswith("_")} for p in self.pairs]
        out = {"spec": self.spec, "what": self.what, "vary": self.vary, "fixed": self.fixed, "cells": self.cells,
               "local_exponents": pairs, "claimed": self.claimed, "relation": self.relation,
               "tolerance": self.tolerance, "logs_allowed": self.logs, "status": self.status, "margin": self.margin,
               "reason": self.sentence, "fitted_slope_over_line": self.ols,
               "counts_dps": getattr(self, "counts_dps", {})}
        if getattr(self, "log_signature", None):
            out["log_signature"] = self.log_signature
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
        self.sentence = sentences.crossover(self, plo, phi)

    def to_json(self) -> dict:
        return {"what": self.what, "p_hat": self.p_hat, "interval": self.line.get("interval"),
                "interval_familywise": self.line.get("interval_familywise"), "claimed": self.spec.claimed,
                "relation": self.spec.relation, "status": self.status, "margin": self.margin, "reason": self.sentence}
