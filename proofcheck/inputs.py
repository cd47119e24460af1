"""The data files a claim reads, so that a cached result is never served after one of them changed.

The result cache (:mod:`proofcheck.cache`) keys a check's result by the code it runs (the claim's module and
everything it imports, the engine, the libraries). A claim may also read data: a table of spectra, a saved
matrix, a CSV of constants. If such a file changed and the cache did not notice, a PASS computed on the old data
would be served for the new data. So every check runs under :func:`recording`, which notes, through Python's
audit hook for ``open`` (PEP 578: builtins.open, io.open, os.open, and so numpy.load, np.loadtxt, pandas...),
the files opened for reading; :func:`data_files` keeps the ones that are data (not code, which the key covers,
and not the interpreter's, the libraries' or caches' own files) with their SHA-256. The evidence records them
(``Evidence.inputs``) and the cache serves it only while every one still has its digest. Files read when a
claim's module is imported are recorded the same way (:func:`proofcheck.registry.load_origin`) and enter the
cache key.

Limits: reads by compiled code that bypasses Python's ``open`` (a C library opening a file itself) are not seen.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

_recorders: list[set] = []  # the active recordings (nested: each sees every read)
_installed = False

# Code is covered by the cache key's code digests; these are not data.
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so", ".pth", ".dylib", ".dll")
# Directories whose files are the system's, the interpreter's or a library's, not a claim's data.
# (Not all of /usr: projects live in /usr/src/app in many container images.)
SYSTEM_DIRS = ("/proc/", "/sys/", "/dev/", "/etc/", "/run/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/usr/lib/",
               "/usr/lib64/", "/usr/share/", "/usr/bin/", "/usr/local/lib/", "/usr/local/share/", "/usr/local/bin/",
               "/var/cache/")
PACKAGE_DIRS = ("site-packages", "dist-packages", "__pycache__", ".git")
METADATA_SUFFIXES = (".egg-info", ".dist-info", ".egg")  # installed packages' metadata (entry points, records)
# The engine's own project file, read for its catalogue entry points when it runs from a source tree
# (proofcheck.registry.catalogues): metadata, like a .dist-info's entry points, not a claim's data. Without this a
# check's inputs depended on whether it happened to be the first to ask for the catalogues.
ENGINE_PROJECT_FILE = str(Path(__file__).resolve().parent.parent / "pyproject.toml")


def _reading(mode, flags) -> bool:
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):  # os.open: mode is None, flags are O_* bits
        return flags & (os.O_WRONLY | os.O_RDWR) != os.O_WRONLY
    return True


def _hook(event: str, args: tuple) -> None:
    if event != "open" or not _recorders:
        return
    try:
        path, mode, flags = args
        if isinstance(path, int):  # a file descriptor: its file was opened (and recorded) by path before
            return
        if not _reading(mode, flags):
            return
        name = os.path.abspath(os.fsdecode(path))
    except Exception:  # noqa: BLE001 - an audit hook must never break the code it watches
        return
    for recorder in _recorders:
        recorder.add(name)


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)  # hooks cannot be removed: one for the process, idle unless recording
        _installed = True


@contextlib.contextmanager
def recording():
    """Within the block, the absolute paths of the files opened for reading are added to the yielded set."""
    _install()
    reads: set = set()
    _recorders.append(reads)
    try:
        yield reads
    finally:  # by identity: list.remove compares by equality, and two recordings may hold equal sets
        del _recorders[next(i for i in range(len(_recorders) - 1, -1, -1) if _recorders[i] is reads)]


def _ignored_roots() -> list[str]:
    """Roots whose files are never a claim's data: the interpreter's and the libraries', this engine's own
    (covered by the engine digest), and caches (proofcheck's, numba's, matplotlib's: ~/.cache, ~/.config)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(__file__).resolve().parent)}
    home = Path.home()
    roots |= {str(home / ".cache"), str(home / ".config"), str(home / ".local" / "lib"), str(home / ".pyenv")}
    for variable in ("PROOFCHECK_CACHE_DIR", "NUMBA_CACHE_DIR", "MPLCONFIGDIR", "XDG_CACHE_HOME"):
        if os.environ.get(variable):
            roots.add(os.environ[variable])
    from .paths import default_dir

    roots.add(str(default_dir()))
    return [os.path.abspath(r).rstrip(os.sep) + os.sep for r in roots if r]


def is_data(path: str, roots: list[str] | None = None) -> bool:
    """Whether ``path`` (absolute) is a data file a claim read, as opposed to code, system or library files."""
    parts = Path(path).parts
    if path == ENGINE_PROJECT_FILE or path.endswith(CODE_SUFFIXES) or any(part in PACKAGE_DIRS or part.endswith(METADATA_SUFFIXES) for part in parts):
        return False
    if path.startswith(SYSTEM_DIRS) or any(path.startswith(root) for root in roots or _ignored_roots()):
        return False
    return os.path.isfile(path)


def digest(path: str) -> str | None:
    """SHA-256 of a file's bytes (None if it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def data_files(paths) -> dict[str, str]:
    """{path: SHA-256} of the data files among ``paths`` (see :func:`is_data`), sorted by path."""
    roots = _ignored_roots()
    found = {}
    for path in sorted(set(paths)):
        if is_data(path, roots):
            found[path] = digest(path)
    return {p: d for p, d in found.items() if d is not None}


def unchanged(files: dict) -> bool:
    """Whether every recorded data file still exists with its recorded digest."""
    return all(isinstance(d, str) and digest(p) == d for p, d in (files or {}).items())


