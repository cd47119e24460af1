"""Fast float64 screening of Algorithm A and GD on batches: fused compiled loops (numba).

Registered fast paths (methods.FAST_PATHS) of the specifications methods.AlgorithmA and methods.GD: the same
interface and semantics as :func:`algorithms.adam_f64` / :func:`algorithms.gd_f64` (the specification run in
the float64 context, which tests/test_conformance.py compares them with):

* ``Q`` is (b, d) with ``diagonal=True`` or (b, d, d); ``x0`` is (b, d); hyperparameters are scalars
  or arrays of shape (b,);
* with ``eps`` the batch stops once every instance reached f <= eps f0, so ``x``, ``f`` and ``iters``
  are those after ``max(T)`` iterations (or ``iters`` when some instance is capped), exactly as in
  the reference;
* ``underflow`` (|x| < 1e-290, or exact 0, from a nonzero start) and ``nonfinite`` are flagged per
  instance; :class:`FastRun` adds ``overflow`` (|x| > 1e300 or a non-finite / overflowing ``v``)
  and ``backend`` (the engine that actually ran, recorded in evidence).

The kernels run one instance per ``prange`` iteration (instance loop outermost, so each instance's
state stays in cache for all its iterations) and compile with ``error_model='numpy'``
(division by zero gives inf/nan, as in numpy, instead of raising) and without ``fastmath`` (IEEE
semantics, so the only difference from numpy is the summation order in ``Q x`` and ``f``).

A batch with convergence checking runs in two phases: every instance runs until its own T (or the
cap), then the converged ones are continued to the batch's stopping iteration. Without numba (or
with ``record=True``, which needs the trajectory) the numpy reference runs, and ``backend`` says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import math

import numpy as np

from . import algorithms as ref
from .algorithms import UNDERFLOW, Run

OVERFLOW = 1e300  # |x| above this is flagged: one more multiplication may overflow

try:  # numba is an optional extra ("fast"); without it the numpy reference runs
    import numba
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only where numba is missing
    HAVE_NUMBA = False

BACKEND = "numba-parallel" if HAVE_NUMBA else "numpy (numba unavailable)"


@dataclass
class FastRun(Run):
    """A :class:`Run` plus the overflow flag and the name of the backend that produced it."""

    overflow: np.ndarray | None = None
    backend: str = BACKEND

    @property
    def suspect(self) -> np.ndarray:
        """Instances whose float64 numbers must not be trusted (escalate them to high precision)."""
        flags = self.underflow | self.nonfinite
        return flags if self.overflow is None else flags | self.overflow


if HAVE_NUMBA:
    _serial = dict(cache=True, error_model="numpy", nogil=True)
    _parallel = dict(_serial, parallel=True)

    @njit(**_serial)
    def _grad_into(Qi, diag, xi, g):
        """g = Q_i x_i for one instance.

        Diagonal: Qi is (1, d), the diagonal. Dense: Qi is the *transpose* of Q_i, so that
        g = sum_l Q[:, l] x_l runs as contiguous axpy updates (vectorisable without reassociating
        any sum: each g_j still adds its terms in the order l = 0, 1, ...).
        """
        d = xi.shape[0]
        if diag:
            for j in range(d):
                g[j] = Qi[0, j] * xi[j]
        else:
            for j in range(d):
                g[j] = 0.0
            for l in range(d):
                xl = xi[l]
                for j in range(d):
                    g[j] += Qi[l, j] * xl

    @njit(**_serial)
    def _dot(a, b):
        """sum_j a_j b_j with four interleaved partial sums (a fixed order, so the result is the same
        on every machine, and one the compiler can vectorise; a single running sum cannot be)."""
        d = a.shape[0]
        s0 = s1 = s2 = s3 = 0.0
        m = d - d % 4
        for j in range(0, m, 4):
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
        for j in range(m, d):
            s0 += a[j] * b[j]
        return (s0 + s1) + (s2 + s3)

    @njit(**_serial)
    def _adam_one(Qi, diag, xi, vi, ri, a, b2, dl, dsched, const_sched, f0i, eps, use_eps, k, stop):
        """Algorithm A on one instance from iteration k to ``stop``; returns (k reached, T or -1)."""
        d = xi.shape[0]
        if use_eps and k == 0 and f0i <= eps * f0i:  # the stop test comes before each step: T = 0
            return k, 0
        g = np.empty(d)
        _grad_into(Qi, diag, xi, g)
        c = 1.0 - b2
        if b2 == 1.0 and const_sched:
            # beta2 = 1 freezes the preconditioner: v_k = v_0 exactly (1 * v + 0 * g^2), so the
            # denominator is computed once; the update is the reference's, operation for operation.
            den = np.empty(d)
            for j in range(d):
                den[j] = np.sqrt(vi[j]) + dl * dsched[0] * ri[j]
            while k < stop:
                for j in range(d):
                    xi[j] = xi[j] - a * g[j] / den[j]
                _grad_into(Qi, diag, xi, g)
                k += 1
                if use_eps:
                    if 0.5 * _dot(xi, g) <= eps * f0i:
                        return k, k
            return k, -1
        while k < stop:
            scale = dl * dsched[k]
            if k >= 1:
                for j in range(d):
                    vi[j] = b2 * vi[j] + c * g[j] * g[j]
            for j in range(d):
                xi[j] = xi[j] - a * g[j] / (np.sqrt(vi[j]) + scale * ri[j])
            _grad_into(Qi, diag, xi, g)
            k += 1
            if use_eps:
                if 0.5 * _dot(xi, g) <= eps * f0i:
                    return k, k
        return k, -1

    @njit(**_serial)
    def _gd_one(Qi, diag, xi, e, f0i, eps, use_eps, k, stop):
        """Gradient descent on one instance from iteration k to ``stop``; returns (k reached, T or -1)."""
        d = xi.shape[0]
        if use_eps and k == 0 and f0i <= eps * f0i:  # the stop test comes before each step: T = 0
            return k, 0
        g = np.empty(d)
        _grad_into(Qi, diag, xi, g)
        while k < stop:
            for j in range(d):
                xi[j] = xi[j] - e * g[j]
            _grad_into(Qi, diag, xi, g)
            k += 1
            if use_eps:
                if 0.5 * _dot(xi, g) <= eps * f0i:
                    return k, k
        return k, -1

    @njit(**_parallel)
    def _adam_kernel(Q, diag, x, v, r, alpha, beta2, delta, dsched, const_sched, f0, eps, use_eps, start, stop, T):
        """Algorithm A on every instance i from start[i] to ``stop``, in place, one instance per thread.

        With ``use_eps`` an instance stops at its first k with f(x_k) <= eps f0 (T[i] = k) and
        start[i] records where it stopped, so that a second call can continue it.
        """
        for i in prange(x.shape[0]):
            k, t = _adam_one(Q[i], diag, x[i], v[i], r[i], alpha[i], beta2[i], delta[i], dsched, const_sched, f0[i],
                             eps, use_eps, start[i], stop)
            start[i] = k
            if t >= 0:
                T[i] = t

    @njit(**_parallel)
    def _gd_kernel(Q, diag, x, eta, f0, eps, use_eps, start, stop, T):
        """Gradient descent on every instance, in place; see _adam_kernel."""
        for i in prange(x.shape[0]):
            k, t = _gd_one(Q[i], diag, x[i], eta[i], f0[i], eps, use_eps, start[i], stop)
            start[i] = k
            if t >= 0:
                T[i] = t


    # -- float64 with an unbounded exponent (exact power-of-two rescaling) ---------------------------------
    # A number is a pair (m, e) standing for m 2^e, with m = 0 or 0.5 <= |m| < 1 (math.frexp's form), so m never
    # leaves float64's normal range. Each operation below returns exactly the pair of fl(a op b), float64's
    # correctly rounded result of the exact operands, as if float64 had no exponent limits (proof in
    # :func:`adam_unbounded`); the arithmetic on the m's is ordinary IEEE float64, so it compiles.

    @njit(**_serial)
    def _xn(m, e):
        mm, ee = math.frexp(m)
        return mm, (e + ee if mm != 0.0 else 0)

    # Products, quotients and square roots of normalised m's land in [1/4, 1), (1/2, 2) and [1/sqrt(2), sqrt(2)),
    # never at the ends (the roundings cannot reach 1 or 2), so one exact doubling or halving renormalises them.
    @njit(**_serial)
    def _xmul(am, ae, bm, be):
        m = am * bm
        if m == 0.0:
            return 0.0, 0
        if abs(m) < 0.5:
            return 2.0 * m, ae + be - 1
        return m, ae + be

    @njit(**_serial)
    def _xdiv(am, ae, bm, be):
        m = am / bm
        if m == 0.0:
            return 0.0, 0
        if abs(m) >= 1.0:  # also inf (b = 0) and nan pass through unnormalised: the run is reported non-finite
            return 0.5 * m, ae - be + 1
        return m, ae - be

    @njit(**_serial)
    def _xsqrt(am, ae):
        if am == 0.0:
            return 0.0, 0
        if ae % 2 != 0:
            am, ae = 2.0 * am, ae - 1
        m = math.sqrt(am)
        if m >= 1.0:
            return 0.5 * m, ae // 2 + 1
        return m, ae // 2

    @njit(**_serial)
    def _xadd(am, ae, bm, be):
        if am == 0.0:
            return bm, be
        if bm == 0.0:
            return am, ae
        if ae < be:
            am, ae, bm, be = bm, be, am, ae
        shift = be - ae
        if shift < -60:  # |b| < 2^-61 |a|-ish: below a quarter ulp of a, so fl(a + b) = a
            return am, ae
        m = am + (bm if shift == 0 else math.ldexp(bm, shift))
        size = abs(m)
        if size >= 1.0:  # |m| < 2: one exact halving renormalises
            return 0.5 * m, ae + 1
        if size >= 0.5:
            return m, ae
        return _xn(m, ae)  # cancellation (or 0)

    @njit(**_serial)
    def _xle(am, ae, bm, be):
        """a <= b, exactly (the sign of the correctly rounded difference is the sign of the difference)."""
        dm, _ = _xadd(am, ae, -bm, be)
        return dm <= 0.0

    @njit(**_serial)
    def _xgrad(Qm, Qe, diag, xm, xe, gm, ge):
        """g = Q x as _grad_into (dense: Qm, Qe hold the transpose, summed in the order l = 0, 1, ...)."""
        d = xm.shape[0]
        for j in range(d):
            if diag:
                gm[j], ge[j] = _xmul(Qm[0, j], Qe[0, j], xm[j], xe[j])
            else:
                gm[j], ge[j] = 0.0, 0
        if not diag:
            for l in range(d):
                for j in range(d):
                    pm, pe = _xmul(Qm[l, j], Qe[l, j], xm[l], xe[l])
                    gm[j], ge[j] = _xadd(gm[j], ge[j], pm, pe)

    @njit(**_serial)
    def _xhalf_dot(xm, xe, gm, ge):
        """0.5 * _dot(x, g): the same four interleaved partial sums, combined as (s0 + s1) + (s2 + s3)."""
        d = xm.shape[0]
        sm = np.zeros(4)
        se = np.zeros(4, dtype=np.int64)
        m4 = d - d % 4
        for j in range(d):
            lane = j % 4 if j < m4 else 0
            pm, pe = _xmul(xm[j], xe[j], gm[j], ge[j])
            sm[lane], se[lane] = _xadd(sm[lane], se[lane], pm, pe)
        am, ae = _xadd(sm[0], se[0], sm[1], se[1])
        bm, be = _xadd(sm[2], se[2], sm[3], se[3])
        fm, fe = _xadd(am, ae, bm, be)
        return _xmul(0.5, 0, fm, fe)

    @njit(**_serial)
    def _adam_unbounded_one(Qm, Qe, diag, xm, xe, vm, ve, ri, a, a_exp, b2, dl, dsched, tm_, te_, stop):
        """_adam_one on one instance in the unbounded-exponent arithmetic, from iteration 0 to its T (returned;
        -1 when capped at ``stop``, -2 when a value went non-finite, i.e. 0/0).

        Operation for operation the compiled kernel's (same order, same groupings, same fixed summation
        order), so wherever no value leaves float64's normal range the two agree to the last bit."""
        d = xm.shape[0]
        gm = np.zeros(d)
        ge = np.zeros(d, dtype=np.int64)
        am, ae = _xn(a, a_exp)  # alpha 2^a_exp
        bm, be = _xn(b2, 0)
        cm, ce = _xn(1.0 - b2, 0)
        _xgrad(Qm, Qe, diag, xm, xe, gm, ge)
        for k in range(stop):
            if k >= 1:
                for j in range(d):  # v = b2 * v + (c * g) * g
                    pm, pe = _xmul(bm, be, vm[j], ve[j])
                    qm, qe = _xmul(cm, ce, gm[j], ge[j])
                    qm, qe = _xmul(qm, qe, gm[j], ge[j])
                    vm[j], ve[j] = _xadd(pm, pe, qm, qe)
            scale = dl * dsched[k]
            for j in range(d):  # x = x - (a * g) / (sqrt(v) + scale * r)
                sm, se = _xsqrt(vm[j], ve[j])
                dm, de = sm, se
                if scale != 0.0:
                    om, oe = _xn(scale * ri[j], 0)  # an ordinary float64 product of normal numbers, as in _adam_one
                    dm, de = _xadd(sm, se, om, oe)
                nm, ne = _xmul(am, ae, gm[j], ge[j])
                qm, qe = _xdiv(nm, ne, dm, de)
                xm[j], xe[j] = _xadd(xm[j], xe[j], -qm, qe)
            _xgrad(Qm, Qe, diag, xm, xe, gm, ge)
            fm, fe = _xhalf_dot(xm, xe, gm, ge)
            if not math.isfinite(fm):
                return -2
            if _xle(fm, fe, tm_, te_):
                return k + 1
        return -1

    @njit(**_parallel)
    def _adam_unbounded_kernel(Qm, Qe, diag, xm, xe, vm, ve, r, alpha, a_exp, beta2, delta, dsched, tm_, te_, stop, T):
        for i in prange(xm.shape[0]):
            T[i] = _adam_unbounded_one(Qm[i], Qe[i], diag, xm[i], xe[i], vm[i], ve[i], r[i], alpha[i], a_exp, beta2[i],
                                       delta[i], dsched, tm_[i], te_[i], stop)


