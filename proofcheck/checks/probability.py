"""The ``probability`` check kind: P(event) >= p (or <= p) under a stated distribution.

For each case (a parameter setting), the exact probability is used where one is known
(compared with the claimed value at high precision); otherwise Monte Carlo counts give an exact
Clopper-Pearson interval, Bonferroni-corrected over the cases. FAIL when the interval lies wholly
on the wrong side of the claimed value; PASS when every case's interval lies on the right side.
"""
from __future__ import annotations

from typing import Callable, Iterable

import mpmath
import numpy as np

from ..context import Context
from ..model import Verdict
from ..numerics import DEFAULT_SCHEDULE, clopper_pearson, decide_sign, exact_or_mpf, schedule_of
from .base import Check, format_instance, format_value, reproducer


class Probability(Check):
    kind = "probability"
    basis = "numeric"

    def __init__(self, name: str, *, cases: Callable[[Context], list[dict]],
                 count_events: Callable[[dict, np.random.Generator, int], int],
                 claimed: Callable[[dict], float], direction: str = ">=",
                 exact: Callable[[dict, int], "mpmath.mpf | None"] | None = None,
                 shrink: Callable[[dict], Iterable[dict]] | None = None,
                 samples: tuple = (4000, 40000, 400000), confidence: float = 0.999, description: str = "",
                 precision=DEFAULT_SCHEDULE):
        if direction not in (">=", "<="):
            raise ValueError("direction must be '>=' or '<='")
        super().__init__(name, description)
        self.cases, self.count_events, self.claimed = cases, count_events, claimed
        self.direction, self.exact, self.shrink = direction, exact, shrink
        self.samples, self.confidence = samples, confidence
        self.schedule = schedule_of(precision)  # decides exact values against the claim (numerics.decide_sign)

    def _judge(self, case: dict, ctx: Context, n: int, confidence: float) -> dict:
        """Per-case record with 'status' in {'pass', 'fail', 'open'} and a signed margin (>= 0 is good)."""
        claimed = float(self.claimed(case))
        sign = 1.0 if self.direction == ">=" else -1.0
        record = {"case": case, "claimed": claimed}
        if self.exact is not None:
            values = {}  # the exact value at each precision, computed once

            def exact_at(dps):
                if dps not in values:
                    with mpmath.workdps(dps):
                        values[dps] = self.exact(case, dps)
                return values[dps]

            probe = exact_at(self.schedule[0])
            if probe is not None:
                # sign of (exact - claimed), turned so that positive is good, decided along the precision schedule
                d = decide_sign(lambda dps: sign * (exact_or_mpf(exact_at(dps), dps, "the exact probability")
                                                    - mpmath.mpf(self.claimed(case))),  # the claim's own number, exact
                                self.schedule)
                record.update(exact=float(probe), margin=d.float_value() if d.float_value() is not None else float("nan"),
                              decided_by=f"exact value (mpmath; {d.why})", dps=d.dps)
                record["status"] = {"negative": "fail", "positive": "pass", "zero": "pass"}.get(d.status, "open")
                return record
        k = int(self.count_events(case, ctx.rng("mc", repr(sorted(case.items()))), n))
        lo, hi = clopper_pearson(k, n, confidence)
        margin = lo - claimed if self.direction == ">=" else claimed - hi
        wrong_side = hi < claimed if self.direction == ">=" else lo > claimed
        record.update(events=k, trials=n, interval=[lo, hi], margin=margin,
                      decided_by=f"Clopper-Pearson interval at confidence {confidence:.6g}")
        record["status"] = "fail" if wrong_side else ("pass" if margin >= 0 else "open")
        return record

    def evaluate(self, ctx: Context):
        cases = [ctx.instance] if ctx.instance is not None else list(self.cases(ctx))
        n = ctx.pick(*self.samples)
        confidence = 1 - (1 - self.confidence) / max(len(cases), 1)  # Bonferroni over cases
        records = []
        for i, case in enumerate(cases):
            records.append(self._judge(case, ctx, n, confidence))
            ctx.report((i + 1) / len(cases), f"case {i + 1}/{len(cases)}")
        worst = min(records, key=lambda r: r["margin"])
        exact_cases = sum(1 for r in records if "exact" in r)
        # The deciding number is the worst case's: an exact value (mpmath) or a Clopper-Pearson bound from counts.
        worst_exact = "exact" in worst
        common = dict(instances=sum(r.get("trials", 1) for r in records), worst_margin=worst["margin"],
                      margin_meaning=f"min over cases of (interval bound - claimed), sign-adjusted for '{self.direction}'; < 0 is bad",
                      dps=worst.get("dps") if worst_exact else 15,
                      backend=(f"mpmath exact value ({worst.get('dps')} digits)" if worst_exact
                               else "numpy float64 sampling + scipy Clopper-Pearson")
                      + f"; {exact_cases} of {len(records)} cases exact",
                      details={"direction": self.direction, "samples_per_case": n, "confidence_per_case": confidence,
                               "exact_cases": exact_cases, "cases": records, "worst_case": worst})
        failed = [r for r in records if r["status"] == "fail"]
        if failed:
            case = failed[0]["case"]
            if self.shrink is not None and ctx.instance is None:
                case = self._shrink(case, ctx, n, confidence)
            return self.evidence(Verdict.FAIL, witness=case, reproducer=reproducer(ctx, case),
                                 reason=f"{self._sentence(failed[0], case)}"
                                        + (f" ({len(failed)} failing cases)" if len(failed) > 1 else ""), **common)
        open_ = [r for r in records if r["status"] == "open"]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE, witness=open_[0]["case"],
                                 reason=f"{len(open_)} case(s) undecided, first: {self._sentence(open_[0])}", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(cases)} cases on the right side of the claim; closest: "
                                                  f"{self._sentence(worst)}", **common)

    def _sentence(self, record: dict, case: dict | None = None) -> str:
        """One case as a sentence: the probability (exact or its interval), the claim and the place."""
        where = format_instance(case if case is not None else record["case"])
        claim = f"P {self.direction} {format_value(record['claimed'], 6)}"
        if "exact" in record:
            return f"exact P = {format_value(record['exact'], 8)} against the claim {claim} at {where} ({record['decided_by']})"
        lo, hi = record["interval"]
        return (f"{record['events']}/{record['trials']} events, interval [{lo:.4g}, {hi:.4g}] against the claim {claim} "
                f"at {where}")

    def _shrink(self, case: dict, ctx: Context, n: int, confidence: float, limit: int = 50) -> dict:
        tries, improved = 0, True
        while improved and tries < limit:
            improved = False
            for cand in self.shrink(case):
                tries += 1
                if self._judge(cand, ctx, n, confidence)["status"] == "fail":
                    case, improved = cand, True
                    break
        return case
