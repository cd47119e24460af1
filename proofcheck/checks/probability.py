"""The ``probability`` check kind: P(event) >= p (or <= p) under a stated distribution.

For each case (a parameter setting), the exact probability is used where one is known (compared with the
claimed value along the precision schedule); otherwise Monte Carlo counts give an exact Clopper-Pearson interval,
Bonferroni-corrected over the cases. FAIL when the exact value, or the whole interval, lies on the wrong side of the
claimed value; PASS when every case lies on the right side.

The claimed value may be exact (a sympy expression, a Fraction, an int, an mpmath-aware callable) or a float
(:mod:`proofcheck.claimed`): a float never decides a FAIL by its own rounding, so an exact probability inside the
float's rounding interval leaves the case undecided, and the reason asks for the exact form.

An exact formula is checked against simulation too: every case with an exact value is also counted by Monte Carlo,
and an exact value outside the (family-wise) Clopper-Pearson interval is an ERROR of the claim ("the exact formula
disagrees with simulation"), never a PASS nor a FAIL decided by that formula. A FAIL's case is shrunk by the shared
shrinker (:mod:`proofcheck.checks.shrinking`) when the check has a ``shrink``.
"""
from __future__ import annotations

from typing import Callable, Iterable

import mpmath
import numpy as np

from ..context import Context
from ..model import Verdict
from ..claimed import ClaimedValue, claimed_value
from ..numerics import DEFAULT_SCHEDULE, clopper_pearson, decide_sign, exact_or_mpf, schedule_of
from .base import Check, format_instance, format_value, reproducer
from .shrinking import shrink as shrink_instance


