"""Helpers for running claims inside tests (ours and users'): one call, one ClaimResult."""
from __future__ import annotations

from .context import Budget
from .model import Claim
from .runner import ClaimResult, combine, run_check


def run_claim(claim: Claim, seed: int = 0, budget: str = "quick", instance: dict | None = None,
              only_check: str | None = None, mutant: str | None = None) -> ClaimResult:
    """Run every check of ``claim`` in this process and combine the verdict."""
    evidence = [run_check(claim, c, seed, Budget(budget), instance, mutant=mutant)
                for c in claim.checks if only_check is None or c.name == only_check]
    verdict, reason = combine(evidence)
    return ClaimResult(claim, verdict, reason, evidence, seconds=sum(e.seconds for e in evidence), mutant=mutant)