def _per_instance(p, b: int) -> np.ndarray:
    """A hyperparameter as a contiguous float64 array of shape (b,)."""
    return np.ascontiguousarray(np.broadcast_to(np.asarray(p, dtype=float).reshape(-1), (b,)), dtype=float)


def _as_3d(Q: np.ndarray, diagonal: bool) -> np.ndarray:
    """Diagonal batches as (b, 1, d), dense as the transposes (b, d, d): one kernel signature for both."""
    return np.ascontiguousarray(Q[:, None, :] if diagonal else np.swapaxes(Q, 1, 2))


def _drive(kernel, Q3, diagonal, x, args, f0, eps, iters: int, started_nonzero):
    """Run ``kernel`` with the reference's batch semantics (see module docstring).

    Returns (T, iterations, underflow, nonfinite), the flags taken at each instance's own stop (its T,
    or the cap), as in the reference: the continuation to max(T) cannot change a count.
    """
    b = x.shape[0]
    T = np.full(b, -1, dtype=np.int64)
    start = np.zeros(b, dtype=np.int64)
    if eps is None:
        kernel(Q3, diagonal, x, *args, f0, 0.0, False, start, iters, T)
        return (T, iters, *ref.flags(x, started_nonzero))
    kernel(Q3, diagonal, x, *args, f0, float(eps), True, start, iters, T)
    underflow, nonfinite = ref.flags(x, started_nonzero)
    stop = iters if np.any(T < 0) else int(T.max()) if b else 0
    kernel(Q3, diagonal, x, *args, f0, 0.0, False, start, stop, T)
    return T, stop, underflow, nonfinite


