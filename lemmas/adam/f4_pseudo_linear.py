"""F4 `pseudo-linear`: Algorithm A is a pseudo-linear iteration (docs/claims.md F4, provenance: seed).

Algorithm A's step is x_{k+1} = (I - alpha P_k Q) x_k with P_k = diag(1/(sqrt(v_k) + delta_k)).
In the basis y_k = P_k^{-1/2} x_k it reads

    y_{k+1} = P_{k+1}^{-1/2} P_k^{1/2} (I - alpha H_k) y_k,     H_k = P_k^{1/2} Q P_k^{1/2} (SPD),

so ||I - alpha H_k||_2 = max(|1 - alpha sigma_min(H_k)|, |1 - alpha sigma_max(H_k)|).

Evidence: sympy proves the step and basis identities on symbolic 2x2 matrices (the claimed product written
unevaluated) and derives the norm formula from the eigen-decomposition of the symmetric H_k, comparing the
claimed formula with ||diag(1 - alpha sigma_min, 1 - alpha sigma_max)||_2 in each sign pattern; numerically, recorded trajectories of
Algorithm A at 50 digits (``adam_mp(record=True)``) are replayed through the pseudo-linear form and must
agree to the working precision, and the norm formula is compared with an SVD of I - alpha H.
"""
from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, Identity, InvalidInstance, Space, Symbolic, equal, fact
from proofcheck.numbers import context_for, uses_context
from proofcheck.numerics import HIGH_DPS

from ._common.algorithms import adam_mp
from ._common.init import random_init
from ._common.quadratics import is_spd, mp_matrix, product_as_written, rotated, spectrum
from ._common.spaces import drop_coordinate, round_instance

# The replay must agree to the working precision: at >= 50 digits every discrepancy is ~1e-45 or less,
# so a fixed tolerance of 1e-30 leaves 15 digits of room and does not depend on the confirming precision.
TRAJECTORY_TOL = 1e-30
FLOAT_TOL = 1e-10  # float64 screening tolerance of the norm formula (numpy SVD vs eigvalsh)
WORK_DPS = HIGH_DPS


def basis_factor(p_k, p_next, sqrt):
    """Diagonal of P_{k+1}^{-1/2} P_k^{1/2} (the claimed change of basis), entrywise from diagonals."""
    return [sqrt(a) / sqrt(b) for a, b in zip(p_k, p_next)]


def norm_formula(s_min, s_max, alpha, n):
    """The claimed ||I - alpha H||_2 = max(|1 - alpha sigma_min|, |1 - alpha sigma_max|), in the number context ``n``
    (float64, mpmath, or :data:`SYMPY` for the derivation)."""
    return n.max(abs(1 - alpha * s_min), abs(1 - alpha * s_max))


class _SympyContext:
    """The part of a number context the formulas here use, for sympy expressions. ``max`` stays unevaluated, so a
    derivation step shows the claimed formula as written (``Max(...)``) and sympy decides it with ``doit``."""

    @staticmethod
    def max(*args):
        return sp.Max(*args, evaluate=False)


SYMPY = _SympyContext()


# ---------------------------------------------------------------------------------------------
# Symbolic evidence.
# ---------------------------------------------------------------------------------------------
_q11, _q12, _q22 = sp.symbols("q11 q12 q22", real=True)
_x = sp.symbols("x1:3", real=True)
_al = sp.Symbol("alpha", positive=True)
_Q = sp.Matrix([[_q11, _q12], [_q12, _q22]])


def _step_identity():
    """Algorithm A's update, elementwise, equals (I - alpha P_k Q) x_k with P_k = diag(1/(sqrt(v) + delta r))."""
    v = sp.symbols("sqrt_v1:3", positive=True)  # sqrt(v_k) entrywise, > 0 since v_0 = r^2 > 0 and beta2 > 0
    r = sp.symbols("r1:3", positive=True)
    delta = sp.Symbol("delta", nonnegative=True)
    x = sp.Matrix(_x)
    g = _Q * x
    elementwise = sp.Matrix([x[i] - _al * g[i] / (v[i] + delta * r[i]) for i in range(2)])
    P = sp.diag(*[1 / (v[i] + delta * r[i]) for i in range(2)])
    ranges = {s: (-2.0, 2.0) for s in (_q11, _q12, _q22, *_x)}
    ranges.update({s: (0.01, 5.0) for s in (*v, *r)})
    ranges.update({_al: (0.001, 2.0), delta: (0.0, 2.0)})
    return elementwise, (sp.eye(2) - _al * P * _Q) * x, ranges


