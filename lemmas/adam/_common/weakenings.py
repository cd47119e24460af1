"""Weakenings that narrow a claim's range (docs/design.md, "Weakenings"): the same statement on fewer instances.

A true claim stays true on a smaller range, so such a variant must never FAIL: ``selftest`` runs it beside the
mutants (registry ``WEAKENINGS``). Where a claim's constant or floor is tight (a rate attained, an exact probability,
a boundary located at its formula), a smaller range is the weakening that exists.
"""
from __future__ import annotations

from dataclasses import replace

from proofcheck import Claim


def on_fewer_cases(claim: Claim, keep, range_text: str) -> Claim:
    """``claim`` with every check's ``cases(ctx)`` filtered by ``keep(case)``, and ``range_text`` as a hypothesis."""
    checks = []
    for check in claim.checks:
        cases = getattr(check, "cases", None)
        if callable(cases):
            check.cases = (lambda ctx, cases=cases: [c for c in cases(ctx) if keep(c)])
        checks.append(check)
    return replace(claim, checks=checks, hypotheses=[*claim.hypotheses, f"weakening: {range_text}"])


def on_smaller_space(claim: Claim, spaces: dict, range_text: str) -> Claim:
    """``claim`` with the instance space of each named check replaced (``spaces``: check name -> Space)."""
    for check in claim.checks:
        if check.name in spaces:
            check.space = spaces[check.name]
    return replace(claim, hypotheses=[*claim.hypotheses, f"weakening: {range_text}"])
