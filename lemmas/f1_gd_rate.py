"""F1 `gd-rate`: the classical GD baseline (shared/CLAIMS.md, provenance: seed).

For GD with eta = 2/(lambda_min + lambda_max): ||x_{k+1}|| <= ((kappa-1)/(kappa+1)) ||x_k||, with
equality on an extreme eigenvector; with eta = 1/lambda_max the factor is 1 - 1/kappa. Hence
T_GD(eps) = Theta(kappa log(1/eps)).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, equal, fact

from ._common.algorithms import gd_f64, gd_mp
from ._common.quadratics import eigvalsh, mp_matrix
from ._common.spaces import SPDSpace

a, b, eta, lam, k = sp.symbols("lambda_min lambda_max eta lambda kappa", positive=True)
s, eps = sp.symbols("s epsilon", positive=True)  # kappa = 1 + s > 1; 0 < epsilon < 1


def optimal_rate(kappa):
    """The contraction factor claimed for eta = 2/(lambda_min + lambda_max)."""
    return (kappa - 1) / (kappa + 1)


def derivation(ctx, rate=optimal_rate):
    """Steps of the textbook argument (minimax of |1 - eta lambda| over [lambda_min, lambda_max])."""
    h = (1 - eta * lam) ** 2
    eta_star = sp.solve(sp.Eq(1 - eta * a, -(1 - eta * b)), eta)[0]
    factor = sp.simplify((1 - eta_star * a).subs({a: 1, b: k}))
    kap = 1 + s
    t_exact = sp.log(1 / eps) / (2 * sp.log(1 / rate(k)))
    return [
        fact("(1 - eta*lambda)^2 is convex in lambda, so max over [lambda_min, lambda_max] of |1 - eta*lambda| "
             "is attained at an endpoint", sp.diff(h, lam, 2) > 0),
        equal("the endpoint values balance, 1 - eta*lambda_min = -(1 - eta*lambda_max), at eta* = 2/(lambda_min + lambda_max)",
              eta_star, 2 / (a + b)),
        equal("with lambda_min = 1, lambda_max = kappa the factor 1 - eta* lambda_min is the claimed rate", factor, rate(k)),
        equal("with eta = 1/lambda_max the factor is max(|1 - lambda_min/lambda_max|, 0) = 1 - 1/kappa",
              (1 - a / b).subs({a: 1, b: k}), 1 - 1 / k),
        fact("eta* is the better step: (1 - 1/kappa) - (kappa-1)/(kappa+1) > 0 for kappa > 1",
             sp.factor(((1 - 1 / k) - rate(k)).subs(k, kap)) > 0),
        equal("T(eps) = log(1/eps) / (2 log(1/rate)) grows like (kappa/4) log(1/eps): Theta(kappa log(1/eps))",
              sp.limit(t_exact / k, k, sp.oo), sp.log(1 / eps) / 4),
    ]


def step_sides(rate):
    """One GD step with eta = 2/(lambda_min + lambda_max): (||x_{k+1}||, rate * ||x_k||)."""

    def sides(inst, dps):
        lam_ = eigvalsh(inst["Q"], dps)
        lo, hi = lam_[0], lam_[-1]
        if dps is None:
            q, x = np.array(inst["Q"]), np.array(inst["x"])
            step = 2.0 / (lo + hi)
            return float(np.linalg.norm(x - step * q @ x)), float(rate(hi / lo) * np.linalg.norm(x))
        q, x = mp_matrix(inst["Q"], dps), mpmath.matrix([mpmath.mpf(v) for v in inst["x"]])
        step = 2 / (lo + hi)
        return mpmath.norm(x - step * (q * x)), rate(hi / lo) * mpmath.norm(x)

    return sides


class ExtremeStart(Space):
    """Diagonal Q = diag(1, ..., kappa), start on an extreme eigenvector, tolerance eps."""

    def sample(self, rng):
        d = int(rng.integers(2, 6))
        kappa = float(np.exp(rng.uniform(np.log(3.0), np.log(200.0))))
        return {"d": d, "kappa": kappa, "eps": float(10 ** rng.uniform(-8, -1)), "end": int(rng.integers(0, 2))}

    def perturb(self, inst, rng, scale):
        kappa = float(np.clip(inst["kappa"] * math.exp(scale * rng.standard_normal()), 3.0, 200.0))
        e = float(np.clip(inst["eps"] * math.exp(scale * rng.standard_normal()), 1e-8, 0.1))
        return dict(inst, kappa=kappa, eps=e)

    def shrink(self, inst):
        if inst["d"] > 2:
            yield dict(inst, d=2)
        for kappa in (3.0, 10.0, 100.0):
            if kappa < inst["kappa"]:
                yield dict(inst, kappa=kappa)
        for e in (0.1, 0.01, 1e-4, 1e-6):
            if e > inst["eps"]:
                yield dict(inst, eps=e)

    def validate(self, inst):
        if not (inst.get("kappa", 0) >= 3 and 0 < inst.get("eps", 0) < 1 and inst.get("d", 0) >= 2):
            raise InvalidInstance("need kappa >= 3, 0 < eps < 1, d >= 2")


def count_sides(rate):
    """|T_measured - T_formula| <= 0, where T_formula = ceil(log(eps) / (2 log rate)) on an extreme eigenvector start."""

    def sides(inst, dps):
        d, kappa, e = inst["d"], inst["kappa"], inst["eps"]
        q = [1.0] + [kappa] * (d - 1) if d > 1 else [1.0]
        q[-1] = kappa
        x0 = [0.0] * d
        x0[0 if inst["end"] == 0 else d - 1] = 1.0
        cap = 100000
        if dps is None:
            run = gd_f64(np.array([q]), np.array([x0]), 2.0 / (1.0 + kappa), iters=cap, eps=e)
            measured = int(run.T[0])
            formula = math.ceil(math.log(e) / (2 * math.log(rate(kappa))))
            return float(abs(measured - formula)), 0.0
        run = gd_mp(q, x0, 2 / (1 + mpmath.mpf(kappa)), iters=cap, dps=dps, eps=e)
        formula = mpmath.ceil(mpmath.log(mpmath.mpf(e)) / (2 * mpmath.log(rate(mpmath.mpf(kappa)))))
        return abs(mpmath.mpf(run.T if run.T is not None else -1) - formula), mpmath.mpf(0)

    return sides


def build(rate=optimal_rate) -> Claim:
    return Claim(
        id="gd-rate",
        title="GD with eta = 2/(lambda_min + lambda_max) contracts by (kappa-1)/(kappa+1), tightly",
        source="classical; CLAIMS.md F1",
        provenance="seed",
        statement=r"\|x_{k+1}\| \le \frac{\kappa-1}{\kappa+1}\|x_k\|\ \text{for}\ \eta=\tfrac{2}{\lambda_{\min}+\lambda_{\max}};"
                  r"\ T_{GD}(\varepsilon)=\Theta(\kappa\log(1/\varepsilon))",
        sympy_statement=sp.sstr(sp.Le(sp.Symbol("||x_{k+1}||"), rate(k) * sp.Symbol("||x_k||"))),
        hypotheses=["Q symmetric positive definite (any d)", "x* = 0", "eta = 2/(lambda_min + lambda_max)"],
        checks=[
            Symbolic("minimax-step", lambda ctx: derivation(ctx, rate),
                     "argmin over eta of max |1 - eta*lambda|, the factor, and Theta(kappa log 1/eps)"),
            Bound("per-step-contraction", SPDSpace("rotated", d_range=(2, 8), kappa_max=1e6, with_vector=True),
                  step_sides(rate), "||x - eta Q x|| <= rate(kappa) ||x|| over random and adversarial (Q, x)"),
            Bound("exact-count-extreme-start", ExtremeStart(), count_sides(rate),
                  "on an extreme eigenvector the measured T(eps) equals ceil(log eps / (2 log rate)) (tightness)",
                  random=(20, 60, 200), climbs=(2, 3, 6), climb_steps=(5, 20, 60), hypothesis_examples=(0, 0, 0)),
        ],
    )


CLAIM = build()
MUTANTS = {"gd-rate": {"rate-1-minus-2-over-kappa": lambda: build(rate=lambda kappa: 1 - 2 / kappa)}}
