"""Executing check tasks: in this process, on a local process pool (``--jobs``), or on Dask (``--scheduler``).

Every backend runs the same picklable worker entry, :func:`proofcheck.runner.execute_task`, which
rebuilds the claim from its :class:`~proofcheck.registry.ClaimRef` and draws all randomness from
(seed, claim, check). So verdicts and numbers do not depend on the backend, the number of workers
or the completion order (``tests/test_execution.py`` checks this).

:func:`run_tasks` fills the caller's ``results`` dict as tasks finish. When the run is interrupted
(KeyboardInterrupt) it stops the workers and re-raises, and ``results`` keeps what finished, so the
caller can write an incomplete report; with a cache, each finished result was already stored.

Threads: a pool of N processes on C cores gives each worker max(1, C // N) threads for compiled
kernels (numba, OpenMP), so that they do not oversubscribe the machine. Workers are forked from this
process only while it runs no other thread; otherwise they start from a clean ``forkserver``
(see :func:`_pool_context`).
"""
from __future__ import annotations

import concurrent.futures as cf
import importlib
from concurrent.futures.process import BrokenProcessPool
import multiprocessing
import os
import signal
import sys
import time
from typing import Callable, Iterable

from .errors import InvalidInstance
from .cache import TimingHints
from .model import Evidence, Verdict
from .runner import CheckTask, execute_task
from .threads import limit_worker_threads, limited_threads

THREAD_VARIABLES = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def crashed_evidence(task: CheckTask, exc: BaseException, seconds: float = 0.0) -> dict:
    """ERROR evidence for a task whose worker died or could not run it (the run goes on)."""
    return Evidence(check=task.check, kind="?", basis="numeric", verdict=Verdict.ERROR, seconds=round(seconds, 4),
                    reason=f"worker failed: {type(exc).__name__}: {exc}",
                    details={"execution": "the worker process running this check died or could not run it"}).to_json()


def _worker_init(threads: int) -> None:
    """Set up a pool worker: leave Ctrl-C to the parent (which stops the workers and keeps what
    finished) and cap the threads of compiled kernels at ``threads``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    from .registry import BUILTIN

    preload = ["proofcheck.runner"]
    try:
        preload += [f"{BUILTIN}.{name}" for name in importlib.import_module(BUILTIN).CATALOGUE]
    except Exception:  # noqa: BLE001 - preloading is an optimisation only
        pass
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


def run_in_process(tasks: Iterable[CheckTask], results: dict, cache=None, on_done=None, progress_for=None) -> None:
    for task in tasks:
        with limited_threads():  # BLAS: one thread, as in the workers (proofcheck.threads)
            evidence = execute_task(task, progress=progress_for(task) if progress_for else None)
        _finish(task, evidence, results, cache, on_done)


def run_pool(tasks: list[CheckTask], jobs: int, results: dict, cache=None, on_done=None,
             submit_order: list[CheckTask] | None = None) -> None:
    """Run ``tasks`` on ``jobs`` worker processes, submitting them in ``submit_order`` (default: as given)."""
    threads = max(1, default_jobs() // jobs)
    on_done = _InOrder(tasks, on_done)
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context(), initializer=_worker_init,
                                  initargs=(threads,))
    started, futures = {}, {}
    try:
        for task in submit_order or tasks:
            futures[pool.submit(execute_task, task)] = task
            started[task] = time.perf_counter()
        for future in cf.as_completed(futures):
            task = futures[future]
            try:
                evidence = future.result()
            except BrokenProcessPool as exc:
                evidence = crashed_evidence(task, exc, time.perf_counter() - started[task])
            except InvalidInstance:
                raise  # as in a sequential run: the CLI turns it into a usage error
            except Exception as exc:  # noqa: BLE001
                evidence = crashed_evidence(task, exc, time.perf_counter() - started[task])
            _finish(task, evidence, results, cache, on_done)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (used on interrupt)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def run_dask(tasks: list[CheckTask], address, results: dict, cache=None, on_done=None,
             connect_timeout: float = 10.0, submit_order: list[CheckTask] | None = None) -> None:
    """Run ``tasks`` on an existing Dask distributed scheduler (an address, or a Client).

    The workers must be able to import the engine, the built-in claims and any user claim file
    (by the same path); they run :func:`execute_task` exactly as a local worker would.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        from .errors import UsageError

        raise UsageError("--scheduler needs dask distributed (pip install 'proofcheck[cluster]')") from None
    on_done = _InOrder(tasks, on_done)
    own_client = not isinstance(address, Client)
    try:
        client = Client(address, set_as_default=False, timeout=connect_timeout) if own_client else address
    except (OSError, TimeoutError, ValueError) as exc:
        from .errors import UsageError

        raise UsageError(f"cannot connect to the Dask scheduler {address!r}: {exc}") from None
    try:
        futures = {client.submit(execute_task, task, pure=False, key=f"proofcheck-{i}-{task.ref.id}-{task.check}-"
                                 f"{os.getpid()}-{time.time_ns()}"): task
                   for i, task in enumerate(submit_order or tasks)}
        try:
            for future in as_completed(list(futures), loop=client.loop):
                task = futures[future]
                try:
                    evidence = future.result()
                except InvalidInstance:
                    raise
                except Exception as exc:  # noqa: BLE001
                    evidence = crashed_evidence(task, exc)
                _finish(task, evidence, results, cache, on_done)
        except BaseException:
            client.cancel(list(futures))
            raise
    finally:
        if own_client:
            client.close()


def run_tasks(tasks: list[CheckTask], results: dict | None = None, *, jobs: int | None = None, scheduler=None,
              cache=None, on_done: Callable[[CheckTask, dict], None] | None = None,
              progress_for: Callable[[CheckTask], Callable | None] | None = None) -> dict:
    """Run every task, filling ``results`` (task -> evidence JSON) as tasks finish; returns ``results``.

    Cached results (see :mod:`proofcheck.cache`) are taken first and reported through ``on_done``
    like fresh ones. The rest run on the Dask ``scheduler`` when given, else on a pool of ``jobs``
    processes (default: all cores), or in this process when one job or one task remains (where
    ``progress_for(task)`` may give live per-check progress). With a cache, every run records how
    long each check took, and pool and Dask runs submit the checks that took longest last time
    first (:class:`~proofcheck.cache.TimingHints`); ``on_done`` still follows the order of ``tasks``.
    KeyboardInterrupt propagates after the workers are stopped; ``results`` then holds what finished.
    """
    results = {} if results is None else results
    pending = []
    for task in tasks:
        hit = cache.get(task) if cache is not None else None
        if hit is not None:
            results[task] = hit
            if on_done is not None:
                on_done(task, hit)
        else:
            pending.append(task)
    if not pending:
        return results
    jobs = default_jobs() if jobs is None else jobs
    jobs = min(jobs, len(pending))
    in_process = scheduler is None and jobs <= 1
    hints = TimingHints(cache.directory) if cache is not None and cache.write else None
    order = hints.order(pending) if hints is not None and not in_process else None
    if hints is not None:
        user_done = on_done

        def on_done(task, evidence):  # noqa: F811 - record the time, then report as asked
            hints.record(task, evidence.get("seconds") or 0.0)
            if user_done is not None:
                user_done(task, evidence)
    try:
        if in_process:
            run_in_process(pending, results, cache, on_done, progress_for)
        elif scheduler is not None:
            run_dask(pending, scheduler, results, cache, on_done, submit_order=order)
        else:
            run_pool(pending, jobs, results, cache, on_done, submit_order=order)
    finally:
        if hints is not None:
            hints.save()
    return results
