"""The ``existence`` check kind: there is an instance with property P (docs/design.md, 'Check kinds').

Search (float64 screening): random samples from a :class:`Space`, scored in batches by ``score``
(positive = a candidate witness), then hill climbing from the best starts (each step scores a batch of
perturbations and keeps the best). Certification: the best candidates, in order, are re-checked by
``certify`` at high precision (mpmath); the first certified one is the witness.

Refutation (the negation established): a search that finds nothing proves nothing, but an existence claim
can still FAIL when its negation is established, by one of two paths the claim may give:

- ``exhaustive(ctx)``: every instance of a *finite* space. Each one is certified; when every instance is
  certified not to be a witness (``holds`` False *and* ``certified`` True, as ``refute=`` requires), no witness
  exists: FAIL, with the count and the certification backend. A "not a witness" without a certificate (a float64
  evaluation) refutes nothing: INCONCLUSIVE, with the uncertified count;
- ``refute(ctx)``: a proof that no witness exists (a certified bound on the property, say), returning a dict with
  ``refuted`` (True / False / None), ``method``, ``certified`` (True for an enclosure-grade or exact argument) and
  any record. Only a certified refutation FAILs; an uncertified one is reported and leaves the check INCONCLUSIVE.

Verdicts: PASS when a witness is certified; FAIL when the negation is established (above), or when
``ctx.instance`` replays an instance that certification proves is *not* a witness (the replayed witness is
wrong); otherwise INCONCLUSIVE (no candidate, or none certified): never PASS.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import numpy as np

from ..context import Context
from ..model import Verdict
from .base import Check, format_instance, reproducer
from .bound import Space


class Existence(Check):
    """``score(instances) -> scores`` (batched, float64; > 0 means the property screens true);
    ``certify(instance) -> dict`` with ``holds`` (True / False / None), ``dps``, ``backend``, optionally
    ``certified`` (True only for an enclosure-grade proof) and any record."""

    kind = "existence"
    basis = "numeric"

    def __init__(self, name: str, space: Space, score: Callable[[list], Sequence[float]],
                 certify: Callable[[dict], dict], description: str = "", random: tuple = (16, 64, 512),
                 climbs: tuple = (1, 3, 8), climb_steps: tuple = (4, 10, 40), batch: tuple = (8, 8, 16),
                 certify_top: tuple = (2, 3, 5), describe_witness: Callable[[dict], dict] | None = None,
                 exhaustive: Callable[[Context], Iterable[dict]] | None = None,
                 refute: Callable[[Context], dict] | None = None):
        super().__init__(name, description)
        self.exhaustive, self.refute = exhaustive, refute
        self.space, self.score, self.certify = space, score, certify
        self.effort = {"random": random, "climbs": climbs, "climb_steps": climb_steps, "batch": batch,
                       "certify_top": certify_top}
        self.describe_witness = describe_witness

    def _scores(self, instances: list) -> list[float]:
        if not instances:
            return []
        out = [float(s) for s in self.score(instances)]
        return [s if math.isfinite(s) else -math.inf for s in out]

    def search(self, ctx: Context) -> list[tuple[float, dict]]:
        rng = ctx.rng("random")
        n = int(ctx.pick(*self.effort["random"]))
        pool = [self.space.sample(rng) for _ in range(n)]
        seen = list(zip(self._scores(pool), pool))
        ctx.report(0.4, "random search")
        starts = sorted(seen, key=lambda p: p[0], reverse=True)[: int(ctx.pick(*self.effort["climbs"]))]
        steps, batch = int(ctx.pick(*self.effort["climb_steps"])), int(ctx.pick(*self.effort["batch"]))
        for c, (best, inst) in enumerate(starts):
            crng = ctx.rng("climb", c)
            scale = 0.3
            for _ in range(steps):
                cands = [self.space.perturb(inst, crng, scale) for _ in range(batch)]
                scored = list(zip(self._scores(cands), cands))
                seen.extend(scored)
                top = max(scored, key=lambda p: p[0])
                if top[0] > best:
                    best, inst = top
                else:
                    scale = max(scale / 2, 1e-3)
            ctx.report(0.4 + 0.4 * (c + 1) / max(len(starts), 1), "hill climbing")
        return seen

    def evaluate(self, ctx: Context):
        if ctx.instance is not None:
            self.space.validate(ctx.instance)
            cert = dict(self.certify(ctx.instance))
            common = self._common([cert], 1, ctx.instance)
            if cert.get("holds") is True:
                return self.evidence(Verdict.PASS, witness=ctx.instance, certified=bool(cert.get("certified", False)),
                                     reason="the replayed instance is certified a witness", **common)
            if cert.get("holds") is False:
                return self.evidence(Verdict.FAIL, witness=ctx.instance,
                                     reason="certification proves the replayed instance is not a witness", **common)
            return self.evidence(Verdict.INCONCLUSIVE, reason="certification undecided on the replayed instance", **common)
        if self.exhaustive is not None:
            return self._exhaustive(ctx)
        seen = self.search(ctx)
        ranked = sorted(seen, key=lambda p: p[0], reverse=True)
        candidates = [inst for s, inst in ranked if s > 0][: int(ctx.pick(*self.effort["certify_top"]))]
        certs = []
        for i, inst in enumerate(candidates):
            cert = dict(self.certify(inst))
            certs.append(cert)
            ctx.report(0.8 + 0.2 * (i + 1) / len(candidates), "certifying")
            if cert.get("holds") is True:
                common = self._common(certs, len(seen), inst, ranked)
                return self.evidence(Verdict.PASS, witness=inst, certified=bool(cert.get("certified", False)), reproducer=reproducer(ctx, inst),
                                     reason=f"witness found by search and certified ({cert.get('backend', '')}, "
                                            f"{cert.get('dps')} digits)", **common)
        best = ranked[0][1] if ranked else None
        common = self._common(certs, len(seen), best, ranked)
        if self.refute is not None:
            refutation = dict(self.refute(ctx))
            common["details"]["refutation"] = refutation
            if refutation.get("refuted") is True and refutation.get("certified"):
                return self.evidence(Verdict.FAIL, certified=True, reproducer=reproducer(ctx, None),
                                     reason=f"no witness exists: {refutation.get('method', 'certified refutation')}",
                                     **common)
        if not candidates:
            return self.evidence(Verdict.INCONCLUSIVE, reason=f"no candidate witness among {len(seen)} screened instances "
                                                              "(not a refutation: an existence claim cannot fail by search)",
                                 **common)
        return self.evidence(Verdict.INCONCLUSIVE, reason=f"{len(candidates)} screened candidate(s), none certified at high "
                                                          "precision", **common)

    def _exhaustive(self, ctx: Context):
        """Certify every instance of a finite space: a witness PASSes; all certified non-witnesses FAIL."""
        instances = list(self.exhaustive(ctx))
        certs, undecided, uncertified = [], [], []
        for i, inst in enumerate(instances):
            cert = dict(self.certify(inst))
            certs.append(cert)
            if i % 50 == 0:
                ctx.report(i / max(len(instances), 1), f"exhaustive certification {i + 1}/{len(instances)}")
            if cert.get("holds") is True:
                return self.evidence(Verdict.PASS, witness=inst, certified=bool(cert.get("certified", False)),
                                     reproducer=reproducer(ctx, inst),
                                     reason=f"witness found by exhaustive search and certified ({cert.get('backend', '')})",
                                     **self._common(certs[-1:], i + 1, inst))
            if cert.get("holds") is None:
                undecided.append(inst)
            elif not cert.get("certified"):
                uncertified.append(inst)
        common = self._common(certs[-1:], len(instances), instances[0] if instances else None)
        common["details"]["exhaustive"] = {"instances": len(instances), "undecided": len(undecided),
                                           "uncertified": len(uncertified)}
        if not instances:
            return self.evidence(Verdict.INCONCLUSIVE, reason="the finite space to search exhaustively is empty", **common)
        if undecided:
            return self.evidence(Verdict.INCONCLUSIVE, witness=undecided[0],
                                 reason=f"{len(undecided)} of {len(instances)} instances of the finite space undecided by "
                                        "certification", **common)
        if uncertified:
            return self.evidence(Verdict.INCONCLUSIVE, witness=uncertified[0],
                                 reason=f"{len(uncertified)} of {len(instances)} instances of the finite space are not "
                                        "certified not to be witnesses (an uncertified 'not a witness' refutes nothing), "
                                        f"first at {format_instance(uncertified[0])}", **common)
        backends = sorted({str(c.get("backend", "")) for c in certs})
        return self.evidence(Verdict.FAIL, reproducer=reproducer(ctx, None), certified=True,
                             reason=f"no witness exists: all {len(instances)} instances of the finite space are certified "
                                    f"not to have the property ({', '.join(backends)})", **common)

    def _common(self, certs: list, n: int, inst, ranked=None) -> dict:
        scores = [s for s, _ in ranked] if ranked else []
        last = certs[-1] if certs else {}
        details = {"screened": n, "best_scores": scores[:10], "candidates_certified": certs,
                   "effort": self.effort}
        if inst is not None and self.describe_witness is not None:
            details["witness_description"] = self.describe_witness(inst)
        return dict(instances=n, worst_margin=scores[0] if scores else None,
                    margin_meaning="best screened score (> 0: the property holds in float64 screening)",
                    dps=last.get("dps"), backend=last.get("backend", "numpy float64 screening"), details=details)
