"""Algorithm A (Adam without momentum, beta1 = 0) and gradient descent, as in docs/claims.md.

Algorithm A, elementwise, with g_k = Q x_k (x* = 0):
    r_j = max(|g_0^(j)|, phi),  v_0 = r * r,
    v_k = beta2 v_{k-1} + (1 - beta2) g_k * g_k            (k >= 1),
    x_{k+1} = x_k - alpha g_k / (sqrt(v_k) + delta_k),     delta_k^(j) = delta * r_j  (reconstruction).
beta2 = 1 freezes the preconditioner at P_0 = diag(1 / ((1 + delta) r)).
GD: x_{k+1} = x_k - eta g_k.   T(eps) = min{k : f(x_k) <= eps f(x_0)}.

Each algorithm is written twice from this one specification: a float64 version vectorised
over a batch of instances (screening) and an mpmath version (confirmation); the tests check
that they agree to float64 accuracy.

Batches: ``Q`` is (b, d) with ``diagonal=True`` (the diagonals) or (b, d, d); ``x0`` is (b, d);
scalar hyperparameters broadcast, or give one per instance as arrays of shape (b,).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np

UNDERFLOW = 1e-290  # |x| below this (or exactly 0 from a nonzero start) is reported, never trusted


def underflow_threshold(dtype) -> float:
    """The flag level for a floating type: UNDERFLOW for float64, 1e18 x its smallest normal number otherwise
    (about 3e-4914 for the x87 80-bit ``np.longdouble``)."""
    dtype = np.dtype(dtype)
    return UNDERFLOW if dtype == np.float64 else np.finfo(dtype).tiny * dtype.type(1e18)


@dataclass
class Run:
    """Outcome of a batched run. ``T[i] = -1`` means capped (not converged within ``iters``).

    ``underflow`` / ``nonfinite`` describe each instance at its own stop: at its T when it converged
    (later iterations, run only because the batch continues to max(T), cannot change T), at the end
    otherwise. A flagged instance's count must not be trusted: escalate it.
    """

    x: np.ndarray
    f0: np.ndarray
    f: np.ndarray
    T: np.ndarray
    iters: int
    underflow: np.ndarray
    nonfinite: np.ndarray
    trajectory: list = field(default_factory=list)

    @property
    def capped(self) -> np.ndarray:
        return self.T < 0


def _col(p, b: int, dtype=np.float64) -> np.ndarray:
    return np.broadcast_to(np.asarray(p, dtype=dtype).reshape(-1, 1) if np.ndim(p) else np.full((1, 1), p, dtype=dtype),
                           (b, 1))


def _grad(Q: np.ndarray, x: np.ndarray, diagonal: bool) -> np.ndarray:
    return Q * x if diagonal else np.einsum("bij,bj->bi", Q, x)


def _f(Q: np.ndarray, x: np.ndarray, diagonal: bool) -> np.ndarray:
    return 0.5 * np.sum(x * _grad(Q, x, diagonal), axis=1)


def flags(x: np.ndarray, started_nonzero: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per instance: (underflow: some |x_j| below the type's threshold (UNDERFLOW for float64), or exactly 0,
    from a nonzero start; non-finite)."""
    with np.errstate(all="ignore"):
        tiny = underflow_threshold(x.dtype)
        return (np.any(started_nonzero & (np.abs(x) < tiny), axis=1), ~np.all(np.isfinite(x), axis=1))


def _flag_at_stop(rows: np.ndarray, x, started_nonzero, underflow, nonfinite) -> None:
    """Record the flags of the instances in ``rows`` as they are now (their stop), in place."""
    if np.any(rows):
        u, n = flags(x[rows], started_nonzero[rows])
        underflow[rows] = u
        nonfinite[rows] = n


def _finish(Q, x, f0, T, k, diagonal, underflow, nonfinite, traj):
    return Run(x=x, f0=f0, f=_f(Q, x, diagonal), T=T, iters=k, underflow=underflow, nonfinite=nonfinite, trajectory=traj)


def adam_f64(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps: float | None = None,
             diagonal: bool = True, delta_schedule: Callable[[int], float] | None = None, record: bool = False,
             dtype=np.float64) -> Run:
    """Algorithm A in float64 on a batch. Stops early once every instance reached f <= eps f0.

    ``dtype=np.longdouble`` runs the same operations in extended precision (x87: 64-bit mantissa, exponent
    range to about 1e-4951), the cheap first escalation of float64 runs that underflowed."""
    Q = np.asarray(Q, dtype=dtype)
    x = np.array(x0, dtype=dtype, copy=True)
    b = x.shape[0]
    alpha, beta2, phi, delta = (_col(p, b, dtype) for p in (alpha, beta2, phi, delta))
    with np.errstate(all="ignore"):
        g = _grad(Q, x, diagonal)
        r = np.maximum(np.abs(g), phi)
        v = r * r
        f0 = _f(Q, x, diagonal)
        T = np.full(b, -1)
        started_nonzero = x != 0
        underflow = np.zeros(b, bool)
        nonfinite = np.zeros(b, bool)
        traj = [x.copy()] if record else []
        k = 0
        for k in range(iters):
            if k >= 1:
                v = beta2 * v + (1 - beta2) * g * g
            scale = delta if delta_schedule is None else delta * delta_schedule(k)
            x = x - alpha * g / (np.sqrt(v) + scale * r)
            g = _grad(Q, x, diagonal)
            if record:
                traj.append(x.copy())
            if eps is not None:
                fk = _f(Q, x, diagonal)
                newly = (T < 0) & (fk <= eps * f0)
                _flag_at_stop(newly, x, started_nonzero, underflow, nonfinite)
                T = np.where(newly, k + 1, T)
                if np.all(T >= 0):
                    k += 1
                    break
        else:
            k = iters
        _flag_at_stop(T < 0, x, started_nonzero, underflow, nonfinite)
    return _finish(Q, x, f0, T, k, diagonal, underflow, nonfinite, traj)


