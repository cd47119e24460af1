"""The claim model: claims, evidence and verdicts (docs/design.md, 'Verdicts and evidence')."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

PROVENANCES = ("abstract", "seed", "reconstruction", "user")
BASES = ("symbolic", "numeric")  # an Evidence.basis is one of these, or "symbolic+numeric"


class Verdict(str, enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"

    def __str__(self) -> str:  # so f-strings print "PASS", not "Verdict.PASS"
        return self.value


@dataclass
class Evidence:
    """What one check did and found.

    ``worst_margin`` follows the check's sign convention, stated in ``margin_meaning``:
    for bounds it is the largest relative excess lhs/rhs - 1 found (positive = violated).
    ``dps`` and ``backend`` describe the arithmetic that produced the *deciding* numbers.
    """

    check: str
    kind: str
    basis: str  # "symbolic" or "numeric"
    verdict: Verdict
    instances: int = 0
    worst_margin: float | None = None
    margin_meaning: str = ""
    dps: int | None = None
    backend: str = ""
    seconds: float = 0.0
    witness: Any = None
    reproducer: str | None = None
    certified: bool = False
    reason: str = ""
    details: dict = field(default_factory=dict)
    artifacts: list = field(default_factory=list)  # {"name", "mime", "path" or "data"}
    # Served from the result cache instead of computed in this run (``seconds`` is then this run's
    # time, about 0, and ``original_seconds`` the time of the run that computed it). Both are left
    # out of reproducibility comparisons (report.TIMING_KEYS).
    cached: bool = False
    original_seconds: float | None = None
    # "decides" (the default) or "supports": a supporting check (a sweep showing the asymptotic shape of a claim
    # that an explicit finite check decides) FAILs its claim like any other, but an unsettled one does not hold
    # back a PASS; the claim's reason names it.
    role: str = "decides"
    # The data files the check read, {path: SHA-256} (proofcheck.inputs; code is covered by the cache key): a
    # cached result is served only while each still has its digest. Written to JSON only when there are some.
    inputs: dict = field(default_factory=dict)

    def with_basis(self, basis: str) -> "Evidence":
        """This evidence with ``basis`` replaced ("symbolic", "numeric" or "symbolic+numeric"); returns self."""
        self.basis = basis
        return self

    def to_json(self) -> dict:
        return {
            "check": self.check,
            "kind": self.kind,
            "basis": self.basis,
            "verdict": self.verdict.value,
            "instances": self.instances,
            "worst_margin": self.worst_margin,
            "margin_meaning": self.margin_meaning,
            "dps": self.dps,
            "backend": self.backend,
            "seconds": self.seconds,
            "witness": self.witness,
            "reproducer": self.reproducer,
            "certified": self.certified,
            "reason": self.reason,
            "details": self.details,
            "artifacts": self.artifacts,
            "cached": self.cached,
            "original_seconds": self.original_seconds,
            "role": self.role,
            **({"inputs": self.inputs} if self.inputs else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Evidence":
        data = dict(data)
        data["verdict"] = Verdict(data["verdict"])
        return cls(**data)


@dataclass
class Claim:
    """A claim of a paper: what it says, where it comes from, and the checks that stand behind it."""

    id: str
    title: str
    source: str
    provenance: str
    statement: str  # LaTeX text
    hypotheses: list[str]
    checks: list
    sympy_statement: str | None = None
    notes: str = ""
    parameters: dict = field(default_factory=dict)  # selectable grid keys -> allowed values (see selection)

    def __post_init__(self) -> None:
        if self.provenance not in PROVENANCES:
            raise ValueError(f"claim {self.id}: provenance {self.provenance!r} not in {PROVENANCES}")
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError(f"claim {self.id}: duplicate check names {names}")

    def meta_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "provenance": self.provenance,
            "statement": self.statement,
            "sympy_statement": self.sympy_statement,
            "hypotheses": list(self.hypotheses),
            "notes": self.notes,
        }


def evidence_bases(evidence: "Evidence") -> set[str]:
    """The kinds of evidence one check gave: ``basis`` is "symbolic", "numeric" or "symbolic+numeric"."""
    return set(str(evidence.basis).split("+")) & set(BASES)


def _first_and_rest(items: list["Evidence"], noun: str) -> str:
    first = items[0]
    text = f"{first.check}: {first.reason}" if first.reason else first.check
    if len(items) > 1:
        text += f" (and {len(items) - 1} more {noun}: {', '.join(e.check for e in items[1:])})"
    return text


def combine(evidence: list[Evidence]) -> tuple[Verdict, str]:
    """A claim's verdict from its checks' evidence (docs/design.md, 'Verdicts and evidence').

    FAIL if any check FAILed; ERROR if claim code crashed; PASS only if every deciding check PASSed and both
    symbolic and numeric evidence exist among them (supporting checks must not FAIL or crash, but an unsettled one
    does not hold back a PASS: it is named in the reason); otherwise INCONCLUSIVE. The reason is the deciding
    check's own sentence, prefixed with its name ("<check>: <reason>"), so the numbers that decided it travel
    with the verdict.
    """
    if not evidence:
        return Verdict.INCONCLUSIVE, "no checks ran"
    fails = [e for e in evidence if e.verdict is Verdict.FAIL]
    if fails:
        return Verdict.FAIL, _first_and_rest(fails, "failing check(s)")
    errors = [e for e in evidence if e.verdict is Verdict.ERROR]
    if errors:
        return Verdict.ERROR, _first_and_rest(errors, "check(s) with errors")
    deciding = [e for e in evidence if e.role != "supports"]
    open_ = [e for e in deciding if e.verdict is not Verdict.PASS]
    if open_:
        return Verdict.INCONCLUSIVE, _first_and_rest(open_, "unsettled check(s)")
    if not deciding:
        return Verdict.INCONCLUSIVE, "only supporting checks ran: nothing decides this claim"
    bases = set().union(*(evidence_bases(e) for e in deciding))
    missing = [b for b in BASES if b not in bases]
    if missing:
        return Verdict.INCONCLUSIVE, ("every check passed, but there is no " + " and no ".join(missing)
                                      + " evidence (PASS needs both)")
    unsettled = [e for e in evidence if e.role == "supports" and e.verdict is not Verdict.PASS]
    note = ("; supporting evidence not settled at this budget: " + "; ".join(f"{e.check}: {e.reason}" for e in unsettled)
            if unsettled else "")
    return Verdict.PASS, f"all {len(deciding)} deciding checks passed, with symbolic and numeric evidence{note}"
