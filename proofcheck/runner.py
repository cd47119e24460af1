"""Running claims: one task per (claim, check), executed in any order, merged in catalogue order.

Every check draws randomness from (seed, claim id, check name), so results do not depend on
how many workers ran the tasks or in which order.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import shlex
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import error_evidence, interrupts
from .inputs import data_files, recording
from .checks.base import Check, one_line_backend
from .context import Budget, Context
from .errors import ClaimCodeRaised, InvalidInstance
from .model import Claim, Evidence, Verdict, combine, decide_claim  # noqa: F401 (combine: re-exported)
from .registry import ClaimRef, catalogues, resolve


# How long a check of each kind usually takes, relative to the others: sweeps and bisections run many full
# iterations, derivations only sympy. Used only to order submissions when no timing of an earlier run is known.
KIND_WEIGHT = {"scaling": 100, "threshold": 50, "existence": 10, "probability": 5, "bound": 5, "identity": 2,
               "symbolic": 1}


def _attribute(check, name: str, default):
    """``check.name``, or ``default`` when the check has none or reading it raises (claim code may be anything)."""
    try:
        return getattr(check, name, default)
    except Exception:  # noqa: BLE001 - a check whose attribute raises runs (and is reported) like any other
        return default


@dataclass(frozen=True)
class CheckInfo:
    """What the executors need to know of a task's check, read once from the check object when the task is made
    (:func:`tasks_for`), so that the parent process never loads claim code to learn it (:mod:`proofcheck.execution`).
    It travels with the task to workers and Dask, but is no part of the task's identity: equality, hash and cache
    key (:meth:`CheckTask.identity`) ignore it, since it follows from the claim code, which the key covers."""

    kind: str = "?"
    basis: str = "numeric"
    time_limit: float | None = None  # seconds, the check's own ``time_limit`` (or ``timeout``); None: the budget's
    splits: bool = False  # ``Check.splits_into_parts``: runs as parts on every worker (a sweep's cells)
    weight: int = 5  # how long it likely takes, relative to other checks (KIND_WEIGHT): longest go out first

    @classmethod
    def of(cls, check) -> "CheckInfo":
        kind = _attribute(check, "kind", "?")
        limit = None
        for attribute in ("time_limit", "timeout"):
            own = _attribute(check, attribute, None)
            if isinstance(own, (int, float)) and not isinstance(own, bool) and own > 0:
                limit = float(own)
                break
        return cls(kind=kind if isinstance(kind, str) else "?",
                   basis=str(_attribute(check, "basis", "numeric")), time_limit=limit,
                   splits=bool(_attribute(check, "splits_into_parts", False)),
                   weight=KIND_WEIGHT.get(kind, 5) if isinstance(kind, str) else 5)


@dataclass(frozen=True)
class CheckTask:
    ref: ClaimRef
    check: str
    seed: int
    budget: str
    instance_json: str | None = None  # a JSON string, so that tasks stay hashable
    selection_json: str | None = None  # ``claim[key=value]`` narrowing (proofcheck.selection), as JSON
    plots: bool | None = None  # render figures (None: each check's default at the budget); part of the cache key
    # The check's metadata (filled by tasks_for; a task made by hand gets the defaults): not part of its identity.
    info: CheckInfo = field(default=CheckInfo(), compare=False)

    def identity(self) -> dict:
        """The task's fields that decide its result, as JSON-ready data (for cache keys): all but ``info``."""
        fields = dataclasses.asdict(self)
        fields.pop("info")
        return fields

    @property
    def instance(self) -> dict | None:
        return None if self.instance_json is None else json.loads(self.instance_json)

    @property
    def selection(self) -> dict:
        return {} if self.selection_json is None else json.loads(self.selection_json)


@dataclass(frozen=True)
class PartTask:
    """Part ``index`` of ``of`` of a check that splits its work (:attr:`Check.splits_into_parts`, e.g. a share of
    a scaling sweep's cells), run on any worker like a task. What it returns is not evidence but input to the
    check's own task, which runs once every part is back (:mod:`proofcheck.execution`). The split changes no result:
    each unit of work depends only on (seed, claim, check) and itself."""

    task: CheckTask
    index: int
    of: int

    # read like the task's, so that progress, time limits and ERROR evidence treat a part as its check
    ref = property(lambda self: self.task.ref)
    check = property(lambda self: self.task.check)
    budget = property(lambda self: self.task.budget)
    info = property(lambda self: self.task.info)
    instance = property(lambda self: self.task.instance)
    selection = property(lambda self: self.task.selection)


def whole(task: "CheckTask | PartTask") -> CheckTask:
    """The check task a task or part belongs to."""
    return task.task if isinstance(task, PartTask) else task


@dataclass
class ClaimResult:
    claim: Claim
    verdict: Verdict
    reason: str
    evidence: list[Evidence]
    seconds: float = 0.0
    mutant: str | None = None
    selection: dict | None = None  # the ``claim[key=value]`` narrowing, if any
    scope: str = ""  # for a PASS: the regimes it decided, in words (model.Decision.scope); "" when not applicable

    def to_json(self) -> dict:
        data = self.claim.meta_json()
        data.update(verdict=self.verdict.value, reason=self.reason, scope=self.scope, seconds=self.seconds,
                    evidence=[e.to_json() for e in self.evidence])
        if self.mutant:
            data["mutant"] = self.mutant
        if self.selection:
            data["selection"] = self.selection
        return data


