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
    # A claim declared known to be false (Claim.expect == "FAIL") whose refutation was reproduced: a FAIL on a
    # certified counterexample. It is the expected outcome and keeps the exit code 0 (docs/design.md, "Known-false
    # claims"); see :func:`expect_outcome`.
    REFUTED = "REFUTED"

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
    # The regimes of its claim (Claim.regimes) this check decides, as the check declared them (proofcheck.covering);
    # written to JSON only when there are some. A supporting check's covers never count for a PASS.
    covers: list = field(default_factory=list)

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
            **({"covers": list(self.covers)} if self.covers else {}),
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
    # The regimes the claim states, {name: words} (a list of names is read as {name: name}): the parts of its
    # hypotheses or parameter space that must each be decided for a PASS (docs/design.md, "Scope of a PASS").
    # A check declares the regimes it decides with proofcheck.covering(check, name, ...).
    regimes: dict = field(default_factory=dict)
    # "PASS" (the default: the claim is believed true) or "FAIL": a famous false claim kept in a catalogue so that
    # its refutation is re-checked on every run, with ``refuted_by`` naming the source of the refutation. See
    # "Known-false claims" below and :func:`expect_outcome`.
    expect: str = "PASS"
    refuted_by: str = ""

    def __post_init__(self) -> None:
        if self.provenance not in PROVENANCES:
            raise ValueError(f"claim {self.id}: provenance {self.provenance!r} not in {PROVENANCES}")
        if self.expect not in EXPECTS:
            raise ValueError(f"claim {self.id}: expect must be one of {EXPECTS}, got {self.expect!r}")
        if self.expect == "FAIL" and not (isinstance(self.refuted_by, str) and self.refuted_by.strip()):
            raise ValueError(f"claim {self.id}: a claim with expect='FAIL' must name its refutation in refuted_by")
        names = [c.name for c in self.checks]
        if len(set(names)) != len(names):
            raise ValueError(f"claim {self.id}: duplicate check names {names}")
        if isinstance(self.regimes, (list, tuple)):
            self.regimes = {str(r): str(r) for r in self.regimes}
        if not isinstance(self.regimes, dict) or not all(isinstance(k, str) and k and isinstance(v, str)
                                                          for k, v in self.regimes.items()):
            raise ValueError(f"claim {self.id}: regimes must map regime names to the words that state them")
        for check in self.checks:
            unknown = [r for r in getattr(check, "covers", ()) if r not in self.regimes]
            if unknown:
                raise ValueError(f"claim {self.id}: check {check.name!r} covers {unknown}, which the claim does not "
                                 f"state (its regimes: {sorted(self.regimes) or 'none'})")

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
            **({"regimes": dict(self.regimes)} if self.regimes else {}),
            # only on known-false claims, so that the record of every other claim is unchanged
            **({"expect": self.expect, "refuted_by": self.refuted_by} if self.expect != "PASS" else {}),
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


@dataclass
class Decision:
    """A claim's verdict, the one sentence behind it, and for a PASS its scope: the regimes it decided, in words
    ("for beta2 = 1, delta = 0; and beta2 <= 0.99, delta = 1"), empty when the claim states no regimes."""

    verdict: Verdict
    reason: str
    scope: str = ""


def scope_text(words: list[str]) -> str:
    """'for A; and B': the regimes a PASS decided, in the claim's own words."""
    return ("for " + "; and ".join(words)) if words else ""


def combine(evidence: list[Evidence], regimes: dict | None = None, covers: dict | None = None) -> tuple[Verdict, str]:
    """(verdict, reason) of :func:`decide` (kept for the callers that need no scope)."""
    d = decide(evidence, regimes, covers)
    return d.verdict, d.reason


