"""F6 `anti-concentration`: the initial gradient rarely has small coordinates (docs/claims.md F6, reconstruction).

With the random initialisation x_0 ~ Unif[-2B, 2B]^d (x* = 0) and any Q with positive diagonal,
g_0 = Q x_0 satisfies, for every j and t > 0,

    P(|g_0^(j)| / Q_jj < t) <= t/(2B),      P(min_j |g_0^(j)| / Q_jj < t) <= d t/(2B),

and |g_0^(j)| <= 2B sqrt(d) ||Q e_j||_2.

Proof: g_0^(j)/Q_jj = x_j + W with W = sum_{i != j} (Q_ji/Q_jj) x_i independent of x_j. The density of
x_j is 1/(4B) on [-2B, 2B]; the density of x_j + W is an average of shifted copies of it, so it is at most
1/(4B); hence P(|x_j + W| < t) <= 2t/(4B) = t/(2B). The second statement is the union bound, the third
Cauchy-Schwarz with ||x_0||_2 <= 2B sqrt(d).

Exact values (numeric evidence): with tau = t/(2B) and a_i = |Q_ji|/Q_jj, the probability is
P(|sum_i a_i U_i| < tau), U_i i.i.d. Unif[-1, 1], whose CDF has the closed form (a box spline)
F(s) = sum_{eps in {+-1}^n} (prod eps_i) (s + sum eps_i a_i)_+^n / (n! 2^n prod a_i). When
sum_{i != j} a_i + tau <= 1 the window (-tau - W, tau - W) always lies inside the support of U_j and
the probability is exactly tau: the bound is attained (diagonal and strongly diagonally dominant rows).
Larger problems are decided by Monte Carlo with Clopper-Pearson intervals.
"""
from __future__ import annotations

import itertools

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Probability, Symbolic, equal, fact, reaches
from proofcheck.numbers import uses_context

from ._common.init import random_init
from ._common.quadratics import nu_dd, rotated, spectrum, with_conditions
from ._common.spaces import SPDSpace

EXACT_MAX_TERMS = 8  # box-spline exact values for up to 8 nonzero coefficients (2^8 terms); Monte Carlo beyond


def rate(t, B):
    """The claimed per-coordinate bound t/(2B): sympy for symbols, else mpf in the ambient mpmath precision."""
    if not isinstance(t, sp.Basic):
        t, B = mpmath.mpf(t), mpmath.mpf(B)  # exact conversion of the case's floats
    return t / (2 * B)


# ---------------------------------------------------------------------------------------------
# Exact probabilities.
# ---------------------------------------------------------------------------------------------
def box_spline_cdf(a, s, dps):
    """P(sum_i a_i U_i <= s) for a_i > 0 and U_i i.i.d. Unif[-1, 1], exactly (up to rounding at ``dps``).

    The alternating sum cancels terms of size up to (s + sum a)^n / (n! 2^n prod a); the working
    precision is raised by the number of digits that cancellation can cost.
    """
    n = len(a)
    if n == 0:
        return mpmath.mpf(1) if s >= 0 else mpmath.mpf(0)
    with mpmath.workdps(dps):
        a = [mpmath.mpf(v) for v in a]
        lost = n * float(mpmath.log10(max(abs(mpmath.mpf(s)) + mpmath.fsum(a), 1))) - float(
            mpmath.log10(mpmath.fprod(a))) + 5
    with mpmath.workdps(dps + max(0, int(lost))):
        s = mpmath.mpf(s)
        total = mpmath.mpf(0)
        for eps in itertools.product((1, -1), repeat=n):
            shift = s + mpmath.fsum(e * ai for e, ai in zip(eps, a))
            if shift > 0:
                total += (1 if eps.count(-1) % 2 == 0 else -1) * shift ** n
        value = total / (mpmath.factorial(n) * 2 ** n * mpmath.fprod(a))
    return +value


def coordinate_coefficients(Q, j):
    """a_i = |Q_ji| / Q_jj over the nonzero entries of row j (a_j = 1), as exact mpf ratios."""
    qjj = mpmath.mpf(Q[j][j])
    return [abs(mpmath.mpf(v)) / qjj for v in Q[j] if v != 0]


