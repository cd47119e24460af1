"""The result cache: completed checks are kept, keyed by everything their result depends on (docs/design.md).

A cache key is the SHA-256 of a canonical JSON record of:

* **the claim's code**: the source of the module that defines the claim (for a catalogue,
  its module holding the claim id; for a user file, that file), the sources of every
  project or user module it imports, transitively (a helper that imports a constants module: both;
  see :func:`code_closure`; the standard library and installed libraries are covered by their
  versions instead), and every source file of the engine (``proofcheck/``) and of the shared
  code the claim's own catalogue declares (``SHARED``: :func:`proofcheck.registry.shared_code`; never another
  catalogue's);
* **the task's parameters**: every field of the :class:`~proofcheck.runner.CheckTask` (claim origin,
  id and mutant, check name, seed, budget, replayed instance, ``claim[key=value]`` selection);
* **the library versions**: Python, and each numeric library whose presence or version can change a
  number or a backend (numpy, scipy, sympy, mpmath, hypothesis, numba, gmpy2, python-flint).

PASS and INCONCLUSIVE evidence is stored; FAIL and ERROR never are (docs/design.md): a FAIL is re-derived every
time, and an ERROR (raised, timed out, killed) may not repeat. An INCONCLUSIVE is deterministic: every check draws
its randomness from (seed, claim, check) and the key holds everything else it depends on (the code, the task, the
library versions, absent optional ones included, and the data files it reads), so the same inputs give the same
undecided comparison; serving it is honest, and the evidence says ``"cached": true``. A check whose INCONCLUSIVE
comes from something outside the key marks its evidence ``details["deterministic"] = False``, and it is not stored.
An entry is one JSON file, written atomically as soon as its check finishes, so an interrupted run keeps what it
finished and a rerun resumes from there.

The default directory is ``.proofcheck-cache/`` in the current working directory (ignored by git);
the environment variable ``PROOFCHECK_CACHE_DIR`` overrides it.

Trust: the cache is trusted input (README, "Execution"). Entries are unsigned JSON, served on their key alone, so
whoever can write the directory can turn a would-be FAIL into PASS or INCONCLUSIVE; they are never executed or
unpickled. Untrusted trees run with ``--no-cache`` or a private ``PROOFCHECK_CACHE_DIR`` outside the tree.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import sys
import sysconfig
import tempfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from .inputs import unchanged
from .paths import DEFAULT_DIR, default_dir  # noqa: F401 (re-exported: proofcheck.cache.default_dir)
SCHEMA = 1
CACHED_VERDICTS = ("PASS", "INCONCLUSIVE")  # never FAIL or ERROR
LIBRARIES = ("numpy", "scipy", "sympy", "mpmath", "hypothesis", "numba", "llvmlite", "gmpy2", "python-flint",
             "matplotlib")  # matplotlib: whether figures exist

_ENGINE = Path(__file__).resolve().parent



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
    from .registry import claims_of, load_origin

    modules = load_origin(origin)
    for module in modules:
        if any(c.id == claim_id for c in claims_of(module)) or claim_id in getattr(module, "MUTANTS", {}):
            return module
    return modules[0] if len(modules) == 1 else None


def _library_roots() -> tuple[Path, ...]:
    """Where installed libraries and the standard library live (covered by ``library_versions``)."""
    roots = set()
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            roots.add(Path(sysconfig.get_paths()[name]).resolve())
        except (KeyError, OSError):
            pass
    try:
        import site

        roots.update(Path(p).resolve() for p in site.getsitepackages() + [site.getusersitepackages()])
    except (AttributeError, OSError):  # pragma: no cover - a virtualenv without site helpers
        pass
    return tuple(roots)


def _is_project_file(path: Path) -> bool:
    """A source file of the project or of the user (not the standard library, not an installed library)."""
    if path.suffix != ".py":
        return False
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return False
    return not any(root in path.parents for root in _LIBRARY_ROOTS)


_LIBRARY_ROOTS = _library_roots()


@lru_cache(maxsize=None)
def _imported_names(path: str, mtime_ns: int, size: int, package: str) -> tuple[str, ...]:
    """Absolute names of every module an ``import`` statement of the file may load (at any depth of
    the file: function-level imports count), with ``package`` resolving relative imports."""
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (SyntaxError, ValueError, OSError):
        return ()
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                names += [".".join(parts[: i + 1]) for i in range(len(parts))]  # a.b.c loads a, a.b, a.b.c
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from ..pkg import y: relative to the file's package
                base = package.split(".") if package else []
                drop = node.level - 1
                if drop > len(base):
                    continue
                module = ".".join(base[: len(base) - drop] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module:
                continue
            parts = module.split(".")
            names += [".".join(parts[: i + 1]) for i in range(len(parts))]
            names += [f"{module}.{alias.name}" for alias in node.names if alias.name != "*"]  # maybe submodules
    return tuple(dict.fromkeys(names))


def _module_source(name: str) -> tuple[Path, str] | None:
    """The source file of module ``name`` and its package, looked up without running new code
    when possible (already imported modules first)."""
    module = sys.modules.get(name)
    if module is not None:
        path = _module_file(module)
        package = getattr(module, "__package__", None) or ""
        return (path, package) if path is not None else None
    if "." in name and sys.modules.get(name.rpartition(".")[0]) is None:
        return None  # finding a submodule would import its parent package: not for a cache key
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None
    if spec is None or not spec.origin or not spec.has_location:
        return None
    package = name if spec.submodule_search_locations else name.rpartition(".")[0]
    return Path(spec.origin).resolve(), package


def code_closure(module: ModuleType) -> dict[Path, str]:
    """Every project or user source file the module's result may depend on: the module itself and the
    transitive closure of what it imports (``import`` statements anywhere in each file, plus the
    modules of the objects it holds), leaving out the standard library and installed libraries
    (whose versions are in the key). Returns path -> SHA-256."""
    own = _module_file(module)
    if own is None:
        return {}
    found: dict[Path, str] = {}
    todo: list[tuple[Path, str]] = [(own, getattr(module, "__package__", None) or "")]
    for value in vars(module).values():  # objects imported at run time (importlib) still name their module
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        source = _module_source(name) if isinstance(name, str) else None
        if source is not None:
            todo.append(source)
    while todo:
        path, package = todo.pop()
        if path in found or not path.is_file() or not _is_project_file(path) and path != own:
            continue
        if _ENGINE in path.parents and path != own:
            continue  # the engine is in the key as a whole (shared_digests)
        found[path] = file_digest(path)
        st = path.stat()
        for name in _imported_names(str(path), st.st_mtime_ns, st.st_size, package):
            source = _module_source(name)
            if source is not None and source[0] not in found:
                todo.append(source)
    return found


def claim_code_digest(origin: str, claim_id: str) -> dict:
    """Digests of the claim's own module and of every project or user module it imports, transitively
    (a helper importing a constants module counts: changing the constant changes the key)."""
    module = _defining_module(origin, claim_id)
    if module is None or _module_file(module) is None:
        return {"module": None}
    own = _module_file(module)
    project = own.parent  # labels are relative to the folder holding the module's top-level package
    while project.joinpath("__init__.py").exists():
        project = project.parent
    related = {}
    for path, digest in code_closure(module).items():
        if path == own:
            continue
        label = str(path.relative_to(project)) if project in path.parents else str(path)
        related[label] = digest
    return {"module": str(own.name), "digest": file_digest(own), "related": dict(sorted(related.items()))}


def shared_digests(origin: str | None = None) -> dict:
    """Digests of the engine and of the shared code ``origin``'s catalogue declares (``SHARED``; none for a file or
    a module): a change there changes every key of that catalogue's claims."""
    from .registry import shared_code

    out = {"proofcheck": tree_digest(_ENGINE)}
    for label, path in (shared_code(origin).items() if origin else ()):
        out[label] = tree_digest(path) if path.is_dir() else file_digest(path)
    return out