def _basis_identity(basis):
    """P_{k+1}^{-1/2} x_{k+1} (computed) against basis(P_k, P_{k+1}) (I - alpha H_k) y_k, y_k = P_k^{-1/2} x_k, written
    as the unevaluated product of the claim so that the two sides differ as written."""
    p = sp.symbols("p1:3", positive=True)
    pn = sp.symbols("pn1:3", positive=True)
    x = sp.Matrix(_x)
    P, Ph, Pmh = sp.diag(*p), sp.diag(*[sp.sqrt(a) for a in p]), sp.diag(*[1 / sp.sqrt(a) for a in p])
    Pn_mh = sp.diag(*[1 / sp.sqrt(a) for a in pn])
    H = Ph * _Q * Ph
    lhs = Pn_mh * (sp.eye(2) - _al * P * _Q) * x
    rhs = product_as_written(sp.diag(*basis(p, pn, sp.sqrt)), sp.eye(2) - _al * H, Pmh * x)
    ranges = {s: (-2.0, 2.0) for s in (_q11, _q12, _q22, *_x)}
    ranges.update({s: (0.01, 5.0) for s in (*p, *pn)})
    ranges[_al] = (0.001, 2.0)
    return lhs, rhs, ranges


def _canon(m):
    """Entrywise canonical form of a matrix of rational functions (sympy.cancel: expanded numerator and
    denominator without common factors), so that equal rational functions compare equal at once."""
    return m.applyfunc(sp.cancel)


# The four sign patterns of (a, b) = (1 - alpha sigma_min, 1 - alpha sigma_max), a >= b, with m >= 0, c > 0 (ties
# |a| = |b| are the limit c -> 0): |a| > |b| with b >= 0 or b < 0, and |b| > |a| with a >= 0 or a < 0.
_m, _c = sp.Symbol("m", nonnegative=True), sp.Symbol("c", positive=True)
SIGN_CASES = (("a = m + c > b = m >= 0", _m + _c, _m), ("a = m + c, b = -m <= 0", _m + _c, -_m),
              ("a = m >= 0, b = -(m + c)", _m, -(_m + _c)), ("a = -m <= 0, b = -(m + c)", -_m, -(_m + _c)))


