"""High-precision Algorithm A and GD on gmpy2 ``mpfr`` (MPFR), a drop-in for ``adam_mp`` / ``gd_mp``.

GD is the specification (methods.GD) run in the MPFR number context. Algorithm A's :class:`AdamState` is a
registered fast path of the specification (methods.AlgorithmA): resumable, with the beta2 = 1 denominator
computed once and only the kept part of a trajectory converted; it performs the specification's operations in
its order, so it agrees with it to the last bit (tests/test_conformance.py).

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

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np
from mpmath.libmp import dps_to_prec

from proofcheck.numbers import mpfr

from . import algorithms as ref
from .algorithms import MpRun
from .methods import GD

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


def _vec(x, num=None) -> list:
    return [(num or _num)(v) for v in x]


def _matrix(Q, diagonal: bool, num=None):
    Q = np.asarray(Q, dtype=object) if not isinstance(Q, list) else Q
    return _vec(Q, num) if diagonal else [_vec(row, num) for row in Q]


def _grad(Q, x, diagonal: bool, fsum=None) -> list:
    """Q x; dense rows as correctly rounded exact sums (``fsum``: MPFR's by default, mpmath's for mpf numbers)."""
    if diagonal:
        return [q * xi for q, xi in zip(Q, x)]
    fsum = fsum or gmpy2.fsum
    return [fsum([qij * xj for qij, xj in zip(row, x)]) for row in Q]


def _f(Q, x, diagonal: bool, fsum=None):
    fsum = fsum or gmpy2.fsum
    return fsum([xi * gi for xi, gi in zip(x, _grad(Q, x, diagonal, fsum))]) / 2


def _out(x, prec: int):
    with mpmath.workprec(prec):
        if isinstance(x, (list, tuple)):
            return [_out(v, prec) for v in x]
        return None if x is None else to_mpf(x)


class Trajectory(Sequence):
    """The recorded steps (x_k, v_k, P_k) of a run, k = 0..n-1, then (x_n, None, None), of which only the first
    and the last ``len(tail)`` are kept (a classifier looks only at the start and the end of a run).

    Indexing is as in the full list (negative indices too); asking for a dropped step raises IndexError."""

    def __init__(self, first, tail: list, length: int):
        self.first, self.tail, self.length = first, tail, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self.length))]
        if k < 0:
            k += self.length
        offset = self.length - len(self.tail)
        if 0 <= k - offset < len(self.tail):
            return self.tail[k - offset]
        if k == 0 and self.first is not None:
            return self.first
        raise IndexError(f"step {k} of this run was not kept (only the first and the last {len(self.tail)})")


class AdamState:
    """Algorithm A on one instance at ``dps`` digits, resumable: :meth:`advance` continues from the iteration
    reached, so ``advance(n)`` then ``advance(2 n)`` is, bit for bit, the run of 2 n iterations from x_0 (the
    state is the whole of the iteration's memory: x_k, v_{k-1}, g_k, r and k; nothing else is carried).

    ``keep``: ``None`` records nothing; ``"all"`` the whole trajectory (as :func:`algorithms.adam_mp` with
    ``record=True``); an int m keeps x_0's step and the last m entries (see :class:`Trajectory`), without
    converting the others, which is what makes long classified runs cheap. :meth:`result` is the
    :class:`HpRun` of the run so far, equal to that of :func:`adam_hp` with ``iters`` = the iterations reached.
    Without gmpy2 the same loop runs on mpmath numbers (the reference arithmetic), and ``backend`` says so.
    """

    def __init__(self, Q, x0, alpha, beta2=1, phi=0, delta=0, dps: int = 50, eps=None, diagonal: bool = True,
                 delta_schedule: Callable[[int], float] | None = None, keep: int | str | None = None):
        self.dps, self.prec, self.diagonal, self.delta_schedule = dps, dps_to_prec(dps), diagonal, delta_schedule
        self.keep = keep
        self._mp = not HAVE_GMPY2
        with self._context():
            num = mpmath.mpf if self._mp else _num
            self.Q = _matrix(Q, diagonal, num)
            self.x = _vec(x0, num)
            self.alpha, self.beta2, self.phi, self.delta = (num(p) for p in (alpha, beta2, phi, delta))
            self.eps = None if eps is None else num(eps)
            self.g = self._grad(self.x)
            self.r = [max(abs(gi), self.phi) for gi in self.g]
            self.v = [ri * ri for ri in self.r]
            self.f0 = self._f(self.x)
            # the specification's stop test, made before each step: T = 0 when x_0 already satisfies it
            self.T = 0 if (self.eps is not None and self.f0 <= self.eps * self.f0) else None
            self.k, self.stopped = 0, self.T == 0
            # beta2 = 1 without a schedule: v_k = v_0 exactly (1 * v + 0 * g^2), so the denominator
            # sqrt(v_k) + delta r is the same at every step and is computed once (the same rounded value)
            self.frozen = self.beta2 == 1 and delta_schedule is None
            if self.frozen:
                self.den0 = [self._sqrt(vi) + self.delta * ri for vi, ri in zip(self.v, self.r)]
                self.p0 = [1 / di for di in self.den0]
        self.first = None
        self.recorded: list | deque = [] if keep in (None, "all") else deque(maxlen=max(int(keep) - 1, 0))

    # the arithmetic: MPFR (gmpy2) or, without it, mpmath at the same precision
    def _context(self):
        return mpmath.workprec(self.prec) if self._mp else _context(self.prec)

    def _sqrt(self, v):
        return mpmath.sqrt(v) if self._mp else gmpy2.sqrt(v)

    def _grad(self, x) -> list:
        return _grad(self.Q, x, self.diagonal, mpmath.fsum if self._mp else gmpy2.fsum)

    def _f(self, x):
        return _f(self.Q, x, self.diagonal, mpmath.fsum if self._mp else gmpy2.fsum)

    def advance(self, stop: int) -> "AdamState":
        """Run iterations k..stop-1; none once the run stopped at its T (f <= eps f0 reached in the loop)."""
        if self.stopped:
            return self
        record = self.keep is not None
        sqrt, grad, f_of, frozen = self._sqrt, self._grad, self._f, self.frozen
        x, v, g, r, k, T = self.x, self.v, self.g, self.r, self.k, self.T
        alpha, beta2, delta, eps = self.alpha, self.beta2, self.delta, self.eps
        f0, schedule, num = self.f0, self.delta_schedule, (mpmath.mpf if self._mp else _num)
        with self._context():  # every operation below rounds at the run's precision
            c = 1 - beta2
            while k < stop:
                # the specification's update (methods.AlgorithmA.step), operation for operation:
                # x - (alpha * g) / (sqrt(v) + delta_k * r)
                if frozen:
                    if record:
                        self._record(k, x, v, self.p0)
                    x = [xi - alpha * gi / di for xi, gi, di in zip(x, g, self.den0)]
                else:
                    if k >= 1:
                        v = [beta2 * vi + c * gi * gi for vi, gi in zip(v, g)]
                    scale = delta if schedule is None else delta * num(schedule(k))
                    den = [sqrt(vi) + scale * ri for vi, ri in zip(v, r)]
                    if record:
                        self._record(k, x, v, [1 / di for di in den])
                    x = [xi - alpha * gi / di for xi, gi, di in zip(x, g, den)]
                g = grad(x)
                k += 1
                # as in the specification: the first k with f(x_k) <= eps f0 stops the run
                if eps is not None and T is None and f_of(x) <= eps * f0:
                    T, self.stopped = k, True
                    break
        self.x, self.v, self.g, self.k, self.T = x, v, g, k, T
        return self

    def _record(self, k: int, x, v, p) -> None:
        if k == 0:
            self.first = (list(x), list(v), p)
        self.recorded.append((list(x), list(v), p))

    def _out(self, value):
        if self._mp:
            return list(value) if isinstance(value, (list, tuple)) else value
        return _out(value, self.prec)

    def trajectory(self):
        """The recorded steps so far, as mpf: a list (``keep="all"``) or a :class:`Trajectory`."""
        if self.keep is None:
            return []
        steps = [tuple(None if part is None else self._out(part) for part in step)
                 for step in [*self.recorded, (self.x, None, None)]]
        if self.keep == "all":
            return steps
        first = None if self.first is None else tuple(self._out(part) for part in self.first)
        return Trajectory(first, steps, self.k + 1)

    def result(self) -> HpRun:
        with self._context():
            f = self._f(self.x)
        return HpRun(x=self._out(self.x), f0=self._out(self.f0), f=self._out(f), T=self.T, iters=self.k, dps=self.dps,
                     trajectory=self.trajectory(), backend=BACKEND, prec_bits=self.prec)


def adam_hp(Q, x0, alpha, beta2=1, phi=0, delta=0, iters=1000, dps: int = 50, eps=None, diagonal: bool = True,
            delta_schedule: Callable[[int], float] | None = None, record: bool = False) -> MpRun:
    """Algorithm A on one instance at ``dps`` digits (MPFR); drop-in for :func:`algorithms.adam_mp`
    (a fresh :class:`AdamState` advanced ``iters`` iterations)."""
    if not HAVE_GMPY2:
        run = ref.adam_mp(Q, x0, alpha, beta2, phi, delta, iters, dps, eps, diagonal, delta_schedule, record)
        return HpRun(**vars(run), backend=BACKEND, prec_bits=dps_to_prec(dps))
    state = AdamState(Q, x0, alpha, beta2, phi, delta, dps, eps, diagonal, delta_schedule, "all" if record else None)
    return state.advance(iters).result()


def gd_hp(Q, x0, eta, iters=1000, dps: int = 50, eps=None, diagonal: bool = True, record: bool = False) -> MpRun:
    """Gradient descent on one instance at ``dps`` digits: the specification (:class:`methods.GD`) in the MPFR
    context; drop-in for :func:`algorithms.gd_mp` (the same specification in mpmath, to the last bit)."""
    if not HAVE_GMPY2:
        run = ref.gd_mp(Q, x0, eta, iters, dps, eps, diagonal, record)
        return HpRun(**vars(run), backend=BACKEND, prec_bits=dps_to_prec(dps))
    n = mpfr(dps)
    with n.working():
        out = ref.run_one(GD(n.num(eta)), n, Q, x0, iters, eps, diagonal, record)
    prec = n.prec
    return HpRun(x=_out(list(out.state.x), prec), f0=_out(out.f0, prec), f=_out(out.f, prec), T=ref._mp_T(out),
                 iters=out.iters, dps=dps, trajectory=[_out(list(x), prec) for x in out.xs], backend=BACKEND,
                 prec_bits=prec)


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
