"""Precision helpers shared by the check kinds (DESIGN.md, 'Numerical policy').

float64 screens; mpmath at ``HIGH_DPS`` confirms; a number is only evidence together with its precision.
"""
from __future__ import annotations

import math
from typing import Callable

import mpmath

SCREEN_DPS = 15  # what float64 gives, for the record
HIGH_DPS = 50  # confirmation precision
NEAR_BOUNDARY_REL = 1e-9  # float64 margins within this of the boundary are escalated


def is_bad_float(x: float) -> bool:
    return not math.isfinite(x)


def mp_eval(fn: Callable, *args, dps: int = HIGH_DPS):
    """Evaluate ``fn(*args)`` inside an mpmath context at ``dps`` digits."""
    with mpmath.workdps(dps):
        return fn(*args)


def confirm_positive(fn: Callable[[int], "mpmath.mpf"], dps: int = HIGH_DPS) -> tuple[bool | None, "mpmath.mpf"]:
    """Decide the sign of a quantity computed by ``fn(dps)`` at two precisions.

    Returns (True, value) when it is positive at ``dps`` and ``2*dps`` beyond the noise level
    10^(-dps/2), and the two values agree; (False, value) when it is at most that noise level
    at both; (None, value) when the two precisions disagree or a value is not finite.
    """
    with mpmath.workdps(dps):
        lo = fn(dps)
    with mpmath.workdps(2 * dps):
        hi = fn(2 * dps)
    if not (mpmath.isfinite(lo) and mpmath.isfinite(hi)):
        return None, hi
    noise = mpmath.mpf(10) ** (-(dps // 2))
    with mpmath.workdps(2 * dps):
        agree = abs(lo - hi) <= noise * max(1, abs(hi))
        if lo > noise and hi > noise and agree:
            return True, hi
        if lo <= noise and hi <= noise:
            return False, hi
    return None, hi


def clopper_pearson(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) two-sided binomial interval, via scipy."""
    from scipy.stats import binomtest

    if trials <= 0:
        return 0.0, 1.0
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def mp_str(x, digits: int = 20) -> str:
    return mpmath.nstr(x, digits) if not isinstance(x, float) else repr(x)
