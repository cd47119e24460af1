"""S5 `per-coordinate-pl` (docs/claims.md S5; abstract and seed; our WEAKEST reconstruction).

Hypotheses, for f with minimum value f*:
  (H1) per-coordinate smoothness: f(y) <= f(x) + <grad f(x), y - x> + 1/2 sum_j L_j (y_j - x_j)^2 for all x, y;
  (H2) modified Polyak-Lojasiewicz on the sublevel set S_0 = {f <= f(x_0)}:
       sum_j g_j^2 / L_j >= 2 mu_L (f - f*).
Claim (the paper's wording): Algorithm A converges linearly at a rate depending on mu_L and an
initialisation-dependent quantity, and beats GD (rate depending on max_j L_j / mu) when it is small.

The rate expression checked here (our reconstruction, derived in :func:`derivation`):
  for beta2 in (0, 1], delta > 0 and alpha <= delta min_j r_j / L_j,
      f(x_k) - f* <= rho^k (f(x_0) - f*),   rho = 1 - alpha mu_L min_j L_j / (G_j + delta r_j),
  with r_j = max(|g_0^(j)|, phi) and G_j = max(r_j, sqrt(2 L_j (f(x_0) - f*))).
  At alpha = delta min_j r_j / L_j and G_j = r_j this is rho = 1 - (delta/(1+delta)) mu_L / rho_0, where
  rho_0 = max_j (L_j/r_j) / min_j (L_j/r_j) = cond(diag(L) P_0) is the initialisation-dependent quantity;
  GD with eta = 1/L_max under the ordinary PL constant mu has 1 - mu/L_max.
Test functions (lemmas/adam/_common/testfunctions.py): separable and weakly coupled log-cosh sums, and a
small L2-regularised logistic regression; the hypotheses are checked on them as ``bound`` checks.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, equal, fact
from proofcheck.numbers import uses_context
from proofcheck.numerics import HIGH_DPS

from ._common.init import random_init
from ._common.testfunctions import FAMILIES, adam_general_mp, make, random_spec

SCREEN_DPS = 20  # the hypotheses' screening runs in mpmath at 20 digits (cheap; float64 would also do)
RATE_ITERS = 150

# ---------------------------------------------------------------------------------------------
# The statement (the mutants replace these)
# ---------------------------------------------------------------------------------------------


def pl_constant(fn, F):
    """mu_L on {f <= F}, as encoded by the test function (H2)."""
    return fn.mu_L(F)


def rate(alpha, mu_L, L, r, G, delta):
    """The reconstructed per-step factor rho = 1 - alpha mu_L min_j L_j / (G_j + delta r_j)."""
    return 1 - alpha * mu_L * min(Lj / (Gj + delta * rj) for Lj, Gj, rj in zip(L, G, r))


# ---------------------------------------------------------------------------------------------
# Symbolic derivation
# ---------------------------------------------------------------------------------------------


# H2 with the encoded constant, at an interior point of a sublevel set where mu_L is known in closed form:
# f(x) = log cosh x (c = 1, one coordinate), F = log cosh 1, so the sublevel set is |x| <= 1 and mu_L = psi(1); at
# x = 1/2, H2 reads 2 mu_L log cosh(1/2) <= tanh(1/2)^2, i.e. mu_L <= psi(1/2) (psi decreasing: a 25% margin).
H2_PROBE = {"family": "logcosh", "c": [1.0], "m": [0.0], "eps": 0.0}


def _encoded_pl_constant(mu_of):
    """mu_of on H2_PROBE's sublevel set {log cosh x <= log cosh 1}, as a 50-digit sympy Float."""
    with mpmath.workdps(HIGH_DPS):
        mu = mu_of(make(H2_PROBE), mpmath.log(mpmath.cosh(1)))
        return sp.Float(mpmath.nstr(mu, HIGH_DPS), HIGH_DPS)


