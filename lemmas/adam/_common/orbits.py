"""High-precision classification of a run of Algorithm A: converged / period-2 orbit / diverged / undecided.

T6's classifier (docs/claims.md T6), shared with the explicit bounds' FAIL confirmation (``explicit.py``): float64
runs of Algorithm A with delta != 0 underflow to exactly 0 and fake convergence, so every convergence decision is
made here on a run at a recorded precision, and asks that the preconditioner has settled before it calls a run
converged. The classifier's runs go through the MPFR engine (``highprec.AdamState``, equal to the last bit to
mpmath's ``adam_mp``), keep only the steps the classifier reads, and resume when it doubles the step count.
"""
from __future__ import annotations

import json
from functools import lru_cache

import mpmath

from proofcheck import Classification
from proofcheck.numbers import mp

from .algorithms import adam_mp
from .highprec import AdamState

CONVERGED_DIGITS = 20  # f_N <= 10^-20 f_0
ORBIT_DIGITS = 8  # ||x_N - x_{N-2}|| <= 10^-8 ||x_N|| and the same for v (a run still converging to 0 at rate 1 - e shows ~4e)
SETTLE = 1e-4  # sqrt(v) <= SETTLE * delta r_j: the preconditioner has (nearly) reached its v -> 0 limit


def q_and_diagonal(inst):
    """(Q, whether Q is diagonal) of an instance."""
    return inst["Q"], bool(inst.get("diagonal", True))


def initial_r(inst, dps):
    """r_j = max(|g_0^(j)|, phi) at ``dps`` digits (as Algorithm A defines it)."""
    Q, diagonal = q_and_diagonal(inst)
    with mpmath.workdps(dps):
        x0 = [mpmath.mpf(c) for c in inst["x0"]]
        if diagonal:
            g = [mpmath.mpf(qj) * xj for qj, xj in zip(Q, x0)]
        else:
            g = [mpmath.fsum(mpmath.mpf(qij) * xj for qij, xj in zip(row, x0)) for row in Q]
        return [max(abs(gj), mpmath.mpf(inst["phi"])) for gj in g]


def _f(inst, xk):
    Q, diagonal = q_and_diagonal(inst)
    if diagonal:
        return mpmath.fsum(mpmath.mpf(qj) * xj * xj for qj, xj in zip(Q, xk)) / 2
    return mpmath.fsum(xi * mpmath.fsum(mpmath.mpf(qij) * xj for qij, xj in zip(row, xk)) for xi, row in zip(xk, Q)) / 2


def run_adam(inst, delta, dps, iters):
    """One call of Algorithm A at ``dps`` digits with its whole trajectory recorded (the mpmath reference
    ``adam_mp``: converting every recorded step from MPFR would cost more than it saves on these short runs)."""
    Q, diagonal = q_and_diagonal(inst)
    return adam_mp(Q, inst["x0"], inst["alpha"], inst["beta2"], inst["phi"], delta, iters=iters, dps=dps,
                   diagonal=diagonal, record=True)


JUDGED_STEPS = 4  # judge_run reads x_0 and the last four entries of a trajectory (x_N..x_{N-2}, v_{N-1}, v_{N-3})


def adam_state(inst, delta, dps) -> AdamState:
    """Algorithm A at ``dps`` digits on the MPFR engine (bit-identical to ``adam_mp``), resumable, keeping only
    x_0 and the last JUDGED_STEPS steps: what :func:`classify` needs when it doubles the step count."""
    Q, diagonal = q_and_diagonal(inst)
    return AdamState(Q, inst["x0"], inst["alpha"], inst["beta2"], inst["phi"], delta, dps=dps, diagonal=diagonal,
                     keep=JUDGED_STEPS)


def _norm(vec):
    return mpmath.sqrt(mpmath.fsum(c * c for c in vec))


def iteration_radius(inst, p):
    """Spectral radius of I - alpha P Q at the working precision (P = diag(p), via the symmetric P^1/2 Q P^1/2)."""
    Q, diagonal = q_and_diagonal(inst)
    alpha = mpmath.mpf(inst["alpha"])
    if diagonal:
        return max(abs(1 - alpha * pj * mpmath.mpf(qj)) for pj, qj in zip(p, Q))
    d = len(p)
    h = mpmath.matrix(d, d)
    for i in range(d):
        for j in range(d):
            h[i, j] = mpmath.sqrt(p[i]) * mpmath.mpf(Q[i][j]) * mpmath.sqrt(p[j])
    return max(abs(1 - alpha * ev) for ev in mp(mpmath.mp.dps).eigvalsh(h))


