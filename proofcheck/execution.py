"""Executing check tasks: on local worker processes (``--jobs``), or on Dask (``--scheduler``).

Every backend runs the same picklable worker entry, :func:`proofcheck.runner.execute_task`, which
rebuilds the claim from its :class:`~proofcheck.registry.ClaimRef` and draws all randomness from
(seed, claim, check). So verdicts and numbers do not depend on the backend, the number of workers
or the completion order (``tests/test_execution.py`` checks this).

Nothing claim code does may end, hang or silently shorten the run (issue 11): local checks run in
worker processes that each run one check at a time (:func:`run_pool`; one worker with ``--jobs 1``),
so the parent always knows which check a worker runs. A check past its time limit is stopped by
killing its worker; a worker that dies (``os._exit``, a segfault) costs only its own check; both
become that check's ERROR with the reason, and a fresh worker takes over. Workers end with their
parent (SIGTERM, kill -9), and use pipes only (no semaphores that Ctrl-C could leak).

:func:`run_tasks` fills the caller's ``results`` dict as tasks finish. When the user interrupts the
run (Ctrl-C or SIGTERM, told apart from claim code raising KeyboardInterrupt by
:mod:`proofcheck.interrupts`) it stops the workers and re-raises, and ``results`` keeps what
finished, so the caller can write an incomplete report; with a cache, each finished result was
already stored.

Checks that split their work (``Check.splits_into_parts``: a scaling sweep's cells) run, with more than
one worker, as parts on all workers; when every part is back, the check's own task reduces them to its
evidence (:class:`_Schedule`). A cell's measurement depends only on the cell and the seeds, so the evidence
is the one a single job computes (``tests/test_split_sweeps.py``).

Threads: a pool of N processes on C cores gives each worker max(1, C // N) threads for compiled
kernels (numba, OpenMP), so that they do not oversubscribe the machine. Workers are forked from this
process only while it runs no other thread; otherwise they start from a clean ``forkserver``
(see :func:`_pool_context`).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection as mp_connection
import os
import signal
import sys
import time
from collections import deque
from typing import Callable, Iterable

from . import interrupts, strays
from .errors import InvalidInstance
from .cache import TimingHints
from .model import Evidence, Verdict
from .runner import CheckTask, PartTask, execute_task, whole
from .threads import limit_worker_threads, limited_threads

THREAD_VARIABLES = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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


def _finish(task, evidence, results, cache, on_done) -> None:
    results[task] = evidence
    if cache is not None:
        cache.put(task, evidence)
    if on_done is not None:
        on_done(task, evidence)


class _InOrder:
    """Calls ``on_done`` in submission order (so logs do not depend on which worker finished first),
    while results and cache entries are recorded the moment each task finishes."""

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


# A check that splits into parts (a sweep's cells) is cut into this many parts per worker: many more parts than
# workers, so that parts of unequal cost even out across the workers and the other checks (a part costs one task
# dispatch and one enumeration of the grid). The count changes no result.
PARTS_PER_WORKER = 8


class _Schedule:
    """What runs next, and what a finished task or part means.

    Tasks go out in ``order``. A check in ``split`` goes out as its parts (:class:`~proofcheck.runner.PartTask`);
    when every part is back, the check's own task goes to the front of the queue with their outputs, to reduce them
    to its evidence. A part that ends in ERROR (claim code raised, its worker died or ran past the time limit) makes
    the check an ERROR with that reason (the lowest-numbered such part, so that the reason does not depend on which
    worker finished first). A check's ``seconds`` are its parts' and its own, and its time limit counts from its
    first part's start (:meth:`began`).
    """

    def __init__(self, order: list[CheckTask], split: dict[CheckTask, int], results, cache, on_done):
        self.queue: deque = deque()
        self.results, self.cache, self.on_done = results, cache, on_done
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
            _finish(task, payload, self.results, self.cache, self.on_done)
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


def _with_parts_strays(evidence: dict, parts: list) -> dict:
    """A split check's evidence saying which processes its parts left running and were ended (``details.strays``)."""
    ended = [p for part in parts for p in (part.get("strays") or {}).get("processes", ())]
    if not ended:
        return evidence
    mine = (evidence.get("details") or {}).get("strays") or {}
    ended += mine.get("processes", [])
    return dict(evidence, details=dict(evidence.get("details") or {},
                                       strays={"summary": strays.summary(ended), "processes": ended}))