@functools.lru_cache(maxsize=1)
def _spectral_steps() -> tuple:
    """The steps that do not involve the claimed formula: H_k SPD, the spectrum and singular values of I - alpha H_k,
    convexity. Decided once per process (sympy takes seconds on the rational 2x2 products) and shared by the
    claim and its mutants; the steps are deterministic, so a cached decision is the same evidence."""
    p = sp.symbols("p1:4", positive=True)
    qs = sp.symbols("a11 a12 a13 a22 a23 a33", real=True)
    Q3 = sp.Matrix([[qs[0], qs[1], qs[2]], [qs[1], qs[3], qs[4]], [qs[2], qs[4], qs[5]]])
    Ph = sp.diag(*[sp.sqrt(a) for a in p])
    H = Ph * Q3 * Ph
    z = sp.Matrix(sp.symbols("z1:4", real=True))
    tau = sp.Symbol("tau", real=True)
    l1, l2 = sp.symbols("lambda1 lambda2", positive=True)
    # rotations by the Cayley (rational) parametrisation: every rotation of the plane except by pi (covered by
    # U -> -U, which leaves U diag(l) U^T unchanged); rational entries keep sympy fast
    c, s = (1 - tau ** 2) / (1 + tau ** 2), 2 * tau / (1 + tau ** 2)
    U = sp.Matrix([[c, -s], [s, c]])
    L = sp.diag(l1, l2)
    H2 = U * L * U.T
    A = sp.eye(2) - _al * H2
    lam, lo, hi = sp.symbols("lambda sigma_min sigma_max", positive=True)
    t = sp.Symbol("t", real=True)
    w = sp.Symbol("w", nonnegative=True)
    gap = t * (1 - t) * _al ** 2 * (hi - lo) ** 2
    steps = [
        equal("H_k = P_k^{1/2} Q P_k^{1/2} is symmetric (3x3): H_k^T = H_k",
              sp.Transpose(product_as_written(Ph, Q3, Ph)), H),
        equal("z^T H_k z = (P_k^{1/2} z)^T Q (P_k^{1/2} z), so H_k is positive definite when Q is (P_k^{1/2} invertible)",
              z.T * H * z, product_as_written((Ph * z).T, Q3, Ph * z)),
        equal("U (Cayley parametrisation) is orthogonal: U^T U = I", product_as_written(U.T, U), sp.eye(2)),
        equal("H = U diag(l) U^T (U a rotation): (I - alpha H) U = U (I - alpha diag(l)), eigenvalues 1 - alpha l_i",
              product_as_written(A, U), _canon(U * (sp.eye(2) - _al * L))),
        equal("(I - alpha H)^T (I - alpha H) = U diag((1 - alpha l_i)^2) U^T: singular values |1 - alpha l_i|",
              product_as_written(A.T, A), _canon(U * sp.diag((1 - _al * l1) ** 2, (1 - _al * l2) ** 2) * U.T)),
        equal("H SPD: its singular values are its eigenvalues (|l| = l for l > 0), so sigma_min/max = lambda_min/max(H)",
              sp.Abs(l1, evaluate=False), l1),
        fact("(1 - alpha lambda)^2 is convex in lambda, so its max over [sigma_min, sigma_max] is at an endpoint",
             sp.StrictGreaterThan(sp.Derivative((1 - _al * lam) ** 2, (lam, 2)), 0, evaluate=False)),
        equal("explicitly, at lambda = sigma_min + t (sigma_max - sigma_min): (1-t)(1-alpha sigma_min)^2 + t(1-alpha sigma_max)^2"
              " - (1-alpha lambda)^2 = t(1-t) alpha^2 (sigma_max - sigma_min)^2",
              (1 - t) * (1 - _al * lo) ** 2 + t * (1 - _al * hi) ** 2 - (1 - _al * (lo + t * (hi - lo))) ** 2, gap),
        fact("which is >= 0 for t = w/(1+w) in [0, 1) (w >= 0), and 0 at t = 1",
             sp.GreaterThan(sp.Subs(gap, t, w / (1 + w)), 0, evaluate=False)),
    ]
    return tuple(steps)


def derivation(ctx, formula=norm_formula):
    """H_k symmetric positive definite, the spectrum of I - alpha H_k, and the claimed norm formula."""
    steps = list(_spectral_steps())
    # ||I - alpha H||_2 = ||diag(a, b)||_2 (orthogonal invariance), a = 1 - alpha sigma_min, b = 1 - alpha sigma_max:
    # in each sign pattern sympy computes that norm and compares it with the claimed formula at
    # sigma_min = (1 - a)/alpha, sigma_max = (1 - b)/alpha.
    for case, a, b in SIGN_CASES:
        steps.append(equal(f"case {case}: ||I - alpha H||_2 = ||diag(a, b)||_2 is the claimed formula",
                           sp.diag(a, b).norm(2), formula((1 - a) / _al, (1 - b) / _al, _al, SYMPY)))
    return steps


# ---------------------------------------------------------------------------------------------
# Numeric evidence 1: trajectories of Algorithm A replayed through the pseudo-linear form.
# ---------------------------------------------------------------------------------------------
def _log_uniform(rng, lo, hi):
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


