"""Where claims come from: the registered catalogues, and user claim files or modules.

A catalogue is a package that lists its claim modules in ``CATALOGUE`` (in order), and may declare ``LABELS``
(label -> claim id) and ``SHARED`` (its shared code: subpackage or module names, relative to the catalogue, whose
source enters every cache key of its claims and of no other catalogue's). Catalogues register through the entry
point group ``proofcheck.catalogues`` (``name = "package"`` in ``[project.entry-points."proofcheck.catalogues"]`` of
a pyproject.toml): the engine's own catalogues as any user's package would. ``proofcheck all`` runs every
registered catalogue, in the order of their names (:func:`registered`); a selection names one by its name or its
package (:meth:`Registry.catalogue`); ``--claims PACKAGE`` adds one that is not registered.

A claim module defines ``CLAIM`` (one Claim) or ``CLAIMS`` (a list), and optionally
``MUTANTS = {claim_id: {mutant_name: factory}}``, where each factory returns a false variant of
the claim that proofcheck must report as FAIL (``selftest`` and the test suite run them), and
``WEAKENINGS`` of the same shape: true variants (a larger constant, a lower probability floor, a smaller
range) that proofcheck must NOT report as FAIL. A weakening runs as the mutant named
``weakening:NAME`` (``run CLAIM --mutant weakening:NAME``).
"""
from __future__ import annotations

import contextlib
import errno
import functools
import importlib
import importlib.metadata
import importlib.util
import io
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from . import interrupts
from .errors import UsageError
from .model import Claim

CATALOGUE_GROUP = "proofcheck.catalogues"


NOT_PASS = "not-pass"


def existence_mutant(factory):
    """Mark a false variant of an *existence* claim.

    A search that finds no witness proves nothing, so such a mutant can never FAIL: it is
    detected when its verdict is INCONCLUSIVE or FAIL (never PASS, never ERROR). Give the claim
    another mutant that can FAIL as well (for example one that breaks its symbolic part).
    """
    factory.expect = NOT_PASS
    return factory


# A mutant of a known-false claim (Claim.expect == "FAIL"): its counterexample broken (parameters moved until it no
# longer refutes), so it must NOT be REFUTED: detected when PASS or INCONCLUSIVE. A REFUTED mutant means the checks
# call the claim false whatever the witness (a rubber stamp); FAIL and ERROR are misses too.
NOT_REFUTED = "not-refuted"


def mutant_expectation(factory, claim: Claim | None = None) -> str:
    """``"FAIL"`` (the default), ``NOT_PASS`` for mutants marked with :func:`existence_mutant`, or ``NOT_REFUTED``
    for the mutants of a known-false ``claim`` (the claim the mutant varies)."""
    if claim is not None and getattr(claim, "expect", "PASS") == "FAIL" and not hasattr(factory, "expect"):
        return NOT_REFUTED
    return getattr(factory, "expect", "FAIL")


@dataclass(frozen=True)
class ClaimRef:
    """A picklable pointer to a claim: its origin (module name or file path), id, and mutant (or None)."""

    origin: str
    id: str
    mutant: str | None = None


def _load_file(path: str) -> ModuleType:
    try:
        file = Path(path).resolve(strict=True)
    except FileNotFoundError:
        raise UsageError(f"claim file {path!r} does not exist") from None
    except (RuntimeError, OSError) as exc:  # a symlink loop (RuntimeError before Python 3.13), a denied directory
        why = "is a symbolic link loop" if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP \
            else f"cannot be read ({exc.strerror or exc})"
        raise UsageError(f"claim file {path!r} {why}") from None
    if not file.is_file():
        raise UsageError(f"claim file {path!r} does not exist")
    name = "proofcheck_user_" + file.stem.replace("-", "_") + "_" + str(abs(hash(str(file))) % 10**8)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _claim_output(path):
            spec.loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise UsageError(f"claim file {path!r} has a syntax error at line {exc.lineno}: {exc.msg}") from None
    except BaseException as exc:  # noqa: BLE001 - any import failure of user code (sys.exit too) is a usage error
        sys.modules.pop(name, None)
        if not interrupts.raised_by_claim_code(exc):
            raise
        raise UsageError(f"claim file {path!r} raised on import: {type(exc).__name__}: {exc}") from None
    return module