def run_in_process(tasks: Iterable[CheckTask], results: dict, cache=None, on_done=None, progress_for=None) -> None:
    """Run ``tasks`` one after the other in this process (no time limit can be enforced here). The processes a
    check leaves behind are ended when it ends (:func:`end_strays_of`); those this process had before are kept."""
    with strays.subreaping():
        for task in tasks:
            before = set(strays.descendants(session=False))
            with limited_threads():  # BLAS: one thread, as in the workers (proofcheck.threads)
                evidence = execute_task(task, progress=progress_for(task) if progress_for else None)
            _finish(task, end_strays_of(evidence, exclude=before, session=False), results, cache, on_done)


def end_strays_of(evidence: dict, exclude=(), session: bool = True) -> dict:
    """``evidence`` (or a part's output) after ending the processes its check left running (:mod:`proofcheck.strays`):
    when there were some, its details say which (``details.strays``: a sentence and the list), as does a part's
    output (``strays``, carried to its check's evidence by :meth:`_Schedule.finish`)."""
    # In this process (``session`` False), SIGKILL at once: a forked copy of this process would answer SIGTERM with the
    # run's own interruption handler (proofcheck.interrupts) and carry on as proofcheck, writing a partial report.
    ended = strays.end_strays(exclude=exclude, session=session, grace=strays.GRACE_SECONDS if session else 0.0)
    if not ended:
        return evidence
    record = {"summary": strays.summary(ended), "processes": ended}
    if "part" in evidence:
        return dict(evidence, strays=record)
    return dict(evidence, details=dict(evidence.get("details") or {}, strays=record))



# -- time limits ------------------------------------------------------------------------------------

# Seconds one check may run, per budget, unless the check sets ``time_limit`` or the CLI ``--timeout``.
# Generous on purpose: the slowest built-in check takes about 35 s at the standard budget on 2 cores;
# the limit exists to end a check that never returns, not to judge speed.
BUDGET_TIME_LIMITS = {"quick": 600.0, "standard": 1800.0, "deep": 4 * 3600.0}


def _check_of(task: CheckTask):
    """The check object a task runs (None when the claim cannot be loaded here: the worker will say why)."""
    from .registry import resolve

    try:
        claim = resolve(task.ref)
        return next((c for c in claim.checks if c.name == task.check), None)
    except Exception:  # noqa: BLE001 - only used for the time limit and the kind/basis of an ERROR
        return None


def time_limit_for(task: CheckTask, override: float | None = None) -> float | None:
    """Seconds ``task`` may run: ``override`` (the CLI's ``--timeout``; 0 = no limit) when given,
    else the check's own ``time_limit`` (or ``timeout``) attribute, else the budget's default."""
    if override is not None:
        return float(override) if override > 0 else None
    check = _check_of(task)
    for attribute in ("time_limit", "timeout"):
        own = getattr(check, attribute, None)
        if isinstance(own, (int, float)) and not isinstance(own, bool) and own > 0:
            return float(own)
    return BUDGET_TIME_LIMITS.get(task.budget, BUDGET_TIME_LIMITS["standard"])


def _failed_evidence(task: CheckTask, reason: str, seconds: float, execution: str) -> dict:
    check = _check_of(task)
    return Evidence(check=task.check, kind=getattr(check, "kind", "?"), basis=getattr(check, "basis", "numeric"),
                    verdict=Verdict.ERROR, seconds=round(seconds, 4), reason=reason,
                    details={"execution": execution}).to_json()


def crashed_evidence(task: CheckTask, exc: BaseException, seconds: float = 0.0) -> dict:
    """ERROR evidence for a task whose worker died or could not run it (the run goes on)."""
    return _failed_evidence(task, f"worker failed: {type(exc).__name__}: {exc}", seconds,
                            "the worker process running this check died or could not run it")


