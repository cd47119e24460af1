"""Claimed values: the constants a check compares at high precision (README, "Exact values").

A claim's constant (``Probability``'s ``claimed``, ``Bound``'s ``tolerance``) may be written

- **exactly**: a sympy expression (``1/sympy.pi``), a :class:`fractions.Fraction`, an ``int``, an mpmath number, or
  a callable returning one of these; a callable is called inside ``mpmath.workdps(dps)``, so an mpmath-aware one
  (``lambda case: 1/mpmath.pi``) is evaluated at the working precision. Each is then compared at that precision;
- **as a float** (``lambda case: 1/math.pi``): the float stands for a real number it is a rounding of, so a float
  never decides a FAIL by its own rounding. A comparison whose excess lies inside the float's rounding interval
  (within half an ulp of it) is no violation: the check is INCONCLUSIVE and its reason asks for the exact form
  (:meth:`ClaimedValue.exact_form_advice`, with sympy's ``nsimplify`` guess when it finds a short one);
- **as an exact float**: ``exactly(0.5)`` declares that the float means exactly itself (a dyadic constant, a value
  read from a table of doubles). Arithmetic on it gives a plain float again, so wrap the final value.

:func:`claimed_value` turns any of these into a :class:`ClaimedValue` at a precision; every check kind uses it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np


class ExactFloat(float):
    """A float declared exact by the claim's author (see :func:`exactly`); otherwise an ordinary float."""

    def __repr__(self) -> str:
        return f"exactly({float(self)!r})"


def exactly(value):
    """Declare that ``value`` (a float) means exactly that float, not a rounding of a real number: a claimed value
    marked this way is compared as the binary number it is, and its rounding can decide a FAIL. Other values (sympy,
    Fraction, int, mpmath) are exact already and are returned unchanged."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, ExactFloat):
        return ExactFloat(float(value))
    return value


def _is_sympy(value) -> bool:
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, sp.Basic)


@dataclass
class ClaimedValue:
    """A claimed constant at one precision.

    ``value`` is an mpmath number at the precision it was evaluated at; ``kind`` says how it was written (``"float"``,
    ``"exact float"``, ``"sympy"``, ``"fraction"``, ``"int"``, ``"mpmath"``); ``inexact_float`` is the float itself
    when it was written as a plain float (whose rounding must not decide a FAIL), else None; ``text`` is the value as
    written, for sentences (``"1/pi"``, ``"7/10"``, ``"0.3183098861837907"``)."""

    value: object
    kind: str
    text: str
    inexact_float: float | None = None

    def __float__(self) -> float:
        return float(self.inexact_float) if self.inexact_float is not None else float(self.value)

    @property
    def exact(self) -> bool:
        return self.inexact_float is None

    def rounding_interval(self):
        """The reals that round to the float (mpmath numbers, exact: halfway to each neighbouring float), or None
        for an exact value."""
        f = self.inexact_float
        if f is None:
            return None
        below, above = np.nextafter(f, -np.inf), np.nextafter(f, np.inf)
        half = lambda a, b: (mpmath.mpf(float(a)) + mpmath.mpf(float(b))) / 2  # exact at any precision >= 54 bits
        with mpmath.workprec(max(mpmath.mp.prec, 64)):
            return half(below, f), half(f, above)

    def within_rounding(self, x) -> bool:
        """Whether ``x`` (an mpmath number) is a real that the float could be a rounding of (always False for an exact
        value): then a comparison of ``x`` with the float is decided by the float's rounding, not by the claim."""
        interval = self.rounding_interval()
        if interval is None:
            return False
        lo, hi = interval
        return bool(lo <= x <= hi)

    def exact_form_advice(self) -> str:
        """One sentence asking for the exact form, e.g. "the claim compares against the float 0.3183098861837907;
        pass 1/sympy.pi to compare against 1/π (or proofcheck.exactly(0.3183098861837907) if the float is meant)"."""
        f = self.inexact_float
        guess = nsimplify_guess(f) if f is not None else None
        exact_hint = f"proofcheck.exactly({f!r}) if the float itself is meant"
        if guess is not None:
            code, words = guess
            return (f"the claim compares against the float {f!r}; pass {code} to compare against {words} "
                    f"(or {exact_hint})")
        return (f"the claim compares against the float {f!r}; pass the exact value (a sympy expression, a Fraction, or "
                f"a callable computing it with mpmath at the working precision), or {exact_hint}")


