"""High-precision Algorithm A and GD on gmpy2 ``mpfr`` (MPFR), a drop-in for ``adam_mp`` / ``gd_mp``.

Same interface and semantics as :func:`algorithms.adam_mp` and :func:`algorithms.gd_mp` (the mpmath
reference, which the tests compare against), about 10x faster at the same precision:

* the working precision is mpmath's for ``dps`` digits (``prec = dps_to_prec(dps)`` bits), and every
  operation is correctly rounded to nearest at that precision, in the same order as the reference;
  the sums in ``Q x`` and ``f`` are correctly rounded exact sums (MPFR's ``fsum``, as ``mpmath.fsum``).
  So the two engines agree to the last bit, not merely to the working precision;
* exponents range up to 2^62 (MPFR's maximum), so neither overflow nor underflow happens in practice,
  as with mpmath's unbounded exponents;
* the result is an :class:`~algorithms.MpRun` whose numbers (``x``, ``f0``, ``f``, the trajectory) are
  converted exactly to ``mpmath.mpf``, plus ``backend`` and ``prec_bits``.

Without gmpy2 the mpmath reference runs, and ``backend`` says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np
from mpmath.libmp import dps_to_prec

from . import algorithms as ref
from .algorithms import MpRun

try:
    import gmpy2

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - exercised only where gmpy2 is missing
    HAVE_GMPY2 = False

BACKEND = f"gmpy2 {gmpy2.version()} mpfr {gmpy2.mpfr_version()}" if HAVE_GMPY2 else "mpmath (gmpy2 unavailable)"


@dataclass
class HpRun(MpRun):
    """An :class:`MpRun` plus the backend that produced it and its precision in bits."""

    backend: str = BACKEND
    prec_bits: int = 0


def _context(prec: int):
    return gmpy2.context(precision=prec, emax=gmpy2.get_emax_max(), emin=gmpy2.get_emin_min(),
                         round=gmpy2.RoundToNearest, subnormalize=False)


def to_mpf(x):
    """An mpfr as an mpmath.mpf, exactly (mpmath precision permitting: call inside a wide enough workprec)."""
    if not gmpy2.is_finite(x):
        return mpmath.mpf(str(x))
    man, exp = x.as_mantissa_exp()
    return mpmath.mpf((int(man), int(exp)))


def _num(p):
    """A hyperparameter or matrix entry as mpfr at the context precision (str/float/int/mpf exactly)."""
    if isinstance(p, mpmath.mpf):
        man, exp = p.man_exp
        return gmpy2.mul_2exp(gmpy2.mpfr(int(man)), int(exp))
    if isinstance(p, (np.floating, np.integer)):
        p = p.item()
    return gmpy2.mpfr(p)


def _vec(x) -> list:
    return [_num(v) for v in x]


def _matrix(Q, diagonal: bool):
    Q = np.asarray(Q, dtype=object) if not isinstance(Q, list) else Q
    return _vec(Q) if diagonal else [_vec(row) for row in Q]


def _grad(Q, x, diagonal: bool) -> list:
    if diagonal:
        return [q * xi for q, xi in zip(Q, x)]
    fsum = gmpy2.fsum
    return [fsum([qij * xj for qij, xj in zip(row, x)]) for row in Q]


def _f(Q, x, diagonal: bool):
    return gmpy2.fsum([xi * gi for xi, gi in zip(x, _grad(Q, x, diagonal))]) / 2


def _out(x, prec: int):
    with mpmath.workprec(prec):
        if isinstance(x, (list, tuple)):
            return [_out(v, prec) for v in x]
        return None if x is None else to_mpf(x)


def adam_hp(Q, x0, alpha, beta2=1, phi=0, delta=0, iters=1000, dps: int = 50, eps=None, diagonal: bool = True,
            delta_schedule: Callable[[int], float] | None = None, record: bool = False) -> MpRun:
    """Algorithm A on one instance at ``dps`` digits (MPFR); drop-in for :func:`algorithms.adam_mp`."""
    if not HAVE_GMPY2:
        run = ref.adam_mp(Q, x0, alpha, beta2, phi, delta, iters, dps, eps, diagonal, delta_schedule, record)
        return HpRun(**vars(run), backend=BACKEND, prec_bits=dps_to_prec(dps))
    prec = dps_to_prec(dps)
    with _context(prec):
        Q = _matrix(Q, diagonal)
        x = _vec(x0)
        alpha, beta2, phi, delta = (_num(p) for p in (alpha, beta2, phi, delta))
        eps = None if eps is None else _num(eps)
        g = _grad(Q, x, diagonal)
        r = [max(abs(gi), phi) for gi in g]
        v = [ri * ri for ri in r]
        f0 = _f(Q, x, diagonal)
        T = 0 if (eps is not None and f0 <= eps * f0) else None
        traj = []
        k = 0
        sqrt = gmpy2.sqrt
        # beta2 = 1 without a schedule: v_k = v_0 exactly (1 * v + 0 * g^2), so alpha * P_k is computed once
        frozen = beta2 == 1 and delta_schedule is None and not record
        if frozen:
            ap = [alpha * (1 / (sqrt(vi) + delta * ri)) for vi, ri in zip(v, r)]
        c = 1 - beta2
        for k in range(iters):
            if frozen:
                x = [xi - api * gi for xi, api, gi in zip(x, ap, g)]
            else:
                if k >= 1:
                    v = [beta2 * vi + c * gi * gi for vi, gi in zip(v, g)]
                scale = delta if delta_schedule is None else delta * _num(delta_schedule(k))
                if record:
                    p = [1 / (sqrt(vi) + scale * ri) for vi, ri in zip(v, r)]
                    traj.append((list(x), list(v), p))
                # (alpha * p) * g, in the reference's order of operations
                x = [xi - alpha * (1 / (sqrt(vi) + scale * ri)) * gi for xi, vi, ri, gi in zip(x, v, r, g)]
            g = _grad(Q, x, diagonal)
            if eps is not None and T is None and _f(Q, x, diagonal) <= eps * f0:
                T = k + 1
                k += 1
                break
        else:
            k = iters
        if record:
            traj.append((list(x), None, None))
        f = _f(Q, x, diagonal)
    traj = [tuple(_out(part, prec) for part in step) for step in traj]
    return HpRun(x=_out(x, prec), f0=_out(f0, prec), f=_out(f, prec), T=T, iters=k, dps=dps, trajectory=traj,
                 backend=BACKEND, prec_bits=prec)


def gd_hp(Q, x0, eta, iters=1000, dps: int = 50, eps=None, diagonal: bool = True, record: bool = False) -> MpRun:
    """Gradient descent on one instance at ``dps`` digits (MPFR); drop-in for :func:`algorithms.gd_mp`."""
    if not HAVE_GMPY2:
        run = ref.gd_mp(Q, x0, eta, iters, dps, eps, diagonal, record)
        return HpRun(**vars(run), backend=BACKEND, prec_bits=dps_to_prec(dps))
    prec = dps_to_prec(dps)
    with _context(prec):
        Q = _matrix(Q, diagonal)
        x = _vec(x0)
        eta = _num(eta)
        eps = None if eps is None else _num(eps)
        f0 = _f(Q, x, diagonal)
        T = None
        traj = [list(x)] if record else []
        k = 0
        for k in range(iters):
            if diagonal:
                x = [xi - eta * (q * xi) for q, xi in zip(Q, x)]
            else:
                x = [xi - eta * gi for xi, gi in zip(x, _grad(Q, x, diagonal))]
            if record:
                traj.append(list(x))
            if eps is not None and T is None and _f(Q, x, diagonal) <= eps * f0:
                T = k + 1
                k += 1
                break
        else:
            k = iters
        f = _f(Q, x, diagonal)
    return HpRun(x=_out(x, prec), f0=_out(f0, prec), f=_out(f, prec), T=T, iters=k, dps=dps,
                 trajectory=[_out(step, prec) for step in traj], backend=BACKEND, prec_bits=prec)


# ---------------------------------------------------------------------------------------------
# Screening with escalation: float64 decides only where its numbers can be trusted.
# ---------------------------------------------------------------------------------------------

@dataclass
class Screened:
    """Iteration counts of a batch, each with the arithmetic that decided it.

    ``T[i] = -1`` means capped (not converged within ``iters``). ``escalated[i]`` says the float64
    run of instance i was not trusted (underflow, overflow or non-finite values) and T[i] comes from
    the high-precision run; ``undecided[i]`` says even that run produced no usable number (e.g. 0/0
    with delta = 0): a caller must treat that instance as INCONCLUSIVE. ``decided_by[i]`` names the
    backend and precision, for the evidence.
    """

    T: np.ndarray
    escalated: np.ndarray
    undecided: np.ndarray
    decided_by: list
    screen_backend: str
    dps: int

    def evidence_json(self) -> dict:
        return {"screen_backend": self.screen_backend, "escalated": int(self.escalated.sum()),
                "undecided": int(self.undecided.sum()), "high_precision": f"{BACKEND}, {self.dps} digits",
                "instances": int(len(self.T))}


def _pick(p, i):
    return p[i] if np.ndim(p) else p


def _escalate(run, hp_one, b: int, dps: int) -> Screened:
    T = np.array(run.T, dtype=np.int64, copy=True)
    escalated = np.array(run.suspect, dtype=bool, copy=True)
    undecided = np.zeros(b, dtype=bool)
    decided_by = [f"float64 ({run.backend})"] * b
    for i in np.flatnonzero(escalated):
        high = hp_one(i)
        finite = all(mpmath.isfinite(v) for v in high.x) and mpmath.isfinite(high.f)
        T[i] = -1 if high.T is None else high.T
        undecided[i] = not finite
        decided_by[i] = f"{high.backend}, {high.prec_bits} bits"
    return Screened(T=T, escalated=escalated, undecided=undecided, decided_by=decided_by,
                    screen_backend=run.backend, dps=dps)


def adam_screened(Q, x0, alpha, beta2=1.0, phi=0.0, delta=0.0, iters=1000, eps=1e-6, diagonal: bool = True,
                  delta_schedule: Callable[[int], float] | None = None, dps: int = 50) -> Screened:
    """T(eps) of Algorithm A on a batch: compiled float64 screening, with every instance whose float64
    run underflowed, overflowed or went non-finite re-run at ``dps`` digits (MPFR)."""
    from .fast import adam_fast

    Q, x0 = np.asarray(Q, dtype=float), np.asarray(x0, dtype=float)
    run = adam_fast(Q, x0, alpha, beta2, phi, delta, iters, eps, diagonal, delta_schedule)
    hp_one = lambda i: adam_hp(Q[i], x0[i], _pick(alpha, i), _pick(beta2, i), _pick(phi, i),  # noqa: E731
                               _pick(delta, i), iters, dps, eps, diagonal, delta_schedule)
    return _escalate(run, hp_one, x0.shape[0], dps)


def gd_screened(Q, x0, eta, iters=1000, eps=1e-6, diagonal: bool = True, dps: int = 50) -> Screened:
    """T(eps) of GD on a batch, screened in float64 and escalated like :func:`adam_screened`."""
    from .fast import gd_fast

    Q, x0 = np.asarray(Q, dtype=float), np.asarray(x0, dtype=float)
    run = gd_fast(Q, x0, eta, iters, eps, diagonal)
    hp_one = lambda i: gd_hp(Q[i], x0[i], _pick(eta, i), iters, dps, eps, diagonal)  # noqa: E731
    return _escalate(run, hp_one, x0.shape[0], dps)