def died_evidence(task: CheckTask, exitcode: int | None, seconds: float) -> dict:
    """ERROR evidence for the check whose worker process died under it (os._exit, a segfault...)."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    return _failed_evidence(task, f"worker failed: the worker process died while running this check ({how})",
                            seconds, "the worker process running this check died; the other checks ran on")


def timed_out_evidence(task: CheckTask, limit: float, seconds: float) -> dict:
    return _failed_evidence(task, f"exceeded {limit:g} s: the check was stopped at its time limit", seconds,
                            f"stopped after {seconds:.1f} s (time limit {limit:g} s; set with --timeout, "
                            "or the check's time_limit)")


# -- local worker processes ------------------------------------------------------------------------

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
            conn.send(("done", _failed_evidence(task, f"malformed evidence: it cannot be sent back from the worker "
                                                      f"({type(exc).__name__}: {exc})", evidence.get("seconds") or 0.0,
                                                "the evidence could not be pickled")))


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
        self.began = 0.0  # when the time limit of the task's check began to run (see _Schedule.began)
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


def _drain(worker: _Worker, busy: list, idle: list, schedule: _Schedule, progress_for) -> None:
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
        schedule.finish(task, died_evidence(task, worker.process.exitcode, time.monotonic() - worker.started), parts)


def run_pool(tasks: list[CheckTask], jobs: int, results: dict, cache=None, on_done=None,
             submit_order: list[CheckTask] | None = None, progress_for=None, limits: dict | None = None,
             split: Iterable[CheckTask] = (), info: dict | None = None) -> None:
    """Run ``tasks`` on ``jobs`` worker processes, handing them out in ``submit_order`` (default: as given);
    the checks in ``split`` run as ``PARTS_PER_WORKER * jobs`` parts (:class:`_Schedule`).

    Each worker runs one check at a time, so the parent knows which check each worker runs:
    a check past its time limit (``limits[task]`` seconds) is stopped by killing its worker, and a
    worker that dies (``os._exit``, a segfault) costs only the check it was running; in both cases
    that check is an ERROR saying what happened, a fresh worker takes over, and the run goes on.
    """
    threads = max(1, default_jobs() // jobs)
    on_done = _InOrder(tasks, on_done)
    limits = limits or {}
    context = _pool_context()
    queue = _Schedule(submit_order or tasks, dict.fromkeys(split, PARTS_PER_WORKER * jobs), results, cache, on_done)
    if info is not None:
        info["parts"] = queue.parts
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
                worker.give(task, limits.get(whole(task)), parts, queue.began(task))
            now = time.monotonic()
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - now) if deadlines else None
            ready = set(mp_connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                                           timeout=wait_for))
            for worker in list(busy):
                if worker.conn in ready or worker.process.sentinel in ready:
                    _drain(worker, busy, idle, queue, progress_for)
                if worker in busy and worker.deadline is not None and time.monotonic() >= worker.deadline:
                    busy.remove(worker)
                    worker.kill()
                    queue.finish(worker.task, timed_out_evidence(worker.task, limits[whole(worker.task)],
                                                                 time.monotonic() - worker.began), worker.parts)
        for worker in idle:
            worker.stop()
    finally:
        for worker in everyone:
            worker.kill()


def execute_on_dask(task, parts: list | None = None) -> dict:
    """Dask's entry point: :func:`~proofcheck.runner.execute_task` with one thread for compiled kernels and BLAS.

    A Dask cluster's parallelism is its workers times their threads (the recipe: one single-threaded worker per
    core); a task that also spread its kernels over every core would oversubscribe the machine, as a pool worker
    would without :func:`_worker_init`. numba's count is per calling thread; the BLAS cap holds for the worker's
    life (workers are meant for proofcheck alone)."""
    limit_worker_threads()
    try:
        import numba

        numba.set_num_threads(1)
    except (ImportError, AttributeError, ValueError):  # pragma: no cover - no numba, or one without the API
        pass
    return execute_task(task, parts=parts)


def _dask_workers(client) -> int:
    try:
        return len(client.nthreads())
    except Exception:  # noqa: BLE001 - the scheduler itself is unreachable: no workers either
        return 0


# Seconds a Dask run waits with no worker at all before the checks still pending are ERRORs.
DASK_NO_WORKER_WAIT = 60.0


def run_dask(tasks: list[CheckTask], address, results: dict, cache=None, on_done=None,
             connect_timeout: float = 10.0, submit_order: list[CheckTask] | None = None,
             limits: dict | None = None, log: Callable[[str], None] | None = None,
             no_worker_wait: float = DASK_NO_WORKER_WAIT, info: dict | None = None,
             split: Iterable[CheckTask] = ()) -> None:
    """Run ``tasks`` on an existing Dask distributed scheduler (an address, or a Client); the checks in
    ``split`` run as ``PARTS_PER_WORKER`` parts per worker present at the start (:class:`_Schedule`).

    The workers must be able to import the engine, the built-in claims and any user claim file
    (by the same path); they run :func:`execute_task` exactly as a local worker would
    (:func:`execute_on_dask`). At most as many checks (or parts) as there are workers are submitted
    at once, so a check's time runs from its start: a check past its time limit is an ERROR (its future is cancelled). When the cluster has no
    worker left, the run says so (``log``) and, after ``no_worker_wait`` seconds without one, every
    check still pending becomes an ERROR instead of waiting forever.
    """
    from .errors import UsageError

    try:
        from distributed import Client, wait
    except ImportError:
        raise UsageError("--scheduler needs dask distributed (pip install 'proofcheck[cluster]')") from None
    on_done = _InOrder(tasks, on_done)
    limits = limits or {}
    own_client = not isinstance(address, Client)
    if own_client:
        check_scheduler_address(address)
        _probe_scheduler(str(address), connect_timeout)
    try:
        client = Client(address, set_as_default=False, timeout=connect_timeout) if own_client else address
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot connect to the Dask scheduler {address!r}: {exc}") from None
    queue = _Schedule(submit_order or tasks, dict.fromkeys(split, PARTS_PER_WORKER * max(2, _dask_workers(client))),
                      results, cache, on_done)
    if info is not None:
        info["parts"] = queue.parts
    running: dict = {}  # future -> (task, when its time limit began to run, the parts' outputs it reduces)
    most_workers, alone_since, said = 0, None, False
    try:
        try:
            while queue or running:
                lost = _scheduler_lost(client, address)
                if lost is not None:  # like a worker that dies: what finished stands, the rest are ERRORs
                    if log is not None:
                        log(f"proofcheck: {lost}; the {len(queue) + len(running)} pending check(s) are ERRORs")
                    _fail_pending(queue, running, lost)
                    break
                workers = _dask_workers(client)
                most_workers = max(most_workers, workers)
                if workers == 0:
                    alone_since = alone_since if alone_since is not None else time.monotonic()
                    if not said and log is not None:
                        log(f"proofcheck: the Dask cluster has no worker; waiting up to {no_worker_wait:g} s "
                            f"for one before the {len(queue) + len(running)} pending check(s) become ERRORs")
                        said = True
                    if time.monotonic() - alone_since >= no_worker_wait:
                        _fail_pending(queue, running, f"no Dask worker was alive for {no_worker_wait:g} s (the "
                                                      "cluster lost its workers)")
                        break
                else:
                    alone_since, said = None, False
                while queue and len(running) < max(1, workers):
                    task, parts = queue.next()
                    key = f"proofcheck-{task.ref.id}-{task.check}-{os.getpid()}-{time.time_ns()}"
                    future = client.submit(execute_on_dask, task, parts=parts, pure=False, key=key)
                    running[future] = (task, queue.began(task), parts)
                with client.as_current():
                    try:
                        done, _ = wait(list(running), timeout=1.0, return_when="FIRST_COMPLETED")
                    except TimeoutError:
                        done = set()
                    except Exception:  # noqa: BLE001 - futures cancelled under us (the scheduler lost): see below
                        done = {future for future in running if future.done()}
                for future in list(running):
                    task, started, parts = running[future]
                    limit = limits.get(whole(task))
                    if future in done and future.cancelled() and _scheduler_lost(client, address) is not None:
                        continue  # the scheduler's loss, not this check's: the next round fails every pending check
                    if future in done:
                        del running[future]
                        try:
                            evidence = future.result()
                        except InvalidInstance:
                            raise
                        except Exception as exc:  # noqa: BLE001 - a worker lost (KilledWorker) and the like
                            evidence = crashed_evidence(task, exc, time.monotonic() - started)
                        queue.finish(task, evidence, parts)
                    elif limit is not None and time.monotonic() - started >= limit:
                        del running[future]
                        future.cancel()
                        queue.finish(task, timed_out_evidence(task, limit, time.monotonic() - started), parts)
        except BaseException:
            client.cancel(list(running))
            raise
    finally:
        if info is not None:
            info["jobs"] = most_workers
        if own_client:
            client.close()


def _scheduler_lost(client, address) -> str | None:
    """Why the Dask scheduler is lost (the client no longer runs: it lost the connection and its futures were
    cancelled), naming it; None while it runs. Dask's own tracebacks about it are silenced from then on: this
    sentence, in the log and in each pending check's ERROR, says it once."""
    status = str(getattr(client, "status", "running"))
    if status in ("running", "newly-created"):
        return None
    import logging

    for name in [n for n in logging.root.manager.loggerDict if n == "distributed" or n.startswith("distributed.")]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    where = address if isinstance(address, str) else getattr(getattr(client, "scheduler", None), "address", "?")
    return f"the Dask scheduler {where} was lost (its client is {status}) before this check finished"