def _flags(x: np.ndarray, started_nonzero: np.ndarray, v: np.ndarray | None = None):
    with np.errstate(all="ignore"):
        underflow = np.any(started_nonzero & (np.abs(x) < UNDERFLOW), axis=1)
        nonfinite = ~np.all(np.isfinite(x), axis=1)
        overflow = np.any(np.abs(x) > OVERFLOW, axis=1) | nonfinite
        if v is not None:
            overflow |= ~np.all(np.isfinite(v), axis=1) | np.any(v > OVERFLOW, axis=1)
    return underflow, nonfinite, overflow


def _wrap(run: Run, backend: str, v: np.ndarray | None = None) -> FastRun:
    started = np.ones_like(run.x, dtype=bool)  # flags already computed by the reference
    _, _, overflow = _flags(run.x, started, v)
    return FastRun(x=run.x, f0=run.f0, f=run.f, T=run.T, iters=run.iters, underflow=run.underflow,
                   nonfinite=run.nonfinite, trajectory=run.trajectory, overflow=overflow, backend=backend)


def _adam_start(Q, x0, alpha, beta2, phi, delta, iters, diagonal, delta_schedule):
    """The state Algorithm A starts from (docs/claims.md, as in ``algorithms.adam_f64``): Q and x_0 as float
    arrays, per-instance hyperparameters, r = max(|g_0|, phi), v_0 = r * r, f_0, and the delta schedule."""
    Q = np.asarray(Q, dtype=float)
    x = np.array(x0, dtype=float, copy=True, order="C")
    b = x.shape[0]
    alpha, beta2, phi, delta = (_per_instance(p, b) for p in (alpha, beta2, phi, delta))
    with np.errstate(all="ignore"):
        g = ref._grad(Q, x, diagonal)
        r = np.ascontiguousarray(np.maximum(np.abs(g), phi[:, None]))
        v = r * r
        f0 = ref._f(Q, x, diagonal)
    dsched = np.ones(max(iters, 1)) if delta_schedule is None else np.array(
        [float(delta_schedule(k)) for k in range(max(iters, 1))], dtype=float)
    return Q, x, alpha, beta2, phi, delta, r, v, f0, dsched


