"""Fast float64 screening of Algorithm A and GD on batches: fused compiled loops (numba).

Same interface and semantics as :func:`algorithms.adam_f64` / :func:`algorithms.gd_f64` (the numpy
batched reference, which stays the specification and is what the tests compare against):

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


def adam_fast(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps: float | None = None,
              diagonal: bool = True, delta_schedule: Callable[[int], float] | None = None,
              record: bool = False) -> FastRun:
    """Algorithm A in float64 on a batch, compiled; drop-in for :func:`algorithms.adam_f64`."""
    if not HAVE_NUMBA or record:
        run = ref.adam_f64(Q, x0, alpha, beta2, phi, delta, iters, eps, diagonal, delta_schedule, record)
        return _wrap(run, "numpy" if HAVE_NUMBA else BACKEND)
    Q = np.asarray(Q, dtype=float)
    x = np.array(x0, dtype=float, copy=True, order="C")
    b, d = x.shape
    alpha, beta2, phi, delta = (_per_instance(p, b) for p in (alpha, beta2, phi, delta))
    with np.errstate(all="ignore"):
        g = ref._grad(Q, x, diagonal)
        r = np.ascontiguousarray(np.maximum(np.abs(g), phi[:, None]))
        v = r * r
        f0 = ref._f(Q, x, diagonal)
    dsched = np.ones(max(iters, 1)) if delta_schedule is None else np.array(
        [float(delta_schedule(k)) for k in range(max(iters, 1))], dtype=float)
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
