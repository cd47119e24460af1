"""Number contexts: write a formula once, evaluate it in float64, mpmath, MPFR (gmpy2) or ball (arb) arithmetic.

mpmath does this with its ``fp`` and ``mp`` contexts (one base class, one context per arithmetic); proofcheck
does the same so that the screening and the confirmation of a check run the *same* formula and cannot drift
apart. A formula takes a context ``n`` and uses its functions::

    from proofcheck.numbers import uses_context

    @uses_context
    def sides(inst, n):                      # n.dps is None for float64 screening
        x = n.num(inst["x"])                 # exact conversion of the input
        return (n.exp(x) - 1 - x) / x**2, n.num(1) / 2 + x / 6

The interface (:class:`NumberContext`), the same in every context:

* scalars: ``num`` (exact conversion of int, float, Fraction, decimal strings where the arithmetic allows),
  ``sqrt exp log log1p expm1 sin cos tan atan tanh cosh``, ``pi e inf``, ``fsum``, ``isfinite``, ``min max``;
* vectors and matrices: ``vec(values)`` (a numpy array: float64 in ``fp``, ``dtype=object`` holding the
  context's numbers elsewhere, so ``+ - * /`` act elementwise in the context's own rounding), ``mat(rows)``,
  ``vsqrt vabs vmax`` (elementwise), ``dot(a, b)`` (over the last axis), ``matvec(A, x)``, ``eigvalsh(A)``
  (the ascending eigenvalues of a symmetric matrix) and ``norm2(A)`` (the spectral norm);
* the arithmetic's constants ``eps`` (the distance from 1 to the next larger number: 2^-52 in float64,
  2^(1-prec) at ``prec`` bits) and ``tiny`` (the smallest positive normal number: 2^-1022 in float64, 2^(emin-1)
  in MPFR (about 2^-(2^30) here), 0 where the exponent is unbounded: mpmath, arb);
* ``working()``: a context manager that sets the arithmetic's precision (``mpmath.workdps``, a gmpy2 context,
  ``flint.ctx.prec``); a check calls the formula inside it;
* ``dps`` (None for float64), ``prec`` (bits) and ``backend`` (recorded in evidence).

How each context sums and solves: ``fp`` sums with numpy (``np.sum`` over the last axis, batches allowed: a (b, d)
array is b vectors) and uses LAPACK (``numpy.linalg.eigvalsh``); ``mp`` and ``mpfr`` sum exactly and round once
(``mpmath.fsum``, ``gmpy2.fsum``) and compute eigenvalues with ``mpmath.eigsy`` at the context's precision (MPFR has
no eigensolver; the values are exact conversions of mpmath's); ``ball`` returns rigorous enclosures: sums and
products in arb, eigenvalues from ``acb_mat.eig`` (validated; ``ArithmeticError`` when it cannot isolate them at
the current precision: the caller raises the precision).

``Bound`` (and any check that evaluates a function at several precisions) calls a function marked with
:func:`uses_context` as ``fn(instance, context)``. ``uses_context(screen_dps=p)`` marks a formula whose float64
screening is meaningless (a run that underflows in float64): it is screened in mpmath at ``p`` digits (the result
converted to float), and its values are cached per (instance, digits), since the first confirmation precision is
usually the same computation. Unmarked ``fn(instance, dps)`` functions are still called (user claim files written
before the contexts), but every built-in claim uses the contexts.
"""
from __future__ import annotations

import contextlib
import json
import math
from fractions import Fraction
from typing import Callable

import mpmath
import numpy as np
from mpmath.libmp import dps_to_prec, prec_to_dps


