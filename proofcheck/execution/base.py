"""What every executor shares: the :class:`Executor` interface, the schedule of tasks and split parts, time limits,
ending a check's stray processes, and in-order delivery.

An executor runs check tasks somewhere (this process, worker processes, a Dask cluster) and calls
``on_result(task, evidence_json)`` once per task as it finishes. It never looks at the cache, the timing hints or the
order of delivery: :func:`proofcheck.execution.run_tasks` does, around whichever executor it picks.
"""
from __future__ import annotations

import os
import time
from collections import deque
from typing import Callable, Iterable

from .. import strays
from ..runner import CheckTask, PartTask, whole

OnResult = Callable[[CheckTask, dict], None]


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# -- time limits ------------------------------------------------------------------------------------

# Seconds one check may run, per budget, unless the check sets ``time_limit`` or the CLI ``--timeout``.
# Generous on purpose: the slowest built-in check takes about 35 s at the standard budget on 2 cores;
# the limit exists to end a check that never returns, not to judge speed.
BUDGET_TIME_LIMITS = {"quick": 600.0, "standard": 1800.0, "deep": 4 * 3600.0}


def time_limit_for(task: CheckTask, override: float | None = None) -> float | None:
    """Seconds ``task`` may run: ``override`` (the CLI's ``--timeout``; 0 = no limit) when given,
    else the check's own ``time_limit`` (or ``timeout``) attribute (``task.info``), else the budget's default."""
    if override is not None:
        return float(override) if override > 0 else None
    if task.info.time_limit is not None:
        return task.info.time_limit
    return BUDGET_TIME_LIMITS.get(task.budget, BUDGET_TIME_LIMITS["standard"])


# -- the interface ----------------------------------------------------------------------------------

class Executor:
    """Runs check tasks: ``run(tasks, on_result)`` calls ``on_result(task, evidence_json)`` once per task, as each
    finishes (in any order), and returns when every task has finished. Anything claim code does becomes that task's
    ERROR evidence (:mod:`proofcheck.error_evidence`); the user's interruption (KeyboardInterrupt) and a rejected
    ``--instance`` (InvalidInstance) propagate, after the executor has stopped what it started.

    A subclass sets ``mode`` (the report's ``run.execution``) and implements :meth:`run`; ``info`` says how the last
    run went (``jobs``: workers used; ``mode``; ``parts``: how many parts the checks that split their work ran as).
    ``timeout`` overrides every check's time limit (the CLI's ``--timeout``; 0 = none), for the executors that can
    enforce one.
    """

    mode = "?"

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout
        self.info = {"jobs": 0, "mode": self.mode, "parts": 0}

    def time_limit(self, task) -> float | None:
        """Seconds ``task`` (or a part of it: the part shares its check's limit) may run."""
        return time_limit_for(whole(task), self.timeout)

    def submission_order(self, tasks: list[CheckTask], hints=None) -> list[CheckTask]:
        """The order to hand ``tasks`` out in: longest first by the timings of earlier runs (``hints``,
        :class:`~proofcheck.cache.TimingHints`) when there are some, else by kind (:func:`likely_longest_first`).
        The order changes no result: every task has its own seed."""
        return hints.order(tasks) if hints is not None else likely_longest_first(tasks)

    def run(self, tasks: list[CheckTask], on_result: OnResult) -> None:
        raise NotImplementedError


def likely_longest_first(tasks: list[CheckTask]) -> list[CheckTask]:
    """``tasks`` with the kinds that usually take longest first (``CheckInfo.weight``; ties keep their order), so
    that a pool does not start a long sweep last while the other workers idle."""
    return sorted(tasks, key=lambda t: -t.info.weight)


class InOrder:
    """Calls ``on_done`` in the order of ``tasks`` (so logs do not depend on which worker finished first): a task
    that finishes early waits until those before it are delivered."""

    def __init__(self, tasks: list[CheckTask], on_done):
        self.order, self.on_done, self.next, self.ready = list(tasks), on_done, 0, {}

    def __call__(self, task, evidence) -> None:
        if self.on_done is None:
            return
        self.ready[task] = evidence
        while self.next < len(self.order) and self.order[self.next] in self.ready:
            done = self.order[self.next]
            self.next += 1
            self.on_done(done, self.ready.pop(done))


# -- split checks -----------------------------------------------------------------------------------

# A check that splits into parts (a sweep's cells) is cut into this many parts per worker: many more parts than
# workers, so that parts of unequal cost even out across the workers and the other checks (a part costs one task
# dispatch and one enumeration of the grid). The count changes no result.
PARTS_PER_WORKER = 8