class TrajectorySpace(Space):
    """Problems and hyperparameters of Algorithm A.

    ``{"Q": d x d (dense) or length-d list (diagonal), "x0", "alpha", "beta2", "phi", "delta",
    "delta_rate" (delta_k = delta * delta_rate^k), "iters"}``; beta2 in (0, 1], alpha > 0,
    phi, delta >= 0 and r = max(|Q x0|, phi) > 0 (so that P_0 is finite).
    """

    def sample(self, rng):
        d = int(rng.integers(1, 6))
        lam = spectrum(d, _log_uniform(rng, 1.0 + 1e-9, 1e3), str(rng.choice(["logspaced", "uniform", "outlier"])), rng)
        lam = lam * _log_uniform(rng, 0.1, 10)
        q = lam.tolist() if rng.random() < 0.4 else rotated(lam, rng).tolist()
        B = _log_uniform(rng, 0.1, 10)
        beta2 = float(rng.choice([1.0, rng.uniform(0.01, 1.0), 1 - 10 ** -rng.uniform(1, 4)]))
        return {"Q": q, "x0": random_init(d, B, rng).tolist(), "alpha": _log_uniform(rng, 1e-3, 1.0), "beta2": beta2,
                "phi": float(rng.choice([0.0, 2 * B * lam.min() * rng.uniform(0, 2)])), "delta": float(rng.uniform(0, 2)),
                "delta_rate": float(rng.choice([1.0, rng.uniform(0.5, 1.0)])), "iters": int(rng.integers(3, 13))}

    def perturb(self, inst, rng, scale):
        out = dict(inst)
        out["x0"] = (np.array(inst["x0"]) * np.exp(scale * rng.standard_normal(len(inst["x0"])))).tolist()
        out["alpha"] = float(inst["alpha"] * math.exp(scale * rng.standard_normal()))
        out["beta2"] = float(np.clip(inst["beta2"] + scale * rng.standard_normal() * 0.2, 1e-3, 1.0))
        out["delta"] = float(abs(inst["delta"] + scale * rng.standard_normal()))
        return out

    def shrink(self, inst):
        d = len(inst["x0"])
        diagonal = not isinstance(inst["Q"][0], list)
        if d > 1:
            for drop in range(d - 1, -1, -1):
                out = drop_coordinate(inst, drop, matrices=() if diagonal else ("Q",),
                                      vectors=("x0", "Q") if diagonal else ("x0",))
                yield out
        if inst["iters"] > 2:
            yield dict(inst, iters=2)
        for key, simple in (("delta_rate", 1.0), ("phi", 0.0), ("delta", 0.0), ("beta2", 0.5), ("alpha", 0.1)):
            if inst[key] != simple:
                yield dict(inst, **{key: simple})
        for digits in (1, 2, 3, 6):
            out = round_instance(inst, digits, matrices=() if diagonal else ("Q",),
                                 vectors=("x0", "Q") if diagonal else ("x0",),
                                 scalars=("alpha", "beta2", "phi", "delta", "delta_rate"))
            out["beta2"] = min(out["beta2"], 1.0)
            if out != inst:
                yield out

    def validate(self, inst):
        need = ("Q", "x0", "alpha", "beta2", "phi", "delta", "delta_rate", "iters")
        missing = [k for k in need if k not in inst]
        if missing:
            raise InvalidInstance(f"instance needs {', '.join(missing)}")
        if not (inst["alpha"] > 0 and 0 < inst["beta2"] <= 1 and inst["phi"] >= 0 and inst["delta"] >= 0
                and 0 < inst["delta_rate"] <= 1 and 2 <= int(inst["iters"]) <= 200):
            raise InvalidInstance("need alpha > 0, beta2 in (0, 1], phi >= 0, delta >= 0, delta_rate in (0, 1], "
                                  "iters in [2, 200]")
        x0 = np.asarray(inst["x0"], dtype=float)
        if isinstance(inst["Q"][0], list):
            ok, why = is_spd(inst["Q"])
            if not ok:
                raise InvalidInstance(why)
            q = np.asarray(inst["Q"], dtype=float)
        else:
            if np.any(np.asarray(inst["Q"], dtype=float) <= 0):
                raise InvalidInstance("a diagonal Q needs positive entries")
            q = np.diag(inst["Q"])
        if len(q) != len(x0):
            raise InvalidInstance("Q and x0 must have the same dimension")
        if np.any(np.maximum(np.abs(q @ x0), inst["phi"]) <= 0):
            raise InvalidInstance("r = max(|Q x0|, phi) must be positive (P_0 finite)")


