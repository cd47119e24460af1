"""The ``bound`` check kind: lhs <= rhs for every admissible instance.

Search (float64 screening): random restarts, then hill climbing on the relative excess
lhs/rhs - 1 from the best starts, then a hypothesis search guided by ``target()`` when the
space supplies a strategy. Candidates at or near the boundary, and any non-finite value, are
escalated to mpmath at ``HIGH_DPS`` and 2 x ``HIGH_DPS``. A confirmed violation is shrunk to the
smallest instance that still violates at high precision, and becomes a FAIL with a reproducer.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

import mpmath
import numpy as np

from ..context import Context
from ..errors import InvalidInstance
from ..model import Verdict
from ..numerics import HIGH_DPS, NEAR_BOUNDARY_REL, confirm_positive
from .base import Check, reproducer


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


class Bound(Check):
    """lhs(instance) <= rhs(instance) over ``space``.

    ``sides(instance, dps)`` returns (lhs, rhs): floats when ``dps`` is None (screening),
    mpmath numbers computed at ``dps`` digits otherwise. ``certify(instance)`` may return a dict
    with ``certified`` (bool) and the enclosure (``upper``, ``width``, ``prec_bits``, ``backend``).
    """

    kind = "bound"
    basis = "numeric"

    def __init__(self, name: str, space: Space, sides: Callable, description: str = "",
                 certify: Callable[[dict], dict] | None = None,
                 random: tuple = (300, 3000, 30000), climbs: tuple = (4, 8, 32), climb_steps: tuple = (40, 150, 600),
                 hypothesis_examples: tuple = (60, 300, 2000), near: float = NEAR_BOUNDARY_REL,
                 screening: str = "float64"):
        super().__init__(name, description)
        self.screening = screening  # what ``sides(inst, None)`` computes in, recorded in the evidence
        self.space, self.sides, self.certify = space, sides, certify
        self.effort = {"random": random, "climbs": climbs, "climb_steps": climb_steps, "hypothesis": hypothesis_examples}
        self.near = near

    # -- margins ---------------------------------------------------------------
    def margin_f64(self, instance: dict) -> float:
        with np.errstate(all="ignore"):
            try:
                lhs, rhs = self.sides(instance, None)
                value = float(relative_excess(float(lhs), float(rhs)))
            except (ArithmeticError, np.linalg.LinAlgError):
                return math.nan
        return value

    def margin_mp(self, instance: dict, dps: int):
        with mpmath.workdps(dps):
            lhs, rhs = self.sides(instance, dps)
            return relative_excess(mpmath.mpf(lhs), mpmath.mpf(rhs))

    def confirm(self, instance: dict):
        """(True/False/None, value) : violated at high precision / not / undecided."""
        return confirm_positive(lambda dps: self.margin_mp(instance, dps), HIGH_DPS)

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
        """Greedy shrinking: move to the first simpler candidate still confirmed violating."""
        steps = 0
        improved = True
        while improved and steps < limit:
            improved = False
            for cand in self.space.shrink(instance):
                steps += 1
                if not self._admissible(cand):
                    continue
                if self.confirm(cand)[0] is True:
                    instance, improved = cand, True
                    break
                if steps >= limit:
                    break
        return instance, steps

    def evaluate(self, ctx: Context):
        if ctx.instance is not None:
            self.space.validate(ctx.instance)  # InvalidInstance propagates: the user gets the reason
            seen = [(self.margin_f64(ctx.instance), ctx.instance)]
        else:
            seen = self.search(ctx)
        key = lambda p: math.inf if math.isnan(p[0]) else p[0]
        ranked = sorted(seen, key=key, reverse=True)
        escalate = [p for p in ranked if math.isnan(p[0]) or p[0] > -self.near][:25]
        undecided, nonfinite = [], sum(1 for m, _ in seen if not math.isfinite(m))
        for m, inst in escalate:
            status, value = self.confirm(inst)
            if status is True:
                shrunk, tried = self.shrink_witness(inst)
                _, shrunk_value = self.confirm(shrunk)
                cert = self.certify(shrunk) if self.certify else None
                return self.evidence(
                    Verdict.FAIL, instances=len(seen), worst_margin=float(shrunk_value),
                    margin_meaning="relative excess (lhs - rhs)/|rhs| of the witness; > 0 violates",
                    dps=2 * HIGH_DPS, backend="mpmath", witness=shrunk, reproducer=reproducer(ctx, shrunk),
                    certified=bool(cert and cert.get("certified")),
                    reason=f"violation confirmed at {HIGH_DPS} and {2 * HIGH_DPS} digits; shrunk in {tried} tries",
                    details={"screen_margin_float64": m, "unshrunk_witness": inst, "escalated": len(escalate),
                             "nonfinite_screen_values": nonfinite, "certificate": cert})
            if status is None:
                undecided.append(inst)
        worst_m, worst = next(((m, i) for m, i in ranked if math.isfinite(m)), ranked[0])
        with mpmath.workdps(HIGH_DPS):
            worst_mp = self.margin_mp(worst, HIGH_DPS)
        cert = self.certify(worst) if self.certify else None
        common = dict(instances=len(seen), worst_margin=float(worst_mp),
                      margin_meaning="largest relative excess (lhs - rhs)/|rhs| found; <= 0 means the bound held",
                      dps=HIGH_DPS, backend=f"mpmath ({self.screening} screening)", certified=bool(cert and cert.get("certified")),
                      details={"worst_instance": worst, "worst_margin_float64": worst_m, "escalated": len(escalate),
                               "nonfinite_screen_values": nonfinite, "certificate": cert,
                               "search": {k: ctx.pick(*v) for k, v in self.effort.items()}})
        if undecided:
            return self.evidence(Verdict.INCONCLUSIVE, witness=undecided[0],
                                 reason=f"{len(undecided)} near-boundary instance(s) undecided at {2 * HIGH_DPS} digits",
                                 **common)
        return self.evidence(Verdict.PASS, reason="no violation found; near-boundary candidates refuted at high precision",
                             **common)
