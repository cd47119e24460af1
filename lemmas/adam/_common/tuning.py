"""Step-size tuning: one recorded procedure, the same care for Algorithm A and GD (docs/claims.md, 'Iteration complexity').

"Tuned" means: the best step on a fixed geometric grid, per instance, with T(eps) capped.
The grid is relative to each method's natural step 2/(lambda_min + lambda_max) of the matrix its
iteration is governed by: Q for GD; the initial preconditioned Hessian H_0 = P_0^{1/2} Q P_0^{1/2}
for Algorithm A (docs/claims.md F4), where P_0 = diag(1/((1 + delta) r)). Both methods get the *same*
multipliers (ratio 2^{-1/4}, from 1 down to 1/4): multipliers above 1 put the step beyond 2/lambda_max
for any kappa > 2^{1/4} and make the linear iteration diverge, for both methods alike.

Two ways of counting T(eps):

- by running the algorithm (a whole batch: every seed times every grid step in one call), on the compiled
  screening engine ``fast.adam_fast`` by default (drop-in for the numpy reference ``adam_f64``, which the tests
  compare it with); the backend that actually ran is recorded;
- in closed form, for a *linear* iteration y_{k+1} = (I - s H) y_k with H symmetric (GD with H = Q; Algorithm A
  with beta2 = 1, in the basis y = P_0^{-1/2} x): f_k = 1/2 sum_i sigma_i (1 - s sigma_i)^{2k} c_i with
  c_i = (w_i . y_0)^2. With s sigma_max <= 2 every term is non-increasing, so T is found by bisection on k
  (no iteration at all: GD at kappa = 1e6 costs d log(cap) operations, not kappa log(1/eps) steps).
  Counts within a relative 1e-9 of the threshold are recomputed with mpmath.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import mpmath
import numpy as np

from .algorithms import adam_f64  # noqa: F401  (the numpy reference; ``runner=adam_f64`` selects it)
from .fast import adam_fast

NEAR = 1e-9


@dataclass(frozen=True)
class StepGrid:
    """Geometric multipliers of the natural step 2/(lambda_min + lambda_max): ratio**-j, j = 0..steps-1."""

    ratio: float = 2.0 ** 0.25
    steps: int = 9

    def multipliers(self) -> np.ndarray:
        return self.ratio ** -np.arange(self.steps, dtype=float)

    def record(self) -> dict:
        return {"kind": "geometric", "ratio": self.ratio, "multipliers": [float(m) for m in self.multipliers()],
                "centre": "2/(lambda_min + lambda_max) of the matrix governing the method (Q for GD, H_0 for Algorithm A)",
                "per": "instance (each seed tuned separately); capped runs count as T = +inf"}


GRID = StepGrid()


# -- preconditioned Hessian ------------------------------------------------------------------

def initial_preconditioner(Q: np.ndarray, X0: np.ndarray, phi: float, delta: float, diagonal: bool) -> np.ndarray:
    """diag(P_0) per instance: 1/((1 + delta) r), r_j = max(|g_0^(j)|, phi) (docs/claims.md Algorithm A)."""
    g0 = Q * X0 if diagonal else np.einsum("bij,bj->bi", Q, X0)
    return 1.0 / ((1.0 + delta) * np.maximum(np.abs(g0), phi))


def h0_spectrum(Q: np.ndarray, X0: np.ndarray, phi: float, delta: float, diagonal: bool):
    """(sigma, W, p): eigenvalues/eigenvectors of H_0 = P^{1/2} Q P^{1/2} per instance, and diag(P_0)."""
    p = initial_preconditioner(Q, X0, phi, delta, diagonal)
    s = np.sqrt(p)
    if diagonal:
        return Q * p, None, p
    if len(p) > 1 and np.all(p == p[:1]) and np.all(Q == Q[:1]):
        # one H_0 for the whole batch (phi above every |g_0^(j)|, so P_0 = I/((1 + delta) phi)): one eigendecomposition
        H = Q[0] * s[0][:, None] * s[0][None, :]
        sigma, W = np.linalg.eigh((H + H.T) / 2)
        return np.tile(sigma, (len(p), 1)), np.repeat(W[None], len(p), 0), p
    H = Q * s[:, :, None] * s[:, None, :]
    sigma, W = np.linalg.eigh((H + np.swapaxes(H, 1, 2)) / 2)
    return sigma, W, p


# -- closed-form counts of linear iterations --------------------------------------------------

def linear_counts(sigma: np.ndarray, c: np.ndarray, step: np.ndarray, eps: float, cap: int):
    """T(eps) of y_{k+1} = (I - step H) y_k from f_k = 1/2 sum sigma_i (1 - step sigma_i)^{2k} c_i, batched.

    ``sigma``, ``c``: (b, d); ``step``: (b,). Requires step * max(sigma) <= 2 (then f_k is non-increasing).
    Returns (T, near) with T = -1 when f_cap > eps f_0, and ``near`` flagging counts within NEAR of the threshold.
    """
    sigma, c, step = np.asarray(sigma, float), np.asarray(c, float), np.asarray(step, float)
    rho = np.abs(1.0 - step[:, None] * sigma)
    if np.any(rho > 1.0 + 1e-12):
        raise ValueError("closed-form counting needs step * sigma_max <= 2 (a non-expansive iteration)")
    with np.errstate(divide="ignore"):
        logw = np.log(0.5 * sigma * c)  # -inf for c_i = 0
        logr = 2.0 * np.log(np.minimum(rho, 1.0))
    logf0 = _lse(logw)
    target = logf0 + math.log(eps)

    def excess(k):  # log f_k - log(eps f_0), vectorised over the batch; k is (b,)
        return _lse(logw + k[:, None] * logr) - target

    b = sigma.shape[0]
    lo = np.zeros(b)  # invariant: excess(lo) > 0 (eps < 1), excess(hi) <= 0
    hi = np.full(b, float(cap))
    done = excess(hi) <= 0
    while True:
        open_ = done & (hi - lo > 1)
        if not open_.any():
            break
        mid = np.floor((lo + hi) / 2)
        ex = excess(mid)
        hi = np.where(open_ & (ex <= 0), mid, hi)
        lo = np.where(open_ & (ex > 0), mid, lo)
    T = np.where(done, hi, -1).astype(int)
    near = done & ((np.abs(excess(hi)) < NEAR) | (np.abs(excess(np.maximum(hi - 1, 0))) < NEAR))
    return T, near


def _lse(a: np.ndarray) -> np.ndarray:
    m = np.max(a, axis=-1)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(under="ignore"):
        return m + np.log(np.sum(np.exp(a - m[..., None]), axis=-1))


def linear_count_mp(sigma, c, step, eps, limit: int, dps: int = 50) -> dict:
    """At ``dps`` digits: T(eps) of the linear iteration if it is <= limit, else a proof that it is > limit.

    Terms with |1 - step sigma_i| < 1 decrease, the others do not; so for k <= limit,
    f_k >= (non-decreasing terms at k = 0) + (decreasing terms at k = limit). Returns
    {"T": int or None, "exceeds_limit": bool, "dps": dps}.
    """
    with mpmath.workdps(dps):
        sigma = [mpmath.mpf(s) for s in sigma]
        c = [mpmath.mpf(x) for x in c]
        step, eps = mpmath.mpf(step), mpmath.mpf(eps)
        rho = [abs(1 - step * s) for s in sigma]
        f = lambda k: mpmath.fsum(s * r ** (2 * k) * ci for s, r, ci in zip(sigma, rho, c)) / 2
        f0 = f(0)
        grow = mpmath.fsum(s * ci for s, r, ci in zip(sigma, rho, c) if r >= 1) / 2
        decay_at = lambda k: mpmath.fsum(s * r ** (2 * k) * ci for s, r, ci in zip(sigma, rho, c) if r < 1) / 2
        if grow + decay_at(limit) > eps * f0:
            return {"T": None, "exceeds_limit": True, "dps": dps}
        if grow > 0:  # non-monotone and possibly converging: scan (only reached for tiny growing parts)
            for k in range(limit + 1):
                if f(k) <= eps * f0:
                    return {"T": k, "exceeds_limit": False, "dps": dps}
            return {"T": None, "exceeds_limit": True, "dps": dps}
        lo, hi = 0, limit  # f(lo) > eps f0 >= f(hi), f non-increasing
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if f(mid) <= eps * f0:
                hi = mid
            else:
                lo = mid
        return {"T": hi, "exceeds_limit": False, "dps": dps}


# -- tuned counts -------------------------------------------------------------------------------

@dataclass
class Tuned:
    """Per instance: the tuned T (inf when every grid step is capped), the chosen step and flags."""

    T: np.ndarray
    step: np.ndarray
    capped: np.ndarray
    flagged: np.ndarray  # the chosen run underflowed / went non-finite (float64 runs) or sat near the threshold
    cap: int
    grid: dict
    escalated: int = 0
    backend: str = ""  # the engine that ran the float64 iterations ('' for closed-form counts)


def _choose(T: np.ndarray, steps: np.ndarray, flags: np.ndarray, cap: int, grid: StepGrid) -> Tuned:
    T = np.where(T < 0, np.inf, T.astype(float))
    best = np.argmin(T, axis=1)  # ties: the largest step (first in the grid)
    rows = np.arange(T.shape[0])
    Tb = T[rows, best]
    return Tuned(T=Tb, step=steps[rows, best], capped=~np.isfinite(Tb), flagged=flags[rows, best], cap=cap,
                 grid=grid.record())


def tune_gd(eigs: np.ndarray, coeffs: np.ndarray, eps: float, cap: int, grid: StepGrid = GRID) -> Tuned:
    """Tuned GD by the closed form: ``eigs`` (b, d) eigenvalues of Q, ``coeffs`` (b, d) = (u_i . x_0)^2."""
    return _tune_linear(np.asarray(eigs, float), np.asarray(coeffs, float), eps, cap, grid)


def _tune_linear(eigs: np.ndarray, coeffs: np.ndarray, eps: float, cap: int, grid: StepGrid) -> Tuned:
    """Tune the step of a linear iteration z <- (I - step A) z, f = 1/2 sum eig_i (1 - step eig_i)^{2k} coeff_i,
    over the grid around 2/(eig_min + eig_max), by the closed-form count (GD: A = Q; Algorithm A with beta2 = 1:
    A = H_0). Counts near the eps threshold in float64 are recounted at high precision."""
    b = eigs.shape[0]
    m = grid.multipliers()
    steps = (2.0 / (eigs.min(axis=1) + eigs.max(axis=1)))[:, None] * m[None, :]
    T, near = linear_counts(np.repeat(eigs, len(m), 0), np.repeat(coeffs, len(m), 0), steps.ravel(), eps, cap)
    T, near = T.reshape(b, -1), near.reshape(b, -1)
    escalated = 0
    for i, j in zip(*np.nonzero(near)):
        r = linear_count_mp(eigs[i], coeffs[i], steps[i, j], eps, cap)
        T[i, j] = -1 if r["T"] is None else r["T"]
        escalated += 1
    out = _choose(T, steps, np.zeros_like(near), cap, grid)
    out.escalated = escalated
    return out


def gd_coefficients(Q: np.ndarray, X0: np.ndarray, diagonal: bool):
    """(eigs, coeffs) of GD's closed form for a batch: diagonal Q (b, d) or dense Q (b, d, d)."""
    if diagonal:
        return np.asarray(Q, float), np.asarray(X0, float) ** 2
    Q = np.asarray(Q, float)
    if np.all(Q == Q[:1]):  # one Q for the whole batch (a sweep cell): one eigendecomposition
        lam, U = np.linalg.eigh(Q[0])
        return np.tile(lam, (len(Q), 1)), (np.asarray(X0, float) @ U) ** 2
    lam, U = np.linalg.eigh(Q)
    return lam, np.einsum("bji,bj->bi", U, X0) ** 2


