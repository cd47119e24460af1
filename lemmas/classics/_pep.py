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

from proofcheck import Claim, WorstCase, covering
from proofcheck.pep import gradient_descent
from proofcheck.pep.families import hubers, quadratics

CERTIFICATES = Path(__file__).resolve().parent / "certificates"
ETA = Fraction(1, 10**8)  # PASS proves measure <= tau (1 + 1e-8) initial (Clarabel's accuracy is ~1e-9 here)
LOWER, HIGHER = Fraction(99, 100), Fraction(101, 100)
FAMILIES = (quadratics(), hubers())


def gd_normalized_step(s, c):
    """N steps of gradient descent with step h/L (h = gamma L, the normalized step of C2 and C3), in any space."""
    return gradient_descent(s, s.start(), c["N"], c["h"] / c["L"])


def scaled(tau, scale):
    """tau(cell) * scale, exactly (scale = 1 returns tau itself)."""
    scale = Fraction(scale)
    return tau if scale == 1 else (lambda c: tau(c) * scale)


def worstcase(name, *, scale=1, families=FAMILIES, **kwargs) -> WorstCase:
    """A WorstCase with the catalogue's eta, certificate directory and explicit families."""
    tau = scaled(kwargs.pop("tau"), scale)
    return WorstCase(name, tau=tau, eta=ETA, certificates=CERTIFICATES, families=families, **kwargs)


def claim(*, id, title, source, statement, hypotheses, check, notes="") -> Claim:  # noqa: A002 - Claim's own name
    """A worst-case claim decided by ``check`` on its finite grid of cells. The statement speaks of every N and every
    parameter; a certificate proves one cell. So the claim states one regime, the grid itself, which the check
    covers: a PASS says in its verdict line which cells it decided, never more."""
    return Claim(id=id, title=title, source=source, provenance="seed", statement=statement, hypotheses=hypotheses,
                 checks=[covering(check, "cells")], notes=notes, regimes={"cells": grid_words(check.cells)})


def grid_words(cells) -> str:
    """'the cells N in {1, 2, 3}, L = 1': a grid of cells ({parameter: values}) in words."""
    if callable(cells):
        return "the cells the check enumerates"
    parts = [f"{k} = {v[0]}" if len(v) == 1 else f"{k} in {{{', '.join(str(x) for x in v)}}}" for k, v in cells.items()]
    return "the cells " + ", ".join(parts)


def variants(claim_id: str, build, below=None):
    """(MUTANTS, WEAKENINGS) of a worst-case claim: tau lowered by 1 % (must FAIL: the claim is tight) or ``below``
    (a loose claim's mutant: see its module), and tau raised by 1 % (true: must not FAIL)."""
    mutant = below or ("tau-lowered-1pct", lambda: build(scale=LOWER))
    return ({claim_id: {mutant[0]: mutant[1]}},
            {claim_id: {"tau-raised-1pct": lambda: build(scale=HIGHER)}})
