"""T6 `fixed-point`: Algorithm A with delta_k -> delta != 0 (docs/claims.md T6; the paper's Section 4.2).

(a) Sufficiency. If delta > kappa alpha / (2 r), with r = min_j max(|g_0^(j)|, phi) and lambda_min = 1,
    Algorithm A converges to the global minimum. For diagonal Q each coordinate contracts at every step
    once delta r_j > alpha lambda_j / 2 (the per-coordinate argument). For non-diagonal Q that argument
    does not apply; we check it separately, and add our own descent-lemma argument to the derivation.
(b) Below the threshold Adam may converge to a non-trivial period-2 orbit. For diagonal Q and beta2 < 1,
    coordinate j alternates x^(j) = +-a_j with |g^(j)| = alpha lambda_j / 2 - delta r_j, i.e.
    a_j = alpha/2 - delta r_j / lambda_j, and v^(j) = (g^(j))^2; it exists iff delta r_j < alpha lambda_j / 2.
    **Our addition (not in the paper):** the linear stability of that orbit from the Jacobian of the
    two-step map in (x, v). With u = 1 - 2 delta r / (alpha lambda) in (0, 1], the aligned one-step
    Jacobian S J has det = beta2 and trace = 1 + beta2 - 2 (1 - beta2) u, and the Jury conditions hold for
    every beta2 in (0, 1): the orbit is linearly attracting wherever it exists. Its two-step contraction
    factor is at least beta2, so attraction slows down as beta2 -> 1 (and as u -> 0).
(c) The threshold: bisection on delta for the boundary between convergence to 0 and convergence to
    the orbit, against the formula, in the setting where the formula is claimed to be the boundary
    (Q = diag(1, kappa), phi >= max_j |g_0^(j)| so that r_j = r for every j, and the coordinate with
    lambda_max = kappa has the largest threshold alpha lambda_j / (2 r_j) = kappa alpha / (2 r)).

Numerics: float64 runs of this map underflow to exactly 0 and fake convergence (for beta2 near 1,
x shrinks by thousands of orders of magnitude while v is still large, then grows back once v has
decayed). Every convergence decision here is made by :func:`classify` (``_common/orbits.py``, the catalogue's
shared classifier) on a run at a recorded precision, which asks that the preconditioner has settled before it
calls a run converged.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, Threshold, equal, fact
from proofcheck.numbers import uses_context
from proofcheck.numerics import HIGH_DPS

from ._common.init import random_init
# the high-precision classifier of a run (shared with the explicit bounds' FAIL confirmation)
from ._common.orbits import (CONVERGED_DIGITS, ORBIT_DIGITS, SETTLE, classify, classify_cached, initial_r,
                             q_and_diagonal, run_adam)
from ._common.quadratics import rotated, spectrum

# ---------------------------------------------------------------------------------------------
# The statements (the mutants replace these)
# ---------------------------------------------------------------------------------------------


def threshold_formula(kappa, alpha, r):
    """The claimed sufficient threshold on delta (lambda_min = 1): kappa alpha / (2 r)."""
    return kappa * alpha / (2 * r)


def orbit_amplitude(alpha, lam, delta, r):
    """The claimed orbit amplitude |x^(j)| = alpha/2 - delta r_j / lambda_j (diagonal Q, beta2 < 1)."""
    return alpha / 2 - delta * r / lam


def stability_region(alpha, beta2, lam, delta, r):
    """Our derived region where the period-2 orbit is linearly attracting: 0 < beta2 < 1 and 0 <= delta r < alpha lambda/2.

    (That is, wherever the orbit exists; derived in :func:`stability_derivation`.) Written once with sympy relations,
    so that the derivation evaluates the very predicate the numeric checks use; with numbers it is a sympy boolean.
    """
    return sp.And(sp.Gt(beta2, 0), sp.Lt(beta2, 1), sp.Ge(delta * r, 0), sp.Lt(delta * r, alpha * lam / 2))


def aligned_jacobian(alpha, beta2, lam, delta, r):
    """Closed form of S J at the orbit, in the aligned error coordinates (|x| - a, v - v*)."""
    u = 1 - 2 * delta * r / (alpha * lam)
    a = alpha * u / 2
    return [[1 - 2 * (1 - beta2) * u, -2 * beta2 / (alpha * lam**2)], [2 * (1 - beta2) * lam**2 * a, beta2]]


# ---------------------------------------------------------------------------------------------
# Symbolic derivations (sympy). Every step is written unevaluated (Derivative, Subs, MatMul, Determinant...)
# so the report shows what was decided, and every step that names a claimed formula calls the claim's own
# function (threshold, amplitude, region), so that a mutant of the formula is DISPROVED here.
# ---------------------------------------------------------------------------------------------

al, lam, b2, dl, r, x, v, s = sp.symbols("alpha lambda beta2 delta r x v s", positive=True)
u, p, q, t, w, z, kap = sp.symbols("u p q t w z kappa", positive=True)
GT, LT = (lambda a_, b_: sp.StrictGreaterThan(a_, b_, evaluate=False)), (lambda a_, b_: sp.StrictLessThan(a_, b_, evaluate=False))


def one_step_map():
    """Algorithm A on one coordinate of a diagonal Q, state (x_k, v_{k-1}) -> (x_{k+1}, v_k)."""
    v_new = b2 * v + (1 - b2) * (lam * x) ** 2
    x_new = x - al * lam * x / (sp.sqrt(v_new) + dl * r)
    return sp.Matrix([x_new, v_new])


def _at(matrix, old, new):
    """``matrix`` with ``old`` replaced by ``new``, written unevaluated entry by entry (sympy Subs)."""
    return matrix.applyfunc(lambda e: sp.Subs(e, old, new))


def sufficiency_derivation(ctx, threshold=threshold_formula):
    """(a): the per-coordinate contraction argument for diagonal Q, and our descent argument for any Q."""
    m = 1 - al * lam / (s + dl * r)  # multiplier of coordinate j at step k, with s = sqrt(v_k) in [0, r_j]
    d_star = threshold(kap, al, r)
    g1, g2, q11, q12, q22, p1, p2, a1 = sp.symbols("g1 g2 Q11 Q12 Q22 P1 P2 a1", real=True)
    Q = sp.Matrix([[q11, q12], [q12, q22]])
    P = sp.diag(p1, p2)
    xv = sp.Matrix(sp.symbols("x1 x2", real=True))
    fq = lambda y: (y.T * Q * y)[0] / 2
    gq = Q * xv
    v_next = b2 * r**2 / (1 + p) + (1 - b2) * r**2 / (1 + q)  # v <= r^2 and g^2 <= r^2, written as r^2/(1+p), r^2/(1+q)
    return [
        fact("the multiplier 1 - alpha lambda/(s + delta r) is increasing in s = sqrt(v) >= 0",
             GT(sp.Derivative(m, s), 0)),
        fact("v_k <= r_j^2 for all k: beta2 v + (1 - beta2) g^2 < r^2 when v <= r^2 and g^2 <= r^2 (induction)",
             LT(sp.Subs(v_next, b2, 1 / (1 + w)), r**2)),
        fact("at s = r_j the multiplier is < 1 (no growth)", LT(sp.Subs(m, s, r), 1)),
        equal("at s = 0 and delta r = alpha lambda / 2 the multiplier is exactly -1 (the edge of contraction)",
              sp.Subs(m, (s, dl), (0, al * lam / (2 * r))), -1),
        equal("the claimed threshold puts the worst coordinate (lambda_j = kappa, r_j = r) exactly on that edge: "
              "delta r - alpha kappa / 2 = 0 at delta = threshold(kappa, alpha, r)",
              sp.Subs(dl * r - al * kap / 2, dl, d_star), 0),
        fact("delta = (1 + t) threshold gives delta r_j - alpha lambda_j / 2 > 0 for every j "
             "(lambda_j = kappa/(1 + w) <= kappa, r_j = r (1 + z) >= r)",
             GT(sp.Subs(dl * r * (1 + z) - al * kap / (1 + w) / 2, dl, (1 + t) * d_star), 0)),
        equal("[our addition] descent identity for any Q: f(x - alpha P g) - f(x) = -alpha g'Pg + alpha^2/2 g'PQPg",
              sp.UnevaluatedExpr(fq(xv - a1 * P * Q * xv)) - fq(xv),
              -a1 * (gq.T * P * gq)[0] + a1**2 / 2 * (gq.T * P * Q * P * gq)[0]),
        fact("[our addition] with P <= 1/(delta r) and alpha lambda_max P_max < 2 the descent coefficient "
             "1 - alpha lambda_max P_max / 2 is positive when delta = (1 + t) threshold",
             GT(sp.Subs(1 - al * kap / (dl * r) / 2, dl, (1 + t) * d_star), 0)),
    ]


def orbit_derivation(ctx, amplitude=orbit_amplitude):
    """(b): the period-2 orbit in closed form, its existence condition, v at the orbit, and f > 0."""
    a = sp.Symbol("a", positive=True)
    F = one_step_map()
    flip = 1 - al * lam / (lam * a + dl * r)  # x_{k+1} = flip * x_k when sqrt(v) = |g| = lambda a
    v_star = sp.Symbol("v_star", positive=True)
    claimed = amplitude(al, lam, dl, r)
    on_orbit = al * lam * (1 - u) / (2 * r)  # delta with delta r = (1 - u) alpha lambda / 2, 0 < u < 1
    return [
        fact("the flip factor 1 - alpha lambda/(lambda a + delta r) is strictly increasing in a: at most one amplitude "
             "flips the sign exactly", GT(sp.Derivative(flip, a), 0)),
        equal("the claimed amplitude a = alpha/2 - delta r/lambda flips exactly: x_{k+1} = -x_k",
              sp.Subs(flip, a, claimed), -1),
        equal("v at the orbit is g^2 (beta2 < 1): g^2 is the fixed point of v -> beta2 v + (1 - beta2) g^2",
              sp.Subs(b2 * v_star + (1 - b2) * (lam * a) ** 2, v_star, (lam * a) ** 2), (lam * a) ** 2),
        equal("|g| = lambda |x| = alpha lambda/2 - delta r on the orbit", sp.Subs(lam * a, a, claimed),
              al * lam / 2 - dl * r),
        equal("where the orbit exists (delta r = (1 - u) alpha lambda / 2, 0 < u < 1) the amplitude is u alpha / 2",
              sp.Subs(claimed, dl, on_orbit), al * u / 2),
        equal("F maps (u alpha/2, g^2) to (-u alpha/2, g^2): a genuine period-2 orbit of Algorithm A",
              _at(F, (x, v, dl), (al * u / 2, (lam * al * u / 2) ** 2, on_orbit)),
              sp.Matrix([-al * u / 2, (lam * al * u / 2) ** 2])),
        fact("existence: the amplitude is positive where delta r < alpha lambda / 2",
             GT(sp.Subs(claimed, dl, on_orbit), 0)),
        fact("delta r = (1 + p) alpha lambda / 2 >= alpha lambda / 2 leaves no orbit: the amplitude would be < 0",
             LT(sp.Subs(claimed, dl, al * lam * (1 + p) / (2 * r)), 0)),
        fact("f = lambda a^2 / 2 > 0 on the orbit: a non-trivial fixed point of the two-step map",
             GT(sp.Subs(lam * a**2 / 2, a, sp.Subs(claimed, dl, on_orbit)), 0)),
    ]


def stability_derivation(ctx, region=stability_region):
    """(b), our addition: Jacobian of the two-step map at the orbit and its Jury stability region."""
    F = one_step_map()
    J = F.jacobian([x, v])
    sub_d = {dl: al * lam * (1 - u) / (2 * r)}
    a = al * u / 2
    Ja = sp.ImmutableMatrix(sp.simplify(J.subs({x: a, v: (lam * a) ** 2}).subs(sub_d)))
    S = sp.ImmutableMatrix(sp.diag(-1, 1))
    M = sp.ImmutableMatrix(S * Ja)
    positive = ((b2, u), (1 / (1 + q), 1 / (1 + p)))  # beta2 in (0, 1), u in (0, 1)
    T, D = sp.Trace(M), sp.Determinant(M)
    return [
        equal("J at (-a, v*) is S J(a, v*) S (the map is odd in x), so the two-step Jacobian is (S J)^2",
              _at(J, (x, v, dl), (-a, (lam * a) ** 2, sub_d[dl])), sp.MatMul(S, Ja, S, evaluate=False)),
        equal("the chain rule J(F(a, v*)) J(a, v*) = J(-a, v*) J(a, v*) equals (S J)^2",
              sp.MatMul(S * Ja * S, Ja, evaluate=False), sp.MatMul(M, M, evaluate=False)),
        equal("S J at the orbit matches the closed form used by the numeric checks", sp.MatMul(S, Ja, evaluate=False),
              sp.Matrix(aligned_jacobian(al, b2, lam, sub_d[dl], r))),
        equal("det(S J) = beta2", D, b2),
        equal("trace(S J) = 1 + beta2 - 2 (1 - beta2) u", T, 1 + b2 - 2 * (1 - b2) * u),
        fact("Jury: |det| < 1 for beta2 in (0, 1)", LT(sp.Subs(D, *positive), 1)),
        fact("Jury: 1 - trace + det > 0 (u > 0)", GT(sp.Subs(1 - T + D, *positive), 0)),
        fact("Jury: 1 + trace + det > 0 for every u in (0, 1), beta2 in (0, 1)", GT(sp.Subs(1 + T + D, *positive), 0)),
        fact("so the orbit attracts for every beta2 in (0, 1) wherever it exists: the claimed region contains the orbit "
             "(u = 1/2) at beta2 = 1/(1 + q) for every q > 0",
             region(al, 1 / (1 + q), lam, sub_d[dl].subs(u, sp.Rational(1, 2)), r)),
        fact("in particular near beta2 = 1, where a tempting guess says it repels: beta2 = 999/1000, u = 1/2",
             region(al, sp.Rational(999, 1000), lam, sub_d[dl].subs(u, sp.Rational(1, 2)), r)),
        equal("the two-step contraction factor: det((S J)^2) = beta2^2, slow as beta2 -> 1",
              sp.Determinant(sp.MatMul(M, M, evaluate=False)), b2**2),
    ]


# ---------------------------------------------------------------------------------------------
# (a) sufficiency: instance spaces and sides
# ---------------------------------------------------------------------------------------------


def _kappa_r(inst):
    """(kappa, r) of an instance, in float64 (used only to place delta; decisions are made in mpmath)."""
    Q, diagonal = q_and_diagonal(inst)
    lam_ = np.array(Q, float) if diagonal else np.linalg.eigvalsh(np.array(Q, float))
    x0 = np.array(inst["x0"], float)
    g = np.array(Q, float) * x0 if diagonal else np.array(Q, float) @ x0
    r_ = float(np.min(np.maximum(np.abs(g), inst["phi"])))
    return float(lam_.max() / lam_.min()), r_


class SufficiencySpace(Space):
    """Q (diagonal or rotated, lambda_min = 1), random init, phi, alpha, beta2 and t > t_min: delta = (1 + t) threshold."""

    def __init__(self, diagonal: bool, kappa_max: float, t_min: float = 0.05, threshold=threshold_formula):
        self.diagonal, self.kappa_max, self.t_min, self.threshold = diagonal, kappa_max, t_min, threshold

    def sample(self, rng):
        d = int(rng.integers(1 if self.diagonal else 2, 4))
        kappa = float(np.exp(rng.uniform(0, np.log(self.kappa_max)))) if d > 1 else 1.0
        lam_ = spectrum(d, kappa, str(rng.choice(["logspaced", "two-cluster", "outlier", "uniform"])), rng)
        Q = lam_.tolist() if self.diagonal else rotated(lam_, rng).tolist()
        beta2 = 1.0 if rng.random() < 0.25 else float(rng.uniform(0.5, 0.99))
        t_ = float(self.t_min * np.exp(rng.uniform(0, np.log(2.0 / self.t_min))))  # log-uniform: near the threshold too
        return {"Q": Q, "diagonal": self.diagonal, "x0": random_init(d, 1.0, rng).tolist(), "phi": float(rng.uniform(1, 4)),
                "alpha": float(np.exp(rng.uniform(np.log(0.05), np.log(2.0)))), "beta2": beta2, "t": t_}

    def perturb(self, inst, rng, scale):
        out = dict(inst)
        out["t"] = float(np.clip(inst["t"] * np.exp(scale * rng.standard_normal()), self.t_min, 2.0))
        out["alpha"] = float(np.clip(inst["alpha"] * np.exp(scale * rng.standard_normal()), 0.05, 2.0))
        out["x0"] = np.clip(np.array(inst["x0"]) + scale * rng.standard_normal(len(inst["x0"])), -2, 2).tolist()
        return out

    def shrink(self, inst):
        for key, val in (("t", 1.0), ("alpha", 1.0), ("phi", 2.0)):
            if inst[key] != val:
                yield dict(inst, **{key: val})

    def validate(self, inst):
        if not inst.get("t", 0) > 0:
            raise InvalidInstance("need t > 0, i.e. delta above the threshold")
        if not 0 < inst.get("beta2", 0) <= 1 or inst.get("alpha", 0) <= 0 or inst.get("phi", -1) < 0:
            raise InvalidInstance("need alpha > 0, beta2 in (0, 1], phi >= 0")
        Q = np.array(inst["Q"], float)
        lam_min = Q.min() if inst.get("diagonal", True) else np.linalg.eigvalsh(Q)[0]
        if abs(lam_min - 1) > 1e-9:
            raise InvalidInstance("the threshold is stated with lambda_min = 1")


def delta_of(inst, threshold=threshold_formula):
    kappa, r_ = _kappa_r(inst)
    return (1 + inst["t"]) * threshold(kappa, inst["alpha"], r_)


def sufficiency_sides(threshold=threshold_formula):
    """lhs: per-step contraction of f at the end of a converged run (< 1); 2 for an orbit or divergence; NaN if undecided.

    rhs = 1, so the relative excess is negative exactly when the run converged to the minimum
    (decided at high precision; screening also runs at ``HIGH_DPS``, float64 being useless here).
    """

    @uses_context(screen_dps=HIGH_DPS)
    def sides(inst, n):
        c = classify_cached(inst, delta_of(inst, threshold), n.dps)
        if c.label == "converged":
            lhs = mpmath.mpf(c.info["contraction_per_step"])
        elif c.label in ("orbit", "diverged"):
            lhs = mpmath.mpf(2)
        else:
            lhs = mpmath.nan
        return lhs, mpmath.mpf(1)

    return sides


# ---------------------------------------------------------------------------------------------
# (b) the orbit: amplitude from random starts, and the stability region against simulations
# ---------------------------------------------------------------------------------------------


class OrbitSpace(Space):
    """Diagonal Q = diag(1, lambda_2) or (1,), random init, phi, alpha, beta2 in [0.1, 0.9], and u in [0.2, 0.9]:
    delta = (1 - u) min_j alpha lambda_j / (2 r_j), so every coordinate has an orbit with u_j >= u."""

    def sample(self, rng):
        d = int(rng.integers(1, 3))
        Q = [1.0] + ([float(rng.uniform(1, 10))] if d == 2 else [])
        return {"Q": Q, "diagonal": True, "x0": random_init(d, 1.0, rng).tolist(), "phi": float(rng.uniform(0, 3)),
                "alpha": float(rng.uniform(0.2, 3)), "beta2": float(rng.uniform(0.1, 0.9)), "u": float(rng.uniform(0.2, 0.9))}

    def perturb(self, inst, rng, scale):
        return dict(inst, u=float(np.clip(inst["u"] + 0.2 * scale * rng.standard_normal(), 0.2, 0.9)),
                    beta2=float(np.clip(inst["beta2"] + 0.2 * scale * rng.standard_normal(), 0.1, 0.9)))

    def shrink(self, inst):
        if len(inst["Q"]) > 1:
            yield dict(inst, Q=inst["Q"][:1], x0=inst["x0"][:1])
        for key, val in (("u", 0.5), ("beta2", 0.5), ("alpha", 1.0)):
            if inst[key] != val:
                yield dict(inst, **{key: val})

    def validate(self, inst):
        if not (0.2 <= inst.get("u", 0) <= 0.9 and 0.1 <= inst.get("beta2", 0) <= 0.9 and inst.get("alpha", 0) > 0):
            raise InvalidInstance("need u in [0.2, 0.9], beta2 in [0.1, 0.9], alpha > 0")
        if not all(abs(c) > 0 for c in inst["x0"]):
            raise InvalidInstance("x0 must have no zero coordinate (0 is invariant)")


def orbit_delta(inst, dps):
    r_j = initial_r(inst, dps)
    with mpmath.workdps(dps):
        return (1 - mpmath.mpf(inst["u"])) * min(mpmath.mpf(inst["alpha"]) * mpmath.mpf(l) / (2 * rj)
                                                 for l, rj in zip(inst["Q"], r_j))


AMPLITUDE_TOL = mpmath.mpf(10) ** -30


def amplitude_sides(amplitude=orbit_amplitude):
    """lhs = max_j | |x_N^(j)| - a_j | / a_j after convergence to the orbit (period-2 residual <= 1e-40); rhs = 1e-30."""

    @uses_context(screen_dps=HIGH_DPS)  # screened at HIGH_DPS too: float64 underflows on these runs
    def sides(inst, n):
        dps = n.dps
        with n.working():
            delta = orbit_delta(inst, dps)
            c, run = classify(inst, delta, dps, start=400, cap=12800, orbit_digits=40)
            if c.label != "orbit":
                return mpmath.nan, AMPLITUDE_TOL
            r_j = initial_r(inst, dps)
            xN = run.trajectory[-1][0]
            a_j = [amplitude(mpmath.mpf(inst["alpha"]), mpmath.mpf(l), delta, rj) for l, rj in zip(inst["Q"], r_j)]
            err = max(abs(abs(xj) - aj) / abs(aj) for xj, aj in zip(xN, a_j))
            return err, AMPLITUDE_TOL

    return sides


class NearOrbitSpace(Space):
    """One coordinate started next to its orbit: alpha, lambda, beta2 (log-close to 1 too) and u in [0.02, 1).

    phi = lambda a (1 + eta) and x0 = a (1 + eta'), so r = phi and the orbit with that r has amplitude a
    (self-consistently); the start is a relative perturbation of size ~eta in x and 2 eta in v.
    """

    def sample(self, rng):
        return {"alpha": float(rng.uniform(0.2, 3)), "lam": float(np.exp(rng.uniform(0, np.log(100)))),
                "beta2": float(1 - 10 ** rng.uniform(-3, -0.05)), "u": float(rng.uniform(0.02, 0.98))}

    def perturb(self, inst, rng, scale):
        return dict(inst, beta2=float(np.clip(1 - (1 - inst["beta2"]) * np.exp(scale * rng.standard_normal()), 0.01, 0.999)),
                    u=float(np.clip(inst["u"] + 0.2 * scale * rng.standard_normal(), 0.02, 0.98)))

    def shrink(self, inst):
        for key, val in (("alpha", 1.0), ("lam", 1.0), ("u", 0.5)):
            if inst[key] != val:
                yield dict(inst, **{key: val})

    def validate(self, inst):
        if not (0 < inst.get("beta2", 0) < 1 and 0 < inst.get("u", 0) < 1 and inst.get("alpha", 0) > 0
                and inst.get("lam", 0) > 0):
            raise InvalidInstance("need beta2 in (0, 1), u in (0, 1), alpha, lambda > 0")


def near_orbit_start(inst, eta, eta_x, dps):
    """(instance for Algorithm A, delta, a, v*) for a start at relative distance ~eta from the orbit."""
    with mpmath.workdps(dps):
        alpha, lam_, u_ = (mpmath.mpf(inst[k]) for k in ("alpha", "lam", "u"))
        a = alpha * u_ / 2
        phi = lam_ * a * (1 + eta)
        delta = alpha * lam_ * (1 - u_) / (2 * phi)
        run_inst = {"Q": [inst["lam"]], "diagonal": True, "x0": [a * (1 + eta_x)], "phi": phi, "alpha": inst["alpha"],
                    "beta2": inst["beta2"]}
        return run_inst, delta, a, (lam_ * a) ** 2


def measured_jacobian(inst, dps, eta=mpmath.mpf(10) ** -15, steps=8):
    """S J estimated from a simulation started within ~1e-15 of the orbit (least squares on the error sequence)."""
    with mpmath.workdps(dps):
        run_inst, delta, a, v_star = near_orbit_start(inst, eta, -eta / 3, dps)
        traj = run_adam(run_inst, delta, dps, steps + 2).trajectory
        # state s_k = (x_k, v_{k-1}); aligned error e_k = (|x_k| - a, v_{k-1} - v*), k >= 1
        errs = [mpmath.matrix([abs(traj[k][0][0]) - a, traj[k - 1][1][0] - v_star]) for k in range(1, steps + 1)]
        X = mpmath.matrix(2, steps - 1)
        Y = mpmath.matrix(2, steps - 1)
        for k in range(steps - 1):
            X[0, k], X[1, k] = errs[k][0], errs[k][1]
            Y[0, k], Y[1, k] = errs[k + 1][0], errs[k + 1][1]
        return Y * X.T * mpmath.inverse(X * X.T), a, v_star


def simulated_attraction(inst, dps, iters):
    """'attracting' / 'repelling' / 'undecided' from a longer run started at relative distance 1e-3 from the orbit."""
    with mpmath.workdps(dps):
        eta = mpmath.mpf("1e-3")
        run_inst, delta, a, v_star = near_orbit_start(inst, eta, -eta / 3, dps)
        traj = run_adam(run_inst, delta, dps, iters).trajectory
        err = [max(abs(abs(traj[k][0][0]) - a) / a, abs(traj[k - 1][1][0] - v_star) / v_star) for k in range(1, iters)]
        win = max(10, iters // 5)  # windows long enough to span the slow rotation of complex eigenvalues
        first, last = max(err[:win]), max(err[-win:])
        ratio = last / first
        return ("attracting" if ratio < mpmath.mpf("0.9") else "repelling" if ratio > mpmath.mpf("1.1") else "undecided"), ratio


def stability_sides(region=stability_region, iters=2000):
    """lhs = max scaled entry error of the measured S J against its closed form, or 10 if the claimed
    region and the simulated long-run behaviour disagree (NaN if the simulation is undecided); rhs = 1e-6."""

    @uses_context(screen_dps=HIGH_DPS)  # screened at HIGH_DPS too: float64 underflows on these runs
    def sides(inst, n):
        dps = n.dps
        with n.working():
            M_hat, a, v_star = measured_jacobian(inst, dps)
            alpha, beta2, lam_, u_ = (mpmath.mpf(inst[k]) for k in ("alpha", "beta2", "lam", "u"))
            r_ = lam_ * a  # the self-consistent r of near_orbit_start, at eta -> 0
            delta = alpha * lam_ * (1 - u_) / (2 * r_)
            M = aligned_jacobian(alpha, beta2, lam_, delta, r_)
            scale = [a, v_star]
            err = max(abs(M_hat[i, j] - M[i][j]) * scale[j] / scale[i] / (1 + abs(M[i][j]) * scale[j] / scale[i])
                      for i in range(2) for j in range(2))
            sim, _ = simulated_attraction(inst, dps, iters)
            claimed = "attracting" if region(float(alpha), float(beta2), float(lam_), float(delta), float(r_)) else "repelling"
            if sim == "undecided":
                return mpmath.nan, mpmath.mpf("1e-6")
            return (mpmath.mpf(10) if sim != claimed else err), mpmath.mpf("1e-6")

    return sides


# ---------------------------------------------------------------------------------------------
# (c) the threshold, and the phase diagrams
# ---------------------------------------------------------------------------------------------


def threshold_case(kappa, alpha, beta2, seed_rng):
    """Q = diag(1, kappa), a random init, phi = 2 B kappa >= max_j |g_0^(j)| so that r_j = phi = r for all j."""
    x0 = random_init(2, 1.0, seed_rng)
    return {"Q": [1.0, float(kappa)], "diagonal": True, "x0": x0.tolist(), "phi": 2.0 * kappa, "alpha": float(alpha),
            "beta2": float(beta2)}


def case_formula(threshold=threshold_formula):
    def formula(case):
        kappa, r_ = _kappa_r(case)
        return threshold(kappa, case["alpha"], r_)

    return formula


def threshold_classifier(case, delta, dps):
    return classify_cached(case, delta, dps, start=400, cap=25600)


def beta2_cases(ctx):
    rng = ctx.rng("cases")
    return [threshold_case(10.0, 1.0, b, rng) for b in ctx.pick((0.6,), (0.3, 0.6, 0.9, 0.97), (0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99))]


def alpha_cases(ctx):
    rng = ctx.rng("cases")
    return [threshold_case(10.0, a, 0.6, rng) for a in ctx.pick((2.0,), (0.25, 0.5, 1.0, 2.0, 4.0), (0.1, 0.25, 0.5, 1, 2, 4, 8))]


GRID_FACTORS = (0.5, 0.8, 0.9, 1.1, 1.25, 2.0)  # delta / delta* on the standard-budget grid of the phase diagrams


def orbit_two_step_factor(alpha, beta2, lam_, delta, r_):
    """Our predicted two-step contraction factor of the orbit: spectral radius of (S J)^2 (float64, for plots)."""
    m = np.array(aligned_jacobian(alpha, beta2, lam_, delta, r_), float)
    return float(max(abs(np.linalg.eigvals(m))) ** 2)


def phase_plot(axis: str, threshold=threshold_formula):
    """Phase diagram over (delta, beta2) or (alpha, delta) from high-precision classifications of Algorithm A.

    Points: the threshold check's bisection runs (o: 50 digits, x: confirmations at 100) and, beyond the
    quick budget, a grid delta/delta* in GRID_FACTORS per case (stored in the evidence under ``grid``).
    Overlays: the formula's threshold kappa alpha/(2 r), and our symbolic stability boundary (the orbit of the
    lambda_max coordinate exists and is attracting iff delta r < alpha kappa / 2; of the lambda = 1 coordinate iff
    delta r < alpha / 2). Over (delta, beta2) the shading is our predicted two-step contraction factor of the orbit.
    """

    def plot(ctx, records):
        from proofcheck.plots import figure, svg_artifact

        if ctx is not None and ctx.budget.name != "quick":
            for rec in records:
                rec["grid"] = [{"theta": rec["formula"] * k, "label": c.label, "dps": c.dps}
                               for k in GRID_FACTORS
                               for c in [threshold_classifier(rec["case"], rec["formula"] * k, HIGH_DPS)]]
        from proofcheck.plots import LABEL_FONTSIZE, TICK_FONTSIZE, log_axis, math_label, outside_legend, style_handle

        fig, ax = figure(width=7.2, height=4.8)
        colours = {"converged": "tab:blue", "orbit": "tab:red", "diverged": "k", "undecided": "tab:gray"}
        states, marks, lines = {}, {}, {}
        kappa, r_ = _kappa_r(records[0]["case"])
        if axis == "beta2":
            alpha = records[0]["case"]["alpha"]
            d_edge = alpha * kappa / (2 * r_)
            dd = np.geomspace(d_edge / 20, d_edge * (1 - 1e-6), 90)
            bb = np.linspace(0.02, 0.999, 90)
            zz = np.array([[orbit_two_step_factor(alpha, b_, kappa, d_, r_) for d_ in dd] for b_ in bb])
            shade = ax.contourf(dd, bb, zz, levels=[0, 0.5, 0.9, 0.99, 0.999, 1.0], cmap="Greys", alpha=0.35)
            bar = fig.colorbar(shade, ax=ax, label=math_label("orbit two-step contraction (ours, lambda = kappa)"))
            bar.ax.tick_params(labelsize=TICK_FONTSIZE)
            bar.ax.yaxis.label.set_fontsize(TICK_FONTSIZE)
        for rec in records:
            case = rec["case"]
            for e in rec["evaluations"] + rec.get("confirmations", []) + rec.get("grid", []):
                xy = (e["theta"], case["beta2"]) if axis == "beta2" else (case["alpha"], e["theta"])
                lab = e["label"] if e["label"] in colours else "undecided"
                marker = "o" if e["dps"] == HIGH_DPS else "x"
                ax.scatter(*xy, s=18, color=colours[lab], marker=marker, zorder=3)
                # the legend explains only what is drawn: each final state by colour, each precision by marker
                states.setdefault(lab, style_handle(swatch=True, marker="s", ms=7, color=colours[lab]))
                marks.setdefault(f"{HIGH_DPS} digits" if marker == "o" else f"confirmed at {e['dps']} digits",
                                 style_handle(marker=marker, ms=6))
        formula = r"formula $\kappa\,\alpha/(2r)$"
        if axis == "beta2":
            lines[formula] = ax.axvline(threshold(kappa, alpha, r_), color="k", ls="--", lw=1.2)
            lines[math_label("stability boundary (ours), lambda = kappa")] = ax.axvline(d_edge, color="tab:red", ls=":",
                                                                                         lw=1.6)
            lines[math_label("stability boundary (ours), lambda = 1")] = ax.axvline(alpha / (2 * r_), color="tab:orange",
                                                                                     ls=":", lw=1.2)
            ax.set_xlabel(math_label("delta"), fontsize=LABEL_FONTSIZE)
            ax.set_ylabel(math_label("beta2"), fontsize=LABEL_FONTSIZE)
        else:
            al_ = np.geomspace(min(c["case"]["alpha"] for c in records) / 1.5, max(c["case"]["alpha"] for c in records) * 1.5, 50)
            lines[formula], = ax.plot(al_, threshold(kappa, al_, r_), color="k", ls="--", lw=1.2)
            lines[math_label("stability boundary (ours), lambda = kappa")], = ax.plot(al_, al_ * kappa / (2 * r_),
                                                                                      color="tab:red", ls=":", lw=1.6)
            lines[math_label("stability boundary (ours), lambda = 1")], = ax.plot(al_, al_ / (2 * r_), color="tab:orange",
                                                                                  ls=":", lw=1.2)
            ax.set_xlabel(math_label("alpha"), fontsize=LABEL_FONTSIZE)
            ax.set_ylabel(math_label("delta"), fontsize=LABEL_FONTSIZE)
        log_axis(ax, "x" if axis == "beta2" else "both")  # one tick format per axis, no crowded minor labels
        ax.set_title(f"T6 phase diagram: Q = diag(1, {kappa:g}), $r = \\phi$ = {r_:g}", fontsize=LABEL_FONTSIZE)
        handles = list(states.values()) + list(marks.values()) + list(lines.values())
        labels = [f"final state: {k}" for k in states] + list(marks) + list(lines)
        outside_legend(fig, handles, labels, ncol=3)
        name = "phase-delta-beta2" if axis == "beta2" else "phase-alpha-delta"
        return [svg_artifact(fig, name, "final state of Algorithm A decided at high precision (colour), at which "
                                        "precision (marker); lines: the formula and our stability boundary; shading: "
                                        "our predicted contraction of the orbit")]

    return plot


# ---------------------------------------------------------------------------------------------
# The claim
# ---------------------------------------------------------------------------------------------


def build(threshold=threshold_formula, amplitude=orbit_amplitude, region=stability_region) -> Claim:
    formula = case_formula(threshold)
    # These sides run Algorithm A at 50 digits even when screening (MPFR in the classifier, mpmath in the orbit
    # simulations: equal to the last bit): say so in the evidence.
    light = dict(climbs=(0, 0, 0), climb_steps=(0, 0, 0), hypothesis_examples=(0, 0, 0),
                 screening="50-digit MPFR/mpmath")
    return Claim(
        id="fixed-point",
        title="Adam with delta != 0: convergence above kappa alpha/(2r), a period-2 orbit below it",
        source="arXiv 2402.07114, Section 4.2; docs/claims.md T6",
        provenance="seed",
        statement=r"(a)\ \delta>\frac{\kappa\alpha}{2r}\Rightarrow x_k\to x^*;\quad (b)\ \beta_2<1,\ \delta r_j<\frac{\alpha\lambda_j}{2}"
                  r"\Rightarrow |x^{(j)}|=\frac{\alpha}{2}-\frac{\delta r_j}{\lambda_j}\ \text{(period 2)};\quad"
                  r"(c)\ \text{boundary at}\ \delta^*=\frac{\kappa\alpha}{2r}",
        sympy_statement=sp.sstr(sp.Gt(dl, threshold(kap, al, r))),
        hypotheses=["f(x) = 1/2 x'Qx, Q SPD with lambda_min = 1 (kappa = lambda_max)",
                    "Algorithm A (beta1 = 0) with constant delta_k^(j) = delta r_j, r_j = max(|g_0^(j)|, phi)",
                    "(a) diagonal and (separately) rotated Q; delta >= (1 + 0.05) threshold in the numeric checks",
                    "(b) diagonal Q, beta2 in (0, 1); (c) Q = diag(1, kappa) with phi >= max|g_0| so that r_j = r"],
        notes="The stability region of the orbit is OUR addition, not the paper's: the period-2 orbit is linearly "
              "attracting wherever it exists (0 < beta2 < 1, delta r < alpha lambda/2), with det(S J) = beta2, so its "
              "two-step contraction factor is >= beta2: attraction is slow but present as beta2 -> 1. Apparent "
              "'convergence to 0' for beta2 near 1 is a transient: x shrinks while v is still large and grows back "
              "once v has decayed (float64 underflows to exactly 0 and makes it permanent). The threshold kappa "
              "alpha/(2r) is sufficient; the exact boundary for diagonal Q is max_j alpha lambda_j/(2 r_j), equal to "
              "the formula only when the lambda_max coordinate has r_j = r (the setting of the threshold checks). "
              "The non-diagonal sufficiency check is not covered by the paper's per-coordinate argument; the "
              "derivation adds our descent-lemma argument (alpha lambda_max P_max < 2) for it. Convergence is "
              f"decided on 50- and 100-digit runs (MPFR, equal to the last bit to mpmath's): f_N <= 1e-{CONVERGED_DIGITS} f_0, sqrt(v) <= {SETTLE:g} delta r_j "
              "(preconditioner settled), every coordinate still shrinking and the end state's iteration matrix "
              "I - alpha P_N Q a contraction (a run can shrink f to 1e-146 while one coordinate grows); an orbit "
              f"when x and v repeat every two steps to 1e-{ORBIT_DIGITS} relative. The bound checks of this claim "
              f"screen in mpmath at {HIGH_DPS} digits too (float64 underflows on these runs), whatever the engine's "
              "generic backend label says.",
        checks=[
            Symbolic("sufficiency-derivation", lambda ctx: sufficiency_derivation(ctx, threshold),
                     "per-coordinate contraction above the threshold (diagonal), and our descent argument (any Q)"),
            Symbolic("orbit-closed-form", lambda ctx: orbit_derivation(ctx, amplitude),
                     "the period-2 orbit, its existence condition, v = g^2 at the orbit, f > 0"),
            Symbolic("orbit-stability-region", lambda ctx: stability_derivation(ctx, region),
                     "[our addition] Jacobian of the two-step map in (x, v) and its Jury stability region"),
            Bound("sufficiency-diagonal", SufficiencySpace(True, 100.0, threshold=threshold),
                  sufficiency_sides(threshold), "diagonal Q, delta = (1+t) threshold: converged (mpmath) with per-step "
                  "contraction < 1", random=(4, 16, 64), **light),
            Bound("sufficiency-nondiagonal", SufficiencySpace(False, 30.0, threshold=threshold), sufficiency_sides(threshold),
                  "rotated Q (not covered by the per-coordinate argument), delta = (1+t) threshold: converged (mpmath)",
                  random=(3, 12, 48), **light),
            Bound("orbit-amplitude", OrbitSpace(), amplitude_sides(amplitude),
                  "from random starts the run converges to the period-2 orbit and |x_N^(j)| matches the amplitude to "
                  "1e-30 relative at 50 digits", random=(3, 10, 40), **light),
            Bound("orbit-stability-vs-simulation", NearOrbitSpace(), stability_sides(region),
                  "[our addition] measured S J (least squares on a run started 1e-15 from the orbit) matches the closed "
                  "form to 1e-6, and the claimed region agrees with a long run started 1e-3 from the orbit",
                  random=(5, 20, 80), **light),
            Threshold("threshold-delta-vs-beta2", cases=beta2_cases, classify=threshold_classifier, formula=formula,
                      below="orbit", above="converged", tolerance=0.01, bracket=(0.4, 3.7),
                      parameter="delta", plot=phase_plot("beta2", threshold),
                      description="bisection on delta between convergence to the orbit and to 0, per beta2"),
            Threshold("threshold-delta-vs-alpha", cases=alpha_cases, classify=threshold_classifier, formula=formula,
                      below="orbit", above="converged", tolerance=0.01, bracket=(0.4, 3.7),
                      parameter="delta", plot=phase_plot("alpha", threshold),
                      description="bisection on delta between convergence to the orbit and to 0, per alpha"),
        ],
    )


CLAIM = build()


def _halved(kappa, alpha, r):
    return kappa * alpha / (4 * r)


def _doubled_amplitude(alpha, lam_, delta, r_):
    return 2 * (alpha / 2 - delta * r_ / lam_)


def _region_not_near_one(alpha, beta2, lam_, delta, r_):
    """The tempting region 'attracting only for moderate beta2' (beta2 < 0.9): contradicted by the simulations."""
    return sp.And(stability_region(alpha, beta2, lam_, delta, r_), sp.Lt(beta2, sp.Rational(9, 10)))


MUTANTS = {"fixed-point": {
    "threshold-halved": lambda: build(threshold=_halved),
    "amplitude-doubled": lambda: build(amplitude=_doubled_amplitude),
    "stability-only-moderate-beta2": lambda: build(region=_region_not_near_one),
}}
# A true variant that must not FAIL (selftest): the threshold and the amplitude are stated with equality (part (c)
# locates the boundary at the formula), so the weakening is the same statement on fewer cases: the phase diagrams'
# bisections only at their first case each.
WEAKENINGS = {"fixed-point": {"fewer-threshold-cases": lambda: _fewer_threshold_cases()}}


def _fewer_threshold_cases():
    from ._common.weakenings import on_fewer_cases

    claim = build()
    for check in claim.checks:
        if isinstance(check, Threshold):
            cases = check.cases
            check.cases = lambda ctx, cases=cases: list(cases(ctx))[:1]
    return on_fewer_cases(claim, lambda case: True, "boundary located at one case per phase diagram only")
