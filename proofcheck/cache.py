"""The result cache: completed checks are kept, keyed by everything their result depends on (DESIGN.md).

A cache key is the SHA-256 of a canonical JSON record of:

* **the claim's code**: the source of the module that defines the claim (for the built-in catalogue,
  the ``lemmas`` module holding the claim id; for a user file, that file), the sources of the
  project modules it references directly (its imports from its own package), and every source file
  of the engine (``proofcheck/``) and of the shared objects (``lemmas/_common/``);
* **the task's parameters**: every field of the :class:`~proofcheck.runner.CheckTask` (claim origin,
  id and mutant, check name, seed, budget, replayed instance, ``claim[key=value]`` selection);
* **the library versions**: Python, and each numeric library whose presence or version can change a
  number or a backend (numpy, scipy, sympy, mpmath, hypothesis, numba, gmpy2, python-flint).

Only PASS evidence is stored: FAIL and ERROR are never cached (DESIGN.md), and neither is
INCONCLUSIVE, which may come from a missing optional dependency or an undecided comparison and
deserves a fresh attempt. An entry is one JSON file, written atomically as soon as its check
finishes, so an interrupted run keeps what it finished and a rerun resumes from there.

The default directory is ``.proofcheck-cache/`` in the current working directory (ignored by git);
the environment variable ``PROOFCHECK_CACHE_DIR`` overrides it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType

DEFAULT_DIR = ".proofcheck-cache"
SCHEMA = 1
CACHED_VERDICTS = ("PASS",)
LIBRARIES = ("numpy", "scipy", "sympy", "mpmath", "hypothesis", "numba", "llvmlite", "gmpy2", "python-flint")

_ENGINE = Path(__file__).resolve().parent


def default_dir() -> Path:
    return Path(os.environ.get("PROOFCHECK_CACHE_DIR", DEFAULT_DIR))


@lru_cache(maxsize=None)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (memoised on path, modification time and size)."""
    st = path.stat()
    return _file_digest(str(path), st.st_mtime_ns, st.st_size)


def tree_digest(root: Path) -> str:
    """SHA-256 over the relative paths and contents of every ``*.py`` file below ``root``."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(str(path.relative_to(root)).encode() + b"\0" + file_digest(path).encode() + b"\0")
    return h.hexdigest()


def library_versions() -> dict:
    versions = {"python": platform.python_version(), "implementation": sys.implementation.name}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _module_file(module: ModuleType) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if file else None


def _defining_module(origin: str, claim_id: str) -> ModuleType | None:
    """The module of ``origin`` that defines ``claim_id`` (as a claim or as a mutant's base claim)."""
    from .registry import _claims_of, load_origin

    modules = load_origin(origin)
    for module in modules:
        if any(c.id == claim_id for c in _claims_of(module)) or claim_id in getattr(module, "MUTANTS", {}):
            return module
    return modules[0] if len(modules) == 1 else None


def claim_code_digest(origin: str, claim_id: str) -> dict:
    """Digests of the claim's own module and of the project modules it references directly."""
    module = _defining_module(origin, claim_id)
    if module is None or _module_file(module) is None:
        return {"module": None}
    own = _module_file(module)
    project = own.parent.parent if own.parent.joinpath("__init__.py").exists() else own.parent
    related = {}
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        other = sys.modules.get(name) if isinstance(name, str) else None
        path = _module_file(other) if other is not None else None
        if path and path != own and path.suffix == ".py" and project in path.parents:
            related[str(path.relative_to(project))] = file_digest(path)
    return {"module": str(own.name), "digest": file_digest(own), "related": dict(sorted(related.items()))}


def shared_digests() -> dict:
    """Digests of the engine and of ``lemmas/_common`` (when the built-in catalogue is importable)."""
    out = {"proofcheck": tree_digest(_ENGINE)}
    common = _ENGINE.parent / "lemmas" / "_common"
    if common.is_dir():
        out["lemmas/_common"] = tree_digest(common)
    return out


def key_material(task) -> dict:
    """Everything a task's result depends on, as a JSON-ready dict."""
    fields = dataclasses.asdict(task)
    return {"schema": SCHEMA, "task": fields, "claim_code": claim_code_digest(task.ref.origin, task.ref.id),
            "shared_code": shared_digests(), "libraries": library_versions()}


def task_key(task) -> str:
    text = json.dumps(key_material(task), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Check results on disk. ``read=False`` (``--rerun``) skips lookups but still stores results."""

    def __init__(self, directory: str | Path | None = None, read: bool = True, write: bool = True):
        self.directory = Path(directory) if directory is not None else default_dir()
        self.read, self.write = read, write
        self.hits = self.stores = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, task) -> dict | None:
        """The cached evidence JSON of ``task``, or None.

        The evidence is returned exactly as stored, unmarked, so that a report built from cached
        results is byte-identical to the fresh one (the same seed and budget give the same report).
        """
        if not self.read:
            return None
        key = task_key(task)
        try:
            entry = json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None  # absent, unreadable or corrupt: recompute
        evidence = entry.get("evidence")
        if entry.get("key") != key or not isinstance(evidence, dict) or evidence.get("verdict") not in CACHED_VERDICTS:
            return None
        self.hits += 1
        return evidence

    def put(self, task, evidence: dict) -> bool:
        """Store ``evidence`` if it may be cached; returns whether it was stored. Never raises on I/O."""
        if not self.write or evidence.get("verdict") not in CACHED_VERDICTS:
            return False
        key = task_key(task)
        path = self._path(key)
        if path.exists():
            return False  # already stored (a cache hit, or an equal run finished first)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w") as fh:
                json.dump({"key": key, "material": key_material(task), "evidence": evidence}, fh, default=str)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass
            return False
        self.stores += 1
        return True


def cache_for(no_cache: bool, rerun: bool, directory: str | Path | None = None) -> ResultCache | None:
    """The cache the CLI options ask for: None with ``--no-cache``; write-only with ``--rerun``."""
    if no_cache:
        return None
    return ResultCache(directory, read=not rerun, write=True)


class TimingHints:
    """How long each check took last time (any verdict), to submit the longest tasks first.

    A pool that starts a long check last finishes late while the other workers idle; the order
    changes no result (every task has its own seed). Kept in ``timings.json`` beside the results,
    keyed by claim, check, budget and selection (not the seed, which hardly changes the time).
    """

    FILE = "timings.json"

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / self.FILE
        try:
            self.seconds = {str(k): float(v) for k, v in json.loads(self.path.read_text()).items()}
        except (OSError, ValueError, AttributeError):
            self.seconds = {}
        self.new: dict[str, float] = {}

    @staticmethod
    def label(task) -> str:
        fields = dataclasses.asdict(task)
        fields.pop("seed", None)
        return json.dumps(fields, sort_keys=True, default=str)

    def order(self, tasks: list) -> list:
        """Longest first; tasks never timed come first of all (they may be long); ties keep their order."""
        return sorted(tasks, key=lambda t: -self.seconds.get(self.label(t), float("inf")))

    def record(self, task, seconds: float) -> None:
        self.new[self.label(task)] = float(seconds)

    def save(self) -> None:
        if not self.new:
            return
        merged = {**self.seconds, **self.new}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w") as fh:
                json.dump(merged, fh, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            pass