def judge_run(inst, delta, run, orbit_digits=ORBIT_DIGITS):
    """Label the end state of a recorded run: converged / orbit / diverged / undecided, with measurements."""
    traj, dps = run.trajectory, run.dps
    with mpmath.workdps(dps):
        n = len(traj) - 1
        xs = [traj[k][0] for k in (n, n - 1, n - 2)]
        vs = [traj[k][1] for k in (n - 1, n - 3)]
        f0, fN, fN2 = _f(inst, traj[0][0]), _f(inst, xs[0]), _f(inst, xs[2])
        info = {"iters": n, "dps": dps, "f_ratio": mpmath.nstr(fN / f0, 8) if f0 else "0"}
        if not all(mpmath.isfinite(c) for c in xs[0]) or fN > 10**6 * f0:
            return "diverged", info
        r_j = initial_r(inst, dps)
        if float(inst["beta2"]) == 1.0:
            gap = mpmath.mpf(0)  # the preconditioner is frozen at P_0
        else:
            gap = max(mpmath.sqrt(vj) / (mpmath.mpf(delta) * rj) for vj, rj in zip(vs[0], r_j)) if delta > 0 else mpmath.inf
        info["settle_gap"] = mpmath.nstr(gap, 5)
        if fN <= mpmath.mpf(10) ** (-CONVERGED_DIGITS) * f0 and gap <= SETTLE:
            # f small and decreasing is not enough: one coordinate can be tiny and growing while another,
            # larger one still shrinks (seen at 50 digits: beta2 = 0.97, f down to 1e-146). Ask that every
            # coordinate shrinks over the last two steps, and that the end state's iteration matrix
            # I - alpha P_N Q (which the run keeps once x is tiny and v has settled) is a contraction.
            shrinking = all(abs(a) <= abs(b) for a, b in zip(xs[0], xs[2]))
            rho = iteration_radius(inst, traj[n - 1][2])
            info["end_iteration_radius"] = mpmath.nstr(rho, 10)
            if shrinking and rho < 1:
                info["contraction_per_step"] = mpmath.nstr(mpmath.sqrt(fN / fN2), 10)  # per step, of f
                return "converged", info
        nx = _norm(xs[0])
        res_x = _norm([a - b for a, b in zip(xs[0], xs[2])]) / nx if nx > 0 else mpmath.inf
        res_v = _norm([a - b for a, b in zip(vs[0], vs[1])]) / _norm(vs[0]) if _norm(vs[0]) > 0 else mpmath.inf
        info["period2_residual"] = mpmath.nstr(max(res_x, res_v), 5)
        tol = mpmath.mpf(10) ** (-orbit_digits)
        if nx > 0 and res_x <= tol and res_v <= tol:
            return "orbit", info
        return "undecided", info


def classify(inst, delta, dps, start=400, cap=12800, orbit_digits=ORBIT_DIGITS):
    """Run Algorithm A at ``dps`` digits for start, 2 start, ... iterations (up to ``cap``) until a label is decided.

    Each doubling resumes the same run (an :class:`AdamState`) instead of restarting from x_0: the n-step run
    judged is bit for bit the one a fresh run of n steps gives."""
    state = adam_state(inst, delta, dps)
    n = start
    while True:
        run = state.advance(n).result()
        label, info = judge_run(inst, delta, run, orbit_digits)
        if label != "undecided" or n >= cap:
            return Classification(label, dps, info), run
        n = min(2 * n, cap)


@lru_cache(maxsize=512)
def _classify_cached(inst_json, delta, dps, start, cap):
    label = classify(json.loads(inst_json), delta, dps, start, cap)[0]
    return label


def classify_cached(inst, delta, dps, start=400, cap=12800):
    return _classify_cached(json.dumps(inst, sort_keys=True), float(delta), int(dps), start, cap)