def derivation(ctx, rate_fn=rate, mu_of=pl_constant):
    """The reconstruction's proof, step by step (two coordinates suffice for the identities).

    ``rate_fn`` (the claimed per-step factor) and ``mu_of`` (the encoded PL constant) are the claim's own: the rate
    is compared with the factor the descent argument proves and with its specialisation, the PL constant with H2."""
    al, dl, f, fs, mu, muL, s1, s2, t = sp.symbols("alpha delta f f_star mu mu_L s1 s2 t", positive=True)
    g1, g2 = sp.symbols("g1 g2", real=True)
    L1, L2, P1, P2, r1, G1, rho0, kap = sp.symbols("L1 L2 P1 P2 r1 G1 rho_0 kappa", positive=True)
    step = [-al * P1 * g1, -al * P2 * g2]  # y - x for x_{k+1} = x_k - alpha P_k g_k
    h1_rhs = f + g1 * step[0] + g2 * step[1] + (L1 * step[0] ** 2 + L2 * step[1] ** 2) / 2
    descent = f - al * (P1 * g1**2 * (1 - al * L1 * P1 / 2) + P2 * g2**2 * (1 - al * L2 * P2 / 2))
    tt = sp.Symbol("tau", real=True)
    one_d = f + g1 * tt + L1 * tt**2 / 2  # H1 along coordinate 1 only
    t_min = sp.solve(sp.Derivative(one_d, tt).doit(), tt)[0]
    adam_bound = (dl / (1 + dl)) * muL / rho0
    p_lower = 1 / (G1 / (1 + t) + dl * r1)  # P_k^(1) = 1/(sqrt(v) + delta r_1) with sqrt(v) = G_1/(1+t) <= G_1
    half = sp.Rational(1, 2)
    lr_max = sp.Symbol("max_j_L_j/r_j", positive=True)
    return [
        equal("H1 at y = x - alpha P g gives f(x_{k+1}) <= f - alpha sum_j P_j g_j^2 (1 - alpha L_j P_j / 2)",
              h1_rhs, descent),
        fact("with alpha L_j P_j <= 1 (P_j = 1/(alpha L_j (1+s))): 1 - alpha L_j P_j / 2 >= 1/2",
             sp.StrictGreaterThan(sp.Subs(1 - al * L1 * P1 / 2, P1, 1 / (al * L1 * (1 + s1))), half, evaluate=False)),
        fact("P_j <= 1/(delta r_j) always (sqrt(v) >= 0), so alpha <= delta r_j / L_j gives alpha L_j P_j <= 1",
             sp.GreaterThan(sp.factor((1 - al * L1 / (dl * r1)).subs(al, dl * r1 / (L1 * (1 + s1)))), 0, evaluate=False)),
        fact("sum_j P_j g_j^2 >= min_j (L_j P_j) sum_j g_j^2 / L_j (termwise, with L_2 P_2 = (1 + s2) L_1 P_1)",
             sp.GreaterThan(sp.factor((P1 * g1**2 + P2 * g2**2 - L1 * P1 * (g1**2 / L1 + g2**2 / L2))
                                      .subs(P2, (1 + s2) * L1 * P1 / L2)), 0, evaluate=False)),
        equal("with H2: f_{k+1} - f* <= (1 - alpha mu_L min_j L_j P_j)(f_k - f*) follows from "
              "f_{k+1} <= f_k - (alpha/2) min_j(L_j P_j) * 2 mu_L (f_k - f*)",
              f - (al / 2) * (L1 * P1) * 2 * muL * (f - fs) - fs, (1 - al * muL * L1 * P1) * (f - fs)),
        equal("H1 along one coordinate: min_tau f + g tau + L tau^2/2 (at the root of the derivative) = f - g^2/(2L), "
              "so g_j^2 <= 2 L_j (f - f*)", sp.Subs(one_d, tt, t_min), f - g1**2 / (2 * L1)),
        fact("f is non-increasing, so v_k^(j) <= max(r_j^2, 2 L_j (f_0 - f*)) = G_j^2 and "
             "P_k^(j) = 1/(sqrt(v) + delta r_j) >= 1/(G_j + delta r_j) (sqrt(v) = G_j/(1+t); difference factored)",
             sp.StrictGreaterThan(sp.factor(p_lower - 1 / (G1 + dl * r1)), 0, evaluate=False)),
        fact("so the claimed factor rho is at least the proven per-step factor 1 - alpha mu_L L_j P_k^(j) "
             "(one coordinate; difference factored)",
             sp.GreaterThan(sp.factor(rate_fn(al, muL, [L1], [r1], [G1], dl) - (1 - al * muL * L1 * p_lower)), 0,
                            evaluate=False)),
        equal("at alpha = delta r_1/L_1 and G_1 = r_1 (one coordinate, rho_0 = 1) the claimed factor is "
              "1 - (delta/(1+delta)) mu_L", rate_fn(dl * r1 / L1, muL, [L1], [r1], [r1], dl), 1 - adam_bound.subs(rho0, 1)),
        equal("in general alpha mu_L min_j L_j/((1+delta) r_j) at alpha = delta min_j r_j/L_j is "
              "(delta/(1+delta)) mu_L / rho_0 with rho_0 = max(L/r)/min(L/r), i.e. min(L/r) = max(L/r)/rho_0",
              sp.Mul(dl / lr_max, muL, lr_max / rho0, 1 / (1 + dl), evaluate=False), adam_bound),
        equal("diagonal quadratics: L_j = lambda_j and sum_j g_j^2 / lambda_j = 2 f exactly, so mu_L = 1 "
              "(two coordinates, g_j = lambda_j x_j)", sp.Subs(g1**2 / L1 + g2**2 / L2, (g1, g2), (L1 * s1, L2 * s2)),
              2 * (L1 * s1**2 + L2 * s2**2) / 2),
        fact("the comparison with GD (eta = 1/L_max, PL constant mu = 1/kappa on a diagonal quadratic): Adam's factor "
             "is smaller when rho_0 < (delta/(1+delta)) kappa",
             sp.StrictGreaterThan(sp.Subs(adam_bound.subs(muL, 1), rho0, dl * kap / ((1 + dl) * (1 + t))), 1 / kap,
                                  evaluate=False)),
        fact("H2 with the encoded PL constant on log cosh (sublevel set |x| <= 1, mu_L = psi(1)), at x = 1/2: "
             "2 mu_L (f - f*) <= g^2 / L", sp.LessThan(2 * _encoded_pl_constant(mu_of) * sp.log(sp.cosh(half)),
                                                        sp.tanh(half) ** 2, evaluate=False)),
    ]


