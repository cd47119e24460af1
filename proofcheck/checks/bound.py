"""The ``bound`` check kind: lhs <= rhs (1 + tolerance) for every admissible instance.

Search (screening, float64 unless the formula is marked ``uses_context(screen_dps=p)``): random restarts, hill
climbing on the relative excess lhs/rhs - 1 from the best starts, then a hypothesis search guided by ``target()`` when the space
supplies a strategy.

Escalation (docs/design.md, 'Numerical policy'): **every** screened candidate whose margin is positive or
non-finite is decided along the precision schedule (:func:`proofcheck.numerics.decide_sign`, by default
50, 100, then 200 digits), and so are the near-boundary ones (margin within ``near`` below 0), largest
first, as far as the escalation budget goes. float64 screening may be wrong in either direction (cancellation
can fill the top of the ranking with spurious violations, as in (exp(x) - 1 - x)/x^2 at x = 1e-10), so no
positive screening margin is ever discarded unexamined: if the budget cannot decide them all, the verdict is
INCONCLUSIVE with the count left, never PASS.

Verdicts:
- FAIL: a violation decided positive at two agreeing precisions (no absolute floor: a relative excess of
  1e-30 is a violation), shrunk to the simplest instance that still violates, with a reproducer;
- INCONCLUSIVE: a candidate undecided after the whole schedule, or positive candidates left unexamined;
- PASS: every escalated candidate decided negative, or zero (the bound attained with equality, to within the
  rounding of the last precision).

``tolerance`` is part of the claim (lhs <= rhs (1 + tolerance)); it is printed in the description and stored
in the evidence. It is 0 unless the claim declares otherwise.
"""
from __future__ import annotations

import json
import math
from typing import Callable, Iterable

import mpmath
import numpy as np

from ..context import Context
from ..errors import InvalidInstance
from ..model import Verdict
from ..numbers import call_with_precision
from ..numerics import DEFAULT_SCHEDULE, NEAR_BOUNDARY_REL, SignDecision, decide_sign, exact_or_mpf, schedule_of
from .base import Check, format_instance, format_value, reproducer


class Space:
    """An admissible-instance space. Instances are JSON-ready dicts (lists of floats, ints)."""

    def sample(self, rng: np.random.Generator) -> dict:
        raise NotImplementedError

    def perturb(self, instance: dict, rng: np.random.Generator, scale: float) -> dict:
        """A nearby admissible instance; ``scale`` in (0, 1] is the relative step size."""
        raise NotImplementedError

    def shrink(self, instance: dict) -> Iterable[dict]:
        """Simpler admissible candidates (smaller dimension, rounder numbers), simplest first."""
        return []

    def validate(self, instance: dict) -> None:
        """Raise InvalidInstance (with the reason) if ``instance`` violates a hypothesis."""

    def strategy(self):
        """A hypothesis strategy of instances, or None."""
        return None


def relative_excess(lhs, rhs):
    """(lhs - rhs) / |rhs|: positive exactly when the bound is violated. Works for floats and mpf."""
    scale = abs(rhs)
    if scale == 0:
        return lhs - rhs
    return (lhs - rhs) / scale


def _key(instance) -> str:
    return json.dumps(instance, sort_keys=True, default=str)


