"""Running claims: one task per (claim, check), executed in any order, merged in catalogue order.

Every check draws randomness from (seed, claim id, check name), so results do not depend on
how many workers ran the tasks or in which order.
"""
from __future__ import annotations

import json
import shlex
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .context import Budget, Context
from .errors import InvalidInstance
from .model import Claim, Evidence, Verdict, combine
from .registry import BUILTIN, ClaimRef, resolve


@dataclass(frozen=True)
class CheckTask:
    ref: ClaimRef
    check: str
    seed: int
    budget: str
    instance_json: str | None = None  # a JSON string, so that tasks stay hashable
    selection_json: str | None = None  # ``claim[key=value]`` narrowing (proofcheck.selection), as JSON

    @property
    def instance(self) -> dict | None:
        return None if self.instance_json is None else json.loads(self.instance_json)

    @property
    def selection(self) -> dict:
        return {} if self.selection_json is None else json.loads(self.selection_json)


@dataclass
class ClaimResult:
    claim: Claim
    verdict: Verdict
    reason: str
    evidence: list[Evidence]
    seconds: float = 0.0
    mutant: str | None = None
    selection: dict | None = None  # the ``claim[key=value]`` narrowing, if any

    def to_json(self) -> dict:
        data = self.claim.meta_json()
        data.update(verdict=self.verdict.value, reason=self.reason, seconds=self.seconds,
                    evidence=[e.to_json() for e in self.evidence])
        if self.mutant:
            data["mutant"] = self.mutant
        if self.selection:
            data["selection"] = self.selection
        return data


def run_check(claim: Claim, check, seed: int, budget: Budget, instance: dict | None = None,
              progress: Callable[[float, str], None] | None = None, options: dict | None = None,
              mutant: str | None = None, selection: dict | None = None) -> Evidence:
    """Run one check; claim code that raises becomes an ERROR evidence with its traceback."""
    ctx = Context(seed=seed, budget=budget, claim_id=claim.id, check_name=check.name, instance=instance,
                  progress=progress, options=dict(options or {}), mutant=mutant, selection=dict(selection or {}))
    start = time.perf_counter()
    try:
        return check.run(ctx)
    except InvalidInstance:
        raise
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - claim code crashing is reported, never fatal to the run
        return Evidence(check=check.name, kind=getattr(check, "kind", "?"), basis=getattr(check, "basis", "numeric"),
                        verdict=Verdict.ERROR, seconds=round(time.perf_counter() - start, 4),
                        reason=f"{type(exc).__name__}: {exc}", details={"traceback": traceback.format_exc()})


def execute_task(task: CheckTask, progress: Callable[[float, str], None] | None = None) -> dict:
    """Worker entry point: rebuild the claim from its ref and run one check. Returns Evidence JSON."""
    claim = resolve(task.ref)
    check = next(c for c in claim.checks if c.name == task.check)
    evidence = run_check(claim, check, task.seed, Budget(task.budget), task.instance, mutant=task.ref.mutant,
                         selection=task.selection, progress=progress)
    if evidence.reproducer and task.ref.origin != BUILTIN:  # a user claim replays only with its file or module
        evidence.reproducer = evidence.reproducer.replace(
            "proofcheck run ", f"proofcheck run --claims {shlex.quote(task.ref.origin)} ", 1)
    return evidence.to_json()


def tasks_for(refs: Iterable[ClaimRef], claims: dict[str, Claim], seed: int, budget: Budget,
              instance: dict | None = None, only_check: str | None = None,
              selections: dict[str, dict] | None = None) -> list[CheckTask]:
    """One task per (claim, check); ``selections`` maps a claim id to its ``claim[key=value]`` selection."""
    tasks = []
    for ref in refs:
        claim = claims[ref.id if ref.mutant is None else f"{ref.id}::{ref.mutant}"]
        chosen = (selections or {}).get(ref.id)
        sel = json.dumps(chosen, sort_keys=True) if chosen else None
        for check in claim.checks:
            if only_check is None or check.name == only_check:
                text = None if instance is None else json.dumps(instance, sort_keys=True)
                tasks.append(CheckTask(ref, check.name, seed, budget.name, text, sel))
    return tasks


def merge(refs: list[ClaimRef], claims: dict[str, Claim], results: dict[CheckTask, dict],
          tasks: list[CheckTask]) -> list[ClaimResult]:
    """Claim results in the order of ``refs``; a claim with unfinished tasks is left out."""
    out = []
    for ref in refs:
        key = ref.id if ref.mutant is None else f"{ref.id}::{ref.mutant}"
        mine = [t for t in tasks if t.ref == ref]
        if not all(t in results for t in mine):
            continue
        evidence = [Evidence.from_json(results[t]) for t in mine]
        verdict, reason = combine(evidence)
        out.append(ClaimResult(claims[key], verdict, reason, evidence,
                               seconds=round(sum(e.seconds for e in evidence), 4), mutant=ref.mutant,
                               selection=mine[0].selection if mine else None))
    return out


def run_sequential(tasks: list[CheckTask], on_done: Callable[[CheckTask, dict], None] | None = None,
                   progress_for: Callable[[CheckTask], Callable | None] | None = None) -> dict:
    """Run tasks in this process; ``progress_for(task)`` may give a per-check ``(fraction, message)`` callable."""
    results = {}
    for task in tasks:
        results[task] = execute_task(task, progress=progress_for(task) if progress_for else None)
        if on_done:
            on_done(task, results[task])
    return results