def _fail_pending(queue: _Schedule, running: dict, reason: str) -> None:
    """Every check still running or queued on Dask becomes an ERROR with ``reason``; what finished stands."""
    for future, (task, started, parts) in list(running.items()):
        future.cancel()
        queue.finish(task, _failed_evidence(task, reason, time.monotonic() - started, "dask"), parts)
    running.clear()
    while queue:
        task, parts = queue.next()
        queue.finish(task, _failed_evidence(task, reason, 0.0, "dask"), parts)


def _probe_scheduler(address: str, timeout: float) -> None:
    """Refuse at once a tcp:// scheduler address where nothing listens (Dask's client would retry until its connect
    timeout): one TCP connection attempt, closed at once. Other protocols are left to Dask."""
    import socket
    from urllib.parse import urlsplit

    from .errors import UsageError

    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp"):
        return
    parts = urlsplit("tcp://" + rest)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=timeout).close()
    except OSError as exc:
        why = "nothing listens there (connection refused)" if isinstance(exc, ConnectionRefusedError) else str(exc) or type(exc).__name__
        raise UsageError(f"cannot connect to the Dask scheduler {address!r}: {why}; is `dask scheduler` running "
                         "there?") from None


def check_scheduler_address(address) -> None:
    """Refuse a malformed scheduler address at once, in one line (no connection attempt, no wait)."""
    from urllib.parse import urlsplit

    from .errors import UsageError

    text = str(address)
    scheme, _, rest = text.rpartition("://")
    if scheme and scheme not in ("tcp", "tls", "inproc", "ucx", "ws", "wss"):
        raise UsageError(f"malformed Dask scheduler address {text!r}: unknown protocol {scheme!r} "
                         "(expected e.g. tcp://host:8786)")
    if scheme == "inproc":
        return
    try:
        parts = urlsplit("tcp://" + rest)
        port, host = parts.port, parts.hostname
    except ValueError as exc:
        raise UsageError(f"malformed Dask scheduler address {text!r}: {exc} (expected e.g. tcp://host:8786)") from None
    if not host or port is None or parts.path or parts.query or parts.fragment or any(c.isspace() for c in text):
        raise UsageError(f"malformed Dask scheduler address {text!r} (expected e.g. tcp://host:8786)")