def key_material(task) -> dict:
    """Everything a task's result depends on, as a JSON-ready dict: with the code, the data files the claim's
    modules read when they were imported (the data files its checks read are checked at lookup: :meth:`get`)."""
    from .inputs import data_files
    from .registry import IMPORT_READS

    fields = task.identity()
    material = {"schema": SCHEMA, "task": fields, "claim_code": claim_code_digest(task.ref.origin, task.ref.id),
                "shared_code": shared_digests(task.ref.origin), "libraries": library_versions()}
    data = data_files(IMPORT_READS.get(task.ref.origin, ()))
    if data:
        material["claim_data"] = data
    return material


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
        """The cached evidence JSON of ``task``, marked as such, or None.

        The evidence is marked ``"cached": true`` with ``"original_seconds"`` (the time of the run that
        computed it; ``seconds`` becomes this run's, 0). Both keys are in ``report.TIMING_KEYS``, so a
        report built from cached results compares equal to the fresh one. An entry that is absent,
        unreadable or malformed in any way (``null``, ``[]``, truncated, garbage) is a miss: the check
        runs again and its entry is rewritten. So is an entry whose check read a data file that has
        changed since (``Evidence.inputs``, :mod:`proofcheck.inputs`).
        """
        if not self.read:
            return None
        key = task_key(task)
        try:
            entry = json.loads(self._path(key).read_text())
        except (OSError, ValueError, RecursionError):
            return None
        evidence = entry.get("evidence") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or entry.get("key") != key or not _usable(evidence):
            return None
        if not unchanged(evidence.get("inputs") or {}):  # a data file the check read has changed (or is gone)
            return None
        self.hits += 1
        original = evidence.get("seconds")
        return dict(evidence, cached=True, seconds=0.0,
                    original_seconds=original if isinstance(original, (int, float)) else None)

    def put(self, task, evidence: dict) -> bool:
        """Store ``evidence`` if it may be cached (replacing any earlier or corrupt entry); returns whether
        it was stored. Never raises, and a failed save leaves no temporary file behind."""
        if not self.write or not _cacheable(evidence) or evidence.get("cached"):
            return False
        key = task_key(task)
        path = self._path(key)
        try:
            text = json.dumps({"key": key, "material": key_material(task), "evidence": evidence}, default=str)
        except (TypeError, ValueError, RecursionError):
            return False
        if not write_file(path, text):
            return False
        self.stores += 1
        return True


