"""F2 `jacobi-dd`: Jacobi preconditioning of a nu-diagonally-dominant matrix (docs/claims.md, provenance: seed).

If Q is nu-DD (sum_{j != i} |Q_ij| <= nu Q_ii for every row, 0 <= nu < 1), the eigenvalues of the
Jacobi-preconditioned Hessian M = D^{-1/2} Q D^{-1/2} lie in [1 - nu, 1 + nu], so
kappa_bar = cond(M) <= (1 + nu)/(1 - nu). The bound is tight (d = 2, Q = [[1, nu], [nu, 1]]).
Also kappa <= kappa_bar * kappa_diag.

The valid argument (docs/claims.md F2, Symbolic): M = D^{1/2} (D^{-1} Q) D^{-1/2} is similar to D^{-1} Q,
whose Gershgorin discs have centre 1 and radius sum_{j != i} |Q_ij| / Q_ii <= nu.

**The trap.** Gershgorin applied to the symmetric M itself does not work: the off-diagonal row sums
of M, sum_{j != i} |Q_ij| / sqrt(Q_ii Q_jj), can exceed nu (a "hub" row with a large diagonal whose
neighbours have small diagonals). A seeded search finds such an instance; it is kept, checked in
exact arithmetic (sympy) and at 50 digits (mpmath), in the details of the symbolic check (key ``trap``).

Checks: the symbolic derivation; bounds kappa_bar <= (1+nu)/(1-nu) and max|eig(M) - 1| <= nu over
adversarially searched nu-DD matrices (mpmath eigenvalues; a python-flint ball enclosure on the worst
instance); kappa <= kappa_bar * kappa_diag over diagonally rescaled dense SPD matrices.
Mutants (each must FAIL with a confirmed, shrunk witness): (1 + nu) in place of (1 + nu)/(1 - nu), which
the 2 x 2 example already violates; radius nu/2 in place of nu; kappa <= kappa_bar (kappa_diag dropped).
The derivation takes the three claimed formulas as inputs, so each mutant is also disproved symbolically
(the tight example's kappa_bar, its eigenvalues' distance from 1, and a diagonal Q, respectively).
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from proofcheck import Bound, Claim, InvalidInstance, Symbolic, equal, fact
from proofcheck.numbers import uses_context

from ._common.quadratics import dd_ratio, jacobi, mp_matrix, rotated, spectrum
from ._common.spaces import SPDSpace, drop_coordinate, round_instance


def kbar_bound(nu):
    """The claimed bound on kappa_bar for a nu-DD matrix (works for sympy, mpmath, flint and float nu)."""
    return (1 + nu) / (1 - nu)


def eig_radius(nu):
    """The claimed radius of the eigenvalue interval [1 - nu, 1 + nu] of M."""
    return nu


def kbar_kdiag(kbar, kdiag):
    """The claimed bound on kappa in terms of kappa_bar and kappa_diag."""
    return kbar * kdiag


# ---------------------------------------------------------------------------------------------
# Symbolic derivation
# ---------------------------------------------------------------------------------------------
q1, q2, q3 = sp.symbols("Q_11 Q_22 Q_33", positive=True)
a, b, c = sp.symbols("Q_12 Q_13 Q_23", real=True)
lam = sp.Symbol("lambda")
nu_s, p_s = sp.Symbol("nu", nonnegative=True), sp.Symbol("p", positive=True)
slack, u_s, w_s = sp.symbols("s u w", nonnegative=True)
t_s = sp.Symbol("t", positive=True)
mu_max, mu_min, d_max, d_min = sp.symbols("mu_max mu_min d_max d_min", positive=True)


def derivation(ctx, bound=kbar_bound, radius=eig_radius, product=kbar_kdiag):
    """Steps of the similarity + Gershgorin argument, tightness, and kappa <= kappa_bar * kappa_diag.

    The three claimed formulas (``bound`` on kappa_bar, ``radius`` of the eigenvalue interval, ``product`` for
    kappa) are the derivation's inputs: each is compared with what the argument gives and with the tight examples
    (Q = [[1, nu], [nu, 1]] for the first two, a diagonal Q for the third), so a changed formula is disproved here.
    Matrix products are written unevaluated (``MatMul``) so that each step shows what was multiplied.
    """
    Q = sp.ImmutableMatrix([[q1, a, b], [a, q2, c], [b, c, q3]])
    D_inv = sp.ImmutableMatrix(sp.diag(*[1 / q for q in (q1, q2, q3)]))
    D_half = sp.ImmutableMatrix(sp.diag(*[sp.sqrt(q) for q in (q1, q2, q3)]))
    D_mhalf = sp.ImmutableMatrix(sp.diag(*[1 / sp.sqrt(q) for q in (q1, q2, q3)]))
    M = sp.MatMul(D_mhalf, Q, D_mhalf, evaluate=False)
    J = sp.MatMul(D_inv, Q, evaluate=False)  # D^{-1} Q
    centres = sp.Matrix([MatrixElement(J, i, i) for i in range(3)])  # (D^{-1} Q)_ii, unevaluated
    radii = sp.Matrix([sum(sp.Abs(MatrixElement(J, i, j)) for j in range(3) if j != i) for i in range(3)])
    nu_p = p_s / (1 + p_s)  # nu in (0, 1), so that sympy knows 1 - nu > 0
    Q2 = sp.Matrix([[1, nu_s], [nu_s, 1]])
    lam_hi, lam_lo = sp.symbols("lambda_+ lambda_-", positive=True)  # the eigenvalues of Q2
    tight = ((lam_hi, lam_lo), (1 + nu_p, 1 - nu_p))  # ... which the characteristic polynomial step identifies
    x = sp.Matrix(sp.symbols("x1:4", real=True))
    kdiag = 1 + t_s  # a diagonal Q = diag(d_min, d_max) with kappa_diag = d_max / d_min = 1 + t > 1
    return [
        equal("M = D^{-1/2} Q D^{-1/2} equals D^{1/2} (D^{-1} Q) D^{-1/2} (generic symmetric 3x3 Q)",
              M, sp.MatMul(D_half, D_inv, Q, D_mhalf, evaluate=False)),
        equal("similarity: D^{-1/2} M D^{1/2} = D^{-1} Q", sp.MatMul(D_mhalf, M, D_half, evaluate=False), J),
        equal("so M and D^{-1} Q have the same characteristic polynomial, hence the same eigenvalues",
              sp.Determinant(M - lam * sp.eye(3)), sp.Determinant(J - lam * sp.eye(3))),
        equal("M is symmetric, so its eigenvalues are real", M, sp.Transpose(M)),
        equal("Gershgorin discs of D^{-1} Q have centres (D^{-1} Q)_ii = 1", centres, sp.ones(3, 1)),
        equal("and radii sum_{j != i} |Q_ij| / Q_ii", radii,
              sp.Matrix([(sp.Abs(a) + sp.Abs(b)) / q1, (sp.Abs(a) + sp.Abs(c)) / q2, (sp.Abs(b) + sp.Abs(c)) / q3])),
        fact("under nu-DD, sum_{j != i} |Q_ij| = nu Q_ii - s with slack s >= 0, so each radius is within the claimed "
             "radius: eig(M) (real, in the union of the discs) lies in [1 - radius(nu), 1 + radius(nu)]",
             sp.Le((nu_s * q1 - slack) / q1, radius(nu_s), evaluate=False)),
        fact("so lambda_max <= 1 + nu - u, lambda_min >= 1 - nu + w with slacks u, w >= 0, and the ratio "
             "(1+nu-u)/(1-nu+w) is at most the claimed bound on kappa_bar (nu = p/(1+p) in (0,1))",
             sp.Ge(bound(nu_p), (1 + nu_p - u_s) / (1 - nu_p + w_s), evaluate=False)),
        equal("tightness: Q = [[1, nu], [nu, 1]] (nu-DD with equality, D = I, M = Q) has characteristic polynomial "
              "(lambda - (1 - nu))(lambda - (1 + nu)), so its eigenvalues are 1 + nu and 1 - nu",
              sp.Determinant(Q2 - lam * sp.eye(2)), (lam - (1 - nu_s)) * (lam - (1 + nu_s))),
        equal("so the tight example attains the claimed bound: kappa_bar = (1+nu)/(1-nu) (nu = p/(1+p) in (0,1))",
              sp.Subs(lam_hi / lam_lo, *tight), bound(nu_p)),
        fact("and its eigenvalues lie at distance nu from 1, within the claimed radius",
             sp.Le(sp.Subs(sp.Max(sp.Abs(lam_hi - 1), sp.Abs(lam_lo - 1)), *tight), radius(nu_p), evaluate=False)),
        equal("Rayleigh: x^T Q x = y^T M y with y = D^{1/2} x, and |y|^2 = x^T D x in [d_min |x|^2, d_max |x|^2]",
              (x.T * Q * x)[0], ((D_half * x).T * M.as_explicit() * (D_half * x))[0]),
        fact("so lambda_max(Q) = mu_max d_max - u, lambda_min(Q) = mu_min d_min + w (u, w >= 0) and "
             "kappa <= (mu_max/mu_min)(d_max/d_min), the claimed kappa_bar * kappa_diag",
             sp.Ge(product(mu_max / mu_min, d_max / d_min), (mu_max * d_max - u_s) / (mu_min * d_min + w_s),
                   evaluate=False)),
        fact("a diagonal Q has M = I (kappa_bar = mu_max/mu_min = 1) and kappa = kappa_diag = 1 + t > 1: the claimed "
             "product covers it", sp.Ge(product(sp.Subs(mu_max / mu_min, (mu_max, mu_min), (1, 1)), kdiag), kdiag,
                                        evaluate=False)),
    ]


# ---------------------------------------------------------------------------------------------
# The trap: a nu-DD matrix whose symmetric M has an off-diagonal row sum above nu
# ---------------------------------------------------------------------------------------------
def m_row_excess(q: np.ndarray) -> float:
    """max_i sum_{j != i} |M_ij| / (smallest admissible nu) - 1, in float64 (search only)."""
    nu = dd_ratio(q)
    m = jacobi(q)
    return float((np.abs(m).sum(axis=1) - 1).max() / nu - 1) if nu > 0 else -1.0


def _exact_nu(q_rows) -> Fraction:
    """The smallest nu for which Q is nu-DD, in exact rational arithmetic (entries taken exactly)."""
    qf = [[Fraction(v) for v in row] for row in q_rows]
    return max(sum(abs(x) for j, x in enumerate(row) if j != i) / row[i] for i, row in enumerate(qf))


def trap_certificate(q_rows, dps: int = 50) -> dict:
    """Exact (sympy) and 50-digit (mpmath) record that Q is nu-DD yet M has a row sum > nu.

    ``nu`` is the smallest admissible value (exact rational); rows of M are compared with it.
    """
    nu = _exact_nu(q_rows)
    d = len(q_rows)
    qs = [[sp.Rational(Fraction(v)) for v in row] for row in q_rows]
    row_sums = [sum(sp.Abs(qs[i][j]) / sp.sqrt(qs[i][i] * qs[j][j]) for j in range(d) if j != i) for i in range(d)]
    i_max = max(range(d), key=lambda i: float(row_sums[i]))
    excess = row_sums[i_max] - sp.Rational(nu)
    exact = sp.simplify(excess > 0)
    with mpmath.workdps(dps):
        mq = mp_matrix(q_rows, dps)
        mp_rows = [mpmath.fsum(abs(mq[i, j]) / mpmath.sqrt(mq[i, i] * mq[j, j]) for j in range(d) if j != i)
                   for i in range(d)]
        mp_excess = mp_rows[i_max] - mpmath.mpf(nu.numerator) / nu.denominator
    spd = sp.Matrix(qs).is_positive_definite
    return {"Q": [list(map(float, row)) for row in q_rows], "nu": f"{nu.numerator}/{nu.denominator}",
            "nu_float": float(nu), "row": i_max, "m_row_sum": mpmath.nstr(mp_rows[i_max], 20),
            "m_row_sum_minus_nu": mpmath.nstr(mp_excess, 20), "dps": dps,
            "exact_row_sum_exceeds_nu": bool(exact is sp.true), "nu_dd_exact": bool(nu < 1), "spd_exact": bool(spd),
            "meaning": "Q is nu-DD (nu = its exact smallest admissible value) but row `row` of M = D^-1/2 Q D^-1/2 "
                       "has off-diagonal sum > nu: Gershgorin on M alone cannot give [1-nu, 1+nu]"}


def find_trap(ctx, space: SPDSpace) -> dict:
    """Seeded search (random nu-DD samples, then hill climbing on the M-row excess), then simplification."""
    rng = ctx.rng("trap")
    pool = [np.array(space.sample(rng)["Q"]) for _ in range(ctx.pick(200, 1000, 5000))]
    best = max(pool, key=m_row_excess)
    score, scale, fails = m_row_excess(best), 0.3, 0
    for _ in range(ctx.pick(200, 600, 2000)):
        cand = np.array(space.perturb({"Q": best.tolist(), "nu": dd_ratio(best)}, rng, scale)["Q"])
        s = m_row_excess(cand)
        if s > score:
            best, score, fails = cand, s, 0
        else:
            fails += 1
            if fails >= 10:
                scale, fails = max(scale / 2, 1e-6), 0
    if score <= 0:
        return {"found": False, "tried": len(pool), "best_float64_excess": score}
    # simplify: fewer coordinates (principal submatrices) and 3 significant digits, while still a trap
    shrunk = best
    improved = True
    while improved and len(shrunk) > 2:
        improved = False
        for drop in range(len(shrunk)):
            sub = np.array(drop_coordinate({"Q": shrunk.tolist()}, drop)["Q"])
            if m_row_excess(sub) > 0:
                shrunk, improved = sub, True
                break
    rounded = np.array(round_instance({"Q": shrunk.tolist()}, 3)["Q"])
    cert = trap_certificate(rounded.tolist())
    if not (cert["exact_row_sum_exceeds_nu"] and cert["nu_dd_exact"] and cert["spd_exact"]):
        cert = trap_certificate(shrunk.tolist())
    cert.update(found=bool(cert["exact_row_sum_exceeds_nu"] and cert["nu_dd_exact"] and cert["spd_exact"]),
                tried=len(pool), search_excess_ratio=score + 1)
    return cert


class DerivationWithTrap(Symbolic):
    """The symbolic derivation; its evidence also carries the trap instance (details['trap'])."""

    def __init__(self, name, derive, trap, description=""):
        super().__init__(name, derive, description)
        self.trap = trap

    def evaluate(self, ctx):
        evidence = super().evaluate(ctx)
        evidence.details["trap"] = self.trap(ctx)
        return evidence


# ---------------------------------------------------------------------------------------------
# Numeric bounds
# ---------------------------------------------------------------------------------------------
def _exact_rows(q) -> list:
    return [[Fraction(v) for v in row] for row in q]


class ExactNuDDSpace(SPDSpace):
    """SPDSpace("nu-dd") whose hypothesis is checked in exact arithmetic on the stored floats.

    float64 row sums can round a matrix that is not nu-DD into one that looks nu-DD; the bound is
    then confirmed at 100 digits on an instance outside the hypothesis. Here Q must be exactly
    symmetric and exactly nu-DD; a sample that misses by rounding gets nu raised to the next float
    above its exact ratio (a change of one ulp in the hypothesis, never in the statement).
    """

    def __init__(self, **kw):
        super().__init__("nu-dd", **kw)

    def sample(self, rng):
        inst = super().sample(rng)
        exact = _exact_nu(inst["Q"])
        if exact > Fraction(inst["nu"]):
            nu = float(exact)
            inst["nu"] = nu if Fraction(nu) >= exact else float(np.nextafter(nu, 2.0))
        return inst

    def validate(self, inst):
        super().validate(inst)
        q = np.array(inst["Q"], dtype=float)
        if np.any(q != q.T):
            raise InvalidInstance("Q must be exactly symmetric")
        if _exact_nu(inst["Q"]) > Fraction(inst["nu"]):
            raise InvalidInstance("Q is not nu-diagonally dominant in exact arithmetic")


class ScaledSPDSpace(SPDSpace):
    """Dense SPD matrices S R S: R a random rotation of a spectrum in [1, kappa], S a diagonal with spread up to 1e4.

    The diagonal rescaling makes kappa_diag large and kappa_bar independent of it, which is where
    kappa <= kappa_bar * kappa_diag can be tight or fail.
    """

    def __init__(self, d_range=(2, 8), kappa_max=1e4, spread_max=1e4):
        super().__init__("rotated", d_range=d_range, kappa_max=kappa_max)
        self.spread_max = spread_max

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        kappa = float(np.exp(rng.uniform(0, np.log(self.kappa_max))))
        r = rotated(spectrum(d, kappa, str(rng.choice(["logspaced", "two-cluster", "outlier", "uniform"])), rng), rng)
        s = np.sqrt(np.exp(rng.uniform(0, np.log(self.spread_max), d)))
        return {"Q": (r * np.outer(s, s)).tolist()}

    def validate(self, inst):
        super().validate(inst)
        q = np.array(inst["Q"], dtype=float)
        if np.any(q != q.T):
            raise InvalidInstance("Q must be exactly symmetric")


def jacobi_matrix(q, n):
    """M = D^{-1/2} Q D^{-1/2} in the context ``n`` (entries of Q taken exactly), as (Q_ij s_i) s_j, s = D^{-1/2}."""
    m = n.mat(q)
    s = 1 / n.vsqrt(np.diagonal(m))
    return m * s[:, None] * s[None, :]


def _jacobi_eigs(q, n):
    """The ascending eigenvalues of M in the context ``n``."""
    return n.eigvalsh(jacobi_matrix(q, n))


def kbar_sides(bound):
    """kappa_bar = cond(M) <= bound(nu)."""

    @uses_context
    def sides(inst, n):
        mu = _jacobi_eigs(inst["Q"], n)
        return mu[-1] / mu[0], bound(n.num(inst["nu"]))

    return sides


def interval_sides(radius):
    """max(lambda_max(M) - 1, 1 - lambda_min(M)) <= radius(nu): eig(M) in [1 - nu, 1 + nu]."""

    @uses_context
    def sides(inst, n):
        mu = _jacobi_eigs(inst["Q"], n)
        return n.max(mu[-1] - 1, 1 - mu[0]), radius(n.num(inst["nu"]))

    return sides


def product_sides(product):
    """kappa <= product(kappa_bar, kappa_diag)."""

    @uses_context
    def sides(inst, n):
        lam_ = n.eigvalsh(inst["Q"])
        mu = _jacobi_eigs(inst["Q"], n)
        diag = [n.num(row[i]) for i, row in enumerate(inst["Q"])]
        return lam_[-1] / lam_[0], product(mu[-1] / mu[0], n.max(*diag) / n.min(*diag))

    return sides


# ---------------------------------------------------------------------------------------------
# Certified enclosures (python-flint balls) of the deciding eigenvalues
# ---------------------------------------------------------------------------------------------
def _arb_jacobi(q):
    """M in ball arithmetic at the current flint precision (Q entries taken exactly)."""
    import flint

    qa = [[flint.arb(float(v)) for v in row] for row in q]
    s = [1 / qa[i][i].sqrt() for i in range(len(q))]
    return [[qa[i][j] * s[i] * s[j] for j in range(len(q))] for i in range(len(q))]


def certify(which, bound=kbar_bound, radius=eig_radius, product=kbar_kdiag):
    """A ``certify`` callback: ball enclosures of eig(M) (and eig(Q)) and the certified side of the bound.

    ``certified`` is True when the balls decide the inequality (``outcome`` says which way).
    """

    def run(inst):
        try:
            import flint

            from ._common.certified import ball_json, certify_gt, certify_le, eigenvalue_balls
        except ImportError as exc:  # python-flint is an optional extra
            return {"certified": False, "backend": "none", "reason": f"python-flint unavailable: {exc}"}
        old = flint.ctx.prec
        flint.ctx.prec = 256
        try:
            m_balls, prec = eigenvalue_balls(_arb_jacobi(inst["Q"]))
            flint.ctx.prec = 256
            if which == "product":
                q_balls, prec_q = eigenvalue_balls(inst["Q"])
                flint.ctx.prec = 256
                diag = [flint.arb(float(row[i])) for i, row in enumerate(inst["Q"])]
                lhs = q_balls[-1] / q_balls[0]
                rhs = product(m_balls[-1] / m_balls[0], max(diag, key=float) / min(diag, key=float))
                prec, balls = max(prec, prec_q), {"M": [ball_json(x) for x in m_balls], "Q": [ball_json(x) for x in q_balls]}
                holds, violated = certify_le(lhs, rhs), certify_gt(lhs, rhs)
            else:
                nu = flint.arb(float(inst["nu"]))
                if which == "kbar":
                    lhs, rhs = m_balls[-1] / m_balls[0], bound(nu)
                    holds, violated = certify_le(lhs, rhs), certify_gt(lhs, rhs)
                else:  # interval: both lambda_max - 1 <= radius(nu) and 1 - lambda_min <= radius(nu)
                    sides = (m_balls[-1] - 1, 1 - m_balls[0])
                    lhs, rhs = max(sides, key=lambda x: float(x.mid())), radius(nu)
                    holds = all(certify_le(x, rhs) for x in sides)
                    violated = any(certify_gt(x, rhs) for x in sides)
                balls = {"M": [ball_json(x) for x in m_balls]}
            return {"certified": bool(holds or violated),
                    "outcome": "bound holds" if holds else ("bound violated" if violated else "undecided (balls overlap)"),
                    "prec_bits": prec, "width": float(2 * max(x.rad() for x in m_balls)), "lhs_width": float(2 * lhs.rad()),
                    "lhs": ball_json(lhs), "rhs": ball_json(rhs), "balls": balls,
                    "backend": f"python-flint {flint.__version__} acb_mat.eig"}
        finally:
            flint.ctx.prec = old

    return run


def build(bound=kbar_bound, radius=eig_radius, product=kbar_kdiag) -> Claim:
    """The claim; the three right-hand sides are parameters so that the mutants can replace them."""
    dd_space = ExactNuDDSpace(d_range=(2, 8), kappa_max=1e6, nu_max=0.99)
    return Claim(
        id="jacobi-dd",
        title="For nu-DD Q, eig(D^-1/2 Q D^-1/2) lies in [1-nu, 1+nu]: kappa_bar <= (1+nu)/(1-nu), tightly",
        source="paper summary (seed); docs/claims.md F2",
        provenance="seed",
        statement=r"Q\ \nu\text{-DD} \Rightarrow \lambda(D^{-1/2}QD^{-1/2}) \subset [1-\nu, 1+\nu],\ "
                  r"\bar\kappa \le \frac{1+\nu}{1-\nu}\ \text{(tight at } d=2);\ \kappa \le \bar\kappa\,\kappa_{diag}",
        sympy_statement=sp.sstr(sp.Le(sp.Symbol("kappa_bar"), bound(nu_s))),
        hypotheses=["Q symmetric with positive diagonal", "nu-DD: sum_{j != i} |Q_ij| <= nu Q_ii for every i, 0 <= nu < 1",
                    "for kappa <= kappa_bar * kappa_diag: Q symmetric positive definite"],
        notes="Gershgorin on the symmetric M is NOT a valid argument (its row sums can exceed nu; the trap instance "
              "is in the symbolic evidence, details.trap); the similarity M ~ D^{-1} Q is.",
        checks=[
            DerivationWithTrap("similarity-gershgorin", lambda ctx: derivation(ctx, bound, radius, product),
                               lambda ctx: find_trap(ctx, dd_space),
                               "M ~ D^{-1} Q, Gershgorin on D^{-1} Q, the ratio, tightness, kappa <= kappa_bar kappa_diag; "
                               "plus the trap instance for Gershgorin on M"),
            Bound("kappa-bar-bound", dd_space, kbar_sides(bound),
                  "cond(D^-1/2 Q D^-1/2) <= (1+nu)/(1-nu) over adversarially searched nu-DD Q",
                  certify=certify("kbar", bound)),
            Bound("eigenvalue-interval", dd_space, interval_sides(radius),
                  "max(lambda_max(M) - 1, 1 - lambda_min(M)) <= nu over adversarially searched nu-DD Q",
                  certify=certify("interval", radius=radius)),
            Bound("kappa-le-kbar-kdiag", ScaledSPDSpace(), product_sides(product),
                  "cond(Q) <= cond(D^-1/2 Q D^-1/2) * max Q_ii / min Q_ii over diagonally rescaled dense SPD Q",
                  certify=certify("product", product=product)),
        ],
    )


CLAIM = build()
MUTANTS = {"jacobi-dd": {
    # below the tight example: Q = [[1, nu], [nu, 1]] has kappa_bar = (1+nu)/(1-nu) > 1 + nu for nu > 0
    "kbar-one-plus-nu": lambda: build(bound=lambda nu: 1 + nu),
    # the same example has eigenvalues 1 +- nu, outside [1 - nu/2, 1 + nu/2]
    "eig-radius-half-nu": lambda: build(radius=lambda nu: nu / 2),
    # dropping kappa_diag: a diagonal Q has kappa_bar = 1 < kappa
    "kappa-le-kbar": lambda: build(product=lambda kbar, kdiag: kbar),
}}
# True variants that must not FAIL (selftest): a looser kappa bound in terms of kappa_bar kappa_diag, and a wider
# eigenvalue interval. (The kappa_bar bound (1+nu)/(1-nu) is stated with equality at d = 2: doubling it is false.)
WEAKENINGS = {"jacobi-dd": {
    "kappa-le-twice-kbar-kdiag": lambda: build(product=lambda kbar, kdiag: 2 * kbar * kdiag),
    "eig-radius-doubled": lambda: build(radius=lambda nu: 2 * nu),
}}