def adam_step_centres(Q, X0, phi, delta, diagonal):
    """2/(sigma_min + sigma_max) of H_0 per instance."""
    sigma, _, _ = h0_spectrum(Q, X0, phi, delta, diagonal)
    return 2.0 / (sigma.min(axis=1) + sigma.max(axis=1))


def tune_adam(Q: np.ndarray, X0: np.ndarray, *, beta2: float, phi: float, delta: float, eps: float, cap: int,
              diagonal: bool = True, grid: StepGrid = GRID, runner=adam_fast, first_stage: int = 1000,
              settle: float = 1.0) -> Tuned:
    """Tuned Algorithm A by running it: every (instance, grid step) pair in one batched ``runner`` call per stage.

    ``Q``: (b, d) diagonals or (b, d, d); ``X0``: (b, d). ``runner`` has ``adam_f64``'s signature: the compiled
    ``adam_fast`` by default, ``adam_f64`` (numpy) for the reference; the backend that ran is in ``Tuned.backend``.
    Stage limits grow x4 from ``first_stage`` to ``cap``; only instances with no converged step are re-run at the
    next stage. Stages stop early once a fraction ``settle`` of the instances is settled: the
    others are then reported capped at the last limit (their T exceeds it), enough for quantiles below ``settle``.
    """
    Q, X0 = np.asarray(Q, float), np.asarray(X0, float)
    b = X0.shape[0]
    m = grid.multipliers()
    steps = adam_step_centres(Q, X0, phi, delta, diagonal)[:, None] * m[None, :]
    s = len(m)
    T = np.full((b, s), -1)
    flags = np.zeros((b, s), bool)
    # Staged limits (each stage re-runs from x_0, so counts are exact): an instance is settled once some grid
    # step converged within the stage's limit, since a step still running at that limit cannot beat it.
    open_ = np.ones(b, bool)
    limit = min(cap, first_stage)
    backends = set()
    while True:
        idx = np.nonzero(open_)[0]
        run = runner(np.repeat(Q[idx], s, 0), np.repeat(X0[idx], s, 0), steps[idx].ravel(), beta2=beta2, phi=phi,
                     delta=delta, iters=limit, eps=eps, diagonal=diagonal)
        backends.add(getattr(run, "backend", f"numpy float64 ({getattr(runner, '__name__', 'runner')})"))
        T[idx] = np.asarray(run.T).reshape(len(idx), s)
        # untrusted float64 runs: underflow / non-finite, and overflow where the engine reports it (FastRun.suspect)
        suspect = getattr(run, "suspect", np.asarray(run.underflow) | np.asarray(run.nonfinite))
        flags[idx] = np.asarray(suspect).reshape(len(idx), s)
        open_[idx] = ~np.any(T[idx] >= 0, axis=1)
        if limit >= cap or open_.mean() <= 1 - settle:
            break
        limit = min(cap, 4 * limit)
    out = _choose(T, steps, flags, limit, grid)
    out.backend = " + ".join(sorted(backends))
    return out


