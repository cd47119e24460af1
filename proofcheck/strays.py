"""Processes a check leaves behind (issue 22): a check that starts ``sleep 300`` or ``os.fork()``s must not leave
them alive after it ends, holding proofcheck's stdout and stderr, so that a caller reading the pipes blocks.

A pool worker makes itself the leader of a session of its own (:func:`own_session`) and the *subreaper* of its
descendants (Linux ``PR_SET_CHILD_SUBREAPER``: an orphaned grandchild is re-parented to the worker, not to init).
When a check ends, every process of the worker's session and every descendant of the worker is a stray of that
check (but the session's keeper, below): :func:`end_strays` sends them SIGTERM, then SIGKILL to those still alive
after a grace period, reaps its own children, and says which it ended (the evidence keeps it, ``details.strays``).
The parent kills a worker together with its session (:func:`end_session`), and a keeper process, the worker's
first child, ends the session when the worker dies however it dies (a kill -9 of the run, which takes the workers
with it, included). Out of reach: a descendant that starts a session of its own just as its worker is killed. On
Dask, the Dask worker owns its processes.

Linux only (``/proc``); elsewhere these functions find nothing and do nothing.
"""
from __future__ import annotations

import os
import signal
import time

GRACE_SECONDS = 1.0  # between SIGTERM and SIGKILL: time for a stray to exit cleanly
PR_SET_CHILD_SUBREAPER = 36


def _stat(pid: int) -> tuple[int, int, int, str] | None:
    """(ppid, pgid, session, state) of ``pid`` from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the command name, in parentheses, may hold spaces and ')'
    try:
        return int(fields[1]), int(fields[2]), int(fields[3]), fields[0]
    except (IndexError, ValueError):
        return None


def _table() -> dict[int, tuple[int, int, int, str]]:
    table = {}
    try:
        names = os.listdir("/proc")
    except OSError:  # pragma: no cover - not Linux
        return table
    for name in names:
        if name.isdigit():
            stat = _stat(int(name))
            if stat is not None:
                table[int(name)] = stat
    return table


def set_subreaper(on: bool = True) -> bool:
    """Make this process the subreaper of its descendants (or stop being one); False where that is not possible."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False


_keeper: int | None = None  # this worker's session keeper (see :func:`own_session`), never a stray


def own_session() -> None:
    """Make this process (a pool worker) the leader of a new session and process group, and its descendants'
    subreaper, so that whatever its checks start can be found and ended (:func:`end_strays`); and start the session's
    keeper, which ends the session when this process dies, however it dies (:func:`_keep`)."""
    global _keeper
    try:
        os.setsid()
    except OSError:  # already a group leader
        return
    set_subreaper(True)
    leader = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the keeper process
        _keep(leader)
    _keeper = pid


KEEPER_POLL = 0.2  # seconds between the keeper's looks at its parent


def _keep(leader: int) -> None:
    """The session keeper: a child of the worker (``leader``) that holds no file of it and only watches it. When the
    worker dies, even by SIGKILL (the run killed with kill -9 takes its workers with it, PR_SET_PDEATHSIG), the keeper
    is re-parented; it then kills every process left in the worker's session and group (itself last) so that none
    keeps proofcheck's pipes open. It calls only the operating system (it is a fork of a process with threads)."""
    try:
        os.closerange(0, 1 << 16)  # the worker's pipes and proofcheck's stdout and stderr: the keeper holds none
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        while os.getppid() == leader:
            time.sleep(KEEPER_POLL)
        me = os.getpid()
        _signal([pid for pid, (_, _, sid, _) in _table().items() if sid == leader and pid != me], signal.SIGKILL)
        os.killpg(leader, signal.SIGKILL)
    finally:
        os._exit(0)


def descendants(root: int | None = None, session: bool = True) -> list[int]:
    """Live processes below ``root`` (default: this process): its descendants and, with ``session`` when ``root``
    leads a session, the other members of that session. Zombies are left out (they hold nothing)."""
    root = os.getpid() if root is None else root
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    if session and root in table and table[root][2] == root:
        found.update(pid for pid, (_, _, sid, _) in table.items() if sid == root)
    found.discard(root)
    return sorted(pid for pid in found if table.get(pid, (0, 0, 0, "Z"))[3] != "Z")


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode("utf-8", "replace") for w in words if w)
    return text[:120] or "?"


def _reap(pids) -> None:
    """Collect the exit status of those of ``pids`` that are this process's children (no zombies left)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except (ChildProcessError, OSError):
            pass


def _signal(pids, sig) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def end_strays(root: int | None = None, exclude=(), grace: float = GRACE_SECONDS, session: bool = True) -> list[dict]:
    """End every live process below ``root`` (default: this process; see :func:`descendants`, and ``session``) but
    ``exclude``: SIGTERM, then SIGKILL after ``grace`` seconds to those still alive (``grace`` 0: SIGKILL at once).
    Returns what was ended, ``[{"pid", "command", "signal"}]`` (empty when nothing was left behind)."""
    exclude = set(exclude) | ({_keeper} if _keeper is not None else set())
    strays = [pid for pid in descendants(root, session) if pid not in exclude]
    if not strays:
        return []
    ended = {pid: {"pid": pid, "command": _command(pid), "signal": "SIGTERM"} for pid in strays}
    deadline = time.monotonic() + grace
    if grace > 0:
        _signal(strays, signal.SIGTERM)
    while grace > 0:
        _reap(strays)
        alive = [pid for pid in descendants(root, session) if pid not in exclude]
        if not alive or time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    else:  # no grace: SIGKILL at once
        alive = strays
    for pid in alive:  # still there after the grace period, or started meanwhile
        ended.setdefault(pid, {"pid": pid, "command": _command(pid)})["signal"] = "SIGKILL"
    while alive:
        _signal(alive, signal.SIGKILL)
        _reap(alive)
        time.sleep(0.01)
        alive = [pid for pid in descendants(root, session) if pid not in exclude]
        if time.monotonic() >= deadline + 5:  # pragma: no cover - an unkillable (D-state) process
            break
    return list(ended.values())


def end_session(leader: int) -> None:
    """SIGKILL the session and process group that ``leader`` (a worker being killed) leads, the leader included, with
    whatever its check started there; nothing when there is none (the worker never got as far as its own session)."""
    try:
        os.killpg(leader, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    members = [pid for pid, (_, _, sid, _) in _table().items() if sid == leader]
    _signal(members, signal.SIGKILL)


class subreaping:
    """``with subreaping():`` this process is its descendants' subreaper inside the block (for checks run in this
    process: an orphaned grandchild stays findable), as it was before afterwards."""

    def __enter__(self):
        self.was = _get_subreaper()
        if not self.was:
            set_subreaper(True)
        return self

    def __exit__(self, *exc):
        if not self.was:
            set_subreaper(False)
        return False


def _get_subreaper() -> bool:
    try:
        import ctypes

        value = ctypes.c_int(0)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER + 1, ctypes.byref(value), 0, 0, 0)
        return bool(value.value)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False


def summary(ended: list[dict]) -> str:
    """One line for the evidence: how many strays were ended and what they were."""
    shown = ", ".join(f"{e['command']} (pid {e['pid']}, {e['signal']})" for e in ended[:5])
    more = f" and {len(ended) - 5} more" if len(ended) > 5 else ""
    return f"ended {len(ended)} process(es) the check left running: {shown}{more}"
