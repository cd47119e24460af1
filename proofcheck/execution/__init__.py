"""Executing check tasks: one interface, three executors, and :func:`run_tasks`, which picks one.

Every executor (:class:`~.base.Executor`) has the same ``run(tasks, on_result)``: it runs each task and calls
``on_result(task, evidence_json)`` once per task as it finishes.

- :class:`~.local.LocalExecutor`: in this process, one after the other (no isolation; the library's ``isolate=False``,
  tests, the pytest plugin);
- :class:`~.pool.PoolExecutor`: on local worker processes (``--jobs``; also for ``--jobs 1``, so that nothing claim
  code does can end or hang the run);
- :class:`~.dask.DaskExecutor`: on a Dask distributed scheduler (``--scheduler``).

Each runs the same picklable worker entry, :func:`proofcheck.runner.execute_task`, which rebuilds the claim from its
:class:`~proofcheck.registry.ClaimRef` and draws all randomness from (seed, claim, check). So verdicts and numbers do
not depend on the executor, the number of workers or the completion order (``tests/test_execution.py``). What an
executor needs to know of a check (kind, basis, time limit, whether it splits, how long it likely takes) travels on
the task (:class:`~proofcheck.runner.CheckInfo`, filled by ``tasks_for``): the parent never loads claim code again.

Checks that split their work (``Check.splits_into_parts``: a scaling sweep's cells) run, with more than one worker, as
parts on all workers; when every part is back, the check's own task reduces them to its evidence
(:class:`~.base.Schedule`). A cell's measurement depends only on the cell and the seeds, so the evidence is the one a
single job computes (``tests/test_split_sweeps.py``).

Adding an executor: subclass :class:`~.base.Executor` in a module of this package, set ``mode``, implement ``run``
(hand out :class:`~.base.Schedule`'s tasks and parts, give each finished one to ``Schedule.finish``, build every
ERROR with :mod:`proofcheck.error_evidence`), and choose it in :func:`executor_for`.
"""
from __future__ import annotations

from typing import Callable

from .. import interrupts
from ..cache import TimingHints
from ..runner import CheckTask
from .base import BUDGET_TIME_LIMITS, Executor, InOrder, default_jobs, likely_longest_first, time_limit_for
from .dask import DaskExecutor, check_scheduler_address
from .local import LocalExecutor
from .pool import PoolExecutor

__all__ = ["BUDGET_TIME_LIMITS", "DaskExecutor", "Executor", "LocalExecutor", "PoolExecutor",
           "check_scheduler_address", "default_jobs", "executor_for", "likely_longest_first", "run_tasks",
           "time_limit_for"]


def executor_for(*, jobs: int | None = None, scheduler=None, isolate: bool = True,
                 progress_for: Callable[[CheckTask], Callable | None] | None = None, timeout: float | None = None,
                 log: Callable[[str], None] | None = None) -> Executor:
    """The executor for these options: Dask when a ``scheduler`` is given; else this process for one job without
    isolation (``isolate=False``); else ``jobs`` worker processes (default: all cores)."""
    if scheduler is not None:
        return DaskExecutor(scheduler, timeout=timeout, log=log)
    if (default_jobs() if jobs is None else jobs) <= 1 and not isolate:
        return LocalExecutor(progress_for)
    return PoolExecutor(jobs, progress_for=progress_for, timeout=timeout)


def run_tasks(tasks: list[CheckTask], results: dict | None = None, *, jobs: int | None = None, scheduler=None,
              cache=None, on_done: Callable[[CheckTask, dict], None] | None = None,
              progress_for: Callable[[CheckTask], Callable | None] | None = None,
              timeout: float | None = None, log: Callable[[str], None] | None = None,
              info: dict | None = None, isolate: bool = True) -> dict:
    """Run every task, filling ``results`` (task -> evidence JSON) as tasks finish; returns ``results``.

    Cached results (see :mod:`proofcheck.cache`) are taken first and reported through ``on_done``
    like fresh ones. The rest run on the executor :func:`executor_for` picks: on the Dask ``scheduler`` when given,
    else on ``jobs`` worker processes (default: all cores). Even one job runs in a worker process, so that nothing
    the claim code does (``os._exit``, a segfault, a check that never returns) can end or hang the run:
    every check has a time limit (:func:`time_limit_for`; ``timeout`` overrides it, 0 = none).
    ``isolate=False`` runs one job in this process instead (no protection; for debugging and
    library use). ``progress_for(task)`` gives live per-check progress (forwarded from workers). With a cache, every
    result is stored as it finishes, every run records how long each check took, and the longest checks are started
    first (:class:`~proofcheck.cache.TimingHints`); ``on_done`` still follows the order of ``tasks``. ``info``
    receives how the run was executed (``jobs``: worker processes actually used, or Dask workers seen; ``mode``;
    ``parts``: how many parts the checks that split their work ran as, 0 when none did).
    The user's Ctrl-C (or SIGTERM) propagates as KeyboardInterrupt after the workers are stopped;
    ``results`` then holds what finished. Anything claim code does is its check's ERROR.
    """
    results = {} if results is None else results
    info = {} if info is None else info
    pending = []
    for task in tasks:
        hit = cache.get(task) if cache is not None else None
        if hit is not None:
            results[task] = hit
            if on_done is not None:
                on_done(task, hit)
        else:
            pending.append(task)
    info.update(jobs=0, mode="cache", parts=0)
    if not pending:
        return results
    executor = executor_for(jobs=jobs, scheduler=scheduler, isolate=isolate, progress_for=progress_for,
                            timeout=timeout, log=log)
    hints = TimingHints(cache.directory) if cache is not None and cache.write else None
    deliver = InOrder(pending, on_done)

    def on_result(task, evidence):  # recorded the moment it finishes; delivered to on_done in order
        results[task] = evidence
        if cache is not None:
            cache.put(task, evidence)
        if hints is not None:
            hints.record(task, evidence.get("seconds") or 0.0)
        deliver(task, evidence)

    try:
        with interrupts.watching():
            executor.run(executor.submission_order(pending, hints), on_result)
    finally:
        info.update(executor.info)
        if hints is not None:
            hints.save()
    return results