# ---------------------------------------------------------------------------------------------
# The hypotheses as bound checks on the test functions
# ---------------------------------------------------------------------------------------------


def _start(fn, rng):
    """x* + a random-initialisation offset (B = 1), as floats."""
    with mpmath.workdps(SCREEN_DPS):
        xs, _ = fn.minimiser()
        return (np.array([float(v) for v in xs]) + random_init(fn.d, 1.0, rng)).tolist()


class HypothesisSpace(Space):
    """(test function, F = f(x_0) of a random start, x, y). ``sublevel``: x is pulled into {f <= F}."""

    def __init__(self, sublevel: bool):
        self.sublevel = sublevel

    def sample(self, rng):
        family = str(rng.choice(FAMILIES))
        spec = random_spec(family, int(rng.integers(2, 4)), rng)
        fn = make(spec)
        x0 = _start(fn, rng)
        with mpmath.workdps(SCREEN_DPS):
            F = float(fn.value(x0))
            xs = np.array([float(v) for v in fn.minimiser()[0]])
            x = xs + rng.uniform(-3, 3, fn.d)
            if self.sublevel:  # pull x towards x* until f(x) <= F
                while float(fn.value(list(x))) > F:
                    x = xs + 0.7 * (x - xs)
        y = x + rng.standard_normal(fn.d) * float(np.exp(rng.uniform(np.log(1e-3), np.log(3))))
        return {"spec": spec, "F": F, "x": x.tolist(), "y": y.tolist()}

    def perturb(self, inst, rng, scale):
        out = dict(inst)
        out["x"] = (np.array(inst["x"]) + scale * rng.standard_normal(len(inst["x"]))).tolist()
        out["y"] = (np.array(inst["y"]) + scale * rng.standard_normal(len(inst["y"]))).tolist()
        return out

    def validate(self, inst):
        if "spec" not in inst or len(inst["x"]) != len(inst["y"]):
            raise InvalidInstance("need a test-function spec and points x, y of equal dimension")
        if self.sublevel:
            fn = make(inst["spec"])
            with mpmath.workdps(SCREEN_DPS):
                if fn.value(inst["x"]) > mpmath.mpf(inst["F"]):
                    raise InvalidInstance("x must lie in the sublevel set {f <= F}")


# The hypotheses' sides are computed in mpmath, screened at SCREEN_DPS (``uses_context(screen_dps=)``).


@uses_context(screen_dps=SCREEN_DPS)
def smoothness_sides(inst, n):
    """(H1) lhs = f(y) - f(x) - <g(x), y - x>, rhs = 1/2 sum_j L_j (y_j - x_j)^2."""
    fn = make(inst["spec"])
    with n.working():
        x, y = [mpmath.mpf(v) for v in inst["x"]], [mpmath.mpf(v) for v in inst["y"]]
        g = fn.grad(x)
        lhs = fn.value(y) - fn.value(x) - mpmath.fsum(gj * (yj - xj) for gj, yj, xj in zip(g, y, x))
        rhs = mpmath.fsum(Lj * (yj - xj) ** 2 for Lj, yj, xj in zip(fn.L(), y, x)) / 2
        return n.num(lhs), n.num(rhs)