def replay_discrepancy(inst, dps, basis=basis_factor):
    """Max over k of the relative discrepancy between Algorithm A and its pseudo-linear form, at ``dps`` digits.

    For each recorded step k (``adam_mp(record=True)`` gives x_k, v_k, P_k, and the final x), three residuals, each
    relative to the size of the terms that produce it:
    - P_k against diag(1/(sqrt(v_k) + delta_k r)) recomputed from v_k;
    - x_{k+1} against (I - alpha P_k Q) x_k (matrix form);
    - y_{k+1} = P_{k+1}^{-1/2} x_{k+1} against basis(P_k, P_{k+1}) (I - alpha H_k) y_k, y_k = P_k^{-1/2} x_k,
      with H_k = P_k^{1/2} Q P_k^{1/2} formed explicitly.
    """
    diagonal = not isinstance(inst["Q"][0], list)
    rate = inst["delta_rate"]
    run = adam_mp(inst["Q"], inst["x0"], inst["alpha"], inst["beta2"], inst["phi"], inst["delta"],
                  iters=int(inst["iters"]), dps=dps, diagonal=diagonal,
                  delta_schedule=None if rate == 1.0 else (lambda k: mpmath.mpf(rate) ** k), record=True)
    with mpmath.workdps(dps):
        d = len(inst["x0"])
        q = (mpmath.diag([mpmath.mpf(v) for v in inst["Q"]]) if diagonal else mp_matrix(inst["Q"], dps))
        alpha, delta = mpmath.mpf(inst["alpha"]), mpmath.mpf(inst["delta"])
        x0 = [mpmath.mpf(v) for v in inst["x0"]]
        r = [max(abs(mpmath.fsum(q[i, j] * x0[j] for j in range(d))), mpmath.mpf(inst["phi"])) for i in range(d)]
        traj = run.trajectory
        worst = mpmath.mpf(0)
        tiny = mpmath.mpf(10) ** (-(dps + 50))
        for k in range(len(traj) - 1):
            (x, v, p), (x_next, _, p_next) = traj[k], traj[k + 1]
            dk = delta * (mpmath.mpf(rate) ** k)
            p_def = [1 / (mpmath.sqrt(v[i]) + dk * r[i]) for i in range(d)]
            worst = max(worst, max(abs(p[i] - p_def[i]) / p_def[i] for i in range(d)))
            qx = [mpmath.fsum(q[i, j] * x[j] for j in range(d)) for i in range(d)]
            qx_abs = [mpmath.fsum(abs(q[i, j] * x[j]) for j in range(d)) for i in range(d)]
            linear = [x[i] - alpha * p[i] * qx[i] for i in range(d)]
            scale = max(max(abs(x[i]) + alpha * p[i] * qx_abs[i] for i in range(d)), tiny)
            worst = max(worst, max(abs(x_next[i] - linear[i]) for i in range(d)) / scale)
            if p_next is None:  # the final iterate: no P_{k+1} was formed, so no y_{k+1}
                continue
            sq = [mpmath.sqrt(pi) for pi in p]
            y = [x[i] / sq[i] for i in range(d)]
            hy = [mpmath.fsum(sq[i] * q[i, j] * sq[j] * y[j] for j in range(d)) for i in range(d)]
            fac = basis(p, p_next, mpmath.sqrt)
            y_form = [fac[i] * (y[i] - alpha * hy[i]) for i in range(d)]
            y_next = [x_next[i] / mpmath.sqrt(p_next[i]) for i in range(d)]
            y_scale = max(max((abs(x[i]) + alpha * p[i] * qx_abs[i]) / mpmath.sqrt(p_next[i]) for i in range(d)), tiny)
            worst = max(worst, max(abs(y_next[i] - y_form[i]) for i in range(d)) / y_scale)
        return worst


def log_excess(disc, tol, n):
    """log10(discrepancy / tolerance) in the number context ``n``: <= 0 when the replay agrees within ``tol``. Used
    as lhs with rhs = 0, so the Bound's worst margin reads directly as 'digits above the tolerance' (e.g. -18:
    agreement to 1e-48). A zero discrepancy is floored (1e-300 in float64, 10^(-2 dps) in mpmath)."""
    floor = n.num(1e-300) if n.dps is None else n.num(10) ** (-2 * n.dps)
    return n.log(n.max(n.num(disc), floor) / n.num(tol)) / n.log(n.num(10))