def claimed_value(spec, *args, dps: int, what: str = "claimed value") -> ClaimedValue:
    """``spec`` (a value, or a callable of ``args``) as a :class:`ClaimedValue` at ``dps`` digits.

    A callable is called inside ``mpmath.workdps(dps)``. Raises TypeError for a value that is none of the forms above
    (a string, a complex number, None)."""
    with mpmath.workdps(dps):
        raw = spec(*args) if callable(spec) and not _is_sympy(spec) else spec
        return _convert(raw, dps, what)


def _convert(raw, dps: int, what: str) -> ClaimedValue:
    if isinstance(raw, ClaimedValue):
        return raw
    if isinstance(raw, ExactFloat):
        return ClaimedValue(mpmath.mpf(float(raw)), "exact float", f"exactly({float(raw)!r})")
    if isinstance(raw, np.ndarray) and raw.ndim == 0:
        raw = raw.item()
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, (float, np.floating)):
        f = float(raw)
        if not math.isfinite(f):
            raise ValueError(f"the {what} is not finite: {f!r}")
        return ClaimedValue(mpmath.mpf(f), "float", repr(f), inexact_float=f)
    if isinstance(raw, (int, np.integer)):
        return ClaimedValue(mpmath.mpf(int(raw)), "int", str(int(raw)))
    if isinstance(raw, Fraction):
        return ClaimedValue(mpmath.mpf(raw.numerator) / raw.denominator, "fraction", str(raw))
    if isinstance(raw, mpmath.mpf):
        return ClaimedValue(+raw, "mpmath", mpmath.nstr(raw, 17))
    if _is_sympy(raw):
        import sympy as sp

        expr = sp.sympify(raw)
        if expr.has(sp.Float):  # a sympy Float is a rounded number too: its rounding must not decide a FAIL either
            return _convert(float(expr), dps, what)
        value = sp.N(expr, dps + 5)
        if not value.is_real or not value.is_finite:
            raise ValueError(f"the {what} {sp.sstr(expr)} is not a finite real number")
        return ClaimedValue(mpmath.mpf(value), "sympy", sp.sstr(expr))
    raise TypeError(f"the {what} must be a number (a sympy expression, a Fraction, an int, an mpmath number, or a float), "
                    f"got {type(raw).__name__}: {raw!r}")


def nsimplify_guess(f: float, max_length: int = 24) -> tuple[str, str] | None:
    """sympy's short guess at the exact number behind the float ``f``, as (Python code, words), or None.

    The guess must round to ``f`` itself and be short (at most ``max_length`` characters as sympy prints it)."""
    try:
        import sympy as sp

        guess = sp.nsimplify(f, [sp.pi, sp.E], rational=False)
    except Exception:  # noqa: BLE001 - a guess is a courtesy, never a reason to fail
        return None
    if guess.has(sp.Float) or not guess.is_real or len(sp.sstr(guess)) > max_length:
        return None
    try:
        if float(guess) != f:
            return None
    except (TypeError, ValueError):
        return None
    words = sp.sstr(guess).replace("pi", "π")
    return _SympyCode().doprint(guess), words


def _sympy_code_printer():
    from sympy.printing.str import StrPrinter

    class Printer(StrPrinter):
        """sympy's own text, with every name qualified (``sympy.pi``) and every standalone rational exact
        (``sympy.Rational(7, 10)``, not ``7/10``, which Python would evaluate as a float)."""

        def _print_Rational(self, expr):
            return f"sympy.Rational({expr.p}, {expr.q})"

        def _print_Pi(self, expr):
            return "sympy.pi"

        def _print_Exp1(self, expr):
            return "sympy.E"

        def _print_Function(self, expr):
            return f"sympy.{type(expr).__name__}({', '.join(self._print(a) for a in expr.args)})"

        def _print_Pow(self, expr, rational=False):
            from sympy import S

            if expr.exp is S.Half:
                return f"sympy.sqrt({self._print(expr.base)})"
            if expr.exp == -S.Half:
                return f"1/sympy.sqrt({self._print(expr.base)})"
            return super()._print_Pow(expr, rational)

    return Printer


class _SympyCode:
    def __init__(self):
        self.printer = _sympy_code_printer()()

    def doprint(self, expr) -> str:
        return self.printer.doprint(expr)
