"""The pool executor: checks run on local worker processes (``--jobs``; one worker with ``--jobs 1``).

Nothing claim code does may end, hang or silently shorten the run (issue 11): each worker runs one check at a time,
so the parent always knows which check a worker runs. A check past its time limit is stopped by killing its worker;
a worker that dies (``os._exit``, a segfault) costs only its own check; both become that check's ERROR with the
reason (:mod:`proofcheck.error_evidence`), and a fresh worker takes over. Workers end with their parent (SIGTERM,
kill -9), and use pipes only (no semaphores that Ctrl-C could leak). What a check starts stays in its worker's
session, and is ended when the check ends.

With more than one worker, checks that split their work run as parts on all workers (:class:`.base.Schedule`).

Threads: a pool of N processes on C cores gives each worker max(1, C // N) threads for compiled kernels (numba,
OpenMP), so that they do not oversubscribe the machine. Workers are forked from this process only while it runs no
other thread; otherwise they start from a clean ``forkserver`` (see :func:`_pool_context`).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection as mp_connection
import os
import signal
import sys
import time
from typing import Callable

from .. import error_evidence, interrupts, strays
from ..errors import InvalidInstance
from ..runner import CheckTask, PartTask, execute_task
from ..threads import limit_worker_threads
from .base import Executor, OnResult, Schedule, default_jobs, end_strays_of, split_counts

THREAD_VARIABLES = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _worker_init(threads: int) -> None:
    """Set up a pool worker: cap the threads of compiled kernels at ``threads``."""
    numba = sys.modules.get("numba")  # preloaded (forked worker): its thread pool may be sized already
    # numba re-reads NUMBA_NUM_THREADS at every dispatch and refuses a changed value once its pool runs,
    # so a preloaded numba keeps its variable and is narrowed with set_num_threads instead.
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES
                       if not (numba is not None and name == "NUMBA_NUM_THREADS")})
    limit_worker_threads()  # BLAS: one thread, also in libraries loaded already (the variables come too late there)
    if numba is not None:
        try:
            numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
        except (AttributeError, ValueError):  # pragma: no cover - numba without the threading API
            pass


def _threads_running() -> bool:
    """Whether this process runs threads besides the main one (Python threads, or numba's pool)."""
    import threading

    if threading.active_count() > 1:
        return True
    parallel = sys.modules.get("numba.np.ufunc.parallel")
    return bool(getattr(parallel, "_is_initialized", False))


def _pool_context():
    """How pool workers start.

    ``fork`` when this process runs no other thread (the usual command-line run, whose main process
    only dispatches): workers start at once with everything already imported. Otherwise (a live
    progress display's refresh thread, numba's thread pool after a compiled kernel ran here, as in
    a test session) a forked copy could inherit a lock held by another thread, so workers start
    from a ``forkserver`` that preloaded the engine and the built-in claims and never ran threads
    (``spawn`` where there is none).
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not _threads_running():
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    preload = ["proofcheck.runner", "proofcheck._builtin_preload"]
    context.set_forkserver_preload(preload)
    return context



def _die_with_parent() -> None:
    """Make this worker end when its parent is gone (SIGTERM or kill -9 of the parent included).

    Linux delivers SIGKILL on the parent's death (PR_SET_PDEATHSIG); elsewhere, and as a second
    guard, a thread notices the parent changed (the worker was re-parented) and exits.
    """
    import ctypes
    import threading

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # pragma: no cover - the parent died before prctl
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="proofcheck-parent-watch", daemon=True).start()


PROGRESS_INTERVAL = 0.2  # seconds between progress messages a worker sends


def _worker_main(conn, threads: int, path: list[str], environ: dict) -> None:
    """A pool worker: run the tasks the parent sends, one at a time, until told to stop.

    Messages to the parent: ``("progress", fraction, message)`` while a check runs, then
    ``("done", evidence_json)``. The claim code's output never reaches the parent's stdout.
    """
    interrupts.become_worker()
    _die_with_parent()
    strays.own_session()  # what a check starts stays in this worker's session: ended when the check ends
    # See modules and settings as the parent does now (a forkserver was started earlier, with older ones).
    os.environ.clear()
    os.environ.update(environ)
    sys.path[:] = list(dict.fromkeys(list(path) + sys.path))
    _worker_init(threads)
    try:
        os.dup2(2, 1)  # compiled code writing to fd 1 lands on stderr, not among proofcheck's own lines
    except OSError:  # pragma: no cover
        pass
    last = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            try:
                conn.send(("progress", float(fraction), str(message)))
            except (OSError, ValueError, TypeError):
                pass

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, parts = message
        try:
            evidence = end_strays_of(execute_task(task, progress=progress, parts=parts))
        except InvalidInstance as exc:  # the user's --instance was rejected: the parent makes it an input error
            strays.end_strays()
            conn.send(("invalid", str(exc)))
            continue
        try:
            conn.send(("done", evidence))
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - evidence that cannot be pickled: that check's ERROR
            conn.send(("done", error_evidence.unpicklable(task, exc, evidence.get("seconds") or 0.0)))


class _Worker:
    """One worker process and the task it runs (the parent always knows which check runs where)."""

    def __init__(self, context, threads: int):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, threads, list(sys.path), dict(os.environ)),
                                       name="proofcheck-worker")
        self.process.start()
        child.close()
        self.task: CheckTask | PartTask | None = None
        self.parts: list | None = None  # the part outputs the task reduces, if any
        self.started = 0.0
        self.began = 0.0  # when the time limit of the task's check began to run (see Schedule.began)
        self.deadline: float | None = None
        self.ended = False  # killed (or exited) for good: see kill()

    def give(self, task: CheckTask | PartTask, limit: float | None, parts: list | None = None,
             began: float | None = None) -> None:
        """Run ``task`` (with the part outputs it reduces); its ``limit`` counts from ``began`` (default: now)."""
        try:
            self.conn.send((task, parts))
        except (OSError, ValueError):  # the worker died already: its sentinel makes this task's ERROR
            pass
        self.task, self.parts, self.started = task, parts, time.monotonic()
        self.began = self.started if began is None else began
        self.deadline = None if limit is None else self.began + limit

    def kill(self) -> None:
        """Kill the worker with its session: whatever its check started goes with it. Once (``ended``): after that
        its process id is free, and another process may have it."""
        if self.process.pid is not None and not self.ended:
            # The id still names this worker's session: the worker is alive, or dead with members of its session alive
            # (the kernel does not hand out an id that a session still holds).
            strays.end_session(self.process.pid)
        self.ended = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        if not self.conn.closed:
            self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not within a moment. An idle worker ended its checks'
        strays already, so one that exits leaves its session alone."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=2)
        self.ended = self.ended or self.process.exitcode is not None
        self.kill()


def _drain(worker: _Worker, busy: list, idle: list, schedule: Schedule, progress_for) -> None:
    """Read what ``worker`` sent: progress goes to the display, a result finishes its task; a worker
    that died without a result makes its task an ERROR naming the exit status."""
    task, parts = worker.task, worker.parts
    while True:
        try:
            if not worker.conn.poll():
                break
            kind, *payload = worker.conn.recv()
        except (EOFError, OSError):
            break
        if kind == "progress":
            report = progress_for(task) if progress_for is not None else None
            if report is not None:
                report(schedule.fraction(task, payload[0]), *payload[1:])
        elif kind == "invalid":
            raise InvalidInstance(payload[0])
        elif kind == "done":
            busy.remove(worker)
            idle.append(worker)
            worker.task = worker.parts = None
            schedule.finish(task, payload[0], parts)
            return
    if not worker.process.is_alive():
        busy.remove(worker)
        worker.kill()
        schedule.finish(task, error_evidence.died(task, worker.process.exitcode, time.monotonic() - worker.started), parts)


class PoolExecutor(Executor):
    """Runs tasks on ``jobs`` worker processes (default: all cores); ``progress_for(task)`` gives live per-check
    progress, forwarded from the workers. With more than one worker, the checks that split their work run as
    ``PARTS_PER_WORKER * jobs`` parts; otherwise no more workers start than there are tasks.

    Each worker runs one check at a time, so the parent knows which check each worker runs: a check past its time
    limit (:meth:`Executor.time_limit`) is stopped by killing its worker, and a worker that dies (``os._exit``, a
    segfault) costs only the check it was running; in both cases that check is an ERROR saying what happened, a fresh
    worker takes over, and the run goes on.
    """

    mode = "processes"

    def __init__(self, jobs: int | None = None, progress_for: Callable[[CheckTask], Callable | None] | None = None,
                 timeout: float | None = None):
        super().__init__(timeout)
        self.jobs, self.progress_for = default_jobs() if jobs is None else jobs, progress_for

    def _plan(self, tasks: list[CheckTask]) -> tuple[int, dict]:
        """(workers to start, parts per split check) for ``tasks``."""
        split = split_counts(tasks, self.jobs) if self.jobs > 1 else {}
        return (self.jobs if split else min(self.jobs, len(tasks))), split  # a split check alone keeps all busy

    def submission_order(self, tasks, hints=None):
        if hints is None and self._plan(tasks)[0] <= 1:
            return list(tasks)  # one worker: nothing to even out
        return super().submission_order(tasks, hints)

    def run(self, tasks: list[CheckTask], on_result: OnResult) -> None:
        jobs, split = self._plan(tasks)
        threads = max(1, default_jobs() // max(1, jobs))
        context = _pool_context()
        queue = Schedule(tasks, split, on_result)
        self.info.update(jobs=jobs, parts=queue.parts)
        idle: list[_Worker] = []
        busy: list[_Worker] = []
        everyone: list[_Worker] = []  # every worker started, so that none outlives the run whatever happens
        try:
            while queue or busy:
                while queue and len(busy) < jobs:
                    if idle:
                        worker = idle.pop()
                    else:
                        worker = _Worker(context, threads)
                        everyone.append(worker)
                    task, parts = queue.next()
                    busy.append(worker)
                    worker.give(task, self.time_limit(task), parts, queue.began(task))
                now = time.monotonic()
                deadlines = [w.deadline for w in busy if w.deadline is not None]
                wait_for = max(0.0, min(deadlines) - now) if deadlines else None
                ready = set(mp_connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                                               timeout=wait_for))
                for worker in list(busy):
                    if worker.conn in ready or worker.process.sentinel in ready:
                        _drain(worker, busy, idle, queue, self.progress_for)
                    if worker in busy and worker.deadline is not None and time.monotonic() >= worker.deadline:
                        busy.remove(worker)
                        worker.kill()
                        queue.finish(worker.task, error_evidence.timed_out(worker.task, self.time_limit(worker.task),
                                                                           time.monotonic() - worker.began),
                                     worker.parts)
            for worker in idle:
                worker.stop()
        finally:
            for worker in everyone:
                worker.kill()