def _cacheable(evidence) -> bool:
    """PASS, or an INCONCLUSIVE its check did not mark as depending on something outside the key."""
    if not isinstance(evidence, dict) or evidence.get("verdict") not in CACHED_VERDICTS:
        return False
    details = evidence.get("details")
    return not (isinstance(details, dict) and details.get("deterministic") is False)


def _usable(evidence) -> bool:
    """Whether a stored evidence has the shape of Evidence JSON with a cacheable verdict."""
    if not _cacheable(evidence):
        return False
    from .model import Evidence

    try:
        Evidence.from_json(evidence)
    except (TypeError, ValueError, KeyError):
        return False
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
        self.seconds = {}
        try:
            stored = json.loads(self.path.read_text())
        except (OSError, ValueError, RecursionError):
            stored = None
        if isinstance(stored, dict):  # anything else (null, [], garbage) is ignored and rewritten on save
            for label, seconds in stored.items():
                if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and math.isfinite(seconds):
                    self.seconds[str(label)] = float(seconds)
        self.new: dict[str, float] = {}

    @staticmethod
    def label(task) -> str:
        fields = task.identity()
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
        write_file(self.path, json.dumps(merged, sort_keys=True))


def write_file(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then a rename); returns whether
    it was written. Never raises on I/O, and a failed save leaves no temporary file behind."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
