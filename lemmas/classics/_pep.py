"""What the classics' worst-case claims share: one claim per result, decided by a ``WorstCase`` check, with its
mutant (tau lowered by 1 %: it must FAIL on an exact witness) and weakening (tau raised by 1 %: it must not FAIL).

Every claim module defines ``build(scale=1)``: the claim with tau(cell) multiplied by ``scale`` (exact), so the
mutant and the weakening are the same claim with another constant. The certificates live in
``lemmas/classics/certificates/<check>.json`` (one file per check; the mutant and the weakening read the same
file: a certificate proves a bound B and a witness a value W whatever tau is claimed).
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from proofcheck import Claim, WorstCase
from proofcheck.pep.families import hubers, quadratics

CERTIFICATES = Path(__file__).resolve().parent / "certificates"
ETA = Fraction(1, 10**8)  # PASS proves measure <= tau (1 + 1e-8) initial (Clarabel's accuracy is ~1e-9 here)
LOWER, HIGHER = Fraction(99, 100), Fraction(101, 100)
FAMILIES = (quadratics(), hubers())


def scaled(tau, scale):
    """tau(cell) * scale, exactly (scale = 1 returns tau itself)."""
    scale = Fraction(scale)
    return tau if scale == 1 else (lambda c: tau(c) * scale)


def worstcase(name, *, scale=1, families=FAMILIES, **kwargs) -> WorstCase:
    """A WorstCase with the catalogue's eta, certificate directory and explicit families."""
    tau = scaled(kwargs.pop("tau"), scale)
    return WorstCase(name, tau=tau, eta=ETA, certificates=CERTIFICATES, families=families, **kwargs)


def claim(*, id, title, source, statement, hypotheses, check, notes="") -> Claim:  # noqa: A002 - Claim's own name
    return Claim(id=id, title=title, source=source, provenance="seed", statement=statement, hypotheses=hypotheses,
                 checks=[check], notes=notes)


def variants(claim_id: str, build, below=None):
    """(MUTANTS, WEAKENINGS) of a worst-case claim: tau lowered by 1 % (must FAIL: the claim is tight) or ``below``
    (a loose claim's mutant: see its module), and tau raised by 1 % (true: must not FAIL)."""
    mutant = below or ("tau-lowered-1pct", lambda: build(scale=LOWER))
    return ({claim_id: {mutant[0]: mutant[1]}},
            {claim_id: {"tau-raised-1pct": lambda: build(scale=HIGHER)}})