def exact_coordinate(case, dps):
    """P(|g_0^(j)| / Q_jj < t) exactly, or None (Monte Carlo) for more than EXACT_MAX_TERMS coefficients."""
    Q, j = case["Q"], case["j"]
    tau = rate(case["t"], case["B"])  # ambient precision: the same rounding as the claimed value
    off = mpmath.fsum(abs(mpmath.mpf(v)) for i, v in enumerate(Q[j]) if i != j) / mpmath.mpf(Q[j][j])
    if off + tau <= 1:
        return tau  # the window always lies inside the support of x_j: P = t/(2B) exactly (tight case)
    a = coordinate_coefficients(Q, j)
    if len(a) > EXACT_MAX_TERMS:
        return None
    with mpmath.workdps(dps):
        tau_hi = mpmath.mpf(case["t"]) / (2 * mpmath.mpf(case["B"]))
        p = box_spline_cdf(a, tau_hi, dps) - box_spline_cdf(a, -tau_hi, dps)
    return p


def exact_min(case, dps):
    """P(min_j |g_0^(j)|/Q_jj < t) exactly for diagonal Q: 1 - (1 - t/(2B))^d (t <= 2B); None otherwise."""
    q = np.asarray(case["Q"], dtype=float)
    if np.any(q != np.diag(np.diag(q))):
        return None
    tau = rate(case["t"], case["B"])
    return 1 - (1 - tau) ** len(q)


# ---------------------------------------------------------------------------------------------
# Monte Carlo counts (float64 screening; the exact values above decide wherever they exist).
# ---------------------------------------------------------------------------------------------
def _ratios(case, rng, n):
    q = np.asarray(case["Q"], dtype=float)
    x = random_init(len(q), case["B"], rng, batch=n)
    return np.abs(x @ q.T) / np.diag(q)


def count_coordinate(case, rng, n):
    return int(np.sum(_ratios(case, rng, n)[:, case["j"]] < case["t"]))


def count_min(case, rng, n):
    return int(np.sum(_ratios(case, rng, n).min(axis=1) < case["t"]))


# ---------------------------------------------------------------------------------------------
# Cases: diagonal (tight), nu-DD (tight and not), dense rotated, strong coupling (row j dominated by
# the others), two-coordinate near-cancellation, and large dense problems (Monte Carlo).
# ---------------------------------------------------------------------------------------------
def _case(family, q, j, tau, B):
    return {"family": family, "Q": np.asarray(q, dtype=float).tolist(), "j": int(j), "t": float(2 * B * tau),
            "B": float(B)}


def adversarial_case(rng, trials):
    """A search for the worst non-attained row: among ``trials`` random rows (d <= 6; rotated or nu-DD with
    random nu) where the shortcut does not apply (sum_{i != j} a_i + tau > 1), the one with the largest exact
    P / tau. Exact values at 20 digits rank the candidates; the check then decides the winner at 50 and 100."""
    best = None
    for _ in range(trials):
        d = int(rng.integers(2, 7))
        lam = spectrum(d, float(np.exp(rng.uniform(0, np.log(1e4)))), "uniform", rng)
        q = rotated(lam, rng) if rng.random() < 0.5 else nu_dd(lam, float(rng.uniform(0, 1)), rng)
        j, tau = int(rng.integers(d)), float(rng.uniform(0.05, 0.95))
        off = np.sum(np.abs(q[j])) / q[j, j] - 1
        if off + tau <= 1:
            continue
        case = _case("adversarial (max P/tau, not attained)", q, j, tau, 1.0)
        with mpmath.workdps(20):
            ratio = exact_coordinate(case, 20) / rate(case["t"], case["B"])
        if best is None or ratio > best[0]:
            best = (ratio, case)
    return best[1]


