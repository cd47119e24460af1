"""Algorithm A (Adam without momentum, beta1 = 0) and gradient descent on quadratics, as in docs/claims.md.

The iterations are written once, in :mod:`.methods` (Algorithm A: x_{k+1} = x_k - alpha g_k / (sqrt(v_k) + delta_k r);
beta2 = 1 freezes the preconditioner at P_0 = diag(1 / ((1 + delta) r)); GD: x_{k+1} = x_k - eta g_k;
T(eps) = min{k >= 0 : f(x_k) <= eps f(x_0)}). This module runs that specification in two number contexts:
float64 (or ``np.longdouble``) vectorised over a batch of instances (screening; :class:`Run` with the
underflow flags), and mpmath at ``dps`` digits on one instance (confirmation; :class:`MpRun`).

Batches: ``Q`` is (b, d) with ``diagonal=True`` (the diagonals) or (b, d, d); ``x0`` is (b, d);
scalar hyperparameters broadcast, or give one per instance as arrays of shape (b,).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from proofcheck.numbers import fp, longdouble, mp

from .methods import GD, AlgorithmA, Quadratic, iterate

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


def _run_f64(method, Q, x0, iters, eps, diagonal, record, dtype) -> Run:
    """The specification on a float64 (or ``dtype``) batch, with the flags taken at each instance's stop."""
    n = fp if np.dtype(dtype) == np.float64 else longdouble
    Q = np.asarray(Q, dtype=dtype)
    x = np.array(x0, dtype=dtype, copy=True)
    b = x.shape[0]
    started_nonzero = x != 0
    underflow = np.zeros(b, bool)
    nonfinite = np.zeros(b, bool)

    def on_stop(rows, xk):
        _flag_at_stop(rows, xk, started_nonzero, underflow, nonfinite)

    with np.errstate(all="ignore"):
        out = iterate(method, n, Quadratic(Q, diagonal), x, iters, eps, record=record, on_stop=on_stop)
        _flag_at_stop(out.T < 0, out.state.x, started_nonzero, underflow, nonfinite)
    return Run(x=out.state.x, f0=out.f0, f=out.f, T=out.T, iters=out.iters, underflow=underflow, nonfinite=nonfinite,
               trajectory=out.xs)


def adam_f64(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps: float | None = None,
             diagonal: bool = True, delta_schedule: Callable[[int], float] | None = None, record: bool = False,
             dtype=np.float64) -> Run:
    """Algorithm A (:class:`methods.AlgorithmA`) in float64 on a batch. Stops early once every instance reached
    f <= eps f0.

    ``dtype=np.longdouble`` runs the same operations in extended precision (x87: 64-bit mantissa, exponent
    range to about 1e-4951), the cheap first escalation of float64 runs that underflowed."""
    b = np.shape(x0)[0]
    alpha, beta2, phi, delta = (_col(p, b, dtype) for p in (alpha, beta2, phi, delta))
    return _run_f64(AlgorithmA(alpha, beta2, phi, delta, delta_schedule), Q, x0, iters, eps, diagonal, record, dtype)


def gd_f64(Q, x0, eta, iters=1000, eps: float | None = None, diagonal: bool = True, record: bool = False) -> Run:
    """Gradient descent (:class:`methods.GD`) in float64 on a batch."""
    return _run_f64(GD(_col(eta, np.shape(x0)[0])), Q, x0, iters, eps, diagonal, record, np.float64)


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


def context_matrix(n, Q, diagonal: bool):
    """Q (a diagonal or rows; float, str, mpf entries taken exactly) in the context's numbers."""
    Q = Q.tolist() if isinstance(Q, np.ndarray) else Q
    return n.vec(Q) if diagonal else n.mat(Q)


def run_one(method, n, Q, x0, iters, eps, diagonal: bool, record: bool):
    """The specification on one instance in context ``n`` (inside ``n.working()``): an :class:`methods.Iterated`."""
    x = n.vec(x0.tolist() if isinstance(x0, np.ndarray) else x0)
    return iterate(method, n, Quadratic(context_matrix(n, Q, diagonal), diagonal), x, iters,
                   None if eps is None else n.num(eps), record=record)


def adam_context(n, alpha, beta2, phi, delta, delta_schedule=None) -> AlgorithmA:
    """Algorithm A's hyperparameters taken exactly into context ``n`` (the schedule's values too)."""
    schedule = None if delta_schedule is None else (lambda k: n.num(delta_schedule(k)))
    return AlgorithmA(*(n.num(p) for p in (alpha, beta2, phi, delta)), schedule)


def _mp_T(out) -> int | None:
    return None if out.T[0] < 0 else int(out.T[0])


def adam_mp(Q, x0, alpha, beta2=1, phi=0, delta=0, iters=1000, dps: int = 50, eps=None, diagonal: bool = True,
            delta_schedule: Callable[[int], float] | None = None, record: bool = False) -> MpRun:
    """Algorithm A on one instance at ``dps`` digits. Hyperparameters are taken exactly (from str/float).
    ``record``: the trajectory (x_k, v_k, P_k diag) for each step taken, then (x_final, None, None)."""
    n = mp(dps)
    with n.working():
        out = run_one(adam_context(n, alpha, beta2, phi, delta, delta_schedule), n, Q, x0, iters, eps, diagonal,
                      record)
        traj = [(list(x), list(v), list(p)) for x, (v, p) in zip(out.xs, out.extras)]
        if record:
            traj.append((list(out.xs[-1]), None, None))
        return MpRun(x=list(out.state.x), f0=out.f0, f=out.f, T=_mp_T(out), iters=out.iters, dps=dps, trajectory=traj)


def gd_mp(Q, x0, eta, iters=1000, dps: int = 50, eps=None, diagonal: bool = True, record: bool = False) -> MpRun:
    """Gradient descent on one instance at ``dps`` digits."""
    n = mp(dps)
    with n.working():
        out = run_one(GD(n.num(eta)), n, Q, x0, iters, eps, diagonal, record)
        return MpRun(x=list(out.state.x), f0=out.f0, f=out.f, T=_mp_T(out), iters=out.iters, dps=dps,
                     trajectory=[list(x) for x in out.xs])