def adam_fast(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps: float | None = None,
              diagonal: bool = True, delta_schedule: Callable[[int], float] | None = None,
              record: bool = False) -> FastRun:
    """Algorithm A in float64 on a batch, compiled; drop-in for :func:`algorithms.adam_f64`."""
    if not HAVE_NUMBA or record:
        run = ref.adam_f64(Q, x0, alpha, beta2, phi, delta, iters, eps, diagonal, delta_schedule, record)
        return _wrap(run, "numpy" if HAVE_NUMBA else BACKEND)
    Q, x, alpha, beta2, phi, delta, r, v, f0, dsched = _adam_start(Q, x0, alpha, beta2, phi, delta, iters, diagonal,
                                                                    delta_schedule)
    started_nonzero = x != 0
    T, k, underflow, nonfinite = _drive(_adam_kernel, _as_3d(Q, diagonal), diagonal, x,
                                        (v, r, alpha, beta2, delta, dsched, delta_schedule is None), f0, eps, iters,
                                        started_nonzero)
    _, _, overflow = _flags(x, started_nonzero, v)
    with np.errstate(all="ignore"):
        f = ref._f(Q, x, diagonal)
    return FastRun(x=x, f0=f0, f=f, T=T, iters=k, underflow=underflow, nonfinite=nonfinite,
                   overflow=overflow, backend=BACKEND)