class Bound(Check):
    """lhs(instance) <= rhs(instance) (1 + tolerance) over ``space``.

    ``sides(instance, dps)`` returns (lhs, rhs): floats when ``dps`` is None (screening), mpmath numbers computed
    at ``dps`` digits otherwise; or, marked with :func:`proofcheck.numbers.uses_context`, ``sides(instance, n)``
    written once against a number context. ``precision`` is the schedule of digits that decides a candidate
    (an int p means (p, 2p)); ``escalations`` caps, per budget, how many candidates are decided at high precision.
    ``certify(instance)`` may return a dict with ``certified`` (bool) and the enclosure.
    """

    kind = "bound"
    basis = "numeric"

    def __init__(self, name: str, space: Space, sides: Callable, description: str = "",
                 certify: Callable[[dict], dict] | None = None,
                 random: tuple = (300, 3000, 30000), climbs: tuple = (4, 8, 32), climb_steps: tuple = (40, 150, 600),
                 hypothesis_examples: tuple = (60, 300, 2000), near: float = NEAR_BOUNDARY_REL,
                 screening: str = "float64", precision=DEFAULT_SCHEDULE, tolerance: float = 0.0,
                 escalations: tuple = (2000, 20000, 200000), near_escalations: tuple = (50, 200, 2000)):
        if not (tolerance >= 0 and math.isfinite(tolerance)):
            raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
        if tolerance:
            description = (description + " " if description else "") + f"(declared tolerance: lhs <= rhs (1 + {tolerance:g}))"
        super().__init__(name, description)
        self.screening = screening
        self.space, self.sides, self.certify = space, sides, certify
        self.effort = {"random": random, "climbs": climbs, "climb_steps": climb_steps, "hypothesis": hypothesis_examples,
                       "escalations": escalations, "near_escalations": near_escalations}
        self.near, self.tolerance = near, float(tolerance)
        self.schedule = schedule_of(precision)

    # -- margins ---------------------------------------------------------------
    def margin_f64(self, instance: dict) -> float:
        """The screening margin (float64; a formula marked ``uses_context(screen_dps=p)`` screens at p digits)."""
        with np.errstate(all="ignore"):
            try:
                lhs, rhs = call_with_precision(self.sides, instance, None)
                value = float(relative_excess(float(lhs), float(rhs))) - self.tolerance
            except (ArithmeticError, ValueError, np.linalg.LinAlgError):
                return math.nan
        return value

    def margin_mp(self, instance: dict, dps: int):
        """The margin at ``dps`` digits; float64 results are refused (they cannot confirm anything)."""
        with mpmath.workdps(dps):
            lhs, rhs = call_with_precision(self.sides, instance, dps)
            lhs, rhs = exact_or_mpf(lhs, dps, "lhs"), exact_or_mpf(rhs, dps, "rhs")
            return relative_excess(lhs, rhs) - mpmath.mpf(self.tolerance)

    def decide(self, instance: dict) -> SignDecision:
        """The sign of the margin along the precision schedule."""
        return decide_sign(lambda dps: self.margin_mp(instance, dps), self.schedule)

    # -- search ----------------------------------------------------------------
    def _admissible(self, instance: dict) -> bool:
        try:
            self.space.validate(instance)
            return True
        except InvalidInstance:
            return False

    def search(self, ctx: Context) -> list[tuple[float, dict]]:
        """All screened (margin, instance) pairs. Non-finite margins sort first (they must be escalated)."""
        seen: list[tuple[float, dict]] = []
        rng = ctx.rng("random")
        n_random = ctx.pick(*self.effort["random"])
        for i in range(n_random):
            inst = self.space.sample(rng)
            seen.append((self.margin_f64(inst), inst))
            if i % 500 == 0:
                ctx.report(0.5 * i / n_random, "random restarts")
        key = lambda p: math.inf if math.isnan(p[0]) else p[0]
        starts = sorted(seen, key=key, reverse=True)[: ctx.pick(*self.effort["climbs"])]
        steps = ctx.pick(*self.effort["climb_steps"])
        for c, (margin, inst) in enumerate(starts):
            crng = ctx.rng("climb", c)
            scale, fails = 0.3, 0
            for _ in range(steps):
                cand = self.space.perturb(inst, crng, scale)
                if not self._admissible(cand):
                    continue
                m = self.margin_f64(cand)
                seen.append((m, cand))
                if not math.isnan(m) and (math.isnan(margin) or m > margin):
                    margin, inst, fails = m, cand, 0
                else:
                    fails += 1
                    if fails >= 10:
                        scale, fails = max(scale / 2, 1e-6), 0
            ctx.report(0.5 + 0.3 * (c + 1) / len(starts), "hill climbing")
        seen.extend(self._hypothesis_search(ctx))
        ctx.report(0.9, "confirming")
        return seen

    def _hypothesis_search(self, ctx: Context) -> list[tuple[float, dict]]:
        strategy = self.space.strategy()
        examples = ctx.pick(*self.effort["hypothesis"])
        if strategy is None or examples <= 0:
            return []
        from hypothesis import HealthCheck, Phase, given, settings, target
        from hypothesis import seed as hseed

        found: list[tuple[float, dict]] = []

        @hseed(ctx.subseed("hypothesis") % (2**32))
        @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                  phases=[Phase.generate, Phase.target], suppress_health_check=list(HealthCheck), print_blob=False)
        @given(strategy)
        def probe(inst):
            if not self._admissible(inst):
                return
            m = self.margin_f64(inst)
            found.append((m, inst))
            if math.isfinite(m):
                target(m, label="relative excess")

        probe()
        return found

    # -- verdict ----------------------------------------------------------------
    def shrink_witness(self, instance: dict, limit: int = 200) -> tuple[dict, int]:
        """Greedy shrinking: move to the first simpler candidate still decided violating."""
        steps = 0
        improved = True
        while improved and steps < limit:
            improved = False
            for cand in self.space.shrink(instance):
                steps += 1
                if not self._admissible(cand):
                    continue
                if self.decide(cand).positive:
                    instance, improved = cand, True
                    break
                if steps >= limit:
                    break
        return instance, steps

    def _escalation_queue(self, seen):
        """Distinct candidates to decide at high precision: positive or non-finite margins first (all of them),
        then near-boundary ones, each group largest margin first."""
        unique: dict[str, tuple[float, dict]] = {}
        for m, inst in seen:
            k = _key(inst)
            if k not in unique or (math.isnan(m) and not math.isnan(unique[k][0])):
                unique[k] = (m, inst)
        order = lambda p: math.inf if math.isnan(p[0]) else p[0]
        ranked = sorted(unique.values(), key=order, reverse=True)
        positive = [p for p in ranked if math.isnan(p[0]) or p[0] > 0]
        near = [p for p in ranked if not math.isnan(p[0]) and -self.near < p[0] <= 0]
        return positive, near, ranked

    @staticmethod
    def _spread(items: list, n: int) -> list:
        """At most ``n`` of ``items``, the first (largest margin) always, the rest evenly spread over the list."""
        if len(items) <= n:
            return items
        stride = len(items) / n
        return [items[int(i * stride)] for i in range(n)]

    def evaluate(self, ctx: Context):
        if ctx.instance is not None:
            self.space.validate(ctx.instance)  # InvalidInstance propagates: the user gets the reason
            seen = [(self.margin_f64(ctx.instance), ctx.instance)]
        else:
            seen = self.search(ctx)
        positive, near, ranked = self._escalation_queue(seen)
        if ctx.instance is not None:  # a replay decides the given instance whatever its screening margin
            positive, near = [(seen[0][0], ctx.instance)], []
        budget = int(ctx.pick(*self.effort["escalations"]))
        # Every positive screening margin must be decided (or the verdict is INCONCLUSIVE); near-boundary ones (margin
        # in (-near, 0]) are where float64 may have rounded a violation away, and a sample spread over them is decided.
        near_sample = self._spread(near, int(ctx.pick(*self.effort["near_escalations"])))
        queue = positive + near_sample
        decided: list[tuple[float, dict, SignDecision]] = []
        counts = {"positive": 0, "negative": 0, "zero": 0, "undecided": 0}
        nonfinite = sum(1 for m, _ in seen if not math.isfinite(m))
        for i, (m, inst) in enumerate(queue[:budget]):
            d = self.decide(inst)
            counts[d.status] += 1
            decided.append((m, inst, d))
            if i % 200 == 0:
                ctx.report(0.9 + 0.1 * i / max(len(queue), 1), f"deciding {i + 1}/{len(queue)} candidates")
            if d.positive:
                m, inst, d = self._largest_violation(queue[i + 1:len(positive)], (m, inst, d), counts)
                return self._fail(ctx, seen, m, inst, d, counts, len(positive), len(near))
        left_positive = max(0, len(positive) - budget)
        details = {"screening": self.screening, "precision_schedule": list(self.schedule), "tolerance": self.tolerance,
                   "distinct_instances": len(ranked), "positive_screen_margins": len(positive),
                   "near_boundary": {"threshold": self.near, "count": len(near), "decided": len(near_sample)},
                   "escalation_budget": budget, "decided": counts, "left_unexamined_positive": left_positive,
                   "nonfinite_screen_values": nonfinite,
                   "search": {k: ctx.pick(*v) for k, v in self.effort.items()}}
        undecided = [(m, inst, d) for m, inst, d in decided if d.status == "undecided"]
        worst_m, worst_inst, worst_d = self._worst(decided, ranked)
        details.update(worst_instance=worst_inst, worst_margin_screen=worst_m,
                       worst_decision=worst_d.json() if worst_d else None)
        cert = self.certify(worst_inst) if (self.certify and worst_inst is not None) else None
        details["certificate"] = cert
        worst_value = worst_d.float_value() if worst_d else None
        common = dict(instances=len(seen), worst_margin=worst_value,
                      margin_meaning="largest relative excess (lhs - rhs)/|rhs| - tolerance decided at high precision; "
                                     "<= 0 means the bound held",
                      dps=worst_d.dps if worst_d else None,
                      backend=f"mpmath ({self.screening} screening)", certified=bool(cert and cert.get("certified")),
                      details=details)
        where = f" at {format_instance(worst_inst)}" if worst_inst is not None else ""
        if undecided:
            m, inst, d = undecided[0]
            return self.evidence(Verdict.INCONCLUSIVE, witness=inst, reproducer=reproducer(ctx, inst),
                                 reason=f"{len(undecided)} candidate(s) undecided along {list(self.schedule)} digits "
                                        f"({d.why}), first at {format_instance(inst)}", **common)
        if left_positive:
            return self.evidence(Verdict.INCONCLUSIVE,
                                 reason=f"{left_positive} of {len(positive)} candidates with a positive screening margin "
                                        f"left unexamined (escalation budget {budget} at this budget)", **common)
        examined = f"{counts['negative'] + counts['zero']} candidate(s) decided at high precision"
        equal_note = (f", {counts['zero']} attaining the bound to within rounding at {self.schedule[-1]} digits"
                      if counts["zero"] else "")
        worst_txt = (f"; worst relative excess {format_value(worst_value, 3)}{where}" if worst_value is not None else "")
        return self.evidence(Verdict.PASS,
                             reason=f"no violation among {len(seen)} screened instances; {examined} "
                                    f"({len(positive)} with a positive screening margin){equal_note}{worst_txt}",
                             **common)

    def _worst(self, decided, ranked):
        """The decided candidate with the largest high-precision margin, or the best-screened instance decided now."""
        finite = [(m, inst, d) for m, inst, d in decided if d.value is not None and d.status != "undecided"]
        if finite:
            return max(finite, key=lambda t: t[2].float_value())
        best = next(((m, i) for m, i in ranked if math.isfinite(m)), ranked[0] if ranked else (None, None))
        if best[1] is None:
            return None, None, None
        try:
            return best[0], best[1], self.decide(best[1])
        except (ArithmeticError, ValueError, TypeError):
            return best[0], best[1], None

    def _largest_violation(self, rest, first, counts, more: int = 200):
        """After a first confirmed violation, decide up to ``more`` of the ``rest`` of the positive candidates, spread
        evenly over the ranking (float64 may rank noise above the real violations), and keep the largest decided excess:
        the witness a reader can check by hand is the clearest one, not the first one found."""
        best = first
        for m, inst in self._spread(rest, more):
            d = self.decide(inst)
            counts[d.status] += 1
            if d.positive and d.float_value() > best[2].float_value():
                best = (m, inst, d)
        return best

    def _fail(self, ctx, seen, m, inst, d, counts, n_positive, n_near):
        shrunk, tried = self.shrink_witness(inst)
        final = self.decide(shrunk) if shrunk is not inst else d
        cert = self.certify(shrunk) if self.certify else None
        excess = final.float_value()
        return self.evidence(
            Verdict.FAIL, instances=len(seen), worst_margin=excess,
            margin_meaning="relative excess (lhs - rhs)/|rhs| - tolerance of the witness; > 0 violates",
            dps=final.dps, backend=f"mpmath ({self.screening} screening)", witness=shrunk,
            reproducer=reproducer(ctx, shrunk), certified=bool(cert and cert.get("certified")),
            reason=f"lhs exceeds rhs{' (1 + tolerance)' if self.tolerance else ''} by a relative "
                   f"{format_value(excess, 4)} at {format_instance(shrunk)} (decided: {final.why}; "
                   f"shrunk in {tried} tries)",
            details={"screen_margin": m, "unshrunk_witness": inst, "decision": final.json(),
                     "precision_schedule": list(self.schedule), "tolerance": self.tolerance, "decided_before": counts,
                     "positive_screen_margins": n_positive, "near_boundary": n_near,
                     "nonfinite_screen_values": sum(1 for mm, _ in seen if not math.isfinite(mm)),
                     "certificate": cert})
