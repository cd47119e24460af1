"""Exact numbers in and out: rationals from values, texts and floats (docstring of :mod:`proofcheck.exact`)."""
from __future__ import annotations

import re
from fractions import Fraction
from numbers import Rational



ZERO = Fraction(0)
ONE = Fraction(1)


class NotExact(ValueError):
    """A value that should be an exact rational is not (a float, an irrational sympy number, garbage text)."""


# ---------------------------------------------------------------------------------------------
# exact numbers in and out
# ---------------------------------------------------------------------------------------------
_FRACTION_TEXT = re.compile(r"^\s*(-?\d+)\s*(?:/\s*(\d+))?\s*$")


def to_fraction(value, what: str = "value") -> Fraction:
    """``value`` as an exact Fraction: int, Fraction, a "p/q" (or integer) string, or a rational sympy number.

    A float is refused: 0.1 is not 1/10, and a certificate about the binary number 0.1000000000000000055 is not
    the one the claim states. (Use ``Fraction(1, 10)`` or ``"1/10"``.)"""
    if isinstance(value, bool):
        raise NotExact(f"{what} is a boolean ({value!r}), not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        raise NotExact(f"{what} = {value!r} is a float; give it exactly (Fraction(p, q) or the string 'p/q')")
    if isinstance(value, str):
        return parse_fraction(value, what)
    if isinstance(value, Rational):  # gmpy2.mpq, numpy integers ...
        return Fraction(int(value.numerator), int(value.denominator))
    try:  # sympy: Integer, Rational, or an expression that simplifies to one
        import sympy as sp

        if isinstance(value, sp.Basic):
            number = sp.nsimplify(value) if not value.is_Rational else value
            if number.is_Rational:
                return Fraction(int(number.p), int(number.q))
            raise NotExact(f"{what} = {value} is not a rational number")
    except ImportError:  # pragma: no cover - sympy is a core dependency
        pass
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return Fraction(int(value))
    except ImportError:  # pragma: no cover
        pass
    raise NotExact(f"{what} = {value!r} ({type(value).__name__}) is not an exact rational number")


def parse_fraction(text: str, what: str = "value") -> Fraction:
    """A Fraction from the strict form "p/q" or "p" (integers, q > 0); anything else (floats, 'inf', '1e-3',
    '1/0') is refused, so that a stored certificate cannot smuggle in an inexact number."""
    if not isinstance(text, str):
        raise NotExact(f"{what} = {text!r} is not a 'p/q' string")
    m = _FRACTION_TEXT.match(text)
    if not m:
        raise NotExact(f"{what} = {text!r} is not of the form 'p/q'")
    num, den = int(m.group(1)), int(m.group(2) or 1)
    if den == 0:
        raise NotExact(f"{what} = {text!r} has denominator 0")
    return Fraction(num, den)


def fraction_text(q) -> str:
    """The "p/q" (or "p") text of an exact rational, for JSON."""
    q = to_fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def rationalize(x: float, max_denominator: int = 10**9) -> Fraction:
    """The best rational approximation of the float ``x`` with denominator at most ``max_denominator``
    (continued fractions, :meth:`Fraction.limit_denominator`). Its error is below 1/(q * max_denominator)."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise NotExact(f"cannot rationalize the non-finite number {x!r}")
    return Fraction(x).limit_denominator(int(max_denominator))


def on_grid(values, digits: int = 12) -> list:
    """Floats rounded to rationals with one common denominator 10^k, chosen so that the largest magnitude keeps
    ``digits`` significant digits (every entry's denominator then divides 10^k).

    For vectors whose entries are later summed together (multipliers of a certificate, coordinates of a witness),
    a common denominator matters: a sum of 100 rationals with unrelated denominators of 10^9 has a denominator of
    up to 10^900, and exact linear algebra on such numbers is slow; on a grid it stays 10^k."""
    import math as _math

    floats = [float(v) for v in values]
    if any(v != v or v in (float("inf"), float("-inf")) for v in floats):
        raise NotExact("cannot rationalize a non-finite number")
    top = max([abs(v) for v in floats] + [0.0])
    if top == 0:
        return [ZERO] * len(floats)
    k = max(0, digits - 1 - _math.floor(_math.log10(top)))
    scale = 10 ** k
    return [Fraction(round(v * scale), scale) for v in floats]


def rationalize_all(values, max_denominator: int = 10**9) -> list:
    """:func:`rationalize` over a vector (any iterable) or, recursively, a matrix."""
    out = []
    for v in values:
        if hasattr(v, "__iter__") and not isinstance(v, str):
            out.append(rationalize_all(v, max_denominator))
        else:
            out.append(rationalize(v, max_denominator))
    return out