def _failed(check, reason: str, start: float, details: dict | None = None) -> Evidence:
    """ERROR evidence (:mod:`proofcheck.error_evidence`) for ``check`` (or its name), which began at ``start``."""
    return error_evidence.of_check(check, reason, time.perf_counter() - start, details)


def describe_exception(exc: BaseException) -> str:
    """One line naming what claim code raised; ``sys.exit`` and friends say so plainly."""
    if isinstance(exc, ClaimCodeRaised):  # names the instance and where it raised
        return exc.sentence()
    if isinstance(exc, SystemExit):
        return f"claim code called sys.exit({exc.code!r}) (SystemExit)"
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)) and not str(exc):
        return f"claim code raised {type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"


def malformed_evidence(evidence, check) -> str | None:
    """Why what a check returned is not usable Evidence (None when it is)."""
    if not isinstance(evidence, Evidence):
        return f"check {getattr(check, 'name', '?')!r} returned {type(evidence).__name__}, not a proofcheck Evidence"
    if not isinstance(evidence.verdict, Verdict):
        return f"check {evidence.check!r} returned evidence whose verdict {evidence.verdict!r} is not a Verdict"
    if not isinstance(evidence.details, dict):
        return f"check {evidence.check!r} returned evidence whose details are {type(evidence.details).__name__}, not a dict"
    if not isinstance(evidence.artifacts, list):
        return f"check {evidence.check!r} returned evidence whose artifacts are {type(evidence.artifacts).__name__}, not a list"
    for name in ("instances", "seconds"):
        value = getattr(evidence, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"check {evidence.check!r} returned evidence whose {name} is {value!r}, not a number"
    try:
        json.dumps(evidence.to_json(), default=str)
    except (TypeError, ValueError, RecursionError) as exc:
        return f"check {evidence.check!r} returned evidence that cannot be written as JSON ({exc})"
    return None


# What a check raises when a replayed instance (``--instance``) has the wrong shape or types, e.g. a
# string or a ragged list where a matrix is expected: an input error (exit 2), not a claim's ERROR.
INSTANCE_MISFITS = (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError)


def run_check(claim: Claim, check, seed: int, budget: Budget, instance: dict | None = None,
              progress: Callable[[float, str], None] | None = None, options: dict | None = None,
              mutant: str | None = None, selection: dict | None = None, part: tuple[int, int] | None = None,
              parts: list | None = None) -> Evidence | dict:
    """Run one check; whatever claim code does becomes that check's Evidence, never the end of the run.

    ``part=(index, of)`` runs only that part of a check that splits its work and returns
    ``{"part": index, "of": of, "output": ..., "seconds": ...}`` (or ERROR evidence); ``parts`` hands the
    outputs of all its parts, in order, to the check's own evaluation (``ctx.parts``).

    Any exception, including BaseExceptions (``sys.exit`` in a check, a KeyboardInterrupt or a
    GeneratorExit raised by the code itself), and malformed return values become an ERROR evidence
    with the reason and traceback. Two things still propagate: the user's own Ctrl-C (a signal,
    see :mod:`proofcheck.interrupts`), and InvalidInstance for an instance the *user* gave
    (``--instance``: an input error); an InvalidInstance during the check's own search is an ERROR.
    """
    ctx = Context(seed=seed, budget=budget, claim_id=claim.id, check_name=check.name, instance=instance,
                  progress=progress, options=dict(options or {}), mutant=mutant, selection=dict(selection or {}),
                  parts=parts)
    start = time.perf_counter()
    try:
        if part is not None:
            output = check.run_part(ctx, *part)
            return {"part": part[0], "of": part[1], "output": output,
                    "seconds": round(time.perf_counter() - start, 4)}
        if getattr(type(check), "run", None) is Check.run:  # the usual run(): evaluate and time it here, so
            evidence = check.evaluate(ctx)                  # that a malformed return value is named as such
            if isinstance(evidence, Evidence):
                evidence.seconds = round(time.perf_counter() - start, 4)
        else:
            evidence = check.run(ctx)
    except InvalidInstance as exc:
        if instance is not None:
            raise
        return _failed(check, f"claim code raised InvalidInstance during its own search: {exc}", start,
                       {"traceback": traceback.format_exc()})
    except ClaimCodeRaised as exc:  # claim code raised at an instance: the ERROR names both (issue 22)
        if instance is not None and isinstance(exc.original, INSTANCE_MISFITS):  # the user's --instance misfits
            raise InvalidInstance(f"check {check.name!r} cannot use it ({exc.sentence()})") from None
        return _failed(check, exc.sentence(), start, {"traceback": traceback.format_exc(), "raised_at": {
            "instance": exc.instance, "where": exc.where, "exception": f"{type(exc.original).__name__}: {exc.original}"}})
    except INSTANCE_MISFITS as exc:
        if instance is not None:  # the user's --instance does not have the shape or types the check reads
            raise InvalidInstance(f"check {check.name!r} cannot use it ({type(exc).__name__}: {exc})") from None
        return _failed(check, describe_exception(exc), start, {"traceback": traceback.format_exc()})
    except BaseException as exc:  # noqa: BLE001 - claim code crashing is reported, never fatal to the run
        if not interrupts.raised_by_claim_code(exc):
            raise
        return _failed(check, describe_exception(exc), start, {"traceback": traceback.format_exc()})
    problem = malformed_evidence(evidence, check)
    if problem is not None:
        return _failed(check, f"malformed evidence: {problem}", start)
    return one_line_backend(evidence)  # whatever set the backend (claim code may, after evidence())


OUTPUT_LIMIT = 20_000  # characters of claim output kept in the evidence


def execute_task(task: CheckTask | PartTask, progress: Callable[[float, str], None] | None = None,
                 parts: list | None = None, claim: Claim | None = None) -> dict:
    """Worker entry point: rebuild the claim from its ref and run one check. Returns Evidence JSON.

    A :class:`PartTask` returns its part's output instead (see :func:`run_check`), or ERROR evidence;
    ``parts`` are the outputs of a split check's parts, for the check's own task.
    Never raises for anything claim code does (loading the claim included), except the user's
    interruption and a rejected ``--instance``. What the claim code prints is captured and kept in
    ``details["output"]``: it cannot forge lines of proofcheck's own output (annotations, --quiet).
    ``claim``: the claim itself, loaded in this process already (:func:`proofcheck.testing.run_claim`), used instead
    of resolving ``task.ref``; such a claim has no file for its reproducer to name.
    """
    part = (task.index, task.of) if isinstance(task, PartTask) else None
    task = whole(task)
    start = time.perf_counter()
    captured = io.StringIO()
    handed_over = claim is not None
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), recording() as reads:
            claim = claim if handed_over else resolve(task.ref)
            check = next((c for c in claim.checks if c.name == task.check), None)
            if check is None:
                evidence = _failed(task.check, f"claim {task.ref.id!r} has no check {task.check!r}", start)
            else:
                evidence = run_check(claim, check, task.seed, Budget(task.budget), task.instance,
                                     mutant=task.ref.mutant, selection=task.selection, progress=progress,
                                     options=None if task.plots is None else {"plots": task.plots},
                                     part=part, parts=[p["output"] for p in parts] if parts is not None else None)
    except InvalidInstance:
        raise
    except BaseException as exc:  # noqa: BLE001 - loading the claim failed (in a worker, or claim code at import)
        if not interrupts.raised_by_claim_code(exc):
            raise
        evidence = _failed(task.check, f"could not load the claim: {describe_exception(exc)}", start,
                          {"traceback": traceback.format_exc()})
    read = data_files(reads)  # the data files the check read (proofcheck.inputs), its parts' included
    for p in parts or ():
        read.update(p.get("inputs") or {})
    if isinstance(evidence, dict):  # a part's output (what its cells print travels with them: Scaling.run_part)
        return dict(evidence, inputs=read) if read else evidence
    if read:
        evidence.inputs = dict(sorted({**evidence.inputs, **read}.items()))
    output = captured.getvalue()
    if output:
        evidence.details = dict(evidence.details, output=output[:OUTPUT_LIMIT])
    if evidence.reproducer and not handed_over and task.ref.origin not in catalogues():  # a user claim replays only with its file or module
        evidence.reproducer = evidence.reproducer.replace(
            "proofcheck run ", f"proofcheck run --claims {shlex.quote(task.ref.origin)} ", 1)
    return evidence.to_json()