def gd_fast(Q, x0, eta, iters=1000, eps: float | None = None, diagonal: bool = True,
            record: bool = False) -> FastRun:
    """Gradient descent in float64 on a batch, compiled; drop-in for :func:`algorithms.gd_f64`."""
    if not HAVE_NUMBA or record:
        return _wrap(ref.gd_f64(Q, x0, eta, iters, eps, diagonal, record), "numpy" if HAVE_NUMBA else BACKEND)
    Q = np.asarray(Q, dtype=float)
    x = np.array(x0, dtype=float, copy=True, order="C")
    b, d = x.shape
    eta = _per_instance(eta, b)
    with np.errstate(all="ignore"):
        f0 = ref._f(Q, x, diagonal)
    started_nonzero = x != 0
    T, k, underflow, nonfinite = _drive(_gd_kernel, _as_3d(Q, diagonal), diagonal, x, (eta,), f0, eps, iters,
                                        started_nonzero)
    _, _, overflow = _flags(x, started_nonzero)
    with np.errstate(all="ignore"):
        f = ref._f(Q, x, diagonal)
    return FastRun(x=x, f0=f0, f=f, T=T, iters=k, underflow=underflow, nonfinite=nonfinite,
                   overflow=overflow, backend=BACKEND)


UNBOUNDED_BACKEND = "numba float64 with an unbounded exponent (each value carries its own power of two; exact)"