def decide(evidence: list[Evidence], regimes: dict | None = None, covers: dict | None = None) -> Decision:
    """A claim's verdict from its checks' evidence (docs/design.md, 'Verdicts and evidence').

    FAIL if any check FAILed; ERROR if claim code crashed; PASS only if every deciding check PASSed and both
    symbolic and numeric evidence exist among them (supporting checks must not FAIL or crash, but an unsettled one
    does not hold back a PASS: it is named in the reason); otherwise INCONCLUSIVE. The reason is the deciding
    check's own sentence, prefixed with its name ("<check>: <reason>"), so the numbers that decided it travel
    with the verdict.

    Scope: when the claim states ``regimes`` ({name: words}), each one needs deciding checks that declare it
    (``covers``: {check name: [regime names]}, the claim's own declarations, which override what an Evidence
    says), PASSed, with symbolic and numeric evidence among them. A regime without them leaves the claim
    INCONCLUSIVE, and the reason names it; a supporting check that covers a regime never stands in for a deciding
    one. A PASS then says, in ``scope``, every regime it decided.
    """
    regimes = dict(regimes or {})
    for e in evidence:
        if covers is not None and e.check in covers:
            e.covers = list(covers[e.check])
    if not evidence:
        return Decision(Verdict.INCONCLUSIVE, "no checks ran")
    fails = [e for e in evidence if e.verdict is Verdict.FAIL]
    if fails:
        return Decision(Verdict.FAIL, _first_and_rest(fails, "failing check(s)"))
    errors = [e for e in evidence if e.verdict is Verdict.ERROR]
    if errors:
        return Decision(Verdict.ERROR, _first_and_rest(errors, "check(s) with errors"))
    deciding = [e for e in evidence if e.role != "supports"]
    open_ = [e for e in deciding if e.verdict is not Verdict.PASS]
    if open_:
        return Decision(Verdict.INCONCLUSIVE, _first_and_rest(open_, "unsettled check(s)"))
    if not deciding:
        return Decision(Verdict.INCONCLUSIVE, "only supporting checks ran: nothing decides this claim")
    bases = set().union(*(evidence_bases(e) for e in deciding))
    missing = [b for b in BASES if b not in bases]
    if missing:
        return Decision(Verdict.INCONCLUSIVE, "every check passed, but there is no " + " and no ".join(missing)
                        + " evidence (PASS needs both)")
    for name, words in regimes.items():
        mine = [e for e in deciding if name in (e.covers or [])]
        have = set().union(*(evidence_bases(e) for e in mine)) if mine else set()
        lacking = [b for b in BASES if b not in have]
        if lacking:
            standing = [e.check for e in evidence if e.role == "supports" and name in (e.covers or [])]
            what = ("no deciding check covers it" if not mine else
                    f"its deciding checks ({', '.join(e.check for e in mine)}) give no {' and no '.join(lacking)} "
                    "evidence (PASS needs both)")
            aside = (f"; the supporting check(s) {', '.join(standing)} cover it but do not decide" if standing else "")
            return Decision(Verdict.INCONCLUSIVE, f"every deciding check passed, but the regime {words!r} that the "
                                                  f"claim states is not decided: {what}{aside}")
    unsettled = [e for e in evidence if e.role == "supports" and e.verdict is not Verdict.PASS]
    note = ("; supporting evidence not settled at this budget: " + "; ".join(f"{e.check}: {e.reason}" for e in unsettled)
            if unsettled else "")
    scope = scope_text(list(regimes.values()))
    where = f" {scope}" if scope else ""
    return Decision(Verdict.PASS, f"all {len(deciding)} deciding checks passed{where}, with symbolic and numeric "
                                  f"evidence{note}", scope)


def decide_claim(claim: "Claim", evidence: list[Evidence]) -> Decision:
    """:func:`decide` with the claim's stated regimes and its checks' declared coverage; for a known-false claim
    (``expect="FAIL"``), :func:`decide_known_false` on top."""
    decision = decide(evidence, claim.regimes, {c.name: list(getattr(c, "covers", ())) for c in claim.checks})
    if claim.expect == "FAIL":
        return decide_known_false(decision, evidence, claim.refuted_by)
    return decision


# ---------------------------------------------------------------------------------------------
# Known-false claims (expect="FAIL"): REFUTED, or a red run (like pytest's xfail(strict=True))
# ---------------------------------------------------------------------------------------------
EXPECTS = ("PASS", "FAIL")
NOT_REFUTED = "not refuted"  # the words that open the reason of a known-false claim whose refutation did not reproduce


def decide_known_false(decision: Decision, evidence: list[Evidence], refuted_by: str) -> Decision:
    """The verdict of a claim known to be false, from its ordinary :func:`decide` decision.

    - REFUTED: the claim FAILed and at least one failing check is ``certified`` (its deciding numbers are exact, or
      enclosures): the refutation reproduced. This is the expected outcome.
    - Anything else keeps its verdict and says, first, that the refutation did not reproduce: a PASS (the
      counterexample no longer refutes, or a check cannot see it), an INCONCLUSIVE, an ERROR, and a FAIL no failing
      check of which is certified (confirmed at high precision is not enough to call a famous result false). Each of
      these makes the run red (:func:`expect_outcome`; exit codes in the README).
    """
    if decision.verdict is Verdict.FAIL:
        certified = [e for e in evidence if e.verdict is Verdict.FAIL and e.certified]
        if certified:
            return Decision(Verdict.REFUTED, f"refuted as expected ({refuted_by}): "
                                             + _first_and_rest(certified, "certified failing check(s)"))
        return Decision(Verdict.FAIL, f"{NOT_REFUTED}: the claim is known to be false ({refuted_by}) and a check "
                                      f"FAILed, but no failing check is certified: {decision.reason}")
    what = {Verdict.PASS: "yet every deciding check passed (an unexpected PASS)",
            Verdict.INCONCLUSIVE: "and its refutation did not reproduce (INCONCLUSIVE)",
            Verdict.ERROR: "and its refutation did not run (ERROR)"}[decision.verdict]
    return Decision(decision.verdict, f"{NOT_REFUTED}: the claim is known to be false ({refuted_by}), {what}: "
                                      f"{decision.reason}", decision.scope)


def expect_outcome(claim: dict) -> str:
    """How a claim's verdict stands against what it expects (``claim`` is a claim of report.json):

    "as expected" (an ordinary claim, whatever its verdict; a known-false claim REFUTED), or "unexpected" (a
    known-false claim with any other verdict: the run is red). Every writer and the exit code read this."""
    if claim.get("expect", "PASS") != "FAIL":
        return "as expected"
    return "as expected" if claim.get("verdict") == Verdict.REFUTED.value else "unexpected"


def verdict_label(claim: dict) -> str:
    """The verdict as the summary and reports show it: 'REFUTED', or 'PASS (expected REFUTED)' for a known-false
    claim that was not refuted; an ordinary claim's verdict unchanged."""
    verdict = str(claim.get("verdict", "?"))
    return f"{verdict} (expected REFUTED)" if expect_outcome(claim) == "unexpected" else verdict