@contextlib.contextmanager
def _claim_output(origin: str):
    """What claim code prints while its module loads goes to stderr, each line prefixed with the
    origin, so that it can never pass for proofcheck's own output (an ``::error`` annotation, or a
    line on a ``--quiet`` stdout)."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield
    finally:
        for line in buffer.getvalue().splitlines():
            print(f"[claim output {origin}] {line}", file=sys.stderr)


@functools.lru_cache(maxsize=None)
def registered() -> tuple[tuple[str, str], ...]:
    """Every registered catalogue as (name, package), in run order: sorted by name (then package), so that the order
    is the same whatever order the installed distributions are found in.

    The entries are the entry points of group ``proofcheck.catalogues`` of the installed distributions. When the
    engine runs from a source tree, its own pyproject.toml declares the engine's catalogues instead of the installed
    metadata of the same distribution (an editable install made before the entry points last changed is then still
    right). A package registered twice (under one name or two) counts once, under its first name."""
    entries = []
    own = _own_entry_points()
    for ep in importlib.metadata.entry_points(group=CATALOGUE_GROUP):
        if own is not None and _distribution_name(ep) == __package__:
            continue  # the source tree's pyproject.toml speaks for this distribution
        entries.append((ep.name, ep.value))
    entries += list((own or {}).items())
    by_package: dict[str, str] = {}
    for name, value in entries:
        by_package.setdefault(value.split(":")[0].strip(), name.strip())
    return tuple(sorted(((name, package) for package, name in by_package.items())))


def _own_entry_points() -> dict[str, str] | None:
    """{name: package} of the catalogues the engine's own pyproject.toml declares, when the engine runs from its
    source tree; None otherwise."""
    project = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if not project.is_file():
        return None
    try:
        data = tomllib.loads(project.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if data.get("project", {}).get("name") != __package__:  # some other project's tree around an installed engine
        return None
    return dict(data["project"].get("entry-points", {}).get(CATALOGUE_GROUP, {}))


def _distribution_name(ep) -> str | None:
    """The normalized name of the distribution that declares entry point ``ep`` (None when unknown)."""
    dist = getattr(ep, "dist", None)
    name = getattr(dist, "name", None) if dist is not None else None
    return re.sub(r"[-_.]+", "_", name).lower() if name else None


def catalogues() -> tuple[str, ...]:
    """The package names of the registered catalogues, in run order (:func:`registered`)."""
    return tuple(package for _, package in registered())


def catalogue_named(name: str) -> str | None:
    """The package of the registered catalogue ``name`` (its registered name, ``classics``, or its package,
    ``content.classics``); None when no registered catalogue has that name."""
    return next((package for entry, package in registered() if name in (entry, package)), None)


def _catalogue_package(name: str) -> ModuleType:
    """A registered catalogue's package. One that ships beside the engine (in its source tree or installation) is
    loaded from there, whatever the working directory holds: ``python -m`` puts the working directory first on
    ``sys.path``, where another package of the same name may live. For a subpackage (``content.paper``) that holds for
    its top-level package, whose ``__path__`` the import system then follows."""
    top, _, sub = name.partition(".")
    package = _top_level_package(top)
    return importlib.import_module(name) if sub else package


def _top_level_package(name: str) -> ModuleType:
    """The top-level package ``name``: from beside the engine when it ships there, else from the import system."""
    here = Path(__file__).resolve().parent.parent / name / "__init__.py"
    loaded = sys.modules.get(name)
    if loaded is not None:
        if not here.is_file() or _module_path(loaded) == here:
            return loaded
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[mod]  # a foreign package of that name was imported first: replace it with the catalogue
    if not here.is_file():  # installed elsewhere: the import system finds it
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, here, submodule_search_locations=[str(here.parent)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return package


def is_catalogue(module: ModuleType) -> bool:
    """A package that lists its claim modules in ``CATALOGUE``."""
    return hasattr(module, "__path__") and isinstance(getattr(module, "CATALOGUE", None), (list, tuple))


def shared_code(origin: str) -> dict[str, Path]:
    """The shared code a catalogue declares for its cache keys (``SHARED``: names of its subpackages or modules),
    {"package/sub/name": path} (labelled by path, from the catalogue's top-level package); empty for a file, a module
    or a catalogue that declares none. Each catalogue's claims depend on its own shared code only."""
    if origin.endswith(".py") or "/" in origin or "\\" in origin:
        return {}
    package = sys.modules.get(origin)
    if package is None or not is_catalogue(package):
        return {}
    root = Path(package.__file__).resolve().parent
    out = {}
    for name in getattr(package, "SHARED", ()):
        path = root.joinpath(*name.split("."))
        path = path if path.is_dir() else path.with_suffix(".py")
        if path.exists():
            out["/".join(origin.split(".") + name.split("."))] = path
    return out


def _module_path(module: ModuleType) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if file else None


# Files each origin's modules opened for reading while they were imported (proofcheck.inputs): their data
# files enter the cache key (proofcheck.cache.key_material), as the modules' code does.
IMPORT_READS: dict[str, set] = {}


def load_origin(origin: str) -> list[ModuleType]:
    """The modules of an origin: the built-in catalogue, a .py file, or an importable module name."""
    from .inputs import recording

    with recording() as reads:
        try:
            return _load_origin(origin)
        finally:
            if reads:
                IMPORT_READS.setdefault(origin, set()).update(reads)


def _load_origin(origin: str) -> list[ModuleType]:
    if origin in catalogues():
        package = _catalogue_package(origin)
        return [importlib.import_module(f"{origin}.{name}") for name in package.CATALOGUE]
    if origin.endswith(".py") or "/" in origin or "\\" in origin:
        return [_load_file(origin)]
    try:
        with _claim_output(origin):
            module = importlib.import_module(origin)
            if is_catalogue(module):  # a user's catalogue package named with --claims
                return [importlib.import_module(f"{origin}.{name}") for name in module.CATALOGUE]
            return [module]
    except ImportError as exc:
        raise UsageError(f"cannot import claim module {origin!r}: {exc}") from None
    except BaseException as exc:  # noqa: BLE001
        if not interrupts.raised_by_claim_code(exc):
            raise
        raise UsageError(f"claim module {origin!r} raised on import: {type(exc).__name__}: {exc}") from None


# A claim id is pasted into shells (reproducers), file names and ``claim[key=value]`` selections.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


def claims_of(module: ModuleType, origin: str | None = None) -> list[Claim]:
    """The claims a module defines (``CLAIMS``, a list or tuple of Claim, or ``CLAIM``, one Claim).

    With ``origin`` given, a malformed definition is a UsageError naming it; without, it is ignored.
    """
    where = origin or getattr(module, "__name__", "?")
    if hasattr(module, "CLAIMS"):
        value, name = module.CLAIMS, "CLAIMS"
        if not isinstance(value, (list, tuple)):
            if origin is None:
                return []
            raise UsageError(f"{where!r}: CLAIMS must be a list of proofcheck.Claim, not {type(value).__name__}")
        claims = list(value)
    elif hasattr(module, "CLAIM"):
        value, name = module.CLAIM, "CLAIM"
        claims = [value]
    else:
        return []
    if origin is None:
        return [c for c in claims if isinstance(c, Claim)]
    for i, claim in enumerate(claims):
        place = f"{name}[{i}]" if name == "CLAIMS" else name
        if not isinstance(claim, Claim):
            what = "the class proofcheck.Claim itself (call it to make a claim)" if claim is Claim \
                else type(claim).__name__
            raise UsageError(f"{where!r}: {place} holds {what}, not a proofcheck.Claim")
        if not isinstance(claim.id, str) or not SAFE_ID.match(claim.id):
            raise UsageError(f"{where!r}: {place} has the claim id {claim.id!r}; an id must be non-empty and use only "
                             "letters, digits and . _ + - (it is pasted into shell commands)")
    seen: dict[str, int] = {}
    for i, claim in enumerate(claims):
        if claim.id in seen:
            raise UsageError(f"{where!r}: claim id {claim.id!r} is defined twice, by {name}[{seen[claim.id]}] "
                             f"(title {claims[seen[claim.id]].title!r}) and by {name}[{i}] (title {claim.title!r})"
                             + _lines_naming(module, claim.id))
        seen[claim.id] = i
    return claims


def _lines_naming(module: ModuleType, text: str) -> str:
    """", at lines 3 and 9" : where the module's source spells ``text`` as a string literal (best effort)."""
    try:
        source = Path(module.__file__).read_text(encoding="utf-8").splitlines()
    except (OSError, TypeError, AttributeError, ValueError):
        return ""
    quoted = (f'"{text}"', f"'{text}'")
    lines = [str(n) for n, line in enumerate(source, 1) if any(q in line for q in quoted)]
    return f", at lines {', '.join(lines[:-1])} and {lines[-1]}" if len(lines) >= 2 else ""


def _mutants_of(module: ModuleType, origin: str, attribute: str = "MUTANTS") -> dict:
    """``MUTANTS = {claim_id: {mutant_name: factory}}`` (or ``WEAKENINGS``, the same shape), checked for shape
    (a UsageError naming the problem)."""
    table = getattr(module, attribute, {})
    if not isinstance(table, dict):
        raise UsageError(f"{origin!r}: {attribute} must be a dict {{claim_id: {{name: factory}}}}, "
                         f"not {type(table).__name__}")
    for cid, mutants in table.items():
        if not isinstance(cid, str) or not isinstance(mutants, dict):
            raise UsageError(f"{origin!r}: {attribute}[{cid!r}] must map names to factories, "
                             f"not be {type(mutants).__name__}")
        for name, factory in mutants.items():
            if not isinstance(name, str) or not name or not callable(factory):
                raise UsageError(f"{origin!r}: {attribute}[{cid!r}][{name!r}] must be a callable that returns a Claim, "
                                 f"not {type(factory).__name__}")
    return table


# A weakening runs through the mutant machinery under this prefix (refs, tasks, reproducers: --mutant weakening:NAME)
WEAKENING = "weakening:"
MUST_NOT_FAIL = "not-fail"  # what a weakening must do (selftest): not FAIL, not ERROR


class Registry:
    """Claims by id, in catalogue order, with their origins and mutants."""

    def __init__(self) -> None:
        self.claims: dict[str, Claim] = {}
        self.origins: dict[str, str] = {}
        self.mutants: dict[str, dict] = {}
        self.weakenings: dict[str, dict] = {}  # WEAKENINGS: true variants that must not FAIL

    def add_origin(self, origin: str) -> list[str]:
        added = []
        for module in load_origin(origin):
            claims = claims_of(module, origin)
            if not claims and not is_catalogue(sys.modules.get(origin) or module):
                raise UsageError(f"{origin!r} defines no claims (expected CLAIM or CLAIMS)")
            for claim in claims:
                if claim.id in self.claims and self.origins[claim.id] != origin:
                    raise UsageError(f"claim id {claim.id!r} from {origin!r} is already defined by {self.origins[claim.id]!r}")
                if claim.id in added:  # two modules of one origin (the built-in catalogue)
                    raise UsageError(f"claim id {claim.id!r} is defined twice in {origin!r}")
                self.claims[claim.id] = claim
                self.origins[claim.id] = origin
                added.append(claim.id)
            for cid, table in _mutants_of(module, origin).items():
                self.mutants.setdefault(cid, {}).update(table)
            for cid, table in _mutants_of(module, origin, "WEAKENINGS").items():
                self.weakenings.setdefault(cid, {}).update(table)
        return added

    @classmethod
    def builtin(cls) -> "Registry":
        """Every registered catalogue's claims (:func:`catalogues`)."""
        reg = cls()
        for origin in catalogues():
            reg.add_origin(origin)
        return reg

    def ids(self) -> list[str]:
        return list(self.claims)

    def catalogue(self, name: str) -> list[str] | None:
        """The ids of the claims of the registered catalogue ``name`` (:func:`catalogue_named`: ``classics`` or
        ``content.classics``), in catalogue order; None when no registered catalogue has that name. Selection by
        catalogue (``proofcheck run classics``, ``proofcheck list adam``) goes through here (proofcheck.naming)."""
        package = catalogue_named(name)
        if package is None:
            return None
        return [cid for cid, origin in self.origins.items() if origin == package]

    def catalogue_names(self) -> list[str]:
        """The names of the registered catalogues whose claims this registry holds, in run order."""
        held = set(self.origins.values())
        return [name for name, package in registered() if package in held]

    def get(self, claim_id: str) -> Claim:
        if claim_id not in self.claims:
            from .naming import hint  # only close names, ids and labels alike

            raise UsageError(f"unknown claim {claim_id!r}{hint(self, claim_id)} (valid claims: {', '.join(self.ids())})")
        return self.claims[claim_id]

    def mutant(self, claim_id: str, name: str) -> Claim:
        """The false variant ``name`` of a claim, or its true weakening when ``name`` is ``weakening:NAME``."""
        weak = name.startswith(WEAKENING)
        table = self.weakenings.get(claim_id, {}) if weak else self.mutants.get(claim_id, {})
        key = name[len(WEAKENING):] if weak else name
        if key not in table:
            valid = ", ".join(table) or "none"
            if weak:
                raise UsageError(f"claim {claim_id!r} has no weakening {key!r} (valid weakenings: {valid})")
            raise UsageError(f"claim {claim_id!r} has no mutant {name!r} (valid mutants: {valid}"
                             + (f"; weakenings run as weakening:NAME" if self.weakenings.get(claim_id) else "") + ")")
        made = table[key]()
        if not isinstance(made, Claim):
            raise UsageError(f"{self.origins.get(claim_id, '?')!r}: {'WEAKENINGS' if weak else 'MUTANTS'}[{claim_id!r}]"
                             f"[{key!r}]() returned {type(made).__name__}, not a proofcheck.Claim")
        return made

    def ref(self, claim_id: str, mutant: str | None = None) -> ClaimRef:
        return ClaimRef(self.origins[claim_id], claim_id, mutant)


_CACHE: dict[str, Registry] = {}


def resolve(ref: ClaimRef) -> Claim:
    """The Claim a ClaimRef points to (used by worker processes, which rebuild claims from code)."""
    reg = _CACHE.get(ref.origin)
    if reg is None:
        reg = Registry()
        reg.add_origin(ref.origin)
        _CACHE[ref.origin] = reg
    return reg.mutant(ref.id, ref.mutant) if ref.mutant else reg.get(ref.id)
