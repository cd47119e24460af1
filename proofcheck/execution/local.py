"""The local executor: checks run one after the other in this process.

No isolation: a check that never returns hangs the run, one that calls ``os._exit`` ends it, and no time limit can be
enforced. So the command line never uses it (even ``--jobs 1`` runs in one worker process: :mod:`.pool`); the library
does, for debugging (``run_tasks(..., isolate=False)``), in tests (:func:`proofcheck.testing.run_claim`), in the
pytest plugin and the self-test. What it does keep: the processes a check leaves running are ended when it ends
(those this process had before are kept), and compiled kernels use one BLAS thread, as in the workers.
"""
from __future__ import annotations

from typing import Callable

from .. import strays
from ..runner import CheckTask, execute_task
from ..threads import limited_threads
from .base import Executor, OnResult, end_strays_of


class LocalExecutor(Executor):
    """Runs tasks in this process, in the order given. ``progress_for(task)`` may give a ``(fraction, message)``
    callable for live progress; ``claims`` maps a task's ``ref`` to its claim object when the claim is loaded here
    already and is not to be looked up again (:func:`proofcheck.testing.run_claim`'s claims may be in no registry)."""

    mode = "in-process"

    def __init__(self, progress_for: Callable[[CheckTask], Callable | None] | None = None, claims: dict | None = None):
        super().__init__()
        self.progress_for, self.claims = progress_for, claims or {}

    def submission_order(self, tasks, hints=None):
        return list(tasks)  # one after the other, in the catalogue's order: nothing to even out

    def run(self, tasks: list[CheckTask], on_result: OnResult) -> None:
        self.info.update(jobs=1, parts=0)
        with strays.subreaping():
            for task in tasks:
                before = set(strays.descendants(session=False))
                progress = self.progress_for(task) if self.progress_for else None
                with limited_threads():  # BLAS: one thread, as in the workers (proofcheck.threads)
                    evidence = execute_task(task, progress=progress, claim=self.claims.get(task.ref))
                on_result(task, end_strays_of(evidence, exclude=before, session=False))