class Probability(Check):
    """P(event) ``direction`` claimed, case by case.

    ``claimed``: the claimed probability, a value or a callable of the case (see :mod:`proofcheck.claimed`: write it
    exactly, ``1/sympy.pi`` or ``Fraction(1, 3)``; a float is a rounding and cannot FAIL by it).
    ``exact(case, dps)``: the exact probability at ``dps`` digits (or None where unknown); each such case is also
    simulated with ``count_events`` (``simulation_samples`` per budget, by default ``samples``).
    ``shrink(case)``: simpler cases, for the shared shrinker."""

    kind = "probability"
    basis = "numeric"

    def __init__(self, name: str, *, cases: Callable[[Context], list[dict]],
                 count_events: Callable[[dict, np.random.Generator, int], int],
                 claimed, direction: str = ">=",
                 exact: Callable[[dict, int], "mpmath.mpf | None"] | None = None,
                 shrink: Callable[[dict], Iterable[dict]] | None = None,
                 samples: tuple = (4000, 40000, 400000), confidence: float = 0.999, description: str = "",
                 precision=DEFAULT_SCHEDULE, simulation_samples: tuple | None = None):
        if direction not in (">=", "<="):
            raise ValueError("direction must be '>=' or '<='")
        super().__init__(name, description)
        self.cases, self.count_events, self.claimed = cases, count_events, claimed
        self.direction, self.exact, self.shrink = direction, exact, shrink
        self.samples, self.confidence = samples, confidence
        # the Monte Carlo run beside an exact value: only a check of the formula, so it may be cheaper than `samples`
        self.simulation_samples = tuple(simulation_samples) if simulation_samples is not None else tuple(samples)
        self.schedule = schedule_of(precision)  # decides exact values against the claim (numerics.decide_sign)

    def _claimed_at(self, case: dict):
        """The claimed value of ``case`` at a precision, computed once per precision."""
        cache: dict[int, ClaimedValue] = {}

        def at(dps: int) -> ClaimedValue:
            if dps not in cache:
                cache[dps] = claimed_value(self.claimed, case, dps=dps, what="claimed probability")
            return cache[dps]

        return at

    def _judge(self, case: dict, ctx: Context, n: int, confidence: float) -> dict:
        """Per-case record with 'status' in {'pass', 'fail', 'open', 'error'} and a signed margin (>= 0 is good).
        (Subclasses override it with this signature; the simulation's sample count comes from ``ctx``.)"""
        claimed_at = self._claimed_at(case)
        first = claimed_at(self.schedule[0])
        claimed = float(first)
        sign = 1.0 if self.direction == ">=" else -1.0
        record = {"case": case, "claimed": claimed, "claimed_form": first.kind}
        if first.exact:
            record["claimed_exact"] = first.text
        if self.exact is not None:
            values = {}  # the exact value at each precision, computed once

            def exact_at(dps):
                if dps not in values:
                    with mpmath.workdps(dps):
                        values[dps] = self.exact(case, dps)
                return values[dps]

            probe = exact_at(self.schedule[0])
            if probe is not None:
                # sign of (exact - claimed), turned so that positive is good, decided along the precision schedule;
                # the claimed value is evaluated at each precision too (exact forms are exact at every one)
                d = decide_sign(lambda dps: sign * (exact_or_mpf(exact_at(dps), dps, "the exact probability")
                                                    - claimed_at(dps).value), self.schedule)
                record.update(exact=float(probe), margin=d.float_value() if d.float_value() is not None else float("nan"),
                              decided_by=f"exact value (mpmath; {d.why})", dps=d.dps)
                status = {"negative": "fail", "positive": "pass", "zero": "pass"}.get(d.status, "open")
                if status == "fail" and not first.exact:
                    with mpmath.workdps(d.dps):
                        p = exact_or_mpf(exact_at(d.dps), d.dps, "the exact probability")
                    if first.within_rounding(p):  # decided by the float's own rounding, not by the claim
                        status, record["rounding"] = "open", first.exact_form_advice()
                record["status"] = status
                self._simulate(record, case, ctx, int(ctx.pick(*self.simulation_samples)), confidence)
                return record
        k = int(self.count_events(case, ctx.rng("mc", repr(sorted(case.items()))), n))
        lo, hi = clopper_pearson(k, n, confidence)
        margin = lo - claimed if self.direction == ">=" else claimed - hi
        wrong_side = hi < claimed if self.direction == ">=" else lo > claimed
        record.update(events=k, trials=n, interval=[lo, hi], margin=margin,
                      decided_by=f"Clopper-Pearson interval at confidence {confidence:.6g}")
        record["status"] = "fail" if wrong_side else ("pass" if margin >= 0 else "open")
        if wrong_side and first.within_rounding(mpmath.mpf(hi if self.direction == ">=" else lo)):
            record["status"], record["rounding"] = "open", first.exact_form_advice()
        return record

    def _simulate(self, record: dict, case: dict, ctx: Context, n: int, confidence: float) -> None:
        """Monte Carlo beside an exact value: the exact formula must lie inside the case's Clopper-Pearson interval (the
        same family-wise confidence as the cases' intervals); outside it the formula, not the claim, is in question."""
        k = int(self.count_events(case, ctx.rng("mc", repr(sorted(case.items()))), n))
        lo, hi = clopper_pearson(k, n, confidence)
        inside = lo <= record["exact"] <= hi
        record.update(events=k, trials=n, interval=[lo, hi], simulation="agrees" if inside else "disagrees")
        if not inside:
            record["status"] = "error"

    def evaluate(self, ctx: Context):
        cases = [ctx.instance] if ctx.instance is not None else list(self.cases(ctx))
        n = ctx.pick(*self.samples)
        n_sim = ctx.pick(*self.simulation_samples)
        confidence = 1 - (1 - self.confidence) / max(len(cases), 1)  # Bonferroni over cases
        records = []
        for i, case in enumerate(cases):
            records.append(self._judge(case, ctx, n, confidence))
            ctx.report((i + 1) / len(cases), f"case {i + 1}/{len(cases)}")
        worst = min(records, key=lambda r: r["margin"])
        exact_cases = sum(1 for r in records if "exact" in r)
        simulated = sum(1 for r in records if "exact" in r and "simulation" in r)
        # The deciding number is the worst case's: an exact value (mpmath) or a Clopper-Pearson bound from counts.
        worst_exact = "exact" in worst
        common = dict(instances=sum(r.get("trials", 1) for r in records), worst_margin=worst["margin"],
                      margin_meaning=f"min over cases of (interval bound - claimed), sign-adjusted for '{self.direction}'; < 0 is bad",
                      dps=worst.get("dps") if worst_exact else 15,
                      backend=(f"mpmath exact value ({worst.get('dps')} digits)" if worst_exact
                               else "numpy float64 sampling + scipy Clopper-Pearson")
                      + f"; {exact_cases} of {len(records)} cases exact"
                      + (f", each also simulated ({n_sim} samples)" if simulated else ""),
                      details={"direction": self.direction, "samples_per_case": n, "confidence_per_case": confidence,
                               "confidence_familywise": self.confidence, "exact_cases": exact_cases,
                               "simulation_samples_per_exact_case": n_sim if simulated else 0,
                               "cases": records, "worst_case": worst})
        errors = [r for r in records if r["status"] == "error"]
        if errors:  # before any FAIL: a FAIL decided by a formula that simulation contradicts would not be confirmed
            e = errors[0]
            lo, hi = e["interval"]
            return self.evidence(Verdict.ERROR, witness=e["case"], reproducer=reproducer(ctx, e["case"]),
                                 reason=f"the exact formula disagrees with simulation at {format_instance(e['case'])}: "
                                        f"exact P = {format_value(e['exact'], 8)}, but {e['events']}/{e['trials']} events "
                                        f"give the interval [{lo:.4g}, {hi:.4g}] (Clopper-Pearson, family-wise confidence "
                                        f"{self.confidence:g})" + (f" ({len(errors)} such cases)" if len(errors) > 1 else ""),
                                 **common)
        failed = [r for r in records if r["status"] == "fail"]
        if failed:
            record = failed[0]
            if self.shrink is not None and ctx.instance is None:
                record = self._shrink(record, ctx, n, confidence, common["details"])
            case = record["case"]
            return self.evidence(Verdict.FAIL, witness=case, reproducer=reproducer(ctx, case),
                                 reason=f"{self._sentence(record)}"
                                        + (f" ({len(failed)} failing cases)" if len(failed) > 1 else "")
                                        + (f"; {common['details']['shrink']['summary']}" if "shrink" in common["details"]
                                           else ""), **common)
        open_ = [r for r in records if r["status"] == "open"]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE, witness=open_[0]["case"],
                                 reason=f"{len(open_)} case(s) undecided, first: {self._sentence(open_[0])}", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(cases)} cases on the right side of the claim; closest: "
                                                  f"{self._sentence(worst)}", **common)

    def _sentence(self, record: dict) -> str:
        """One case as a sentence: the probability (exact or its interval), the claim and the place."""
        where = format_instance(record["case"])
        text, number = record.get("claimed_exact"), format_value(record["claimed"], 6)
        value = f"{text} = {number}" if text and text != number else number  # an exact form as written, and its value
        claim = f"P {self.direction} {value}"
        if "exact" in record:
            out = f"exact P = {format_value(record['exact'], 8)} against the claim {claim} at {where} ({record['decided_by']})"
        else:
            lo, hi = record["interval"]
            out = (f"{record['events']}/{record['trials']} events, interval [{lo:.4g}, {hi:.4g}] against the claim "
                   f"{claim} at {where}")
        if "rounding" in record:
            out += f": inside the float's rounding, so not a violation; {record['rounding']}"
        return out

    def _shrink(self, record: dict, ctx: Context, n: int, confidence: float, details: dict, limit: int = 50) -> dict:
        """The simplest case that still FAILs (shared shrinker; each candidate judged as the cases were, so a candidate
        whose exact value simulation contradicts is an error there, not a failing case). Returns its record."""
        records = {}

        def still_fails(case):
            r = self._judge(case, ctx, n, confidence)
            if r["status"] == "fail":
                records[id(case)] = r
                return True
            return False

        result = shrink_instance(record["case"], still_fails, self.shrink, limit=limit, source="the check's shrink",
                                 proposal_order=True)
        details["shrink"] = result.json()
        details["unshrunk_case"] = record["case"]
        return records.get(id(result.instance), record)