class NumberContext:
    """The functions a formula may use, in one arithmetic. ``dps`` is None for float64."""

    dps: int | None = None
    prec: int = 53
    backend = ""
    eps = None
    tiny = None

    def num(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    # min and max compare in the context's own numbers (float, mpf, mpfr): Python's are right for those.
    min = staticmethod(min)
    max = staticmethod(max)

    def working(self):
        """A context manager setting this arithmetic's precision (nothing to set for float64)."""
        return contextlib.nullcontext()

    # -- vectors and matrices: numpy arrays of the context's numbers, so arithmetic is elementwise -----------------
    def vec(self, values) -> np.ndarray:
        return np.array([self.num(v) for v in _flat(values)], dtype=object)

    def mat(self, rows) -> np.ndarray:
        return np.array([[self.num(v) for v in _flat(row)] for row in _rows(rows)], dtype=object)

    def vsqrt(self, v):
        return _map(self.sqrt, v)

    def vabs(self, v):
        return _map(abs, v)

    def vmax(self, a, b):
        """Elementwise max (``b`` may be a scalar)."""
        a = np.asarray(a, dtype=object)
        b = np.broadcast_to(np.asarray(b, dtype=object), a.shape)
        return np.array([self.max(p, q) for p, q in zip(a.ravel(), b.ravel())], dtype=object).reshape(a.shape)

    def dot(self, a, b):
        """sum_j a_j b_j over the last axis, summed by the context's ``fsum``."""
        a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
        if a.ndim <= 1:
            return self.fsum(a * b)
        return np.array([self.dot(p, q) for p, q in zip(a, b)], dtype=object)

    def matvec(self, A, x):
        """A x, each entry a ``dot`` (``A`` a list of rows or a 2-d array; batches as leading axes)."""
        A = np.asarray(A, dtype=object)
        x = np.asarray(x, dtype=object)
        if A.ndim == 3:
            return np.array([self.matvec(a, xi) for a, xi in zip(A, x)], dtype=object)
        return np.array([self.dot(row, x) for row in A], dtype=object)

    def eigvalsh(self, A):  # pragma: no cover - abstract
        raise NotImplementedError

    def norm2(self, A):  # pragma: no cover - abstract
        raise NotImplementedError

    def to_mpf(self, x):
        """A number of this context as an ``mpmath.mpf`` (exactly, call inside a wide enough mpmath precision)."""
        return mpmath.mpf(x)

    def __repr__(self) -> str:
        return f"<{self.backend}>"


class EigenvaluesNotIsolated(ArithmeticError):
    """Ball eigenvalues not isolated at this precision (a caller may raise the precision and retry)."""


def _flat(values):
    return values.tolist() if isinstance(values, np.ndarray) else values


def _rows(rows):
    if isinstance(rows, mpmath.matrix):
        return [[rows[i, j] for j in range(rows.cols)] for i in range(rows.rows)]
    return _flat(rows)


def _map(fn, v):
    if isinstance(v, np.ndarray):
        if v.ndim == 1:
            out = np.empty(len(v), dtype=object)
            out[:] = [fn(x) for x in v]
            return out
        return np.array([fn(x) for x in v.ravel()], dtype=object).reshape(v.shape)
    return fn(v)


class Float64Context(NumberContext):
    """float64 through :mod:`math` (scalars) and numpy (vectors, batches, LAPACK): screening."""

    dps = None
    prec = 53
    backend = "float64"
    eps = float(np.finfo(np.float64).eps)  # 2^-52
    tiny = float(np.finfo(np.float64).tiny)  # 2^-1022, the smallest positive normal number
    sqrt, exp, log, log1p, expm1 = staticmethod(math.sqrt), staticmethod(math.exp), staticmethod(math.log), \
        staticmethod(math.log1p), staticmethod(math.expm1)
    sin, cos, tan, atan, tanh, cosh = (staticmethod(getattr(math, f)) for f in ("sin", "cos", "tan", "atan", "tanh",
                                                                                "cosh"))
    pi, e, inf = math.pi, math.e, math.inf
    fsum = staticmethod(math.fsum)
    isfinite = staticmethod(math.isfinite)

    def num(self, x):
        if isinstance(x, Fraction):
            return x.numerator / x.denominator
        return float(x)

    def vec(self, values) -> np.ndarray:
        return np.array(values, dtype=np.float64)

    def mat(self, rows) -> np.ndarray:
        return np.array(rows, dtype=np.float64)

    vsqrt = staticmethod(np.sqrt)
    vabs = staticmethod(np.abs)
    vmax = staticmethod(np.maximum)

    @staticmethod
    def dot(a, b):
        # np.sum's pairwise summation over the last axis (a (b, d) batch gives b sums)
        return np.sum(np.asarray(a) * np.asarray(b), axis=-1)

    @staticmethod
    def matvec(A, x):
        return np.einsum("...ij,...j->...i", np.asarray(A), np.asarray(x))  # in the arrays' own type

    @staticmethod
    def eigvalsh(A):
        return np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))

    @staticmethod
    def norm2(A):
        return float(np.linalg.norm(np.asarray(A, dtype=np.float64), 2))