# How long a check of each kind usually takes, relative to the others: sweeps and bisections run many full
# iterations, derivations only sympy. Used only to order submissions when no timing of an earlier run is known.
KIND_WEIGHT = {"scaling": 100, "threshold": 50, "existence": 10, "probability": 5, "bound": 5, "identity": 2,
               "symbolic": 1}


def likely_longest_first(tasks: list[CheckTask]) -> list[CheckTask]:
    """``tasks`` with the kinds that usually take longest first (ties keep their order), so that a pool does not start
    a long sweep last while the other workers idle. The order changes no result: every task has its own seed."""
    from .registry import resolve

    def weight(task):
        try:
            check = next(c for c in resolve(task.ref).checks if c.name == task.check)
            return KIND_WEIGHT.get(getattr(check, "kind", ""), 5)
        except Exception:  # noqa: BLE001 - a claim that cannot load is run (and reported) like any other
            return 5

    weights = {task: weight(task) for task in tasks}
    return sorted(tasks, key=lambda t: -weights[t])


def _splits(task: CheckTask) -> bool:
    """Whether ``task``'s check spreads its work over parts (``Check.splits_into_parts``: a sweep's cells)."""
    return bool(getattr(_check_of(task), "splits_into_parts", False))


def run_tasks(tasks: list[CheckTask], results: dict | None = None, *, jobs: int | None = None, scheduler=None,
              cache=None, on_done: Callable[[CheckTask, dict], None] | None = None,
              progress_for: Callable[[CheckTask], Callable | None] | None = None,
              timeout: float | None = None, log: Callable[[str], None] | None = None,
              info: dict | None = None, isolate: bool = True) -> dict:
    """Run every task, filling ``results`` (task -> evidence JSON) as tasks finish; returns ``results``.

    Cached results (see :mod:`proofcheck.cache`) are taken first and reported through ``on_done``
    like fresh ones. The rest run on the Dask ``scheduler`` when given, else on ``jobs`` worker
    processes (default: all cores). Even one job runs in a worker process, so that nothing the
    claim code does (``os._exit``, a segfault, a check that never returns) can end or hang the run:
    every check has a time limit (:func:`time_limit_for`; ``timeout`` overrides it, 0 = none).
    ``isolate=False`` runs one job in this process instead (no protection; for debugging and
    library use). ``progress_for(task)`` gives live per-check progress (forwarded from workers). With a cache, every run records how long each check took, and
    the longest checks are started first (:class:`~proofcheck.cache.TimingHints`); ``on_done``
    still follows the order of ``tasks``. ``info`` receives how the run was executed
    (``jobs``: worker processes actually used, or Dask workers seen; ``mode``; ``parts``: how many parts the
    checks that split their work ran as, 0 when none did).
    With more than one worker (or on Dask), a check that splits its work (``Check.splits_into_parts``: a sweep's
    cells) runs as parts on all workers, then reduces them (:class:`_Schedule`); the evidence is the same.
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
    jobs = default_jobs() if jobs is None else jobs
    split = [task for task in pending if _splits(task)] if scheduler is not None or jobs > 1 else []
    jobs = jobs if split else min(jobs, len(pending))  # a split check alone can keep every worker busy
    limits = {task: time_limit_for(task, timeout) for task in pending}
    in_process = scheduler is None and jobs <= 1 and not isolate
    hints = TimingHints(cache.directory) if cache is not None and cache.write else None
    order = hints.order(pending) if hints is not None and not in_process else None
    if order is None and not in_process and jobs > 1:
        order = likely_longest_first(pending)
    if hints is not None:
        user_done = on_done

        def on_done(task, evidence):  # noqa: F811 - record the time, then report as asked
            hints.record(task, evidence.get("seconds") or 0.0)
            if user_done is not None:
                user_done(task, evidence)
    try:
        with interrupts.watching():
            if in_process:
                info.update(jobs=1, mode="in-process")
                run_in_process(pending, results, cache, on_done, progress_for)
            elif scheduler is not None:
                info.update(mode="dask")
                run_dask(pending, scheduler, results, cache, on_done, submit_order=order, limits=limits, log=log,
                         info=info, split=split)
            else:
                info.update(jobs=jobs, mode="processes")
                run_pool(pending, jobs, results, cache, on_done, submit_order=order, progress_for=progress_for,
                         limits=limits, split=split, info=info)
    finally:
        if hints is not None:
            hints.save()
    return results