class Schedule:
    """What runs next, and what a finished task or part means.

    Tasks go out in ``order``. A check in ``split`` goes out as its parts (:class:`~proofcheck.runner.PartTask`);
    when every part is back, the check's own task goes to the front of the queue with their outputs, to reduce them
    to its evidence. A part that ends in ERROR (claim code raised, its worker died or ran past the time limit) makes
    the check an ERROR with that reason (the lowest-numbered such part, so that the reason does not depend on which
    worker finished first). A check's ``seconds`` are its parts' and its own, and its time limit counts from its
    first part's start (:meth:`began`). Each finished check goes to ``on_result``.
    """

    def __init__(self, order: list[CheckTask], split: dict[CheckTask, int], on_result: OnResult):
        self.queue: deque = deque()
        self.on_result = on_result
        self.back: dict[CheckTask, dict] = {}  # split check -> {part index: what the part returned}
        self.inputs: dict[CheckTask, list] = {}  # split check ready to reduce -> its parts' outputs, in order
        self.parts = 0  # parts handed out in all
        self.began_at: dict[CheckTask, float] = {}  # split check -> when its first part started
        for task in order:
            if split.get(task, 0) > 1:
                self.back[task] = {}
                self.parts += split[task]
                self.queue.extend(PartTask(task, i, split[task]) for i in range(split[task]))
            else:
                self.queue.append(task)

    def __bool__(self) -> bool:
        return bool(self.queue)

    def __len__(self) -> int:
        return len(self.queue)

    def next(self) -> tuple:
        """(task or part, the parts' outputs for a check that reduces them, else None)."""
        task = self.queue.popleft()
        return task, self.inputs.pop(task, None)

    def began(self, task) -> float:
        """When ``task``'s check began, for its time limit: a split check's limit counts from its first part's start
        (its parts and its reduction share it, as they would share it in one task); any other task's from now."""
        now = time.monotonic()
        check = whole(task)
        if check not in self.back and check not in self.inputs and check not in self.began_at:
            return now
        return self.began_at.setdefault(check, now)

    def fraction(self, task, fraction: float) -> float:
        """How far ``task``'s check has come when ``task`` is ``fraction`` done (a part: with its finished parts)."""
        if not isinstance(task, PartTask):
            return fraction
        return (len(self.back.get(task.task, ())) + fraction) / task.of

    def finish(self, task, payload: dict, parts: list | None = None) -> None:
        """Record what ``task`` (a check, or a part of one) returned; ``parts``: the outputs it reduced."""
        if not isinstance(task, PartTask):
            if parts:
                payload = dict(payload, seconds=round((payload.get("seconds") or 0.0)
                                                      + sum(p.get("seconds") or 0.0 for p in parts), 4))
                payload = _with_parts_strays(payload, parts)
            self.on_result(task, payload)
            return
        back = self.back.get(task.task)
        if back is None:  # its check has finished already
            return
        back[task.index] = payload
        if len(back) < task.of:
            return
        del self.back[task.task]
        outputs = [back[i] for i in range(task.of)]
        failed = [p for p in outputs if "part" not in p]  # ERROR evidence instead of a part's output
        if failed:
            details = dict(failed[0].get("details") or {}, part=f"{outputs.index(failed[0]) + 1} of {task.of}")
            self.finish(task.task, dict(failed[0], details=details), [p for p in outputs if "part" in p])
        else:
            self.inputs[task.task] = outputs
            self.queue.appendleft(task.task)


def split_counts(tasks: Iterable[CheckTask], workers: int) -> dict[CheckTask, int]:
    """How many parts each check of ``tasks`` that splits its work (``CheckInfo.splits``) runs as on ``workers``."""
    return {task: PARTS_PER_WORKER * workers for task in tasks if task.info.splits}


# -- stray processes --------------------------------------------------------------------------------

def _with_parts_strays(evidence: dict, parts: list) -> dict:
    """A split check's evidence saying which processes its parts left running and were ended (``details.strays``)."""
    ended = [p for part in parts for p in (part.get("strays") or {}).get("processes", ())]
    if not ended:
        return evidence
    mine = (evidence.get("details") or {}).get("strays") or {}
    ended += mine.get("processes", [])
    return dict(evidence, details=dict(evidence.get("details") or {},
                                       strays={"summary": strays.summary(ended), "processes": ended}))


def end_strays_of(evidence: dict, exclude=(), session: bool = True) -> dict:
    """``evidence`` (or a part's output) after ending the processes its check left running (:mod:`proofcheck.strays`):
    when there were some, its details say which (``details.strays``: a sentence and the list), as does a part's
    output (``strays``, carried to its check's evidence by :meth:`Schedule.finish`)."""
    # In this process (``session`` False), SIGKILL at once: a forked copy of this process would answer SIGTERM with the
    # run's own interruption handler (proofcheck.interrupts) and carry on as proofcheck, writing a partial report.
    ended = strays.end_strays(exclude=exclude, session=session, grace=strays.GRACE_SECONDS if session else 0.0)
    if not ended:
        return evidence
    record = {"summary": strays.summary(ended), "processes": ended}
    if "part" in evidence:
        return dict(evidence, strays=record)
    return dict(evidence, details=dict(evidence.get("details") or {}, strays=record))
