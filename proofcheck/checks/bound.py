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
in the evidence. It is 0 unless the claim declares otherwise. It may be written exactly (``Fraction(1, 100)``, a
sympy number; :mod:`proofcheck.claimed`); a float tolerance is a rounding of the number meant, so an excess inside
its rounding interval is undecided (INCONCLUSIVE, asking for the exact form), never a FAIL.

A FAIL's witness is shrunk by the shared shrinker (:mod:`proofcheck.checks.shrinking`): the space's ``shrink``, or
the default one for dicts of numbers; every candidate is validated and decided along the schedule.
"""
from __future__ import annotations

import json
import math
from typing import Callable, Iterable

import mpmath
import numpy as np

from ..claimed import ExactFloat, claimed_value
from ..context import Context
from ..errors import ClaimCodeRaised, InvalidInstance, call_claim_code
from ..model import Verdict
from ..numbers import call_with_precision
from ..numerics import DEFAULT_SCHEDULE, NEAR_BOUNDARY_REL, SignDecision, decide_sign, exact_or_mpf, schedule_of
from .base import Check, format_instance, format_value, reproducer
from .shrinking import observed_box, shrink, space_candidates


class Space:
    """An admissible-instance space. Instances are JSON-ready dicts (lists of floats, ints)."""

    def sample(self, rng: np.random.Generator) -> dict:
        raise NotImplementedError

    def perturb(self, instance: dict, rng: np.random.Generator, scale: float) -> dict:
        """A nearby admissible instance; ``scale`` in (0, 1] is the relative step size."""
        raise NotImplementedError

    # Optional: {key: (lo, hi)}, the range of each number of an instance. The default shrink (used when a space has no
    # ``shrink`` method; proofcheck.checks.shrinking) keeps candidates inside it and tries its endpoints.
    ranges: dict | None = None

    def shrink(self, instance: dict) -> Iterable[dict]:
        """Simpler admissible candidates (smaller dimension, rounder numbers), simplest first. A space that does not
        define it gets the default shrink of proofcheck.checks.shrinking (dicts of numbers: toward 0, integers,
        powers of ten, fewer significant digits, the endpoints of ``ranges``)."""
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
                 screening: str = "float64", precision=DEFAULT_SCHEDULE, tolerance=0.0,
                 escalations: tuple = (2000, 20000, 200000), near_escalations: tuple = (50, 200, 2000)):
        if isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and tolerance == 0:
            tolerance = ExactFloat(0.0)  # no tolerance at all: nothing to round
        try:
            tol = claimed_value(tolerance, dps=30, what="tolerance")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}") from exc
        if not (tol.value >= 0 and mpmath.isfinite(tol.value)):
            raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
        if tol.value:
            shown = f"{float(tol):g}" if tol.kind == "float" else tol.text
            description = (description + " " if description else "") + f"(declared tolerance: lhs <= rhs (1 + {shown}))"
        super().__init__(name, description)
        self.screening = screening
        self.space, self.sides, self.certify = space, sides, certify
        self.effort = {"random": random, "climbs": climbs, "climb_steps": climb_steps, "hypothesis": hypothesis_examples,
                       "escalations": escalations, "near_escalations": near_escalations}
        self.near, self.tolerance = near, float(tol)  # the float screens; ``_tolerance_at`` decides
        self._tolerance_spec, self._tolerance, self._tolerance_by_dps = tolerance, tol, {}
        self.tolerance_text = tol.text
        self.schedule = schedule_of(precision)

    # -- margins ---------------------------------------------------------------
    def margin_f64(self, instance: dict) -> float:
        """The screening margin (float64; a formula marked ``uses_context(screen_dps=p)`` screens at p digits).

        Whatever ``sides`` raises is the claim's ERROR (:class:`ClaimCodeRaised`, naming the instance), and
        :class:`InvalidInstance` says the point lies outside the claim's domain (the caller skips it). Only the
        engine's own arithmetic on the returned sides may give "not a number" (NaN: escalated, never ignored)."""
        with np.errstate(all="ignore"):
            lhs, rhs = call_claim_code(call_with_precision, self.sides, instance, None, instance=instance,
                                       where="sides (float64 screening)")
            try:
                value = float(relative_excess(float(lhs), float(rhs))) - self.tolerance
            except (ArithmeticError, ValueError, np.linalg.LinAlgError):  # e.g. an int too large for a float
                return math.nan
        return value

    def margin_mp(self, instance: dict, dps: int):
        """The margin at ``dps`` digits; float64 results are refused (they cannot confirm anything)."""
        with mpmath.workdps(dps):
            lhs, rhs = call_claim_code(call_with_precision, self.sides, instance, dps, instance=instance,
                                       where=f"sides (at {dps} digits)")
            lhs, rhs = exact_or_mpf(lhs, dps, "lhs"), exact_or_mpf(rhs, dps, "rhs")
            return relative_excess(lhs, rhs) - self._tolerance_at(dps)

    def _tolerance_at(self, dps: int):
        if self._tolerance.exact and self._tolerance.kind != "sympy":
            return self._tolerance.value  # exact at any precision
        if dps not in self._tolerance_by_dps:  # a sympy form, evaluated once per precision
            self._tolerance_by_dps[dps] = claimed_value(self._tolerance_spec, dps=dps, what="tolerance").value
        return self._tolerance_by_dps[dps]

    def _screen(self, instance: dict, tally: dict) -> float | None:
        """The screening margin, or None when the claim's code marks ``instance`` outside its domain (counted in
        ``tally["outside_domain"]``)."""
        try:
            return self.margin_f64(instance)
        except InvalidInstance:
            tally["outside_domain"] = tally.get("outside_domain", 0) + 1
            return None

    def decide(self, instance: dict) -> SignDecision:
        """The sign of the margin along the precision schedule. A positive margin inside the rounding of a float
        tolerance is undecided: the float's rounding, not the claim, would decide it."""
        d = decide_sign(lambda dps: self.margin_mp(instance, dps), self.schedule)
        if d.positive and not self._tolerance.exact:
            with mpmath.workdps(d.dps):
                excess = d.value + self._tolerance.value  # the relative excess itself
            if self._tolerance.within_rounding(excess):
                return SignDecision("undecided", d.value, d.dps, d.values,
                                    f"the relative excess {mpmath.nstr(excess, 17)} lies inside the rounding of the float "
                                    f"tolerance, so it is no violation; {self._tolerance.exact_form_advice()}")
        return d

    # -- search ----------------------------------------------------------------
    def _admissible(self, instance: dict) -> bool:
        try:
            self.space.validate(instance)
            return True
        except InvalidInstance:
            return False

    def search(self, ctx: Context, tally: dict | None = None) -> list[tuple[float, dict]]:
        """All screened (margin, instance) pairs. Non-finite margins sort first (they must be escalated).
        Instances the claim's code marks outside its domain (InvalidInstance) are counted in ``tally``, not kept."""
        tally = {} if tally is None else tally
        seen: list[tuple[float, dict]] = []
        rng = ctx.rng("random")
        n_random = ctx.pick(*self.effort["random"])
        for i in range(n_random):
            inst = self.space.sample(rng)
            m = self._screen(inst, tally)
            if m is not None:
                seen.append((m, inst))
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
                m = self._screen(cand, tally)
                if m is None:
                    continue
                seen.append((m, cand))
                if not math.isnan(m) and (math.isnan(margin) or m > margin):
                    margin, inst, fails = m, cand, 0
                else:
                    fails += 1
                    if fails >= 10:
                        scale, fails = max(scale / 2, 1e-6), 0
            ctx.report(0.5 + 0.3 * (c + 1) / len(starts), "hill climbing")
        seen.extend(self._hypothesis_search(ctx, tally))
        ctx.report(0.9, "confirming")
        return seen

    def _hypothesis_search(self, ctx: Context, tally: dict) -> list[tuple[float, dict]]:
        strategy = self.space.strategy()
        examples = ctx.pick(*self.effort["hypothesis"])
        if strategy is None or examples <= 0:
            return []
        from hypothesis import HealthCheck, Phase, given, settings, target
        from hypothesis import seed as hseed

        found: list[tuple[float, dict]] = []
        raised: list[ClaimCodeRaised] = []  # claim code that raised: re-raised after the search, never swallowed

        @hseed(ctx.subseed("hypothesis") % (2**32))
        @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                  phases=[Phase.generate, Phase.target], suppress_health_check=list(HealthCheck), print_blob=False)
        @given(strategy)
        def probe(inst):
            if raised or not self._admissible(inst):
                return
            try:
                m = self._screen(inst, tally)
            except ClaimCodeRaised as exc:  # kept out of hypothesis, which would report it as its own failure
                raised.append(exc)
                return
            if m is None:
                return
            found.append((m, inst))
            if math.isfinite(m):
                target(m, label="relative excess")

        probe()
        if raised:
            raise raised[0]
        return found

    # -- verdict ----------------------------------------------------------------
    def shrink_witness(self, instance: dict, box: dict | None = None, limit: int = 200, raised: list | None = None):
        """The simplest instance that still violates (shared shrinker): candidates from the space's ``shrink`` or the
        default shrink (inside ``box`` when the space declares no domain), each validated and decided along the
        precision schedule; claim code raising on a candidate is noted in ``raised`` and the candidate does not count.
        Returns the :class:`proofcheck.checks.shrinking.ShrinkResult`."""
        candidates, source = space_candidates(self.space, box)
        noted = [] if raised is None else raised
        return shrink(instance, lambda cand: self._decide_or_note(cand, noted).positive, candidates, admissible=self._admissible,
                      limit=limit, source=source, proposal_order=source == "the space's shrink")

    def _decide_or_note(self, instance: dict, raised: list) -> SignDecision:
        """``decide(instance)`` after a violation was confirmed: claim code raising here is noted in ``raised`` and the
        candidate counts as undecided, so that the confirmed FAIL is not lost to it."""
        try:
            return self.decide(instance)
        except ClaimCodeRaised as exc:
            raised.append(exc.sentence())
            return SignDecision("undecided", None, None, [], exc.sentence())

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
            seen, tally = [(self.margin_f64(ctx.instance), ctx.instance)], {}
        else:
            tally = {}
            seen = self.search(ctx, tally)
        outside = tally.get("outside_domain", 0)
        if not seen:  # nothing was screened: no evidence either way
            return self.evidence(Verdict.INCONCLUSIVE, instances=0, details={"outside_domain": outside},
                                 reason=f"no instance to screen: all {outside} tried lie outside the claim's domain "
                                        "(InvalidInstance)")
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
                raised: list[str] = []
                m, inst, d = self._largest_violation(queue[i + 1:len(positive)], (m, inst, d), counts, raised)
                return self._fail(ctx, seen, m, inst, d, counts, len(positive), len(near), raised)
        left_positive = max(0, len(positive) - budget)
        details = {"screening": self.screening, "precision_schedule": list(self.schedule), "tolerance": self.tolerance,
                   "tolerance_as_written": self.tolerance_text,
                   "distinct_instances": len(ranked), "positive_screen_margins": len(positive),
                   "near_boundary": {"threshold": self.near, "count": len(near), "decided": len(near_sample)},
                   "escalation_budget": budget, "decided": counts, "left_unexamined_positive": left_positive,
                   "nonfinite_screen_values": nonfinite, "outside_domain": outside,
                   "search": {k: ctx.pick(*v) for k, v in self.effort.items()}}
        undecided = [(m, inst, d) for m, inst, d in decided if d.status == "undecided"]
        worst_m, worst_inst, worst_d = self._worst(decided, ranked)
        details.update(worst_instance=worst_inst, worst_margin_screen=worst_m,
                       worst_decision=worst_d.json() if worst_d else None)
        cert = call_claim_code(self.certify, worst_inst, instance=worst_inst, where="certify") \
            if (self.certify and worst_inst is not None) else None
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
        return best[0], best[1], self.decide(best[1])  # claim code that raises here is the claim's ERROR

    def _largest_violation(self, rest, first, counts, raised: list, more: int = 200):
        """After a first confirmed violation, decide up to ``more`` of the ``rest`` of the positive candidates, spread
        evenly over the ranking (float64 may rank noise above the real violations), and keep the largest decided excess:
        the witness a reader can check by hand is the clearest one, not the first one found."""
        best = first
        for m, inst in self._spread(rest, more):
            d = self._decide_or_note(inst, raised)
            counts[d.status] += 1
            if d.positive and d.float_value() > best[2].float_value():
                best = (m, inst, d)
        return best

    def _fail(self, ctx, seen, m, inst, d, counts, n_positive, n_near, raised: list):
        # a candidate on which the claim's code raises while shrinking is no smaller witness; it is noted in
        # ``raised`` and the confirmed violation stands (the FAIL names what raised)
        result = self.shrink_witness(inst, box=observed_box(i for _, i in seen), raised=raised)
        shrunk = result.instance
        final = self.decide(shrunk) if shrunk is not inst else d
        try:
            cert = call_claim_code(self.certify, shrunk, instance=shrunk, where="certify") if self.certify else None
        except ClaimCodeRaised as exc:  # an optional certificate: the violation decided at two precisions stands
            raised.append(exc.sentence())
            cert = None
        excess = final.float_value()
        return self.evidence(
            Verdict.FAIL, instances=len(seen), worst_margin=excess,
            margin_meaning="relative excess (lhs - rhs)/|rhs| - tolerance of the witness; > 0 violates",
            dps=final.dps, backend=f"mpmath ({self.screening} screening)", witness=shrunk,
            reproducer=reproducer(ctx, shrunk), certified=bool(cert and cert.get("certified")),
            reason=f"lhs exceeds rhs{' (1 + tolerance)' if self.tolerance else ''} by a relative "
                   f"{format_value(excess, 4)} at {format_instance(shrunk)} (decided: {final.why}; "
                   f"{result.summary})",
            details={"screen_margin": m, "unshrunk_witness": inst, "decision": final.json(), "shrink": result.json(),
                     "precision_schedule": list(self.schedule), "tolerance": self.tolerance,
                   "tolerance_as_written": self.tolerance_text, "decided_before": counts,
                     "positive_screen_margins": n_positive, "near_boundary": n_near,
                     "nonfinite_screen_values": sum(1 for mm, _ in seen if not math.isfinite(mm)),
                     "certificate": cert, **({"claim_code_raised": raised[:5]} if raised else {})})
