"""Precision helpers shared by the check kinds (docs/design.md, 'Numerical policy').

float64 screens; mpmath at a *precision schedule* (by default 50, 100, then 200 digits) decides.
A number is only evidence together with its precision.

The sign of a quantity (a bound's relative excess, a probability's distance from its claimed value, an
identity's residual) is decided by :func:`decide_sign`, which evaluates it at increasing precisions until two
consecutive precisions tell the same story:

- **positive** / **negative**: both values have the same sign and agree to ``AGREE_DIGITS`` significant digits.
  There is no absolute floor: a relative excess of 1e-30 on which 50 and 100 digits agree is a violation.
- **zero**: the last two precisions p < q of the schedule disagree but both values are rounding noise
  (|v_p| <= 10^(-p/2) and |v_q| <= 10^(-q/2)): consistent with exact equality. A bound attained with equality
  is not violated; a quantity of relative size below about 10^(-q/2) is indistinguishable from 0 at q digits,
  which the evidence states (extend the schedule to look further).
- **undecided**: anything else (the two precisions disagree, a value is not finite, the evaluation did not
  return high-precision numbers, or the engine's own evaluation raised an arithmetic error), after the whole
  schedule. Claim code that raises is never "undecided": it is wrapped in
  :class:`proofcheck.errors.ClaimCodeRaised`, which :func:`decide_sign` lets through (the claim's ERROR).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import mpmath

SCREEN_DPS = 15  # what float64 gives, for the record
HIGH_DPS = 50  # the first confirmation precision
DEFAULT_SCHEDULE = (50, 100, 200)  # precisions tried in turn until two consecutive ones agree
AGREE_DIGITS = 3  # two precisions "agree" when they share this many significant digits
NEAR_BOUNDARY_REL = 1e-9  # float64 screening margins within this of the boundary are escalated too


def is_bad_float(x: float) -> bool:
    return not math.isfinite(x)


def mp_eval(fn: Callable, *args, dps: int = HIGH_DPS):
    """Evaluate ``fn(*args)`` inside an mpmath context at ``dps`` digits."""
    with mpmath.workdps(dps):
        return fn(*args)


def schedule_of(precision) -> tuple[int, ...]:
    """A precision schedule from a user's ``precision=`` argument: an int (that precision, then twice it)
    or an increasing sequence of digits (at least two, so that a decision rests on two precisions)."""
    if isinstance(precision, int) and not isinstance(precision, bool):
        steps = (precision, 2 * precision)
    else:
        steps = tuple(int(p) for p in precision)
    if len(steps) < 2 or any(p < 16 for p in steps) or any(b <= a for a, b in zip(steps, steps[1:])):
        raise ValueError(f"precision must be an int >= 16 or an increasing sequence of at least two such digits, "
                         f"got {precision!r}")
    return steps


class NotHighPrecision(TypeError):
    """An evaluation asked for at ``dps`` digits returned float64 numbers: it cannot confirm anything."""


def exact_or_mpf(value, dps: int, what: str = "value"):
    """``value`` as an mpmath number, refusing float64 numbers (which would fake agreement between precisions)."""
    import numpy as np

    if isinstance(value, bool):
        return mpmath.mpf(int(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise NotHighPrecision(f"{what} is complex ({mpmath.nstr(value, 6)}) at {dps} digits")
        return value.real
    if isinstance(value, (float, np.floating, np.ndarray)):
        raise NotHighPrecision(f"{what} came back as a float64 number at {dps} digits; compute it with mpmath "
                               "(or exactly) when a precision is given")
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    if isinstance(value, (int, np.integer)):
        return mpmath.mpf(int(value))
    try:
        import sympy as sp

        if isinstance(value, sp.Basic):
            return mpmath.mpf(sp.N(value, dps + 5))
    except ImportError:  # pragma: no cover
        pass
    return mpmath.mpf(value)


@dataclass
class SignDecision:
    """How the sign of a quantity was decided: ``status`` is positive, negative, zero or undecided."""

    status: str
    value: object  # the value at the deciding (last evaluated) precision, an mpf (or None)
    dps: int | None  # the deciding precision
    values: list = field(default_factory=list)  # [(dps, value as str)] in the order evaluated
    why: str = ""

    @property
    def positive(self) -> bool:
        return self.status == "positive"

    def json(self) -> dict:
        return {"status": self.status, "dps": self.dps, "why": self.why,
                "values": [{"dps": d, "value": v} for d, v in self.values]}

    def float_value(self) -> float | None:
        """The decided value as a float: 0.0 for "zero" (its digits are rounding noise), None when there is none."""
        if self.status == "zero":
            return 0.0
        try:
            return float(self.value) if self.value is not None else None
        except (TypeError, ValueError):  # pragma: no cover
            return None


def _agree(a, b) -> bool:
    return a != 0 and b != 0 and (a > 0) == (b > 0) and abs(a - b) <= abs(b) * mpmath.mpf(10) ** (-AGREE_DIGITS)


def _noise(a, b, p: int, q: int) -> bool:
    """Both values sit below the square root of their precision's unit: rounding noise, consistent with 0."""
    return abs(a) <= mpmath.mpf(10) ** (-(p // 2)) and abs(b) <= mpmath.mpf(10) ** (-(q // 2))


def decide_sign(fn: Callable[[int], object], schedule: Sequence[int] = DEFAULT_SCHEDULE) -> SignDecision:
    """Decide the sign of ``fn(dps)`` (evaluated inside ``mpmath.workdps(dps)``) along ``schedule``."""
    values, prev = [], None
    for i, dps in enumerate(schedule):
        try:
            with mpmath.workdps(dps):
                v = exact_or_mpf(fn(dps), dps)
        except NotHighPrecision as exc:
            return SignDecision("undecided", None, dps, values, str(exc))
        except (ArithmeticError, ValueError, TypeError) as exc:
            # The engine's own evaluation (a sympy residual with no real value here, mpmath at its limits) leaves the
            # sign undecided. Claim code is not covered by this: the check kinds call it through
            # proofcheck.errors.call_claim_code, whose ClaimCodeRaised passes through as the claim's ERROR (issue 22);
            # an InvalidInstance (a ValueError: the point is outside the claim's domain) leaves it undecided.
            return SignDecision("undecided", None, dps, values, f"the evaluation at {dps} digits raised "
                                                                f"{type(exc).__name__}: {exc}")
        with mpmath.workdps(dps):
            values.append((dps, mpmath.nstr(v, 12)))
        if not mpmath.isfinite(v):
            return SignDecision("undecided", v, dps, values, f"not finite at {dps} digits")
        if prev is not None:
            pdps, pv = prev
            with mpmath.workdps(max(dps, pdps)):
                if _agree(pv, v):
                    status = "positive" if v > 0 else "negative"
                    return SignDecision(status, v, dps, values, f"{pdps} and {dps} digits agree")
                if pv == 0 and v == 0:
                    return SignDecision("zero", v, dps, values, f"exactly 0 at {pdps} and {dps} digits")
                if i == len(schedule) - 1 and _noise(pv, v, pdps, dps):
                    return SignDecision("zero", v, dps, values,
                                        f"rounding noise consistent with 0: {mpmath.nstr(pv, 3)} at {pdps} digits, "
                                        f"{mpmath.nstr(v, 3)} at {dps} digits")
        prev = (dps, v)
    return SignDecision("undecided", prev[1] if prev else None, prev[0] if prev else None, values,
                        f"no two consecutive precisions of {list(schedule)} agree")


def clopper_pearson(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) two-sided binomial interval, via scipy."""
    from scipy.stats import binomtest

    if trials <= 0:
        return 0.0, 1.0
    ci = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def mp_str(x, digits: int = 20) -> str:
    return mpmath.nstr(x, digits) if not isinstance(x, float) else repr(x)