def adam_unbounded(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps: float = 1e-6, diagonal: bool = True,
                   delta_schedule: Callable[[int], float] | None = None, scale_exponent: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """T(eps) of Algorithm A on a batch, in float64 arithmetic WITHOUT exponent limits: (T, nonfinite, x).

    ``T[i] = -1`` means capped at ``iters``; ``nonfinite[i]`` that a value went non-finite (0/0: then T[i] = -1 and
    the count must come from elsewhere); ``x[i]`` is instance i's x at its own stop (its T, or the cap), rounded
    to float64's range for display (tiny coordinates show as 0 there, though the run itself kept them). This is what :func:`adam_fast` would count if float64 had an unbounded
    exponent range, so it needs no underflow flag: it recounts the runs that float64 screening flagged, compiled.

    Exactness. Every number is held as a pair (m, e) standing for m 2^e, with m = 0 or 1/2 <= |m| < 1, and the
    exponent e an int64 (unbounded in practice). Write fl(.) for IEEE float64 round-to-nearest-even. For normal
    operands and results, rounding commutes with scaling by a power of two: fl(2^s z) = 2^s fl(z), because
    the representable numbers and the ties are scaled together. Each operation reduces to one float64 operation
    on the m's whose operands and exact result lie in the normal range, and then rescales by 2^(exponents):
      * a b  = 2^(ea+eb) fl(ma mb), with 1/4 <= |ma mb| < 1;   a / b = 2^(ea-eb) fl(ma / mb), 1/2 < |.| < 2;
      * sqrt(a) = 2^(ea/2) fl(sqrt(ma)) for even ea (else ma <- 2 ma, ea <- ea - 1, exactly), 1/2 <= . < 2;
      * a + b with ea >= eb: if eb - ea < -60, |b| < 2^(ea-61) is below a quarter of an ulp of a (2^(ea-53)), so
        fl(a + b) = a (also when a is a power of two and b has the other sign: the midpoint below a is a - 2^(ea-55));
        otherwise 2^ea fl(ma + mb 2^(eb-ea)), where mb 2^(eb-ea) >= 2^-62 is exact and the sum is 0 or >= 2^-115;
      * a <= b is the sign of fl(a - b), which in this arithmetic is the sign of the exact difference.
    Renormalising a result (m, e) -> (2 m, e - 1), (m / 2, e + 1) or frexp's form changes no value: it is exact.
    So each result is the pair of fl(exact result) in float64-without-exponent-limits, and by induction the whole
    run is: the sequence of operations is the compiled kernel's (``_adam_one``: same order, same groupings, the
    same four-lane summation of f), so where that kernel stays in the normal range the two agree to the last bit.
    No rescaling of the iteration itself is involved, and none would be exact: x -> 2^s x, g -> 2^s g, v -> 4^s v
    leaves alpha g / sqrt(v) UNCHANGED (Adam's step is scale-free), so it maps runs to runs only if alpha -> 2^s alpha
    as well, and alpha is shared by all coordinates: coordinates of different sizes cannot be rescaled separately.
    The pairs instead carry each value's own power of two.

    ``scale_exponent`` s (delta = 0 only) runs the problem with x_0, phi and alpha multiplied by 2^s (so v_0 by
    4^s), far outside float64's range for |s| > 1100: by that invariance and the exactness above, T must not
    change and x must be 2^s times the unscaled x (a test of the exactness).
    """
    if not HAVE_NUMBA:  # pragma: no cover - exercised only where numba is missing
        raise RuntimeError("adam_unbounded needs numba")
    Q, x, alpha, beta2, phi, delta, r, v, f0, dsched = _adam_start(Q, x0, alpha, beta2, phi, delta, iters, diagonal,
                                                                    delta_schedule)
    b = x.shape[0]
    if scale_exponent and np.any(delta != 0):
        raise ValueError("scale_exponent needs delta = 0 (then r enters only as 0 * r)")
    s = int(scale_exponent)
    Qm, Qe = np.frexp(_as_3d(Q, diagonal))
    xm, xe = np.frexp(x)
    vm, ve = np.frexp(v)
    tm, te = np.frexp(float(eps) * f0)  # the kernel's threshold eps * f0, an ordinary float64 product
    xe = xe.astype(np.int64) + s  # the kernel updates xm, xe in place
    T = np.full(b, -1, dtype=np.int64)
    _adam_unbounded_kernel(Qm, Qe.astype(np.int64), diagonal, xm, xe, vm, ve.astype(np.int64) + 2 * s,
                           r, alpha, s, beta2, delta, dsched, tm, te.astype(np.int64) + 2 * s, int(iters), T)
    xe -= s
    nonfinite = T == -2
    x_out = np.ldexp(xm, xe)
    at_start = f0 <= float(eps) * f0  # the stop test comes before each step: T = 0, x is x_0
    T[at_start], nonfinite[at_start] = 0, False
    x_out[at_start] = x[at_start]
    return np.where(nonfinite, -1, T), nonfinite, x_out