def tune_adam_linear(Q: np.ndarray, X0: np.ndarray, *, phi: float, delta: float, eps: float, cap: int,
                     diagonal: bool = True, grid: StepGrid = GRID, spectrum=None) -> Tuned:
    """Tuned Algorithm A with beta2 = 1 by the closed form of its linear iteration in y = P_0^{-1/2} x (F4).
    ``spectrum``: the (sigma, W, p) of ``h0_spectrum`` when the caller already has it."""
    Q, X0 = np.asarray(Q, float), np.asarray(X0, float)
    sigma, W, p = spectrum if spectrum is not None else h0_spectrum(Q, X0, phi, delta, diagonal)
    y0 = X0 / np.sqrt(p)
    c = y0**2 if diagonal else np.einsum("bji,bj->bi", W, y0) ** 2
    return _tune_linear(sigma, c, eps, cap, grid)


# -- measuring one sweep cell (the ``measure`` callback of a scaling check) ----------------------

ADAM, ADAM_B2, GD = "adam(beta2=1)", "adam(beta2<1)", "gd"
METHODS = (ADAM, ADAM_B2, GD)


BETA2_ONE_TOLERANCE = 1e-4  # a beta2 this close to 1 is the beta2 = 1 regime, and is reported as such


def beta2_regime(beta2: float) -> str:
    """'beta2 = 1' for beta2 within BETA2_ONE_TOLERANCE of 1 (over the claimed horizon its preconditioner barely
    moves: measured, such runs count like beta2 = 1), else 'beta2 < 1'."""
    return "beta2 = 1" if 1.0 - float(beta2) < BETA2_ONE_TOLERANCE else "beta2 < 1"