def coordinate_cases(ctx):
    rng = ctx.rng("cases")
    reps = ctx.pick(2, 6, 20)
    cases = []
    for _ in range(reps):
        d = int(rng.integers(1, 7))
        B = float(np.exp(rng.uniform(np.log(0.1), np.log(10))))
        lam = spectrum(d, float(np.exp(rng.uniform(0, np.log(1e4)))), "uniform", rng)
        cases.append(_case("diagonal", np.diag(lam), rng.integers(d), rng.uniform(0.02, 1.0), B))
        d = int(rng.integers(2, 7))
        tau = float(rng.uniform(0.05, 0.9))
        q = nu_dd(spectrum(d, 100.0, "uniform", rng), (1 - tau) * float(rng.uniform(0.2, 1.0)), rng)
        cases.append(_case("nu-dd, attained", q, rng.integers(d), tau, B))
        q = nu_dd(spectrum(d, 100.0, "uniform", rng), 0.95, rng)
        cases.append(_case("nu-dd 0.95", q, rng.integers(d), float(rng.uniform(0.3, 0.9)), B))
        d = int(rng.integers(2, 7))
        q = rotated(spectrum(d, float(np.exp(rng.uniform(np.log(2), np.log(1e4)))), "logspaced"), rng)
        cases.append(_case("dense rotated", q, rng.integers(d), float(rng.uniform(0.05, 0.9)), B))
        q = with_conditions(d, 50.0, 1e3, rng)
        cases.append(_case("strong coupling (smallest Q_jj)", q, int(np.argmin(np.diag(q))),
                           float(rng.uniform(0.05, 0.9)), B))
        rho = 1 - 10 ** -rng.uniform(1, 4)
        cases.append(_case("near-cancellation 2x2", [[1.0, rho], [rho, 1.0]], 0, float(rng.uniform(0.05, 0.9)), B))
        d = int(rng.choice([12, 24]))
        q = rotated(spectrum(d, 1e3, "logspaced"), rng)
        cases.append(_case("large dense (Monte Carlo)", q, int(np.argmin(np.diag(q))), float(rng.uniform(0.2, 0.6)), B))
        cases.append(adversarial_case(rng, ctx.pick(30, 200, 1000)))
    return cases


def min_cases(ctx):
    rng = ctx.rng("cases")
    reps = ctx.pick(2, 6, 20)
    cases = []
    for _ in range(reps):
        B = float(np.exp(rng.uniform(np.log(0.1), np.log(10))))
        d = int(rng.integers(2, 7))
        lam = spectrum(d, float(np.exp(rng.uniform(0, np.log(1e4)))), "uniform", rng)
        cases.append(_case("diagonal", np.diag(lam), 0, float(rng.uniform(0.02, 1.0)) / d, B))
        for family, q in (("nu-dd 0.5", nu_dd(spectrum(d, 100.0, "uniform", rng), 0.5, rng)),
                          ("dense rotated", rotated(spectrum(d, 1e3, "logspaced"), rng)),
                          ("large dense", rotated(spectrum(16, 1e3, "logspaced"), rng))):
            dd = len(q)
            cases.append(_case(family, q, 0, float(rng.uniform(0.5, 1.0)) / dd, B))
    return cases


def shrink_case(case):
    """Simpler cases: one coordinate, Q = [[1]], B = 1 (same tau), rounder t."""
    q = case["Q"]
    if len(q) > 1:
        yield dict(case, family="diagonal", Q=[[q[case["j"]][case["j"]]]], j=0)
    if q != [[1.0]] and len(q) == 1:
        yield dict(case, Q=[[1.0]])
    if case["B"] != 1.0:
        yield dict(case, B=1.0, t=case["t"] / case["B"])
    for digits in (1, 2):
        t = float(f"{case['t']:.{digits}g}")
        if t != case["t"] and 0 < t <= 2 * case["B"]:
            yield dict(case, t=t)


# ---------------------------------------------------------------------------------------------
# Cauchy-Schwarz: |g_0^(j)| <= 2B sqrt(d) ||Q e_j||.
# ---------------------------------------------------------------------------------------------
class BoxSpace(SPDSpace):
    """(Q, x, B) with Q SPD and x in the box [-2B, 2B]^d (random, or at a corner)."""

    def __init__(self):
        super().__init__("rotated", d_range=(1, 6), kappa_max=1e4, with_vector=True)

    def sample(self, rng):
        d = int(rng.integers(self.d_range[0], self.d_range[1] + 1))
        B = float(np.exp(rng.uniform(np.log(0.1), np.log(10))))
        q = (with_conditions(d, 10.0, 100.0, rng) if d > 1 and rng.random() < 0.3
             else rotated(spectrum(d, float(np.exp(rng.uniform(0, np.log(self.kappa_max)))), "uniform", rng), rng))
        x = random_init(d, B, rng) if rng.random() < 0.5 else 2 * B * rng.choice([-1.0, 1.0], d)
        return {"Q": q.tolist(), "x": x.tolist(), "B": B}

    def perturb(self, inst, rng, scale):
        out = super().perturb(inst, rng, scale)
        out["x"] = np.clip(out["x"], -2 * inst["B"], 2 * inst["B"]).tolist()
        return out

    def shrink(self, inst):
        for out in super().shrink(inst):
            out["x"] = np.clip(out["x"], -2 * inst["B"], 2 * inst["B"]).tolist()
            yield out

    def validate(self, inst):
        super().validate(inst)
        if not inst.get("B", 0) > 0 or np.any(np.abs(inst["x"]) > 2 * inst["B"]):
            raise InvalidInstance("need B > 0 and x in [-2B, 2B]^d")


