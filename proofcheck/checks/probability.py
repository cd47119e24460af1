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
from ..numerics import HIGH_DPS, clopper_pearson, confirm_positive
from .base import Check, reproducer


class Probability(Check):
    kind = "probability"
    basis = "numeric"

    def __init__(self, name: str, *, cases: Callable[[Context], list[dict]],
                 count_events: Callable[[dict, np.random.Generator, int], int],
                 claimed: Callable[[dict], float], direction: str = ">=",
                 exact: Callable[[dict, int], "mpmath.mpf | None"] | None = None,
                 shrink: Callable[[dict], Iterable[dict]] | None = None,
                 samples: tuple = (4000, 40000, 400000), confidence: float = 0.999, description: str = ""):
        if direction not in (">=", "<="):
            raise ValueError("direction must be '>=' or '<='")
        super().__init__(name, description)
        self.cases, self.count_events, self.claimed = cases, count_events, claimed
        self.direction, self.exact, self.shrink = direction, exact, shrink
        self.samples, self.confidence = samples, confidence

    def _judge(self, case: dict, ctx: Context, n: int, confidence: float) -> dict:
        """Per-case record with 'status' in {'pass', 'fail', 'open'} and a signed margin (>= 0 is good)."""
        claimed = float(self.claimed(case))
        sign = 1.0 if self.direction == ">=" else -1.0
        record = {"case": case, "claimed": claimed}
        if self.exact is not None:
            exact_fn = lambda dps: sign * (mpmath.mpf(self.exact(case, dps)) - mpmath.mpf(self.claimed(case)))
            with mpmath.workdps(HIGH_DPS):
                probe = self.exact(case, HIGH_DPS)
            if probe is not None:
                bad, _ = confirm_positive(lambda dps: -exact_fn(dps))
                with mpmath.workdps(HIGH_DPS):  # the recorded precision, not the ambient 15 digits
                    good = mpmath.mpf(exact_fn(HIGH_DPS))
                record.update(exact=float(probe), margin=float(good), decided_by=f"exact value (mpmath, {HIGH_DPS} digits)")
                record["status"] = "fail" if bad is True else ("pass" if good >= 0 else "open")
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
                      dps=HIGH_DPS if worst_exact else 15,
                      backend=(f"mpmath exact value ({HIGH_DPS} digits)" if worst_exact
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
                                 reason=f"{len(failed)} case(s) with the probability on the wrong side of the claim", **common)
        open_ = [r for r in records if r["status"] == "open"]
        if open_:
            return self.evidence(Verdict.INCONCLUSIVE, witness=open_[0]["case"],
                                 reason=f"{len(open_)} case(s) whose interval contains the claimed value", **common)
        return self.evidence(Verdict.PASS, reason=f"all {len(cases)} cases on the right side of the claim", **common)

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