class LongDoubleContext(Float64Context):
    """``np.longdouble`` (x87: 64-bit mantissa, exponents to about 1e-4951 where the platform has it): the same
    numpy operations as :class:`Float64Context` in a wider type, float64's cheap first escalation."""

    _finfo = np.finfo(np.longdouble)
    prec = int(_finfo.nmant) + 1
    backend = f"numpy longdouble ({prec}-bit mantissa)"
    eps, tiny = _finfo.eps, _finfo.tiny

    def num(self, x):
        if isinstance(x, Fraction):
            return np.longdouble(x.numerator) / np.longdouble(x.denominator)
        return np.longdouble(x)

    def vec(self, values) -> np.ndarray:
        return np.array(values, dtype=np.longdouble)

    def mat(self, rows) -> np.ndarray:
        return np.array(rows, dtype=np.longdouble)


class MpContext(NumberContext):
    """mpmath at ``dps`` digits: call the formula inside ``n.working()`` (``mpmath.workdps(dps)``; the checks do)."""

    tiny = 0  # mpmath's exponents are unbounded: nothing underflows

    def __init__(self, dps: int):
        self.dps = int(dps)
        self.prec = dps_to_prec(self.dps)
        self.backend = f"mpmath {self.dps} digits"
        self.eps = mpmath.mpf(2) ** (1 - self.prec)

    def working(self):
        return mpmath.workdps(self.dps)

    def num(self, x):
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        if isinstance(x, (np.floating, np.integer)):
            x = x.item()
        return mpmath.mpf(x)  # exact for float and int inputs; a decimal string rounded at the working precision

    sqrt, exp, log, log1p, expm1 = (staticmethod(getattr(mpmath, f)) for f in ("sqrt", "exp", "log", "log1p", "expm1"))
    sin, cos, tan, atan, tanh, cosh = (staticmethod(getattr(mpmath, f)) for f in ("sin", "cos", "tan", "atan", "tanh",
                                                                                  "cosh"))
    fsum = staticmethod(mpmath.fsum)
    isfinite = staticmethod(mpmath.isfinite)
    inf = mpmath.inf

    @property
    def pi(self):
        return +mpmath.pi

    @property
    def e(self):
        return +mpmath.e

    def eigvalsh(self, A):
        """Ascending eigenvalues by ``mpmath.eigsy`` at the working precision."""
        m = A if isinstance(A, mpmath.matrix) else mpmath.matrix(_rows(self.mat(A)))
        ev = mpmath.eigsy(m, eigvals_only=True)
        return sorted(ev[i] for i in range(m.rows))

    def norm2(self, A):
        """The largest singular value, by ``mpmath.svd_r`` at the working precision."""
        m = A if isinstance(A, mpmath.matrix) else mpmath.matrix(_rows(self.mat(A)))
        sv = mpmath.svd_r(m, compute_uv=False)
        return max(sv[i] for i in range(min(m.rows, m.cols)))


try:
    import gmpy2

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - exercised only where gmpy2 is missing
    HAVE_GMPY2 = False


