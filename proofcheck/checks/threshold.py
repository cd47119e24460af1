"""The ``threshold`` check kind: behaviour changes at a parameter value theta* = formula(case).

For each case (a setting of the other parameters) the check brackets the empirical boundary
between two behaviours by bisection on one parameter ``theta``:

1. ``classify(case, theta, dps)`` decides the behaviour at ``theta`` (it runs whatever it needs at
   ``dps`` digits) and returns a :class:`Classification`: a label, the precision that decided it,
   and details. Labels other than ``below`` and ``above`` (for example ``"undecided"``) are
   recorded but never used to move the bracket.
2. The initial bracket is ``[lo, hi] = [formula * bracket[0], formula * bracket[1]]``; its ends must
   show ``below`` and ``above``. If an end shows the other behaviour, the empirical boundary lies
   outside the bracket, so outside the tolerance band.
3. Bisection (geometric when ``log_scale``) narrows ``[lo, hi]``. An undecided midpoint is replaced
   by the points at 1/3 and 2/3 of the bracket, so one critical point cannot stall the search.
   The search stops as soon as the bracket lies inside the tolerance band (PASS) or outside it
   (FAIL), or when the steps run out (INCONCLUSIVE if the bracket still straddles an edge).
4. The two classifications that make the final bracket are repeated at ``confirm_factor * dps``
   digits; a label that changes with the precision makes the case INCONCLUSIVE.

Tolerance band: ``[formula (1 - tol), formula (1 + tol)]``. FAIL when the confirmed bracket lies
wholly outside it: then the empirical boundary lies outside the tolerance around the formula.

The tolerance is part of the claim's statement ("theta* = formula to within tol"): one value, declared in the
claim (default 1%), the same at every budget. A budget changes only the effort (the bisection steps, through
``max_steps``, and the cases the claim's ``cases(ctx)`` returns): a coarser search can leave a case open
(INCONCLUSIVE), never decide it differently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from ..context import Context
from ..model import Verdict
from ..numerics import HIGH_DPS
from .base import Check, reproducer


@dataclass
class Classification:
    """The behaviour at one parameter value: ``label``, the ``dps`` that decided it, and ``info``."""

    label: str
    dps: int
    info: dict = field(default_factory=dict)


def _as_classification(value) -> Classification:
    if isinstance(value, Classification):
        return value
    label, dps, *rest = value
    return Classification(str(label), int(dps), dict(rest[0]) if rest else {})


DEFAULT_TOLERANCE = 0.01  # tight on purpose: a loose default would pass wrong formulas


def _percent(tol: float) -> str:
    """0.01 -> '1%', 0.002 -> '0.2%'."""
    return f"{100 * tol:.3g}%"


class Threshold(Check):
    """The boundary between behaviours ``below`` and ``above`` in ``theta`` lies at ``formula(case)``.

    ``tolerance`` is the relative tolerance of the claim (default 0.01): one number, used at every budget (a
    per-budget tuple is refused: the tolerance is the statement, and a budget may only make the search finer).
    ``plot(ctx, records)`` may return artifacts (see :mod:`proofcheck.plots`); ``records`` are the
    per-case dicts stored in the evidence (formula, bracket, every classification with its dps).
    """

    kind = "threshold"
    basis = "numeric"

    def __init__(self, name: str, *, cases: Callable[[Context], list[dict]],
                 classify: Callable[[dict, float, int], Classification], formula: Callable[[dict], float],
                 below: str, above: str, tolerance: float = DEFAULT_TOLERANCE, bracket: tuple = (0.25, 4.0),
                 log_scale: bool = True, max_steps: tuple = (10, 16, 24), dps: int = HIGH_DPS,
                 confirm_factor: int = 2, parameter: str = "theta", plot: Callable | None = None,
                 description: str = ""):
        if not 0 < bracket[0] < 1 < bracket[1]:
            raise ValueError("bracket factors must satisfy 0 < lo < 1 < hi")
        if isinstance(tolerance, (tuple, list)):
            raise ValueError(f"Threshold {name!r}: give one tolerance, the claim's, used at every budget (got "
                             f"{tolerance!r}); a budget changes the effort (max_steps), never the statement")
        tolerance = float(tolerance)
        if not 0 < tolerance < 1:
            raise ValueError(f"Threshold {name!r}: the relative tolerance must lie in (0, 1), got {tolerance!r}")
        super().__init__(name, (description + "; " if description else "")
                         + f"boundary within {_percent(tolerance)} (relative) of the formula")
        self.cases, self.classify, self.formula = cases, classify, formula
        self.below, self.above = below, above
        self.tolerance, self.bracket, self.log_scale = tolerance, bracket, log_scale
        self.max_steps, self.dps, self.confirm_factor = max_steps, dps, confirm_factor
        self.parameter, self.plot = parameter, plot

    # -- helpers -----------------------------------------------------------------
    def _tol(self, ctx: Context) -> float:
        return self.tolerance  # the claim's, whatever the budget

    def _between(self, lo: float, hi: float, frac: float) -> float:
        if self.log_scale:
            return math.exp(math.log(lo) + frac * (math.log(hi) - math.log(lo)))
        return lo + frac * (hi - lo)

    def _classify(self, case: dict, theta: float, dps: int, log: list) -> str:
        c = _as_classification(self.classify(case, theta, dps))
        log.append({"theta": theta, "label": c.label, "dps": c.dps, "info": c.info})
        return c.label

    @staticmethod
    def _position(lo: float, hi: float, band: tuple[float, float]) -> str:
        if band[0] <= lo and hi <= band[1]:
            return "inside"
        if hi < band[0] or lo > band[1]:
            return "outside"
        return "straddles"

    # -- one case ------------------------------------------------------------------
    def _judge(self, case: dict, ctx: Context, tol: float) -> dict:
        theta_f = float(self.formula(case))
        band = (theta_f * (1 - tol), theta_f * (1 + tol))
        lo, hi = theta_f * self.bracket[0], theta_f * self.bracket[1]
        log: list = []
        record = {"case": case, "formula": theta_f, "band": list(band), "evaluations": log}
        lab_lo, lab_hi = self._classify(case, lo, self.dps, log), self._classify(case, hi, self.dps, log)
        if lab_lo == self.above and lab_hi != self.below:  # the boundary lies below the bracket
            record.update(lo=None, hi=lo, status="outside", why=f"already '{self.above}' at the bracket's low end")
            return self._confirm(case, record, [(lo, self.above)])
        if lab_hi == self.below and lab_lo != self.above:  # the boundary lies above the bracket
            record.update(lo=hi, hi=None, status="outside", why=f"still '{self.below}' at the bracket's high end")
            return self._confirm(case, record, [(hi, self.below)])
        if (lab_lo, lab_hi) != (self.below, self.above):
            record.update(lo=lo, hi=hi, status="open", why=f"bracket ends not decided: '{lab_lo}', '{lab_hi}'")
            return record
        steps = ctx.pick(*self.max_steps)
        for _ in range(steps):
            position = self._position(lo, hi, band)
            if position != "straddles":
                break
            moved = False
            for frac in (0.5, 1 / 3, 2 / 3):
                theta = self._between(lo, hi, frac)
                label = self._classify(case, theta, self.dps, log)
                if label == self.below:
                    lo, moved = theta, True
                elif label == self.above:
                    hi, moved = theta, True
                if moved:
                    break
            if not moved:
                break
        record.update(lo=lo, hi=hi, status=self._position(lo, hi, band))
        if record["status"] == "straddles":
            record.update(status="open", why="the bracket still straddles an edge of the tolerance band")
            return record
        return self._confirm(case, record, [(lo, self.below), (hi, self.above)])

    def _confirm(self, case: dict, record: dict, ends: list[tuple[float, str]]) -> dict:
        """Repeat the classifications that decide the case at ``confirm_factor * dps`` digits."""
        high = self.confirm_factor * self.dps
        confirmations = []
        for theta, expected in ends:
            label = self._classify(case, theta, high, confirmations)
            if label != expected:
                record.update(status="open", why=f"label at {self.parameter}={theta:.17g} changed from '{expected}' "
                                                 f"at {self.dps} digits to '{label}' at {high} digits")
        record["confirmations"] = confirmations
        return record

    # -- the check -----------------------------------------------------------------
    def evaluate(self, ctx: Context):
        cases = [ctx.instance] if ctx.instance is not None else list(self.cases(ctx))
        tol = self._tol(ctx)
        records = []
        for i, case in enumerate(cases):
            records.append(self._judge(case, ctx, tol))
            ctx.report((i + 1) / len(cases), f"case {i + 1}/{len(cases)}")
        for r in records:  # signed margin: distance of the bracket's far end from the formula, minus tol
            f, lo, hi = r["formula"], r.get("lo"), r.get("hi")
            ends = [x for x in (lo, hi) if x is not None]
            if r["status"] == "outside":
                r["margin"] = min(abs(x - f) for x in ends) / f - tol
            else:
                r["margin"] = max(abs(x - f) for x in ends) / f - tol
        dps_used = sorted({e["dps"] for r in records for e in r["evaluations"] + r.get("confirmations", [])})
        worst = max(records, key=lambda r: r["margin"])
        artifacts = self.plot(ctx, records) if self.plot is not None and ctx.wants_plots(True) else []
        common = dict(instances=sum(len(r["evaluations"]) + len(r.get("confirmations", [])) for r in records),
                      worst_margin=float(worst["margin"]),
                      margin_meaning=f"max over cases of (relative distance of the empirical {self.parameter} bracket "
                                     f"from the formula) - tolerance {tol:g}; <= 0 inside the band, > 0 for a FAIL",
                      dps=max(dps_used) if dps_used else None, backend="classifier at " + ", ".join(map(str, dps_used))
                      + " digits", artifacts=artifacts,
                      details={"parameter": self.parameter, "below": self.below, "above": self.above, "tolerance": tol,
                               "bracket_factors": list(self.bracket), "dps": self.dps,
                               "confirm_dps": self.confirm_factor * self.dps, "cases": records})
        failed = [r for r in records if r["status"] == "outside"]
        if failed:
            r = failed[0]
            witness = {"case": r["case"], "formula": r["formula"], "empirical_lo": r.get("lo"), "empirical_hi": r.get("hi")}
            return self.evidence(Verdict.FAIL, witness=witness, reproducer=reproducer(ctx, r["case"]),
                                 reason=f"{len(failed)} case(s) with the empirical boundary outside the tolerance band "
                                        f"(formula +- {_percent(tol)}), confirmed at {self.dps} and "
                                        f"{self.confirm_factor * self.dps} digits", **common)
        open_ = [r for r in records if r["status"] != "inside"]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE, witness=open_[0]["case"],
                                 reason=f"{len(open_)} case(s) not settled within the tolerance {_percent(tol)}: "
                                        f"{open_[0].get('why', '')}", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(cases)} empirical boundaries within {_percent(tol)} "
                                                  f"(relative) of "
                                                  f"the formula, confirmed at {self.confirm_factor * self.dps} digits",
                             **common)


def boundary_plot(records: list[dict], ylabel: str = "case", parameter: str = "theta", yvalues: list | None = None,
                  title: str = "") -> tuple:
    """A generic picture of a threshold check: every classification at (theta / formula, case row).

    Returns (fig, ax) from :func:`proofcheck.plots.figure`, for the caller to annotate and turn into
    an artifact with :func:`proofcheck.plots.svg_artifact`.
    """
    from ..plots import figure, legend, log_axis, math_label

    fig, ax = figure()
    markers = {}
    styles = ["o", "s", "^", "x", "D", "v"]
    for row, r in enumerate(records):
        y = yvalues[row] if yvalues is not None else row
        for e in r["evaluations"]:
            label = e["label"]
            if label not in markers:
                markers[label] = styles[len(markers) % len(styles)]
            ax.scatter([e["theta"] / r["formula"]], [y], marker=markers[label], s=18,
                       color=f"C{list(markers).index(label)}", label=label)
        if r.get("lo") is not None and r.get("hi") is not None:  # the bracket found, beside the formula
            ax.plot([r["lo"] / r["formula"], r["hi"] / r["formula"]], [y, y], color="red", lw=3, alpha=0.6,
                    label="bracket found", zorder=4)
    ax.axvline(1.0, color="k", lw=1.2, ls="--", label="claimed threshold (formula)")
    legend(ax)
    log_axis(ax, "x")
    ax.set_xlabel(f"{math_label(parameter)} / formula")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=9)
    return fig, ax