def pl_sides(mu_of=pl_constant):
    """(H2) lhs = 2 mu_L(F) (f(x) - f*), rhs = sum_j g_j^2 / L_j, for x in {f <= F}."""

    @uses_context(screen_dps=SCREEN_DPS)
    def sides(inst, n):
        fn = make(inst["spec"])
        with n.working():
            x = [mpmath.mpf(v) for v in inst["x"]]
            _, fstar = fn.minimiser()
            lhs = 2 * mu_of(fn, inst["F"]) * (fn.value(x) - fstar)
            rhs = mpmath.fsum(gj**2 / Lj for gj, Lj in zip(fn.grad(x), fn.L()))
            return n.num(lhs), n.num(rhs)

    return sides


# ---------------------------------------------------------------------------------------------
# The rate on runs of Algorithm A
# ---------------------------------------------------------------------------------------------


class RateSpace(Space):
    """(test function, x_0, phi, beta2, delta, alpha_frac): alpha = alpha_frac * delta min_j r_j / L_j."""

    def sample(self, rng):
        family = str(rng.choice(FAMILIES))
        spec = random_spec(family, int(rng.integers(2, 4)), rng)
        return {"spec": spec, "x0": _start(make(spec), rng), "phi": 0.0 if rng.random() < 0.3 else float(rng.uniform(0.1, 3)),
                "beta2": 1.0 if rng.random() < 0.25 else float(1 - 10 ** rng.uniform(-3, np.log10(0.5))),
                "delta": float(np.exp(rng.uniform(np.log(0.01), np.log(5)))), "alpha_frac": float(rng.uniform(0.2, 1.0))}

    def perturb(self, inst, rng, scale):
        return dict(inst, delta=float(np.clip(inst["delta"] * np.exp(scale * rng.standard_normal()), 0.01, 10)),
                    alpha_frac=float(np.clip(inst["alpha_frac"] + 0.2 * scale * rng.standard_normal(), 0.05, 1.0)))

    def validate(self, inst):
        if not (inst.get("delta", 0) > 0 and 0 < inst.get("alpha_frac", 0) <= 1 and 0 < inst.get("beta2", 0) <= 1):
            raise InvalidInstance("need delta > 0, alpha_frac in (0, 1] (alpha <= delta min r/L), beta2 in (0, 1]")


def run_rate(inst, dps, rate_fn=rate, mu_of=pl_constant):
    """Algorithm A on the test function at ``dps`` digits: (ratios (f_k - f*) / (rho^k (f_0 - f*)), rho, constants)."""
    fn = make(inst["spec"])
    with mpmath.workdps(dps):
        _, fstar = fn.minimiser()
        x0 = [mpmath.mpf(v) for v in inst["x0"]]
        f0, g0, L = fn.value(x0), fn.grad(x0), fn.L()
        r = [max(abs(gj), mpmath.mpf(inst["phi"])) for gj in g0]
        delta = mpmath.mpf(inst["delta"])
        alpha = mpmath.mpf(inst["alpha_frac"]) * delta * min(rj / Lj for rj, Lj in zip(r, L))
        G = [max(rj, mpmath.sqrt(2 * Lj * (f0 - fstar))) for rj, Lj in zip(r, L)]
        mu_L = mu_of(fn, f0)
        rho = rate_fn(alpha, mu_L, L, r, G, delta)
        _, fs, _ = adam_general_mp(fn.grad, x0, alpha, inst["beta2"], inst["phi"], delta, iters=RATE_ITERS, dps=dps,
                                   value_fn=fn.value)
        ratios = [(fk - fstar) / (rho**k * (f0 - fstar)) for k, fk in enumerate(fs)]
        return ratios, rho, {"alpha": alpha, "mu_L": mu_L, "rho": rho}


def rate_sides(rate_fn=rate, mu_of=pl_constant):
    """lhs = max_k (f_k - f*) / (rho^k (f_0 - f*)) over RATE_ITERS steps, rhs = 1."""

    @uses_context(screen_dps=HIGH_DPS)  # screened in mpmath too: the runs' ratios need the working precision
    def sides(inst, n):
        ratios, _, _ = run_rate(inst, n.dps, rate_fn, mu_of)
        return max(ratios[1:]), mpmath.mpf(1)  # k = 0 is 1 by definition

    return sides


# ---------------------------------------------------------------------------------------------
# The claim
# ---------------------------------------------------------------------------------------------