class MpfrContext(NumberContext):
    """MPFR (gmpy2 ``mpfr``) at mpmath's precision for ``dps`` digits: every operation correctly rounded to nearest,
    exponents to MPFR's limits (2^±(2^62)), so nothing over- or underflows in practice. Same rounding as
    :class:`MpContext` operation for operation (sums are correctly rounded exact sums in both): the same bits."""

    def __init__(self, dps: int):
        if not HAVE_GMPY2:  # pragma: no cover
            raise RuntimeError("the MPFR context needs gmpy2")
        self.dps = int(dps)
        self.prec = dps_to_prec(self.dps)
        self.backend = f"gmpy2 {gmpy2.version()} mpfr {gmpy2.mpfr_version()}, {self.prec} bits"
        with self.working():
            self.eps = gmpy2.mul_2exp(gmpy2.mpfr(1), 1 - self.prec)
            self.tiny = gmpy2.next_above(gmpy2.mpfr(0))  # 2^(emin - 1): the context's least exponent
            self.inf = gmpy2.inf()

    def working(self):
        """A fresh gmpy2 context (one per ``with``: gmpy2 contexts are not re-entrant)."""
        return gmpy2.context(precision=self.prec, emax=gmpy2.get_emax_max(), emin=gmpy2.get_emin_min(),
                             round=gmpy2.RoundToNearest, subnormalize=False)

    def num(self, x):
        if isinstance(x, mpmath.mpf):
            man, exp = x.man_exp
            return gmpy2.mul_2exp(gmpy2.mpfr(int(man)), int(exp))
        if isinstance(x, Fraction):
            return gmpy2.mpfr(x.numerator) / x.denominator
        if isinstance(x, (np.floating, np.integer)):
            x = x.item()
        return gmpy2.mpfr(x)

    sqrt, exp, log, log1p, expm1 = (staticmethod(getattr(gmpy2, f)) for f in ("sqrt", "exp", "log", "log1p", "expm1"))
    sin, cos, tan, atan, tanh, cosh = (staticmethod(getattr(gmpy2, f)) for f in ("sin", "cos", "tan", "atan", "tanh",
                                                                                  "cosh"))
    isfinite = staticmethod(gmpy2.is_finite)

    fsum = staticmethod(lambda values: gmpy2.fsum(list(values)))  # the exact sum, rounded once

    @property
    def pi(self):
        return gmpy2.const_pi()

    @property
    def e(self):
        return gmpy2.exp(1)

    def to_mpf(self, x):
        if not gmpy2.is_finite(x):
            return mpmath.mpf(str(x))
        man, exp = x.as_mantissa_exp()
        return mpmath.mpf((int(man), int(exp)))

    def _mp(self, A):
        return mpmath.matrix([[self.to_mpf(v) for v in row] for row in self.mat(A).tolist()])

    def eigvalsh(self, A):
        """Ascending eigenvalues: ``mpmath.eigsy`` at this precision (MPFR has no eigensolver), converted exactly."""
        with mpmath.workprec(self.prec):
            return [self.num(v) for v in MpContext(self.dps).eigvalsh(self._mp(A))]

    def norm2(self, A):
        with mpmath.workprec(self.prec):
            return self.num(MpContext(self.dps).norm2(self._mp(A)))