def schedule_is_beta2_one(cell: dict) -> bool:
    """A sweep cell whose beta2 schedule (``beta2_schedule``) lies within BETA2_ONE_TOLERANCE of 1: the adam(beta2<1)
    series there is the beta2 = 1 regime (which the adam(beta2=1) series already measures exactly), not beta2 < 1."""
    return beta2_regime(beta2_schedule(int(cell["d"]), float(cell.get("_kappa", cell.get("kappa", 1.0))),
                                      float(cell.get("eps", 1e-12)))) == "beta2 = 1"


def beta2_schedule(d: int, kappa: float, eps: float) -> float:
    """beta2 < 1 close to 1: 1 - beta2 = 0.1 / (min(d+1, kappa) log(1/eps)), so that beta2^T stays near 1 over the
    claimed horizon T ~ min(d+1, kappa) log(1/eps) (the preconditioner drifts by at most ~e^{-0.1 C} per unit of C)."""
    return 1.0 - 0.1 / (min(d + 1, kappa) * math.log(1.0 / eps))


def measure_batch(method: str, Q: np.ndarray, X0: np.ndarray, *, eps: float, phi: float, delta: float, cap: int,
                  diagonal: bool, beta2: float = 1.0, grid: StepGrid = GRID, runner=adam_fast,
                  settle: float = 1.0) -> tuple[Tuned, dict]:
    """Tuned T(eps) of ``method`` on a batch of instances (one per seed), with the record of how it was obtained."""
    if method == GD:
        eigs, coeffs = gd_coefficients(Q, X0, diagonal)
        tuned = tune_gd(eigs, coeffs, eps, cap, grid)
        how = {"counting": "closed form f_k = 1/2 sum lambda_i (1 - eta lambda_i)^{2k} c_i, bisection on k (exact for GD)",
               "escalated_to_mpmath": tuned.escalated, "backend": "numpy float64 closed form"}
    elif method == ADAM:
        tuned = tune_adam_linear(Q, X0, phi=phi, delta=delta, eps=eps, cap=cap, diagonal=diagonal, grid=grid)
        how = {"counting": "closed form of the linear iteration y_{k+1} = (I - alpha H_0) y_k (beta2 = 1 freezes P_0; F4), "
                           "bisection on k; deciding runs re-run literally (float64 and high precision)",
               "beta2": 1.0, "phi": phi, "delta": delta, "escalated_to_mpmath": tuned.escalated,
               "backend": "numpy float64 closed form"}
    else:
        tuned = tune_adam(Q, X0, beta2=beta2, phi=phi, delta=delta, eps=eps, cap=cap, diagonal=diagonal, grid=grid,
                          runner=runner, settle=settle)
        how = {"counting": f"Algorithm A run in float64 ({getattr(runner, '__name__', 'runner')}), batched, staged limits",
               "beta2": beta2, "regime": beta2_regime(beta2), "phi": phi, "delta": delta,
               "flagged_chosen_runs": int(np.sum(tuned.flagged)),
               "backend": f"float64 {tuned.backend}"}
        escalated = escalate_flagged(tuned, Q, X0, beta2=beta2, phi=phi, delta=delta, eps=eps, diagonal=diagonal)
        if escalated:
            how["escalated_chosen_runs"] = escalated
            engines = sorted({rec["backend"] for rec in escalated})
            how["backend"] += f"; {len(escalated)} flagged chosen run(s) recounted by {' / '.join(engines)}"
    if settle < 1.0 and method == ADAM_B2:
        how["settle"] = f"stages stop once {settle:.0%} of the seeds have converged; the rest are capped at {tuned.cap}"
    how.update(cap=tuned.cap, tuning=tuned.grid, capped=int(np.sum(tuned.capped)))
    return tuned, how