def trajectory_sides(basis):
    """(log10(max relative discrepancy / 1e-30), 0). Screening also runs at WORK_DPS = 50 digits: a replay in
    float64 could only agree to ~1e-16, so the decision is made at the working precision from the start; the
    screening context only receives the result."""

    @uses_context
    def sides(inst, n):
        work = max(n.dps or WORK_DPS, WORK_DPS)
        with mpmath.workdps(work):
            excess = log_excess(replay_discrepancy(inst, work, basis), TRAJECTORY_TOL, context_for(work))
        return n.num(excess), n.num(0)

    return sides


# ---------------------------------------------------------------------------------------------
# Numeric evidence 2: the norm formula against an SVD of I - alpha H.
# ---------------------------------------------------------------------------------------------
class NormSpace(Space):
    """{"Q": SPD, "p": positive diagonal of P, "alpha": > 0}; alpha spans both sides of 2/(sigma_min + sigma_max)."""

    def sample(self, rng):
        d = int(rng.integers(1, 7))
        lam = spectrum(d, _log_uniform(rng, 1.0 + 1e-9, 1e4), str(rng.choice(["logspaced", "uniform", "two-cluster"])), rng)
        q = np.diag(lam) if rng.random() < 0.3 else rotated(lam, rng)
        p = np.exp(rng.uniform(-3, 3, d))
        h = np.linalg.eigvalsh(q * np.sqrt(np.outer(p, p)))
        alpha = _log_uniform(rng, 0.05, 5.0) * 2 / (h[0] + h[-1])
        return {"Q": q.tolist(), "p": p.tolist(), "alpha": alpha}

    def perturb(self, inst, rng, scale):
        p = np.array(inst["p"]) * np.exp(scale * rng.standard_normal(len(inst["p"])))
        return dict(inst, p=p.tolist(), alpha=float(inst["alpha"] * math.exp(scale * rng.standard_normal())))

    def shrink(self, inst):
        d = len(inst["p"])
        if d > 1:
            for drop in range(d - 1, -1, -1):
                yield drop_coordinate(inst, drop, matrices=("Q",), vectors=("p",))
        for digits in (1, 2, 3, 6):
            out = round_instance(inst, digits, matrices=("Q",), vectors=("p",), scalars=("alpha",))
            if out != inst:
                yield out

    def validate(self, inst):
        ok, why = is_spd(inst.get("Q", []))
        if not ok:
            raise InvalidInstance(why)
        if len(inst.get("p", [])) != len(inst["Q"]) or min(inst["p"]) <= 0 or not inst.get("alpha", 0) > 0:
            raise InvalidInstance("need p > 0 of the dimension of Q and alpha > 0")


def norm_sides(formula):
    """(log10(|SVD norm of I - alpha H - formula| / max(1, alpha sigma_max) / tolerance), 0): H's spectrum from a
    symmetric eigensolver, the norm from a singular value decomposition (the context's ``eigvalsh`` and ``norm2``:
    LAPACK in float64, mpmath.eigsy / svd_r at dps);
    the tolerance is FLOAT_TOL in float64 screening and TRAJECTORY_TOL at 50+ digits."""

    @uses_context
    def sides(inst, n):
        d = len(inst["p"])
        sq = [n.sqrt(n.num(v)) for v in inst["p"]]
        h = [[sq[i] * n.num(inst["Q"][i][j]) * sq[j] for j in range(d)] for i in range(d)]
        alpha = n.num(inst["alpha"])
        lam = n.eigvalsh(h)
        norm = n.norm2([[(1 if i == j else 0) - alpha * h[i][j] for j in range(d)] for i in range(d)])
        claim = formula(lam[0], lam[-1], alpha, n)
        tol = FLOAT_TOL if n.dps is None else TRAJECTORY_TOL
        return log_excess(abs(norm - claim) / n.max(n.num(1), alpha * lam[-1]), tol, n), n.num(0)

    return sides