class BallContext(NumberContext):
    """Ball arithmetic (python-flint ``arb``) at ``prec`` bits: every result is a ball that contains the exact value
    of the formula on the exact inputs (floats exactly, decimal strings as enclosures). Comparisons are certain or
    False (``a <= b`` only when every point of ``a`` is <= every point of ``b``): a formula that branches on one must
    treat False as "not certified". ``max`` of overlapping balls is their union."""

    tiny = 0  # arb's exponents are unbounded

    def __init__(self, prec: int = 128):
        import flint  # python-flint: optional extra "fast"

        self._flint = flint
        self.prec = int(prec)
        self.dps = prec_to_dps(self.prec)
        self.backend = f"python-flint {flint.__version__} arb, {self.prec} bits"
        self.eps = flint.arb(2) ** (1 - self.prec)
        self.inf = flint.arb("inf")

    @contextlib.contextmanager
    def working(self):
        old = self._flint.ctx.prec
        self._flint.ctx.prec = self.prec
        try:
            yield
        finally:
            self._flint.ctx.prec = old

    def num(self, x):
        arb = self._flint.arb
        if isinstance(x, arb):
            return x
        if isinstance(x, mpmath.mpf):
            man, exp = x.man_exp
            return arb(self._flint.fmpz(int(man))) * arb(2) ** int(exp)
        if isinstance(x, Fraction):
            return arb(x.numerator) / x.denominator
        if isinstance(x, (np.floating, np.integer)):
            x = x.item()
        if isinstance(x, int):
            return arb(self._flint.fmpz(x))
        return arb(x) if isinstance(x, str) else arb(float(x))

    @property
    def pi(self):
        return self._flint.arb.pi()

    @property
    def e(self):
        return self._flint.arb(1).exp()

    def fsum(self, values):
        return sum(values, self._flint.arb(0))  # ball sums, left to right (each encloses the exact partial sum)

    isfinite = staticmethod(lambda x: x.is_finite())

    @staticmethod
    def max(a, b):
        """max of two balls: the larger when they are ordered, else a ball containing both maxima."""
        return a if a > b else b if b >= a else a.union(b)

    @staticmethod
    def min(a, b):
        return a if a < b else b if b <= a else a.union(b)

    def vabs(self, v):
        return _map(lambda x: abs(self.num(x)), v)

    def to_mpf(self, x):
        return mpmath.mpf(x.mid().str(prec_to_dps(self.prec) + 5, radius=False))

    def eigvalsh(self, A):
        """Rigorous balls for a symmetric matrix's eigenvalues, ascending by midpoint (``acb_mat.eig``, retried with
        ``multiple=True``): EigenvaluesNotIsolated at too low a precision, ArithmeticError off the real axis."""
        flint = self._flint
        m = flint.acb_mat([[flint.acb(self.num(v)) for v in row] for row in _rows(A)])
        for multiple in (False, True):
            try:
                eig = m.eig(multiple=multiple)
                break
            except ValueError:
                eig = None
        if eig is None:
            raise EigenvaluesNotIsolated(f"could not isolate the eigenvalues at {self.prec} bits")
        if not all(e.imag.contains(0) for e in eig):
            raise ArithmeticError("eigenvalue enclosure of a symmetric matrix excludes the real axis")
        return sorted((e.real for e in eig), key=lambda b: float(b.mid()))

    def norm2(self, A):
        """An enclosure of the spectral norm: sqrt of the largest eigenvalue of A^T A."""
        a = self.mat(A)
        ata = [[self.dot(a[:, i], a[:, j]) for j in range(a.shape[1])] for i in range(a.shape[1])]
        return self.eigvalsh(ata)[-1].nonnegative_part().sqrt()


def _ball_function(name: str):
    def function(self, x):
        return getattr(self.num(x), name)()  # arb's method: a rigorous enclosure of the function on the ball

    function.__name__ = name
    return function


for _name in ("sqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "atan", "tanh", "cosh"):
    setattr(BallContext, _name, _ball_function(_name))

fp = Float64Context()
longdouble = LongDoubleContext()


def mp(dps: int) -> MpContext:
    """The mpmath context at ``dps`` digits."""
    return MpContext(dps)


def mpfr(dps: int) -> MpfrContext:
    """The MPFR context at mpmath's precision for ``dps`` digits."""
    return MpfrContext(dps)


def ball(prec: int = 128) -> BallContext:
    """The ball (arb) context at ``prec`` bits."""
    return BallContext(prec)


def context_for(dps: int | None) -> NumberContext:
    return fp if dps is None else MpContext(dps)


def uses_context(fn: Callable | None = None, *, screen_dps: int | None = None) -> Callable:
    """Mark ``fn(instance, n)`` as written against a :class:`NumberContext` (see the module docstring).

    ``screen_dps``: screen in mpmath at that many digits instead of float64 (results as floats), caching each
    (instance, digits) value."""
    if fn is None:
        return lambda f: uses_context(f, screen_dps=screen_dps)
    fn.proofcheck_context = True
    if screen_dps is not None:
        fn.proofcheck_screen_dps = int(screen_dps)
        fn.proofcheck_cache = {}
    return fn


def _cached_call(fn: Callable, instance, dps: int):
    cache = fn.proofcheck_cache
    key = (json.dumps(instance, sort_keys=True, default=str), dps)
    if key not in cache:
        n = MpContext(dps)
        with n.working():
            cache[key] = fn(instance, n)
    return cache[key]


def call_with_precision(fn: Callable, instance, dps: int | None):
    """Call ``fn`` in its own convention: ``fn(instance, context)`` if marked, else ``fn(instance, dps)``."""
    if getattr(fn, "proofcheck_context", False):
        screen = getattr(fn, "proofcheck_screen_dps", None)
        if screen is None:
            return fn(instance, context_for(dps))
        values = _cached_call(fn, instance, dps or screen)
        return tuple(float(v) for v in values) if dps is None else values
    return fn(instance, dps)