def build(rate_fn=rate, mu_of=pl_constant) -> Claim:
    # These sides run Algorithm A in mpmath even when screening: say so in the evidence.
    light = dict(climbs=(0, 0, 0), climb_steps=(0, 0, 0), hypothesis_examples=(0, 0, 0), screening="mpmath 50-digit")
    return Claim(
        id="per-coordinate-pl",
        title="Per-coordinate smoothness + modified PL: Algorithm A converges linearly (reconstructed rate)",
        source="arXiv 2402.07114, abstract and the paper summary; docs/claims.md S5",
        provenance="reconstruction",
        statement=r"f_k-f^*\le\Big(1-\alpha\mu_L\min_j\frac{L_j}{G_j+\delta r_j}\Big)^k(f_0-f^*),\quad "
                  r"\alpha\le\delta\min_j\frac{r_j}{L_j},\ G_j=\max\big(r_j,\sqrt{2L_j(f_0-f^*)}\big)",
        sympy_statement="rho = 1 - alpha*mu_L*Min(L_j/(G_j + delta*r_j)); at alpha = delta*min(r/L), G = r: "
                        "rho = 1 - delta/(1+delta) * mu_L / rho_0, rho_0 = cond(diag(L) P_0)",
        hypotheses=["(H1) f(y) <= f(x) + <g(x), y-x> + 1/2 sum_j L_j (y_j - x_j)^2 for all x, y",
                    "(H2) sum_j g_j^2 / L_j >= 2 mu_L (f - f*) on the sublevel set {f <= f(x_0)}",
                    "Algorithm A, beta2 in (0, 1], delta > 0, alpha <= delta min_j r_j / L_j",
                    "test functions: log-cosh sums (separable, weakly coupled) and L2-regularised logistic regression"],
        notes="WEAKEST reconstruction: the paper's exact rate for this setting is not available to us. The checked "
              "expression is rho = 1 - alpha mu_L min_j L_j/(G_j + delta r_j) with G_j = max(r_j, sqrt(2 L_j (f_0 - f*))) "
              "under alpha <= delta min_j r_j/L_j; it specialises to 1 - (delta/(1+delta)) mu_L/rho_0 with the "
              "initialisation-dependent rho_0 = cond(diag(L) P_0), and on diagonal quadratics (mu_L = 1) to the "
              "min(d, kappa)-type dependence of T2. A FAIL here may mean our reconstruction is wrong, not the paper.",
        checks=[
            Symbolic("rate-derivation", lambda ctx: derivation(ctx, rate_fn, mu_of),
                     "descent from H1, the rate from H2, the bound on v, the specialisations"),
            Bound("H1-per-coordinate-smoothness", HypothesisSpace(sublevel=False), smoothness_sides,
                  "f(y) - f(x) - <g, y - x> <= 1/2 sum L_j (y_j - x_j)^2 over random and adversarial (f, x, y)",
                  random=(50, 1000, 10000), climbs=(1, 6, 24), climb_steps=(10, 80, 300), hypothesis_examples=(0, 0, 0)),
            Bound("H2-modified-PL", HypothesisSpace(sublevel=True), pl_sides(mu_of),
                  "2 mu_L (f - f*) <= sum g_j^2 / L_j on the sublevel set of a random start",
                  random=(50, 1000, 10000), climbs=(1, 6, 24), climb_steps=(10, 80, 300), hypothesis_examples=(0, 0, 0)),
            Bound("linear-rate", RateSpace(), rate_sides(rate_fn, mu_of),
                  f"(f_k - f*) <= rho^k (f_0 - f*) for k <= {RATE_ITERS} on runs of Algorithm A at {HIGH_DPS} digits",
                  random=(10, 40, 200), **light),
        ],
    )


CLAIM = build()


def _rate_without_sqrt_v(alpha, mu_L, L, r, G, delta):
    """A too-fast rate that forgets sqrt(v_k) in the preconditioner: 1 - alpha mu_L min_j L_j / (delta r_j)."""
    return 1 - alpha * mu_L * min(Lj / (delta * rj) for Lj, rj in zip(L, r))


MUTANTS = {"per-coordinate-pl": {
    "rate-ignores-sqrt-v": lambda: build(rate_fn=_rate_without_sqrt_v),
    "pl-constant-doubled": lambda: build(mu_of=lambda fn, F: 2 * fn.mu_L(F)),
}}
# A true variant that must not FAIL (selftest): half the PL constant (a slower claimed rate).
WEAKENINGS = {"per-coordinate-pl": {"pl-constant-halved": lambda: build(mu_of=lambda fn, F: fn.mu_L(F) / 2)}}
