"""The Dask executor: checks run on an existing Dask distributed scheduler (``--scheduler``).

The workers must be able to import the engine, the built-in claims and any user claim file (by the same path); they
run :func:`~proofcheck.runner.execute_task` exactly as a local worker would (:func:`execute_on_dask`), so verdicts
and numbers are those of a local run. At most as many checks (or parts) as there are workers are submitted at once,
so a check's time runs from its start: a check past its time limit is an ERROR (its future is cancelled). When the
cluster has no worker left, the run says so and, after ``no_worker_wait`` seconds without one, every check still
pending becomes an ERROR instead of waiting forever; when the scheduler itself is lost, what finished stands and the
rest are ERRORs at once (:func:`_scheduler_lost`).
"""
from __future__ import annotations

import os
import time
from typing import Callable

from .. import error_evidence
from ..errors import InvalidInstance, UsageError
from ..runner import CheckTask, execute_task
from ..threads import limit_worker_threads
from .base import Executor, OnResult, Schedule, split_counts

def execute_on_dask(task, parts: list | None = None) -> dict:
    """Dask's entry point: :func:`~proofcheck.runner.execute_task` with one thread for compiled kernels and BLAS.

    A Dask cluster's parallelism is its workers times their threads (the recipe: one single-threaded worker per
    core); a task that also spread its kernels over every core would oversubscribe the machine, as a pool worker
    would without :func:`.pool._worker_init`. numba's count is per calling thread; the BLAS cap holds for the worker's
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


class DaskExecutor(Executor):
    """Runs tasks on the Dask scheduler at ``address`` (or through a ``distributed.Client``); the checks that split
    their work run as ``PARTS_PER_WORKER`` parts per worker present at the start (at least two workers' worth).
    ``log`` receives the sentences that say the cluster lost its workers or its scheduler."""

    mode = "dask"

    def __init__(self, address, timeout: float | None = None, log: Callable[[str], None] | None = None,
                 connect_timeout: float = 10.0, no_worker_wait: float = DASK_NO_WORKER_WAIT):
        super().__init__(timeout)
        self.address, self.log = address, log
        self.connect_timeout, self.no_worker_wait = connect_timeout, no_worker_wait

    def _say(self, line: str) -> None:
        if self.log is not None:
            self.log(line)

    def _connect(self):
        """(the client, whether this executor opened it): a malformed or unreachable address is a UsageError."""
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--scheduler needs dask distributed (pip install 'proofcheck[cluster]')") from None
        if isinstance(self.address, Client):
            return self.address, False
        check_scheduler_address(self.address)
        _probe_scheduler(str(self.address), self.connect_timeout)
        try:
            return Client(self.address, set_as_default=False, timeout=self.connect_timeout), True
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise UsageError(f"cannot connect to the Dask scheduler {self.address!r}: {exc}") from None

    def run(self, tasks: list[CheckTask], on_result: OnResult) -> None:
        from distributed import wait

        client, own_client = self._connect()
        address = self.address
        queue = Schedule(tasks, split_counts(tasks, max(2, _dask_workers(client))), on_result)
        self.info["parts"] = queue.parts
        running: dict = {}  # future -> (task, when its time limit began to run, the parts' outputs it reduces)
        most_workers, alone_since, said = 0, None, False
        try:
            try:
                while queue or running:
                    lost = _scheduler_lost(client, address)
                    if lost is not None:  # like a worker that dies: what finished stands, the rest are ERRORs
                        self._say(f"proofcheck: {lost}; the {len(queue) + len(running)} pending check(s) are ERRORs")
                        _fail_pending(queue, running, lost)
                        break
                    workers = _dask_workers(client)
                    most_workers = max(most_workers, workers)
                    if workers == 0:
                        alone_since = alone_since if alone_since is not None else time.monotonic()
                        if not said:
                            self._say(f"proofcheck: the Dask cluster has no worker; waiting up to "
                                      f"{self.no_worker_wait:g} s for one before the {len(queue) + len(running)} "
                                      "pending check(s) become ERRORs")
                            said = True
                        if time.monotonic() - alone_since >= self.no_worker_wait:
                            _fail_pending(queue, running, f"no Dask worker was alive for {self.no_worker_wait:g} s "
                                                          "(the cluster lost its workers)")
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
                        limit = self.time_limit(task)
                        if future in done and future.cancelled() and _scheduler_lost(client, address) is not None:
                            continue  # the scheduler's loss, not this check's: the next round fails every pending one
                        if future in done:
                            del running[future]
                            try:
                                evidence = future.result()
                            except InvalidInstance:
                                raise
                            except Exception as exc:  # noqa: BLE001 - a worker lost (KilledWorker) and the like
                                evidence = error_evidence.crashed(task, exc, time.monotonic() - started)
                            queue.finish(task, evidence, parts)
                        elif limit is not None and time.monotonic() - started >= limit:
                            del running[future]
                            future.cancel()
                            queue.finish(task, error_evidence.timed_out(task, limit, time.monotonic() - started),
                                         parts)
            except BaseException:
                client.cancel(list(running))
                raise
        finally:
            self.info["jobs"] = most_workers
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


def _fail_pending(queue: Schedule, running: dict, reason: str) -> None:
    """Every check still running or queued on Dask becomes an ERROR with ``reason``; what finished stands."""
    for future, (task, started, parts) in list(running.items()):
        future.cancel()
        queue.finish(task, error_evidence.of_task(task, reason, time.monotonic() - started, "dask"), parts)
    running.clear()
    while queue:
        task, parts = queue.next()
        queue.finish(task, error_evidence.of_task(task, reason, 0.0, "dask"), parts)


def _probe_scheduler(address: str, timeout: float) -> None:
    """Refuse at once a tcp:// scheduler address where nothing listens (Dask's client would retry until its connect
    timeout): one TCP connection attempt, closed at once. Other protocols are left to Dask."""
    import socket
    from urllib.parse import urlsplit

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