def escalate_flagged(tuned: Tuned, Q, X0, *, beta2, phi, delta, eps, diagonal: bool, dps: int = 30) -> list:
    """Recount every chosen run whose float64 run underflowed, overflowed or went non-finite before its own
    stop, and replace its count in ``tuned`` in place.

    No count may rest on such a float64 run: float64 underflow to 0 is a fixed point of the iteration and fakes
    convergence, or a stall. The recount runs the same compiled operations in float64 with an unbounded exponent
    (``fast.adam_unbounded``: every value carries its own power of two, and each operation is exactly float64's
    correctly rounded result without exponent limits, proved in its docstring), so nothing can underflow or
    overflow; a run that meets 0/0 there (or any run, without numba) is recounted at ``dps`` digits on the MPFR
    engine (``highprec.adam_hp``). The step stays the one float64 tuning chose."""
    from .fast import HAVE_NUMBA, UNBOUNDED_BACKEND, adam_unbounded
    from .highprec import adam_hp

    rows = np.nonzero(tuned.flagged)[0]
    if len(rows) == 0:
        return []
    if HAVE_NUMBA:
        T_unbounded, failed, _ = adam_unbounded(np.asarray(Q, float)[rows], np.asarray(X0, float)[rows], tuned.step[rows],
                                             beta2=beta2, phi=phi, delta=delta, iters=int(tuned.cap), eps=eps,
                                             diagonal=diagonal)
    else:  # pragma: no cover - exercised only where numba is missing
        T_unbounded, failed = np.full(len(rows), -1), np.ones(len(rows), bool)
    records = []
    for n, i in enumerate(rows):
        T_f64 = None if tuned.capped[i] else int(tuned.T[i])
        if not failed[n]:
            T_new, backend, prec = (None if T_unbounded[n] < 0 else int(T_unbounded[n])), UNBOUNDED_BACKEND, 15
        else:
            run = adam_hp(np.asarray(Q[i], float).tolist(), [float(v) for v in X0[i]], repr(float(tuned.step[i])),
                          beta2=repr(float(beta2)), phi=repr(float(phi)), delta=repr(float(delta)),
                          iters=int(tuned.cap), dps=dps, eps=repr(float(eps)), diagonal=diagonal)
            T_new, backend, prec = run.T, f"{run.backend} at {run.prec_bits} bits", dps
        records.append({"seed_index": int(i), "T_float64": T_f64, "T_high": T_new, "dps": prec, "backend": backend})
        tuned.T[i] = np.inf if T_new is None else T_new
        tuned.capped[i] = T_new is None
        tuned.flagged[i] = False
    return records


