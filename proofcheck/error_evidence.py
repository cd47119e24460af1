"""ERROR evidence, built here and nowhere else.

A check's ERROR comes from one of two places, and both build it with :func:`error_evidence`:

- inside the process that ran the check (:mod:`proofcheck.runner`): claim code raised, returned malformed evidence,
  or its claim could not be loaded; the check object (or only its name) is at hand: :func:`of_check`;
- in the executor that ran it (:mod:`proofcheck.execution`): the worker died, ran past the time limit, could not
  send its evidence back, or the Dask scheduler was lost; the parent has only the task, whose
  :class:`~proofcheck.runner.CheckInfo` says the check's kind and basis: :func:`of_task` and the sentences below.

This module depends on :mod:`proofcheck.model` only, so that every room may import it.
"""
from __future__ import annotations

import signal

from .model import Evidence, Verdict


def error_evidence(check: str, reason: str, seconds: float, *, kind: str = "?", basis: str = "numeric",
                   details: dict | None = None) -> Evidence:
    """The ERROR evidence of check ``check``: ``reason`` in one line, ``seconds`` it ran (rounded as all evidence is)."""
    return Evidence(check=check, kind=kind, basis=basis, verdict=Verdict.ERROR, seconds=round(seconds, 4),
                    reason=reason, details=details or {})


def of_check(check, reason: str, seconds: float, details: dict | None = None) -> Evidence:
    """ERROR evidence for a check object (its kind and basis read from it), or for a check known only by name."""
    return error_evidence(getattr(check, "name", str(check)), reason, seconds, kind=getattr(check, "kind", "?"),
                          basis=getattr(check, "basis", "numeric"), details=details)


def of_task(task, reason: str, seconds: float, execution: str) -> dict:
    """ERROR evidence JSON for a task (or a part of one) that its executor could not bring to an end; ``execution``
    says what happened to it (``details.execution``). Kind and basis come from the task's ``info``: the parent
    never loads claim code to learn them."""
    info = task.info
    return error_evidence(task.check, reason, seconds, kind=info.kind, basis=info.basis,
                          details={"execution": execution}).to_json()


def crashed(task, exc: BaseException, seconds: float = 0.0) -> dict:
    """ERROR evidence for a task whose worker died or could not run it (the run goes on)."""
    return of_task(task, f"worker failed: {type(exc).__name__}: {exc}", seconds,
                   "the worker process running this check died or could not run it")


def died(task, exitcode: int | None, seconds: float) -> dict:
    """ERROR evidence for the check whose worker process died under it (os._exit, a segfault...)."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    return of_task(task, f"worker failed: the worker process died while running this check ({how})",
                   seconds, "the worker process running this check died; the other checks ran on")


def timed_out(task, limit: float, seconds: float) -> dict:
    """ERROR evidence for a check stopped at its time limit of ``limit`` seconds."""
    return of_task(task, f"exceeded {limit:g} s: the check was stopped at its time limit", seconds,
                   f"stopped after {seconds:.1f} s (time limit {limit:g} s; set with --timeout, "
                   "or the check's time_limit)")


def unpicklable(task, exc: BaseException, seconds: float) -> dict:
    """ERROR evidence for a check whose evidence could not be sent back from its worker."""
    return of_task(task, f"malformed evidence: it cannot be sent back from the worker ({type(exc).__name__}: {exc})",
                   seconds, "the evidence could not be pickled")
