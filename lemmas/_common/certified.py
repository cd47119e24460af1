"""Certified enclosures with ball arithmetic (python-flint ``arb``/``acb``), DESIGN.md 'Numerical policy'.

Matrix entries are taken exactly from their float64 values, so an enclosure is a proof about the
instance as stored in the report (not about a rounded copy of it).
"""
from __future__ import annotations

from typing import Sequence


def _flint():
    import flint  # python-flint: optional extra "fast"; callers fall back to "not certified"

    return flint


def eigenvalue_balls(Q: Sequence[Sequence[float]], prec_bits: int = 128, max_prec_bits: int = 2048):
    """Rigorous balls for the eigenvalues of a symmetric matrix, ascending by midpoint.

    Uses ``acb_mat.eig`` (validated enclosures); on failure to isolate (e.g. repeated eigenvalues)
    it retries with ``multiple=True`` and doubles the precision. Returns (balls, prec_bits) where
    balls are real ``arb`` (the imaginary parts, which must contain 0 for a symmetric matrix, are
    checked and dropped).
    """
    flint = _flint()
    prec = prec_bits
    # arb entries (e.g. products computed in ball arithmetic) are kept as balls; numbers are taken exactly.
    rows = [[x if isinstance(x, flint.arb) else flint.arb(float(x)) for x in row] for row in Q]
    while prec <= max_prec_bits:
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            m = flint.acb_mat([[flint.acb(x) for x in row] for row in rows])
            for multiple in (False, True):
                try:
                    eig = m.eig(multiple=multiple)
                    break
                except ValueError:
                    eig = None
            if eig is not None:
                if not all(e.imag.contains(0) for e in eig):
                    raise ArithmeticError("eigenvalue enclosure of a symmetric matrix excludes the real axis")
                balls = sorted((e.real for e in eig), key=lambda b: float(b.mid()))
                return balls, prec
        finally:
            flint.ctx.prec = old
        prec *= 2
    raise ArithmeticError(f"could not isolate the eigenvalues at {max_prec_bits} bits")


def ball_json(ball) -> dict:
    """A JSON-ready record of an arb ball: midpoint, radius and its interval end points (as strings)."""
    flint = _flint()
    old = flint.ctx.prec
    flint.ctx.prec = max(old, 256)  # print the end points without re-rounding them to double
    try:
        return {"mid": ball.mid().str(30, radius=False), "rad": float(ball.rad()),
                "lower": ball.lower().str(30, radius=False), "upper": ball.upper().str(30, radius=False)}
    finally:
        flint.ctx.prec = old


def certify_le(lhs, rhs) -> bool:
    """True when the ball inequality lhs <= rhs holds for every point of both balls."""
    return bool(lhs.upper() <= rhs.lower())


def certify_gt(lhs, rhs) -> bool:
    """True when lhs > rhs holds for every point of both balls (a certified violation)."""
    return bool(lhs.lower() > rhs.upper())
