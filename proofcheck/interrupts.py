"""Telling the user's Ctrl-C (or a SIGTERM) apart from claim code that raises KeyboardInterrupt.

Python turns SIGINT into a KeyboardInterrupt, and claim code may raise the very same exception
itself (``raise KeyboardInterrupt``). The first must stop the run (exit 130, partial report); the
second is only that claim's ERROR. While :func:`watching` is active, SIGINT and SIGTERM go through a
handler that records the signal before raising, so :func:`by_user` answers "did a real signal
arrive?" wherever the exception is caught. Pool workers ignore SIGINT (the parent stops them), so a
KeyboardInterrupt inside a worker is always claim code.
"""
from __future__ import annotations

import contextlib
import signal
import threading

_received: list[int] = []  # signals delivered to this process while watching, in order
_depth = 0  # nesting of ``watching`` (the CLI watches the whole command, run_tasks the run)
_worker = False  # this process is a pool worker: it ignores SIGINT, so no KeyboardInterrupt is the user's


def by_user() -> bool:
    """Whether a SIGINT or SIGTERM reached this process while it was being watched."""
    return bool(_received)


def exit_code(default: int = 130) -> int:
    """The conventional exit status of the run's interruption: 128 + the signal number (130 for Ctrl-C)."""
    return 128 + _received[0] if _received else default


def reset() -> None:
    """Forget recorded signals (a new worker process starts clean)."""
    _received.clear()


def become_worker() -> None:
    """Called by a pool worker: Ctrl-C is left to the parent, so any KeyboardInterrupt here is claim code."""
    global _worker
    _worker = True
    reset()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the parent's recording handler


def raised_by_claim_code(exc: BaseException) -> bool:
    """Whether a BaseException caught around claim code is the code's own doing (that claim's ERROR)
    rather than the user's interruption of the run (which must stop the run)."""
    if not isinstance(exc, KeyboardInterrupt):
        return True  # SystemExit, GeneratorExit, ...: signals never raise these
    return _worker or (watched() and not by_user())


def _handler(signum, frame):  # noqa: ARG001 - the signal-handler signature
    _received.append(signum)
    raise KeyboardInterrupt


@contextlib.contextmanager
def watching():
    """Record SIGINT and SIGTERM (then raise KeyboardInterrupt) for the duration of the block.

    Only the main thread may install signal handlers; elsewhere this is a no-op, and then every
    KeyboardInterrupt counts as a real interruption (as before).
    """
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _depth == 0:
        reset()
    previous = {}
    if _depth == 0:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, _handler)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        for signum, old in previous.items():
            signal.signal(signum, old)


def watched() -> bool:
    """Whether signals are being recorded here (so that an unrecorded KeyboardInterrupt is claim code)."""
    return _depth > 0