@uses_context
def cs_sides(inst, n):
    """(max_j |g_0^(j)| / ||Q e_j||, 2B sqrt(d)), in the number context ``n``."""
    q = [[n.num(v) for v in row] for row in inst["Q"]]
    x = [n.num(v) for v in inst["x"]]
    d = len(x)
    g = [abs(n.fsum(q[i][k] * x[k] for k in range(d))) for i in range(d)]
    col = [n.sqrt(n.fsum(q[i][j] ** 2 for i in range(d))) for j in range(d)]
    return n.max(gj / cj for gj, cj in zip(g, col)), 2 * n.num(inst["B"]) * n.sqrt(n.num(d))


# ---------------------------------------------------------------------------------------------
# Symbolic evidence.
# ---------------------------------------------------------------------------------------------
def derivation(ctx, claimed=rate):
    """The convolution argument of docs/claims.md F6; ``claimed(t, B)`` is the claim's per-coordinate bound t/(2B), which
    the integration step and the union-bound steps (d * claimed) are compared with."""
    B, t, z, c, s = sp.symbols("B t z c s", positive=True)
    xs = sp.symbols("x1:4", real=True)
    qd = sp.symbols("Q11 Q22 Q33", positive=True)
    qo = sp.symbols("Q12 Q13 Q23", real=True)
    Q = sp.Matrix([[qd[0], qo[0], qo[1]], [qo[0], qd[1], qo[2]], [qo[1], qo[2], qd[2]]])
    g = Q * sp.Matrix(xs)
    w = sp.symbols("w1:4", nonnegative=True)
    u = sp.symbols("u1:4", nonnegative=True)
    a = sp.symbols("a1:4", real=True)
    # box-spline CDF of U_1 + c U_2 (c < 1) near s = 0: only the two terms with positive shifts survive
    F_plateau = ((s + 1 + c) ** 2 - (s + 1 - c) ** 2) / (2 * 4 * c)
    lagrange = sum((a[i] * xs[k] - a[k] * xs[i]) ** 2 for i in range(3) for k in range(i + 1, 3))
    v = sp.Symbol("v", positive=True)
    p = p_(v)  # tau = t/(2B) = 1/(1+v) in (0, 1), i.e. t = 2B/(1+v) < 2B
    steps = [
        equal("g_0^(1)/Q_11 = x_1 + W, W = (Q_12 x_2 + Q_13 x_3)/Q_11 independent of x_1",
              g[0] / qd[0], xs[0] + (qo[0] * xs[1] + qo[1] * xs[2]) / qd[0]),
        equal("the density of x_j ~ Unif[-2B, 2B] is 1/(4B): it integrates to 1",
              sp.Integral(1 / (4 * B), (z, -2 * B, 2 * B)), 1),
        equal("density of x_j + W is E_W[f_x(z - W)]: for mixture weights w_i (sum w_i = 1) and values h_i = 1 - u_i "
              "in [0, 1] of 4B f_x, sup f_x - f = (sum w_i - sum w_i h_i)/(4B) = sum w_i u_i/(4B)",
              (sum(w) - sum(wi * (1 - ui) for wi, ui in zip(w, u))) / (4 * B), sum(wi * ui for wi, ui in zip(w, u)) / (4 * B)),
        fact("which is >= 0: the density of x_j + W, sum w_i h_i/(4B), is at most sup f_x = 1/(4B)",
             sp.LessThan(sum(wi * (1 - ui) for wi, ui in zip(w, u)) / (4 * B), sum(w) / (4 * B), evaluate=False)),
        equal("example (the exact formula of the numeric check): U_1 + c U_2, c < 1, has density 1/2 = sup of U_1's "
              "on its plateau |s| <= 1 - c", sp.Derivative(F_plateau, s), sp.Rational(1, 2)),
        equal("P(|x_j + W| < t) <= integral_{-t}^{t} 1/(4B) dz = t/(2B)", sp.Integral(1 / (4 * B), (z, -t, t)), t / (2 * B)),
        reaches("the claimed bound is at least that integral (a larger claimed bound is weaker and follows)",
                claimed(t, B), sp.Integral(1 / (4 * B), (z, -t, t))),
    ]
    for d in (2, 3, 4):
        steps.append(fact(f"union bound, exact diagonal case d = {d}: P(min_j ...) = 1 - (1 - tau)^{d} <= d times the "
                          f"claimed bound at t = 2B tau (difference factored, tau = 1/(1+v))",
                          sp.GreaterThan(sp.factor(d * claimed(2 * B * p, B) - (1 - (1 - p) ** d)), 0, evaluate=False)))
    steps += [
        equal("Lagrange identity: ||a||^2 ||x||^2 - <a, x>^2 = sum_{i<k} (a_i x_k - a_k x_i)^2 (Cauchy-Schwarz)",
              sum(ai ** 2 for ai in a) * sum(xi ** 2 for xi in xs) - sum(ai * xi for ai, xi in zip(a, xs)) ** 2, lagrange),
        fact("a sum of squares is >= 0", sp.GreaterThan(lagrange, 0, evaluate=False)),
        fact("||x_0||^2 <= d (2B)^2 on the box (x_i^2 = 4B^2 - u_i, u_i >= 0), so |g_0^(j)| <= 2B sqrt(d) ||Q e_j||",
             sp.LessThan(sum(4 * B ** 2 - ui for ui in u), 3 * (2 * B) ** 2, evaluate=False)),
    ]
    return steps


