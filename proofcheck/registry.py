"""Where claims come from: the built-in ``lemmas`` package, and user claim files or modules.

A claim module defines ``CLAIM`` (one Claim) or ``CLAIMS`` (a list), and optionally
``MUTANTS = {claim_id: {mutant_name: factory}}``, where each factory returns a false variant of
the claim that proofcheck must report as FAIL (``selftest`` and the test suite run them).
"""
from __future__ import annotations

import difflib
import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .errors import UsageError
from .model import Claim

BUILTIN = "lemmas"


NOT_PASS = "not-pass"


def existence_mutant(factory):
    """Mark a false variant of an *existence* claim.

    A search that finds no witness proves nothing, so such a mutant can never FAIL: it is
    detected when its verdict is INCONCLUSIVE or FAIL (never PASS, never ERROR). Give the claim
    another mutant that can FAIL as well (for example one that breaks its symbolic part).
    """
    factory.expect = NOT_PASS
    return factory


def mutant_expectation(factory) -> str:
    """``"FAIL"`` (the default) or ``NOT_PASS`` for mutants marked with :func:`existence_mutant`."""
    return getattr(factory, "expect", "FAIL")


@dataclass(frozen=True)
class ClaimRef:
    """A picklable pointer to a claim: its origin (module name or file path), id, and mutant (or None)."""

    origin: str
    id: str
    mutant: str | None = None


def _load_file(path: str) -> ModuleType:
    file = Path(path).resolve()
    if not file.is_file():
        raise UsageError(f"claim file {path!r} does not exist")
    name = "proofcheck_user_" + file.stem.replace("-", "_") + "_" + str(abs(hash(str(file))) % 10**8)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise UsageError(f"claim file {path!r} has a syntax error at line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - any import failure of user code is a usage error
        del sys.modules[name]
        raise UsageError(f"claim file {path!r} raised on import: {type(exc).__name__}: {exc}") from None
    return module


def load_origin(origin: str) -> list[ModuleType]:
    """The modules of an origin: the built-in catalogue, a .py file, or an importable module name."""
    if origin == BUILTIN:
        package = importlib.import_module(BUILTIN)
        return [importlib.import_module(f"{BUILTIN}.{name}") for name in package.CATALOGUE]
    if origin.endswith(".py") or "/" in origin or "\\" in origin:
        return [_load_file(origin)]
    try:
        return [importlib.import_module(origin)]
    except ImportError as exc:
        raise UsageError(f"cannot import claim module {origin!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001
        raise UsageError(f"claim module {origin!r} raised on import: {type(exc).__name__}: {exc}") from None


def _claims_of(module: ModuleType) -> list[Claim]:
    if hasattr(module, "CLAIMS"):
        return list(module.CLAIMS)
    if hasattr(module, "CLAIM"):
        return [module.CLAIM]
    return []


class Registry:
    """Claims by id, in catalogue order, with their origins and mutants."""

    def __init__(self) -> None:
        self.claims: dict[str, Claim] = {}
        self.origins: dict[str, str] = {}
        self.mutants: dict[str, dict] = {}

    def add_origin(self, origin: str) -> list[str]:
        added = []
        for module in load_origin(origin):
            claims = _claims_of(module)
            if origin != BUILTIN and not claims:
                raise UsageError(f"{origin!r} defines no claims (expected CLAIM or CLAIMS)")
            for claim in claims:
                if not isinstance(claim, Claim):
                    raise UsageError(f"{origin!r}: CLAIMS holds {type(claim).__name__}, not a proofcheck.Claim")
                if claim.id in self.claims and self.origins[claim.id] != origin:
                    raise UsageError(f"claim id {claim.id!r} from {origin!r} is already defined by {self.origins[claim.id]!r}")
                self.claims[claim.id] = claim
                self.origins[claim.id] = origin
                added.append(claim.id)
            for cid, table in getattr(module, "MUTANTS", {}).items():
                self.mutants.setdefault(cid, {}).update(table)
        return added

    @classmethod
    def builtin(cls) -> "Registry":
        reg = cls()
        reg.add_origin(BUILTIN)
        return reg

    def ids(self) -> list[str]:
        return list(self.claims)

    def get(self, claim_id: str) -> Claim:
        if claim_id not in self.claims:
            near = difflib.get_close_matches(claim_id, self.ids(), n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise UsageError(f"unknown claim {claim_id!r}{hint} (valid claims: {', '.join(self.ids())})")
        return self.claims[claim_id]

    def mutant(self, claim_id: str, name: str) -> Claim:
        table = self.mutants.get(claim_id, {})
        if name not in table:
            raise UsageError(f"claim {claim_id!r} has no mutant {name!r} (valid mutants: {', '.join(table) or 'none'})")
        return table[name]()

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
