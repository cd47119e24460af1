"""``python -m proofcheck selftest``: can proofcheck tell a false claim from a true one?

Every claim module may declare ``MUTANTS = {claim_id: {name: factory}}``: false variants of its
claims (a threshold halved, an exponent lowered, a bound tightened below its tight example...).
The selftest runs every registered mutant (quick budget by default) and counts a mutant as
*detected* when its verdict is FAIL. Anything else (PASS, INCONCLUSIVE, ERROR) is a miss, except
for mutants of existence claims marked with ``registry.existence_mutant``: no search can prove that
no witness exists, so those are detected when INCONCLUSIVE or FAIL; and for mutants of a known-false
claim (``expect="FAIL"``, whose own verdict is REFUTED): their counterexample is broken (parameters moved
until it no longer refutes), so they are detected when PASS or INCONCLUSIVE, never REFUTED
(``registry.NOT_REFUTED``). The true counterparts of a known-false claim (the corrected statement: AMSGrad
for Adam, h <= 1 for Drori-Teboulle) are its WEAKENINGS, with ``expect="PASS"``: they must not FAIL.

Beside them it runs every ``WEAKENINGS`` entry: true variants (a larger constant, a lower floor, a
smaller range) that must *not* FAIL (nor ERROR): a check that FAILs a true weakening FAILs a true
theorem, a bug of the same weight as a mutant that PASSes. The exit code is 0 when every mutant is
detected and every weakening held, and 1 otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .context import Budget
from .errors import UsageError
from .explain import clean_text
from .model import Verdict
from .registry import MUST_NOT_FAIL, NOT_PASS, NOT_REFUTED, WEAKENING, ClaimRef, Registry, mutant_expectation
from .runner import ClaimResult, merge, tasks_for


@dataclass
class MutantOutcome:
    """The verdict proofcheck gave one false variant of a claim."""

    claim_id: str
    mutant: str
    verdict: str
    reason: str
    reproducer: str | None = None
    seconds: float = 0.0
    expect: str = Verdict.FAIL.value
    broken: list = None  # [{"check", "kind", "basis"}] of every check the mutant made FAIL

    @property
    def breaks_symbolic(self) -> bool:
        return any("symbolic" in b["basis"] for b in self.broken or [])

    @property
    def breaks_numeric(self) -> bool:
        return any("numeric" in b["basis"] for b in self.broken or [])

    @property
    def weakening(self) -> bool:
        """A true variant (WEAKENINGS) rather than a false one."""
        return self.expect == MUST_NOT_FAIL

    @property
    def detected(self) -> bool:
        """A mutant: reported as it must be (FAIL, or not PASS for existence); a weakening: it held (not FAIL or
        ERROR)."""
        if self.expect == MUST_NOT_FAIL:
            return self.verdict in (Verdict.PASS.value, Verdict.INCONCLUSIVE.value)
        if self.expect == NOT_PASS:
            return self.verdict in (Verdict.FAIL.value, Verdict.INCONCLUSIVE.value)
        if self.expect == NOT_REFUTED:  # a known-false claim with its counterexample broken: must not be REFUTED
            return self.verdict in (Verdict.PASS.value, Verdict.INCONCLUSIVE.value)
        return self.verdict == Verdict.FAIL.value


def mutant_refs(reg: Registry, claim_ids: list[str] | None = None) -> list[ClaimRef]:
    """One ref per registered mutant, in catalogue order (restricted to ``claim_ids`` when given)."""
    if claim_ids:
        for cid in claim_ids:
            reg.get(cid)  # UsageError with the nearest ids for an unknown claim
    wanted = claim_ids or reg.ids()
    return [reg.ref(cid, name) for cid in wanted for name in reg.mutants.get(cid, {})]


def weakening_refs(reg: Registry, claim_ids: list[str] | None = None) -> list[ClaimRef]:
    """One ref per registered weakening (run as the mutant ``weakening:NAME``), in catalogue order."""
    wanted = claim_ids or reg.ids()
    return [reg.ref(cid, WEAKENING + name) for cid in wanted for name in reg.weakenings.get(cid, {})]


def run_selftest(reg: Registry, *, seed: int = 0, budget: str = "quick", claim_ids: list[str] | None = None,
                 run_tasks: Callable | None = None, on_done: Callable | None = None,
                 weakenings: bool = True) -> list[MutantOutcome]:
    """Run every mutant (and, with ``weakenings``, every weakening) of the registered claims; ``run_tasks(tasks,
    on_done=...)`` executes the checks (default: in this process, :class:`proofcheck.execution.LocalExecutor`).
    Mutants come first, then weakenings, each in catalogue order."""
    refs = mutant_refs(reg, claim_ids) + (weakening_refs(reg, claim_ids) if weakenings else [])
    claims, outcomes, runnable = {}, [], []
    for ref in refs:
        try:
            claims[f"{ref.id}::{ref.mutant}"] = reg.mutant(ref.id, ref.mutant)
            runnable.append(ref)
        except UsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken mutant factory is a miss, reported, not a crash
            outcomes.append(MutantOutcome(ref.id, ref.mutant, Verdict.ERROR.value,
                                          f"factory raised {type(exc).__name__}: {exc}", reproducer=None, seconds=0.0,
                                          expect=MUST_NOT_FAIL if ref.mutant.startswith(WEAKENING) else Verdict.FAIL.value))
    tasks = tasks_for(runnable, claims, seed, Budget(budget), plots=False)  # a mutant's figures are never shown
    if run_tasks is None:
        from .execution import run_tasks as execute

        results = execute(tasks, jobs=1, isolate=False, on_done=on_done)
    else:
        results = run_tasks(tasks, on_done=on_done)
    for r in merge(runnable, claims, results, tasks):
        expect = MUST_NOT_FAIL if r.mutant.startswith(WEAKENING) else mutant_expectation(reg.mutants[r.claim.id][r.mutant],
                                                                                         reg.claims.get(r.claim.id))
        outcomes.append(_outcome(r, expect))
    order = {(ref.id, ref.mutant): i for i, ref in enumerate(refs)}
    return sorted(outcomes, key=lambda o: order[(o.claim_id, o.mutant)])


def _outcome(result: ClaimResult, expect: str) -> MutantOutcome:
    repro = next((e.reproducer for e in result.evidence if e.verdict is Verdict.FAIL and e.reproducer), None)
    broken = [{"check": e.check, "kind": e.kind, "basis": e.basis} for e in result.evidence if e.verdict is Verdict.FAIL]
    return MutantOutcome(result.claim.id, result.mutant, result.verdict.value, result.reason, repro, result.seconds,
                         expect, broken)


def detected_share(outcomes: list[MutantOutcome]) -> float:
    """The fraction of outcomes as they must be: mutants detected and weakenings held (1.0 when there are none)."""
    if not outcomes:
        return 1.0
    return sum(o.detected for o in outcomes) / len(outcomes)


def render(outcomes: list[MutantOutcome], out, quiet: bool = False) -> None:
    """One line per mutant (detected or MISSED, and the checks it broke by basis) and per weakening (held or
    FAILED), then the detected share of the mutants and the held share of the weakenings."""
    mutants = [o for o in outcomes if not o.weakening]
    weak = [o for o in outcomes if o.weakening]
    if not quiet:
        for o in mutants:
            mark = "detected" if o.detected else "MISSED  "
            need = (" (existence: needs not PASS)" if o.expect == NOT_PASS else
                    " (known false, witness broken: needs PASS or INCONCLUSIVE, not REFUTED)" if o.expect == NOT_REFUTED
                    else "")
            broke = ", ".join(f"{b['check']} [{b['basis']}]" for b in o.broken or []) or (
                "the refutation" if o.expect == NOT_REFUTED and o.detected else "no check")
            print(f"{mark} {o.claim_id:24s} {o.mutant:36s} {o.verdict:12s} broke: {broke}{need}", file=out)
            if not o.detected:
                print(f"{'':9s} reason: {clean_text(o.reason)}", file=out)
        for o in weak:
            mark = "held    " if o.detected else "BROKEN  "
            failed = ", ".join(f"{b['check']} [{b['basis']}]" for b in o.broken or [])
            print(f"{mark} {o.claim_id:24s} {o.mutant:36s} {o.verdict:12s} (weakening: must not FAIL)"
                  + (f" failed: {failed}" if failed else ""), file=out)
            if not o.detected:
                print(f"{'':9s} reason: {clean_text(o.reason)}", file=out)
    n = sum(o.detected for o in mutants)
    sym = sum(o.breaks_symbolic for o in mutants)
    both = sum(o.breaks_symbolic and o.breaks_numeric for o in mutants)
    share = 100 * detected_share(mutants)
    print(f"selftest: {n}/{len(mutants)} mutants detected ({share:.0f}%); "
          f"{sym} break a symbolic check, {both} both a symbolic and a numeric check"
          + (f"; {sum(o.detected for o in weak)}/{len(weak)} weakenings held (none may FAIL)" if weak else ""), file=out)