def tasks_for(refs: Iterable[ClaimRef], claims: dict[str, Claim], seed: int, budget: Budget,
              instance: dict | None = None, only_check: str | None = None,
              selections: dict[str, dict] | None = None, plots: bool | None = None) -> list[CheckTask]:
    """One task per (claim, check); ``selections`` maps a claim id to its ``claim[key=value]`` selection;
    ``plots`` whether checks render figures (None: each check's default at the budget)."""
    tasks = []
    for ref in refs:
        claim = claims[ref.id if ref.mutant is None else f"{ref.id}::{ref.mutant}"]
        chosen = (selections or {}).get(ref.id)
        sel = json.dumps(chosen, sort_keys=True) if chosen else None
        for check in claim.checks:
            if only_check is None or check.name == only_check:
                text = None if instance is None else json.dumps(instance, sort_keys=True)
                tasks.append(CheckTask(ref, check.name, seed, budget.name, text, sel, plots, CheckInfo.of(check)))
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
        decision = decide_claim(claims[key], evidence)
        out.append(ClaimResult(claims[key], decision.verdict, decision.reason, evidence,
                               seconds=round(sum(e.seconds for e in evidence), 4), mutant=ref.mutant,
                               selection=mine[0].selection if mine else None, scope=decision.scope))
    return out
