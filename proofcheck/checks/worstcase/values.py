"""The worstcase kind's exact values and texts: the claimed tau of a cell as an exact target, comparisons of a
certificate's bound with it, the cross-check row of a cell, and when certificates are refreshed. Part of the
worstcase check kind (package docstring)."""
from __future__ import annotations

import os
import re
from fractions import Fraction

from ...context import Context
from ...exact import Ball, NotExact, Undecided, exact_text, fraction_text, rationalize, to_fraction
from ...pep.problem import exact_cell, text_of

REFRESH_VARIABLE = "PROOFCHECK_REFRESH_CERTIFICATES"


# Tight claims: the claimed tau, PEPit's value and proofcheck's best explicit function agree to this relative
# spread (the acceptance figure: Clarabel is accurate to ~1e-8 here, an exact family value to 0).
AGREEMENT = 1e-6


def crosscheck_row(entry: dict, tight: bool | None) -> dict:
    """One row of a claim's cross-check table (docs/classics.md): claimed tau, PEPit's value, the best explicit
    function's exact value, the certified bound, whether the cell is certified, and for a tight claim whether the
    three agree to AGREEMENT relative, for a loose one its gap tau / (exact worst case) - 1 (the worst case read as
    the certified bound when there is one, else PEPit's value)."""
    tau, pep, fam = entry.get("claimed_tau_float"), entry.get("pep_value"), entry.get("family_value_float")
    row = {"claimed_tau": tau, "pepit": pep, "witness": fam, "witness_function": entry.get("family"),
           "certified_bound": entry.get("certified_bound_float"), "certified": bool(entry.get("certified")),
           "status": entry.get("status"), "tight": tight}
    worst = entry.get("certified_bound_float") or pep
    if tau and worst:
        row["gap"] = tau / worst - 1
    if tight and tau:
        spread = [abs(v / tau - 1) for v in (pep, fam) if v is not None]
        row["agree"] = bool(spread) and max(spread) <= AGREEMENT
    return row


def refresh_requested(ctx: Context) -> bool:
    """Whether this run produces (or replaces) stored certificates: ``ctx.options["refresh_certificates"]``, or
    the environment variable PROOFCHECK_REFRESH_CERTIFICATES=1."""
    if "refresh_certificates" in ctx.options:
        return bool(ctx.options["refresh_certificates"])
    return os.environ.get(REFRESH_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def exact_target(tau, cell: dict):
    """tau(cell) exactly: a Fraction, or a sympy number (irrational values are compared exactly by sympy)."""
    value = tau(exact_cell(cell)) if callable(tau) else tau
    try:
        import sympy as sp

        if isinstance(value, sp.Basic):
            if value.free_symbols:
                subs = {s: sp.Rational(fraction_text(exact_cell(cell)[str(s)])) for s in value.free_symbols
                        if str(s) in cell}
                value = value.subs(subs)
                if value.free_symbols:
                    raise ValueError(f"tau has symbols {sorted(map(str, value.free_symbols))} that are not grid keys")
            if value.is_Rational:
                return Fraction(int(value.p), int(value.q))
            if not value.is_real:
                raise NotExact(f"tau = {value} is not a real number")
            return value
    except ImportError:  # pragma: no cover - sympy is a core dependency
        pass
    return to_fraction(value, "tau(cell)")


def compare_exact(q, target) -> int | None:
    """sign(q - target) exactly, or certified on balls (None when sympy or the balls cannot decide it)."""
    if isinstance(q, Ball):
        lo = hi = target
        if not isinstance(target, Fraction):  # a sympy number: rationals within 1e-50 on either side of it
            mid = Fraction(str(target.evalf(70)))
            lo, hi = mid - Fraction(1, 10**50), mid + Fraction(1, 10**50)
        try:
            if q > hi:
                return 1
            if q < lo:
                return -1
            return 0 if lo == hi and q == lo else None
        except Undecided:
            return None
    if isinstance(target, Fraction):
        return (q > target) - (q < target)
    d = sympy_rational(q) - target
    if d.is_zero:
        return 0
    if d.is_positive:
        return 1
    if d.is_negative:
        return -1
    return None


def sympy_rational(q: Fraction):
    import sympy as sp

    return sp.Rational(q.numerator, q.denominator)


def float_or_none(x) -> float | None:
    return None if x is None else float(x)


def text_or_none(x) -> str | None:
    if x is None:
        return None
    if isinstance(x, (Fraction, Ball)):
        return exact_text(x)
    return str(x)


def rational_at_most(target) -> Fraction:
    """A rational <= target (target itself when rational), for the certificate attempt at the claim's bound."""
    if isinstance(target, Fraction):
        return target
    guess = rationalize(float(target) * (1 - 1e-15), 10**15)
    while compare_exact(guess, target) not in (-1, 0):
        guess = guess * (1 - Fraction(1, 10**12))
    return guess


def instance_of(cell: dict) -> dict:
    """A cell as a replayable ``--instance``: integers as integers, other rationals as "p/q"."""
    out = {}
    for k, v in exact_cell(cell).items():
        out[k] = int(v) if v.denominator == 1 else fraction_text(v)
    return out


def grid_text(entries: list) -> str:
    """The cells decided, compactly: 'N = 1, 2; L = 1' (the scope of a PASS)."""
    keys = list(entries[0]["cell"]) if entries else []
    parts = []
    for k in keys:
        values = sorted({to_fraction(e["cell"][k]) for e in entries})
        parts.append(f"{k} = " + ", ".join(fraction_text(v) for v in values))
    return "; ".join(parts)


def factor_text(quantity) -> str:
    """The text of a quantity as a factor: W * (f(x_0) - f*), not W * f(x_0) - f*."""
    text = text_of(quantity)
    return f"({text})" if " + " in text or " - " in text else text


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower() or "worstcase"