def confirm_adam_run(Q, x0, alpha, beta2, phi, delta, eps, T_screen, diagonal: bool, dps: int = 30,
                     mp_budget: float = 2e5) -> dict:
    """Re-run one deciding Algorithm A run literally: float64 (the compiled ``adam_fast``) always, and at ``dps``
    digits when T d (d^2 for dense Q) <= ``mp_budget``, on the MPFR engine ``highprec.adam_hp`` (a drop-in for the
    mpmath reference ``adam_mp``: same precision, same operations, equal to the last bit; mpmath itself when gmpy2
    is missing). The counts must equal the screened one. ``backend`` names the engines that actually ran."""
    from .highprec import adam_hp

    Qa = np.asarray(Q, float)
    d = len(x0)
    f64 = adam_fast(Qa[None], np.asarray(x0, float)[None], float(alpha), beta2=beta2, phi=phi, delta=delta,
                    iters=int(T_screen) + 5, eps=eps, diagonal=diagonal)
    out = {"T_float64_rerun": int(f64.T[0]), "agree": int(f64.T[0]) == int(T_screen), "dps": 15,
           "backend": f"float64 {f64.backend} (adam_fast)", "float64_suspect": bool(f64.suspect[0])}
    if T_screen * (d if diagonal else d * d) <= mp_budget:
        run = adam_hp(Qa.tolist(), [float(v) for v in x0], repr(float(alpha)), beta2=repr(float(beta2)),
                      phi=repr(float(phi)), delta=repr(float(delta)), iters=int(T_screen) + 5, dps=dps,
                      eps=repr(float(eps)), diagonal=diagonal)
        out.update(T_high=run.T, agree=out["agree"] and run.T == int(T_screen), dps=dps,
                   backend=f"{run.backend} at {run.prec_bits} bits ({dps} digits; adam_hp) and {out['backend']}")
    return out


def confirm_gd_count(Q, x0, eta, eps, T_screen, diagonal: bool, dps: int = 50) -> dict:
    """Recompute one GD count at ``dps`` digits (closed form in the eigenbasis, mpmath eigsy for dense Q)."""
    from .quadratics import mp_matrix

    with mpmath.workdps(dps):
        if diagonal:
            eigs, coeffs = list(np.asarray(Q, float)), [mpmath.mpf(float(v)) ** 2 for v in x0]
        else:
            ev, U = mpmath.eigsy(mp_matrix(Q, dps))
            x = mpmath.matrix([mpmath.mpf(float(v)) for v in x0])
            proj = U.T * x
            eigs = [ev[i] for i in range(len(x0))]
            coeffs = [proj[i] ** 2 for i in range(len(x0))]
        res = linear_count_mp(eigs, coeffs, repr(float(eta)), repr(float(eps)), int(T_screen) + 5, dps)
    return {"T_high": res["T"], "agree": res["T"] == int(T_screen), "dps": dps,
            "backend": "mpmath closed form" + ("" if diagonal else " (eigsy)")}