def gd_f64(Q, x0, eta, iters=1000, eps: float | None = None, diagonal: bool = True, record: bool = False) -> Run:
    """Gradient descent in float64 on a batch."""
    Q = np.asarray(Q, dtype=float)
    x = np.array(x0, dtype=float, copy=True)
    b = x.shape[0]
    eta = _col(eta, b)
    with np.errstate(all="ignore"):
        f0 = _f(Q, x, diagonal)
        T = np.full(b, -1)
        started_nonzero = x != 0
        underflow = np.zeros(b, bool)
        nonfinite = np.zeros(b, bool)
        traj = [x.copy()] if record else []
        k = 0
        for k in range(iters):
            x = x - eta * _grad(Q, x, diagonal)
            if record:
                traj.append(x.copy())
            if eps is not None:
                fk = _f(Q, x, diagonal)
                newly = (T < 0) & (fk <= eps * f0)
                _flag_at_stop(newly, x, started_nonzero, underflow, nonfinite)
                T = np.where(newly, k + 1, T)
                if np.all(T >= 0):
                    k += 1
                    break
        else:
            k = iters
        _flag_at_stop(T < 0, x, started_nonzero, underflow, nonfinite)
    return _finish(Q, x, f0, T, k, diagonal, underflow, nonfinite, traj)


# ---------------------------------------------------------------------------------------------
# mpmath: one instance at a time, every operation at the working precision ``dps``.
# ---------------------------------------------------------------------------------------------

@dataclass
class MpRun:
    """Outcome of an mpmath run of one instance (lists of mpf). ``T = None`` means capped."""

    x: list
    f0: object
    f: object
    T: int | None
    iters: int
    dps: int
    trajectory: list = field(default_factory=list)  # x_k, and for Adam (x_k, v_k, P_k diag)


def _mp_vec(x) -> list:
    return [mpmath.mpf(v) for v in x]


def _mp_grad(Q, x, diagonal: bool) -> list:
    if diagonal:
        return [q * xi for q, xi in zip(Q, x)]
    return [mpmath.fsum(qij * xj for qij, xj in zip(row, x)) for row in Q]


def _mp_f(Q, x, diagonal: bool):
    return mpmath.fsum(xi * gi for xi, gi in zip(x, _mp_grad(Q, x, diagonal))) / 2


def _mp_Q(Q, diagonal: bool):
    Q = np.asarray(Q, dtype=object) if not isinstance(Q, list) else Q
    return _mp_vec(Q) if diagonal else [_mp_vec(row) for row in Q]


def adam_mp(Q, x0, alpha, beta2=1, phi=0, delta=0, iters=1000, dps: int = 50, eps=None, diagonal: bool = True,
            delta_schedule: Callable[[int], float] | None = None, record: bool = False) -> MpRun:
    """Algorithm A on one instance at ``dps`` digits. Hyperparameters are taken exactly (from str/float)."""
    with mpmath.workdps(dps):
        Q = _mp_Q(Q, diagonal)
        x = _mp_vec(x0)
        alpha, beta2, phi, delta = (mpmath.mpf(p) for p in (alpha, beta2, phi, delta))
        eps = None if eps is None else mpmath.mpf(eps)
        g = _mp_grad(Q, x, diagonal)
        r = [max(abs(gi), phi) for gi in g]
        v = [ri * ri for ri in r]
        f0 = _mp_f(Q, x, diagonal)
        T = 0 if (eps is not None and f0 <= eps * f0) else None
        traj = []
        k = 0
        for k in range(iters):
            if k >= 1:
                v = [beta2 * vi + (1 - beta2) * gi * gi for vi, gi in zip(v, g)]
            scale = delta if delta_schedule is None else delta * mpmath.mpf(delta_schedule(k))
            p = [1 / (mpmath.sqrt(vi) + scale * ri) for vi, ri in zip(v, r)]
            if record:
                traj.append((list(x), list(v), p))
            x = [xi - alpha * pi * gi for xi, pi, gi in zip(x, p, g)]
            g = _mp_grad(Q, x, diagonal)
            if eps is not None and T is None and _mp_f(Q, x, diagonal) <= eps * f0:
                T = k + 1
                k += 1
                break
        else:
            k = iters
        if record:
            traj.append((list(x), None, None))
        return MpRun(x=x, f0=f0, f=_mp_f(Q, x, diagonal), T=T, iters=k, dps=dps, trajectory=traj)


def gd_mp(Q, x0, eta, iters=1000, dps: int = 50, eps=None, diagonal: bool = True, record: bool = False) -> MpRun:
    """Gradient descent on one instance at ``dps`` digits."""
    with mpmath.workdps(dps):
        Q = _mp_Q(Q, diagonal)
        x = _mp_vec(x0)
        eta = mpmath.mpf(eta)
        eps = None if eps is None else mpmath.mpf(eps)
        f0 = _mp_f(Q, x, diagonal)
        T = None
        traj = [list(x)] if record else []
        k = 0
        for k in range(iters):
            x = [xi - eta * gi for xi, gi in zip(x, _mp_grad(Q, x, diagonal))]
            if record:
                traj.append(list(x))
            if eps is not None and T is None and _mp_f(Q, x, diagonal) <= eps * f0:
                T = k + 1
                k += 1
                break
        else:
            k = iters
        return MpRun(x=x, f0=f0, f=_mp_f(Q, x, diagonal), T=T, iters=k, dps=dps, trajectory=traj)