def p_(v):
    """p = 1/(1+v) in (0, 1) for v > 0."""
    return 1 / (1 + v)


def build(claimed=rate) -> Claim:
    """The claim; ``claimed(t, B)`` is t/(2B) unless mutated."""
    return Claim(
        id="anti-concentration",
        title="Coordinates of the initial gradient are anti-concentrated at scale 2B Q_jj",
        source="docs/claims.md F6 (reconstruction)",
        provenance="reconstruction",
        statement=r"P\big(|g_0^{(j)}|/Q_{jj}<t\big)\le\frac{t}{2B},\ P\big(\min_j|g_0^{(j)}|/Q_{jj}<t\big)\le\frac{dt}{2B},\ "
                  r"|g_0^{(j)}|\le 2B\sqrt d\,\|Qe_j\|_2",
        sympy_statement="P(|x_j + W| < t) <= t/(2*B)",
        hypotheses=["x_0 - x* has i.i.d. Unif[-2B, 2B] coordinates", "Q has a positive diagonal (SPD in the cases)",
                    "t > 0 (cases take t <= 2B, where the bound is not trivially >= 1)"],
        checks=[
            Symbolic("convolution-argument", lambda ctx: derivation(ctx, claimed),
                     "x_j + independent W; sup density 1/(4B); integration; union bound; Cauchy-Schwarz"),
            Probability("per-coordinate", cases=coordinate_cases, count_events=count_coordinate,
                        claimed=lambda case: claimed(case["t"], case["B"]), direction="<=", exact=exact_coordinate,
                        shrink=shrink_case,
                        description="P(|g_0^(j)|/Q_jj < t) <= t/(2B): exact box-spline values (attained exactly on "
                                    "diagonal / strongly DD rows), Monte Carlo for large dense Q"),
            Probability("min-over-coordinates", cases=min_cases, count_events=count_min,
                        claimed=lambda case: len(case["Q"]) * claimed(case["t"], case["B"]), direction="<=",
                        exact=exact_min, shrink=shrink_case,
                        description="P(min_j |g_0^(j)|/Q_jj < t) <= d t/(2B): exact for diagonal Q, Monte Carlo otherwise"),
            Bound("cauchy-schwarz", BoxSpace(), cs_sides,
                  "max_j |g_0^(j)| / ||Q e_j|| <= 2B sqrt(d) over x_0 in the box (tight at d = 1 and at corners)",
                  random=(200, 2000, 20000), climbs=(3, 8, 32), climb_steps=(30, 150, 600), hypothesis_examples=(0, 0, 0)),
        ],
    )


def _quarter(t, B):
    """Mutant: t/(4B) in place of t/(2B) (the diagonal case attains t/(2B) exactly)."""
    return rate(t, B) / 2


CLAIM = build()
MUTANTS = {"anti-concentration": {"quarter-rate": lambda: build(claimed=_quarter)}}
# A true variant that must not FAIL (selftest): the per-coordinate bound doubled, t/B (the derivation proves the
# claimed bound is at least the derived t/(2B): ``reaches``).
WEAKENINGS = {"anti-concentration": {"rate-doubled": lambda: build(claimed=lambda t, B: 2 * rate(t, B))}}
