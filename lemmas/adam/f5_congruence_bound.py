"""F5 `congruence-bound`: eigenvalues under a diagonal congruence (docs/claims.md F5, provenance: reconstruction).

For a diagonal S > 0 and a symmetric positive definite M:

    lambda_min(M) min_i s_i^2  <=  lambda(S M S)  <=  lambda_max(M) max_i s_i^2,

so cond(S M S) <= cond(M) cond(S^2). With S^2 = P_0 D and M = D^{-1/2} Q D^{-1/2} (so that
S M S = P_0^{1/2} Q P_0^{1/2} = H_0) this gives cond(H_0) <= kappa_bar cond(P_0 D). Also
||Q e_j||_2 <= sqrt(lambda_max(Q) Q_jj), hence ||Q e_j||_2 / Q_jj <= sqrt(kappa_bar kappa_diag).

Normalisation (checked, see ``derivation``): the last statement is invariant under Q -> cQ, so it
needs no normalisation. It holds because M has unit diagonal, so trace M = d and lambda_min(M) <= 1,
whence lambda_max(M) <= kappa_bar. The sharper form sqrt(lambda_max(M) kappa_diag), which is what the
argument actually gives, is checked as a separate, clearly labelled check.

Proof (Rayleigh quotients): for y = S x,
x^T S M S x / x^T x = (y^T M y / y^T y) (y^T y / x^T x), the first factor lies in
[lambda_min(M), lambda_max(M)] and the second, sum s_i^2 x_i^2 / sum x_i^2, in [min s^2, max s^2];
Courant-Fischer turns the range of the Rayleigh quotient into the range of the spectrum.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, Identity, InvalidInstance, Space, Symbolic, equal, fact
from proofcheck.numbers import uses_context

from ._common.init import random_init
from ._common.quadratics import is_spd, product_as_written, rotated, spectrum, with_conditions
from ._common.spaces import SPDSpace, drop_coordinate, round_instance


def congruence_cond_bound(cond_m, s_max, s_min):
    """The claimed bound on cond(S M S): cond(M) cond(S^2) = cond(M) (max s / min s)^2."""
    return cond_m * (s_max / s_min) ** 2


# ---------------------------------------------------------------------------------------------
# Symbolic evidence: the Rayleigh-quotient argument, the H_0 identity and the column bound.
# ---------------------------------------------------------------------------------------------
_x = sp.symbols("x1:4", real=True)
_s = sp.symbols("s1:4", positive=True)
_m = sp.symbols("m11 m12 m13 m22 m23 m33", real=True)
_u = sp.symbols("u1:4", nonnegative=True)


def _sym3(e):
    a11, a12, a13, a22, a23, a33 = e
    return sp.Matrix([[a11, a12, a13], [a12, a22, a23], [a13, a23, a33]])


def derivation(ctx, bound=congruence_cond_bound, column_rhs=None):
    """The steps of docs/claims.md F5 'Symbolic: the Rayleigh-quotient argument', each decided by sympy.

    ``bound`` (cond(M) cond(S^2)) and ``column_rhs`` (sqrt(kappa_bar kappa_diag)) are the claim's own formulas:
    the Courant-Fischer steps compare the Rayleigh ranges with ``bound`` (and its attainment), the last step
    compares what the column argument gives with ``column_rhs``."""
    return list(_decided_steps(bound, column_rhs or catalogue_column_rhs))


@functools.lru_cache(maxsize=8)
def _decided_steps(bound, column_rhs) -> tuple:
    """The derivation for the given formulas, decided once per process (sympy takes seconds on the 3x3 products);
    the steps are deterministic, so a cached decision is the same evidence."""
    x = sp.Matrix(_x)
    S = sp.diag(*_s)
    M = _sym3(_m)
    y = S * x
    xx, yy = (x.T * x)[0], (y.T * y)[0]
    lmin, lmax, smin2, smax2 = sp.symbols("lambda_min lambda_max s_min2 s_max2", positive=True)
    a, b = sp.symbols("a b", nonnegative=True)
    R, rho = sp.symbols("R rho", positive=True)  # R = Rayleigh quotient of M, rho = y^T y / x^T x
    # ||Q e_j||^2 <= lambda_max e_j^T Q e_j through Q = U diag(l) U^T, w = U^T e_j.
    l = sp.symbols("l1:4", positive=True)
    w = sp.symbols("w1:4", real=True)
    lq = sp.Symbol("lambda_max_Q", positive=True)
    q2 = sum(li ** 2 * wi ** 2 for li, wi in zip(l, w))
    q1 = sum(li * wi ** 2 for li, wi in zip(l, w))
    gap = sum(li * (lq - li) * wi ** 2 for li, wi in zip(l, w))
    # H_0 = S M S with S^2 = P_0 D, M = D^{-1/2} Q D^{-1/2}.
    p = sp.symbols("p1:4", positive=True)
    dq = sp.symbols("D1:4", positive=True)
    qo = sp.symbols("q12 q13 q23", real=True)
    Q = sp.Matrix([[dq[0], qo[0], qo[1]], [qo[0], dq[1], qo[2]], [qo[1], qo[2], dq[2]]])
    Dh = sp.diag(*[sp.sqrt(v) for v in dq])
    Dmh = sp.diag(*[1 / sp.sqrt(v) for v in dq])
    Sh = sp.diag(*[sp.sqrt(pi * di) for pi, di in zip(p, dq)])
    Ph = sp.diag(*[sp.sqrt(pi) for pi in p])
    e1 = sp.Matrix([1, 0, 0])
    u, v, kd = sp.symbols("u v kappa_diag", positive=True)
    smax, smin, spread = sp.symbols("s_max s_min sigma", positive=True)
    # cond(SMS) from the Rayleigh ranges: lambda_max(SMS) = lambda_max(M) max s^2 - a, lambda_min(SMS) =
    # lambda_min(M) min s^2 + b with a, b >= 0; a = b = 0 when M is diagonal and sorted like S (s_max = s_min + sigma)
    cond_sms = (lmax * smax ** 2 - a) / (lmin * smin ** 2 + b)
    l_max_m = 1 + v  # lambda_max(M) >= 1 (trace M = d), > 1 unless M = I
    return (
        equal("Rayleigh quotient factorises: x^T SMS x / x^T x = (y^T M y / y^T y)(y^T y / x^T x), y = S x",
              (x.T * S * M * S * x)[0] / xx, sp.Mul((y.T * M * y)[0] / yy, yy / xx, evaluate=False)),
        fact("y^T y >= min s^2 * x^T x: with s_i^2 = s_min2 + u_i (u_i >= 0) the difference is sum u_i x_i^2",
             sp.GreaterThan(sp.Subs(yy, _s, [sp.sqrt(smin2 + ui) for ui in _u]), smin2 * xx, evaluate=False)),
        fact("y^T y <= max s^2 * x^T x: with s_i^2 = s_max2 - u_i the difference is sum u_i x_i^2",
             sp.LessThan(sum((smax2 - ui) * xi ** 2 for ui, xi in zip(_u, _x)), smax2 * xx, evaluate=False)),
        fact("lower end: R >= lambda_min(M), rho >= min s^2 (all positive) => R rho >= lambda_min(M) min s^2",
             sp.GreaterThan(sp.expand((lmin + a) * (smin2 + b)), lmin * smin2, evaluate=False)),  # expanded: sympy
        # signs a sum of nonnegative terms, not an unexpanded product minus a term
        fact("upper end: R <= lambda_max(M), rho <= max s^2 => R rho <= lambda_max(M) max s^2",
             sp.LessThan(R * rho, sp.expand((R + a) * (rho + b)), evaluate=False)),
        fact("so (Courant-Fischer) cond(SMS) = (lambda_max(M) max s^2 - a)/(lambda_min(M) min s^2 + b), a, b >= 0, "
             "is at most the claimed bound", sp.LessThan(cond_sms, bound(lmax / lmin, smax, smin), evaluate=False)),
        equal("the claimed bound is attained (a = b = 0) when M is diagonal and sorted like S",
              sp.Subs(cond_sms, (a, b, smax), (0, 0, smin + spread)), bound(lmax / lmin, smin + spread, smin)),
        equal("with S^2 = P_0 D and M = D^{-1/2} Q D^{-1/2}: S M S = P_0^{1/2} Q P_0^{1/2} = H_0",
              product_as_written(Sh, Dmh * Q * Dmh, Sh), Ph * Q * Ph),
        equal("D^{1/2} M D^{1/2} = Q, so kappa_bar = cond(M) and the congruence bound applies to Q itself",
              product_as_written(Dh, Dmh * Q * Dmh, Dh), Q),
        equal("||Q e_j||^2 = e_j^T Q^2 e_j (Q symmetric)", sp.Matrix([[sum(Q[i, 0] ** 2 for i in range(3))]]),
              product_as_written(e1.T, Q, Q, e1)),
        equal("lambda_max e_j^T Q e_j - e_j^T Q^2 e_j = sum l_i (lambda_max - l_i) w_i^2 (Q = U diag(l) U^T, w = U^T e_j)",
              lq * q1 - q2, gap),
        fact("each term is >= 0 (l_i > 0, u_i = lambda_max - l_i >= 0): ||Q e_j||^2 <= lambda_max(Q) Q_jj",
             sp.GreaterThan(sum(li * ui * wi ** 2 for li, ui, wi in zip(l, _u, w)), 0, evaluate=False)),
        fact("M has unit diagonal, trace M = d: lambda_min(M) = 1/(1+u) <= 1 <= lambda_max(M) = 1 + v, so kappa_bar = "
             "(1 + v)(1 + u); ||Q e_j||/Q_jj <= sqrt(lambda_max(Q)/Q_jj) <= sqrt(lambda_max(M) kappa_diag), which is at "
             "most the claimed column bound (compared squared)",
             sp.GreaterThan(column_rhs(l_max_m * (1 + u), kd, l_max_m, SYMPY) ** 2, l_max_m * kd, evaluate=False)),
    )


# ---------------------------------------------------------------------------------------------
# Instance spaces.
# ---------------------------------------------------------------------------------------------
def _log_uniform(rng, lo, hi):
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


class CongruenceSpace(Space):
    """Pairs (S, M): S > 0 diagonal (``"S"``, the diagonal entries), M SPD (``"M"``).

    M is a random rotation of a spectrum in [1, kappa] (kappa up to 1e4) or, one time in four,
    diagonal; S spreads up to ``s_spread``; ``aligned=True`` gives the tight family (M diagonal
    with its entries sorted like S), on which cond(SMS) = cond(M) cond(S^2) exactly.
    """

    def __init__(self, d_range=(2, 6), kappa_max=1e4, s_spread=1e3, aligned=False):
        self.d_range, self.kappa_max, self.s_spread, self.aligned = d_range, kappa_max, s_spread, aligned

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        kappa = _log_uniform(rng, 1.0 + 1e-9, self.kappa_max)
        lam = spectrum(d, kappa, str(rng.choice(["logspaced", "two-cluster", "outlier", "uniform"])), rng)
        spread = _log_uniform(rng, 1.0 + 1e-9, self.s_spread)
        s = np.exp(rng.uniform(0, math.log(spread), d)) * _log_uniform(rng, 1e-2, 1e2)
        if self.aligned:
            order = np.argsort(s)
            m = np.empty(d)
            m[order] = np.sort(lam)
            return {"S": s.tolist(), "M": np.diag(m).tolist()}
        m = np.diag(lam) if rng.random() < 0.25 else rotated(lam, rng)
        return {"S": s.tolist(), "M": m.tolist()}

    def perturb(self, inst, rng, scale):
        s = np.array(inst["S"]) * np.exp(scale * rng.standard_normal(len(inst["S"])))
        m = np.array(inst["M"])
        if self.aligned:
            out = {"S": s.tolist(), "M": np.diag(np.diag(m) * np.exp(scale * rng.standard_normal(len(m))))}
            order = np.argsort(s)
            diag = np.empty(len(m))
            diag[order] = np.sort(np.diag(out["M"]))
            return {"S": s.tolist(), "M": np.diag(diag).tolist()}
        e = rng.standard_normal(m.shape) * scale * np.sqrt(np.outer(np.diag(m), np.diag(m)))
        return {"S": s.tolist(), "M": (m + (e + e.T) / 2).tolist()}

    def shrink(self, inst):
        d = len(inst["S"])
        if d > 2:
            for drop in range(d - 1, -1, -1):
                yield drop_coordinate(inst, drop, matrices=("M",), vectors=("S",))
        for digits in (1, 2, 3, 4, 6):
            out = round_instance(inst, digits, matrices=("M",), vectors=("S",))
            if out != inst:
                yield out

    def validate(self, inst):
        if "S" not in inst or "M" not in inst:
            raise InvalidInstance("instance needs 'S' (diagonal of S) and 'M'")
        s = np.asarray(inst["S"], dtype=float)
        if not (np.all(np.isfinite(s)) and np.all(s > 0)):
            raise InvalidInstance("S must be positive and finite")
        ok, why = is_spd(inst["M"])
        if not ok:
            raise InvalidInstance("M: " + why)
        if len(inst["M"]) != len(s):
            raise InvalidInstance("S and M must have the same dimension")
        if self.aligned:
            m = np.asarray(inst["M"], dtype=float)
            if np.any(m != np.diag(np.diag(m))):
                raise InvalidInstance("the tight family needs M diagonal")
            dm = np.diag(m)
            if not (np.argmax(dm) == np.argmax(s) and np.argmin(dm) == np.argmin(s)):
                raise InvalidInstance("the tight family needs the extreme entries of M and S at the same positions")


class H0Space(SPDSpace):
    """(Q, x0, phi, delta) for cond(H_0) <= kappa_bar cond(P_0 D): Q dense SPD with controlled kappa_bar, kappa_diag."""

    def __init__(self):
        super().__init__("rotated", d_range=(2, 6), kappa_max=1e5, with_vector=True)

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        if rng.random() < 0.5:
            q = with_conditions(d, _log_uniform(rng, 1.5, 1e3), _log_uniform(rng, 1.0, 1e3), rng)
        else:
            q = rotated(spectrum(d, _log_uniform(rng, 1.5, self.kappa_max), "uniform", rng), rng)
        B = _log_uniform(rng, 0.1, 10)
        lam_min = float(np.linalg.eigvalsh(q)[0])
        return {"Q": q.tolist(), "x": random_init(d, B, rng).tolist(),
                "phi": float(rng.choice([0.0, 2 * B * lam_min * rng.uniform(0, 2)])), "delta": float(rng.uniform(0, 2))}

    def validate(self, inst):
        super().validate(inst)
        if inst.get("phi", -1) < 0 or inst.get("delta", -1) < 0:
            raise InvalidInstance("phi and delta must be >= 0")
        r = np.maximum(np.abs(np.asarray(inst["Q"]) @ np.asarray(inst["x"])), inst["phi"])
        if np.any(r <= 0):
            raise InvalidInstance("r = max(|g_0|, phi) must be positive (P_0 finite)")


class ColumnSpace(SPDSpace):
    """Dense SPD Q with controlled kappa_bar and kappa_diag (or a rotated spectrum, or nu-DD)."""

    def __init__(self):
        super().__init__("rotated", d_range=(2, 8), kappa_max=1e6)

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        kind = rng.integers(0, 3)
        if kind == 0:
            q = with_conditions(d, _log_uniform(rng, 1.01, 1e4), _log_uniform(rng, 1.0, 1e4), rng)
        elif kind == 1:
            q = rotated(spectrum(d, _log_uniform(rng, 1.01, self.kappa_max), "uniform", rng), rng)
        else:
            # equicorrelation rows with a spread diagonal: large off-diagonal mass in one column
            rho = float(rng.uniform(0, 0.95))
            m = np.full((d, d), rho) + (1 - rho) * np.eye(d)
            s = np.sqrt(spectrum(d, _log_uniform(rng, 1.0, 1e4), "logspaced"))
            q = m * np.outer(s, s)
        return {"Q": q.tolist()}


# ---------------------------------------------------------------------------------------------
# Sides of the bound checks, each written once against a number context ``n`` (proofcheck.numbers): float64 for
# screening, mpmath at n.dps digits for the decision. Eigenvalues: the context's eigvalsh (LAPACK or mpmath.eigsy).
# ---------------------------------------------------------------------------------------------
SYMPY = sp  # the number context of the derivation: the formulas below only need ``sqrt``


def _matrix(rows, n):
    return [[n.num(v) for v in row] for row in rows]


def _sms(inst, n):
    """S M S, entrywise s_i M_ij s_j."""
    s = [n.num(v) for v in inst["S"]]
    return [[s[i] * mij * s[j] for j, mij in enumerate(row)] for i, row in enumerate(_matrix(inst["M"], n))]


def _s2(inst, n):
    s2 = [n.num(v) ** 2 for v in inst["S"]]
    return n.min(s2), n.max(s2)


@uses_context
def lower_sides(inst, n):
    """lambda_min(M) min s^2 <= lambda_min(S M S)."""
    return n.eigvalsh(_matrix(inst["M"], n))[0] * _s2(inst, n)[0], n.eigvalsh(_sms(inst, n))[0]


@uses_context
def upper_sides(inst, n):
    """lambda_max(S M S) <= lambda_max(M) max s^2."""
    return n.eigvalsh(_sms(inst, n))[-1], n.eigvalsh(_matrix(inst["M"], n))[-1] * _s2(inst, n)[1]


def cond_sides(bound):
    """cond(S M S) <= bound(cond(M), max s, min s)."""

    @uses_context
    def sides(inst, n):
        lam, mu = n.eigvalsh(_sms(inst, n)), n.eigvalsh(_matrix(inst["M"], n))
        s = [n.num(v) for v in inst["S"]]
        return lam[-1] / lam[0], bound(mu[-1] / mu[0], n.max(s), n.min(s))

    return sides


def tight_sides(bound):
    """On the aligned diagonal family: bound(...) <= cond(S M S), i.e. the bound is attained (equality)."""

    @uses_context
    def sides(inst, n):
        s = [n.num(v) for v in inst["S"]]
        m = [n.num(inst["M"][i][i]) for i in range(len(s))]
        sms = [si * mi * si for si, mi in zip(s, m)]  # S M S is diagonal here: its eigenvalues are its entries
        return bound(n.max(m) / n.min(m), n.max(s), n.min(s)), n.max(sms) / n.min(sms)

    return sides


def h0_parts(inst, n):
    """(cond(H_0), kappa_bar, cond(P_0 D)) with P_0 = diag(1/((1 + delta) r)), r = max(|Q x_0|, phi)."""
    q = _matrix(inst["Q"], n)
    d = len(q)
    x = [n.num(v) for v in inst["x"]]
    g = [n.fsum(q[i][j] * x[j] for j in range(d)) for i in range(d)]
    r = [n.max(abs(gi), n.num(inst["phi"])) for gi in g]
    p = [1 / ((1 + n.num(inst["delta"])) * ri) for ri in r]
    h = [[n.sqrt(p[i]) * q[i][j] * n.sqrt(p[j]) for j in range(d)] for i in range(d)]
    m = [[q[i][j] / n.sqrt(q[i][i] * q[j][j]) for j in range(d)] for i in range(d)]
    lam, mu = n.eigvalsh(h), n.eigvalsh(m)
    pd = [p[i] * q[i][i] for i in range(d)]
    return lam[-1] / lam[0], mu[-1] / mu[0], n.max(pd) / n.min(pd)


def h0_sides(bound):
    """cond(H_0) <= bound(kappa_bar, sqrt(cond(P_0 D)), 1), i.e. kappa_bar cond(P_0 D) for the claimed bound."""

    @uses_context
    def sides(inst, n):
        cond_h, kbar, cond_pd = h0_parts(inst, n)
        return cond_h, bound(kbar, n.sqrt(cond_pd), n.num(1))

    return sides


def column_parts(inst, n):
    """(max_j ||Q e_j|| / sqrt(lambda_max Q_jj), max_j ||Q e_j|| / Q_jj, kappa_bar, kappa_diag, lambda_max(M))."""
    q = _matrix(inst["Q"], n)
    d = len(q)
    lam = n.eigvalsh(q)
    mu = n.eigvalsh([[q[i][j] / n.sqrt(q[i][i] * q[j][j]) for j in range(d)] for i in range(d)])
    col = [n.sqrt(n.fsum(q[i][j] ** 2 for i in range(d))) for j in range(d)]
    dq = [q[j][j] for j in range(d)]
    return (n.max(c / n.sqrt(lam[-1] * dj) for c, dj in zip(col, dq)), n.max(c / dj for c, dj in zip(col, dq)),
            mu[-1] / mu[0], n.max(dq) / n.min(dq), mu[-1])


@uses_context
def column_norm_sides(inst, n):
    """max_j ||Q e_j|| / sqrt(lambda_max(Q) Q_jj) <= 1."""
    return column_parts(inst, n)[0], n.num(1)


def column_ratio_sides(rhs):
    """max_j ||Q e_j|| / Q_jj <= rhs(kappa_bar, kappa_diag, lambda_max(M))."""

    @uses_context
    def sides(inst, n):
        _, ratio, kbar, kdiag, lmax_m = column_parts(inst, n)
        return ratio, rhs(kbar, kdiag, lmax_m, n)

    return sides


def catalogue_column_rhs(kbar, kdiag, lmax_m, n):
    """docs/claims.md F5 as written: sqrt(kappa_bar kappa_diag)."""
    return n.sqrt(kbar * kdiag)


def sharp_column_rhs(kbar, kdiag, lmax_m, n):
    """What the argument gives before lambda_max(M) <= kappa_bar: sqrt(lambda_max(M) kappa_diag)."""
    return n.sqrt(lmax_m * kdiag)


# ---------------------------------------------------------------------------------------------
# Certified enclosure of the congruence bound on one instance (python-flint balls).
# ---------------------------------------------------------------------------------------------
def _certify_diagonal(inst, bound):
    """M diagonal: S M S is diagonal, its eigenvalues are its entries; decide in exact rational arithmetic."""
    from fractions import Fraction

    s = [Fraction(v) for v in inst["S"]]
    m = [Fraction(inst["M"][i][i]) for i in range(len(s))]
    sms = [si * mi * si for si, mi in zip(s, m)]
    lhs, rhs = max(sms) / min(sms), bound(max(m) / min(m), max(s), min(s))
    return {"certified": lhs <= rhs, "backend": "exact rational arithmetic (fractions; M diagonal)", "prec_bits": None,
            "width": 0.0, "statement": "cond(SMS) <= bound, exactly", "equality": lhs == rhs,
            "lhs": str(float(lhs)), "rhs": str(float(rhs))}


def certify_cond(bound):
    """Ball-arithmetic enclosure of cond(S M S) and of the bound; certified when the balls separate.

    When M is diagonal (where the search finds the bound attained, so no enclosure can separate the two
    sides), the verdict is decided in exact rational arithmetic and the ball enclosure is kept beside it.
    """

    def certify(inst):
        ball = _certify_balls(inst, bound)
        m = np.asarray(inst["M"], dtype=float)
        if np.all(m == np.diag(np.diag(m))):
            return dict(_certify_diagonal(inst, bound), ball_enclosure=ball)
        return ball

    return certify


def _certify_balls(inst, bound):
    """cond(SMS) <= bound with python-flint balls (S M S formed in ball arithmetic from the exact entries)."""
    try:
        import flint

        from ._common.certified import ball_json, certify_le, eigenvalue_balls
    except ImportError:
        return {"certified": False, "reason": "python-flint not installed", "backend": "none"}
    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        s = [flint.arb(float(v)) for v in inst["S"]]
        sms = [[s[i] * flint.arb(float(inst["M"][i][j])) * s[j] for j in range(len(s))] for i in range(len(s))]
    finally:
        flint.ctx.prec = old
    try:
        lam, bits1 = eigenvalue_balls(sms)
        mu, bits2 = eigenvalue_balls(inst["M"])
    except ArithmeticError as exc:
        return {"certified": False, "reason": str(exc), "backend": "python-flint arb"}
    flint.ctx.prec = max(bits1, bits2)
    try:
        s_max = max(s, key=lambda b: float(b.mid()))
        s_min = min(s, key=lambda b: float(b.mid()))
        lhs = lam[-1] / lam[0]
        rhs = bound(mu[-1] / mu[0], s_max, s_min)
        ok = certify_le(lhs, rhs)
        return {"certified": ok, "prec_bits": max(bits1, bits2), "backend": f"python-flint {flint.__version__} arb",
                "statement": "cond(SMS) <= bound, every point of both balls", "lhs": ball_json(lhs),
                "rhs": ball_json(rhs), "width": float(2 * lhs.rad() + 2 * rhs.rad()),
                "upper": lhs.upper().str(30, radius=False)}
    finally:
        flint.ctx.prec = old


def _h0_identity_2x2():
    """(S M S, H_0) for symbolic 2x2 Q, P_0 with S^2 = P_0 D, M = D^{-1/2} Q D^{-1/2}."""
    p = sp.symbols("p1:3", positive=True)
    dq = sp.symbols("D1:3", positive=True)
    q12 = sp.Symbol("q12", real=True)
    Q = sp.Matrix([[dq[0], q12], [q12, dq[1]]])
    S = sp.diag(*[sp.sqrt(pi * di) for pi, di in zip(p, dq)])
    Dmh = sp.diag(*[1 / sp.sqrt(di) for di in dq])
    Ph = sp.diag(*[sp.sqrt(pi) for pi in p])
    return S * (Dmh * Q * Dmh) * S, product_as_written(Ph, Q, Ph)  # rhs as written: the product H_0


def build(bound=congruence_cond_bound, column_rhs=catalogue_column_rhs) -> Claim:
    """The claim; ``bound`` is cond(M) cond(S^2) and ``column_rhs`` sqrt(kappa_bar kappa_diag) unless mutated."""
    small = dict(random=(200, 2000, 20000), climbs=(3, 8, 32), climb_steps=(30, 150, 600), hypothesis_examples=(0, 0, 0))
    return Claim(
        id="congruence-bound",
        title="A diagonal congruence moves the spectrum by at most the spread of S^2",
        source="docs/claims.md F5 (reconstruction of the singular-value bounds behind the general case)",
        provenance="reconstruction",
        statement=r"\lambda_{\min}(M)\min_i s_i^2\le\lambda(SMS)\le\lambda_{\max}(M)\max_i s_i^2,\ "
                  r"\operatorname{cond}(SMS)\le\operatorname{cond}(M)\operatorname{cond}(S^2),\ "
                  r"\operatorname{cond}(H_0)\le\bar\kappa\operatorname{cond}(P_0D),\ "
                  r"\|Qe_j\|_2\le\sqrt{\lambda_{\max}Q_{jj}},\ \|Qe_j\|_2/Q_{jj}\le\sqrt{\bar\kappa\kappa_{diag}}",
        sympy_statement="cond(S*M*S) <= cond(M)*(s_max/s_min)**2",
        hypotheses=["S diagonal with positive entries", "M symmetric positive definite",
                    "H_0 = P_0^{1/2} Q P_0^{1/2}, P_0 = diag(1/((1+delta) r)), r = max(|Q x_0|, phi) > 0",
                    "kappa_bar = cond(D^{-1/2} Q D^{-1/2}), kappa_diag = max Q_ii / min Q_ii; no normalisation "
                    "needed (every statement is invariant under Q -> cQ)"],
        notes="The catalogue's column statement is true as written; 'column-ratio-sharp' checks the sharper "
              "sqrt(lambda_max(M) kappa_diag) that the argument gives (lambda_max(M) <= kappa_bar since trace M = d).",
        checks=[
            Symbolic("rayleigh-argument", lambda ctx: derivation(ctx, bound, column_rhs),
                     "Rayleigh-quotient factorisation, the two ranges, the H_0 identity, the column bound"),
            Identity("h0-is-congruence", *_h0_identity_2x2(),
                     {**{v: (0.01, 10.0) for v in sp.symbols("p1:3 D1:3", positive=True)}, sp.Symbol("q12", real=True): (-5, 5)},
                     "(P_0 D)^{1/2} (D^{-1/2} Q D^{-1/2}) (P_0 D)^{1/2} = P_0^{1/2} Q P_0^{1/2} "
                     "(2x2, spot-checked at 50 digits)"),
            Bound("congruence-lower", CongruenceSpace(), lower_sides,
                  "lambda_min(M) min s^2 <= lambda_min(S M S) over random and adversarial (S, M)", **small),
            Bound("congruence-upper", CongruenceSpace(), upper_sides,
                  "lambda_max(S M S) <= lambda_max(M) max s^2 over random and adversarial (S, M)", **small),
            Bound("cond-congruence", CongruenceSpace(), cond_sides(bound),
                  "cond(S M S) <= cond(M) cond(S^2); the worst instance gets a certified ball enclosure",
                  certify=certify_cond(bound), **small),
            Bound("cond-congruence-tight", CongruenceSpace(aligned=True), tight_sides(bound),
                  "tightness: on M diagonal sorted like S the bound is attained (bound <= cond(SMS), with equality)",
                  random=(40, 200, 1000), climbs=(1, 2, 4), climb_steps=(10, 30, 100), hypothesis_examples=(0, 0, 0)),
            Bound("h0-condition", H0Space(), h0_sides(bound),
                  "cond(H_0) <= kappa_bar cond(P_0 D) for random inits x_0, phi, delta", **small),
            Bound("column-norm", ColumnSpace(), column_norm_sides,
                  "||Q e_j||_2 <= sqrt(lambda_max(Q) Q_jj) for every column j", **small),
            Bound("column-ratio", ColumnSpace(), column_ratio_sides(column_rhs),
                  "as in docs/claims.md: max_j ||Q e_j||_2 / Q_jj <= sqrt(kappa_bar kappa_diag)", **small),
            Bound("column-ratio-sharp", ColumnSpace(), column_ratio_sides(sharp_column_rhs),
                  "sharper form (ours, labelled): max_j ||Q e_j||_2 / Q_jj <= sqrt(lambda_max(M) kappa_diag)", **small),
        ],
    )


def _cond_times_cond_s(cond_m, s_max, s_min):
    """Mutant: cond(M) cond(S) in place of cond(M) cond(S^2)."""
    return cond_m * (s_max / s_min)


def _column_sqrt_kdiag(kbar, kdiag, lmax_m, n):
    """Mutant: the kappa_bar factor dropped, ||Q e_j|| / Q_jj <= sqrt(kappa_diag)."""
    return n.sqrt(kdiag)


CLAIM = build()
MUTANTS = {"congruence-bound": {
    "cond-S-not-S-squared": lambda: build(bound=_cond_times_cond_s),
    "column-ratio-without-kappa-bar": lambda: build(column_rhs=_column_sqrt_kdiag),
}}
# A true variant that must not FAIL (selftest): a looser column ratio. (cond(SMS) <= cond(M) cond(S^2) is stated with
# its tightness witnesses: doubling it is false.)
WEAKENINGS = {"congruence-bound": {
    "column-ratio-doubled": lambda: build(column_rhs=lambda kbar, kdiag, lmax_m, n: 2 * n.sqrt(kbar * kdiag)),
}}