def build(basis=basis_factor, formula=norm_formula) -> Claim:
    """The claim; ``basis`` (P_{k+1}^{-1/2} P_k^{1/2}) and ``formula`` (the norm) can be mutated."""
    return Claim(
        id="pseudo-linear",
        title="Algorithm A is a pseudo-linear iteration with an SPD preconditioned Hessian",
        source="docs/claims.md F4 (paper summary)",
        provenance="seed",
        statement=r"x_{k+1}=(I-\alpha P_kQ)x_k,\ y_k=P_k^{-1/2}x_k:\ y_{k+1}=P_{k+1}^{-1/2}P_k^{1/2}(I-\alpha H_k)y_k,\ "
                  r"H_k=P_k^{1/2}QP_k^{1/2}\succ0,\ "
                  r"\|I-\alpha H_k\|_2=\max(|1-\alpha\sigma_{\min}(H_k)|,|1-\alpha\sigma_{\max}(H_k)|)",
        sympy_statement="P1**(-1/2)*(I - alpha*P0*Q)*x == P1**(-1/2)*P0**(1/2)*(I - alpha*P0**(1/2)*Q*P0**(1/2))*P0**(-1/2)*x",
        hypotheses=["Q symmetric positive definite", "P_k = diag(1/(sqrt(v_k) + delta_k)), delta_k = delta r (delta_rate^k)",
                    "alpha > 0, beta2 in (0, 1], phi >= 0, delta >= 0, r = max(|g_0|, phi) > 0"],
        checks=[
            Identity("adam-step-is-linear", *_step_identity(),
                     "x - alpha g/(sqrt(v) + delta r) with g = Q x equals (I - alpha P_k Q) x (2x2, symbolic)"),
            Identity("basis-change", *_basis_identity(basis),
                     "P_{k+1}^{-1/2} x_{k+1} = P_{k+1}^{-1/2} P_k^{1/2} (I - alpha H_k) y_k (2x2, symbolic)"),
            Symbolic("norm-formula-derivation", lambda ctx: derivation(ctx, formula),
                     "H_k SPD; I - alpha H_k has eigenvalues 1 - alpha lambda_i; convexity puts the max at an endpoint"),
            Bound("trajectory-replay", TrajectorySpace(), trajectory_sides(basis),
                  "Algorithm A trajectories (mpmath, 50 digits) agree with the pseudo-linear form to 1e-30 relative; "
                  "margin = log10(max discrepancy / 1e-30)",
                  random=(24, 600, 4000), climbs=(1, 4, 12), climb_steps=(4, 30, 100), hypothesis_examples=(0, 0, 0)),
            Bound("norm-vs-svd", NormSpace(), norm_sides(formula),
                  "||I - alpha H||_2 from an SVD equals the formula from H's extreme eigenvalues (tolerance 1e-10 in "
                  "float64 screening, 1e-30 at 50+ digits); margin = log10(relative discrepancy / tolerance)",
                  random=(200, 2000, 20000), climbs=(3, 8, 32), climb_steps=(30, 150, 600), hypothesis_examples=(0, 0, 0)),
        ],
    )


def _swapped_basis(p_k, p_next, sqrt):
    """Mutant: P_{k+1}^{1/2} P_k^{-1/2} in place of P_{k+1}^{-1/2} P_k^{1/2}."""
    return [sqrt(b) / sqrt(a) for a, b in zip(p_k, p_next)]


def _one_minus_alpha_sigma_min(s_min, s_max, alpha, n):
    """Mutant: ||I - alpha H|| = 1 - alpha sigma_min only."""
    return 1 - alpha * s_min


CLAIM = build()
MUTANTS = {"pseudo-linear": {
    "basis-change-swapped": lambda: build(basis=_swapped_basis),
    "norm-one-minus-alpha-sigma-min": lambda: build(formula=_one_minus_alpha_sigma_min),
}}
# No WEAKENINGS: every statement of this claim is an identity (no constant, no floor), and its instance spaces are
# already the small ones its identities are replayed on.
WEAKENINGS: dict = {}
