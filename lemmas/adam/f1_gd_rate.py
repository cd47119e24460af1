"""F1 `gd-rate`: the classical GD baseline (docs/claims.md, provenance: seed).

For GD with eta = 2/(lambda_min + lambda_max): ||x_{k+1}|| <= ((kappa-1)/(kappa+1)) ||x_k||, with
equality on an extreme eigenvector; with eta = 1/lambda_max the factor is 1 - 1/kappa. Hence
T_GD(eps) = Theta(kappa log(1/eps)).
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, equal, fact
from proofcheck.numbers import uses_context

from ._common.methods import GD, Quadratic, count
from ._common.spaces import SPDSpace

a, b, eta, lam, k = sp.symbols("lambda_min lambda_max eta lambda kappa", positive=True)
s, eps = sp.symbols("s epsilon", positive=True)  # kappa = 1 + s > 1; 0 < epsilon < 1


def optimal_rate(kappa):
    """The contraction factor claimed for eta = 2/(lambda_min + lambda_max) (sympy, float or mpmath kappa)."""
    return (kappa - 1) / (kappa + 1)


def derivation(ctx, rate=optimal_rate):
    """Steps of the textbook argument (minimax of |1 - eta lambda| over [lambda_min, lambda_max]).

    ``rate`` is the claim's own contraction factor: the steps that identify the factor compare it with what the
    step size eta* actually gives, so a different rate is disproved here.
    """
    eta_star = 2 / (a + b)
    extremes = {a: 1, b: 1 + s}  # lambda_min = 1, lambda_max = kappa = 1 + s > 1 (Q scaled so that lambda_min = 1)

    def at(expr, step):  # the factor with step size ``step``, at the normalised extremes (substitution unevaluated)
        return sp.Subs(expr.subs(eta, step), tuple(extremes), tuple(extremes.values()))

    t_exact = sp.log(1 / eps) / (2 * sp.log(1 / rate(k)))  # ||x_T|| <= sqrt(eps) ||x_0|| on an extreme eigenvector
    return [
        fact("(1 - eta*lambda)^2 is convex in lambda, so max over [lambda_min, lambda_max] of |1 - eta*lambda| "
             "is attained at an endpoint", sp.Gt(sp.Derivative((1 - eta * lam) ** 2, lam, 2), 0, evaluate=False)),
        equal("the endpoint values balance, 1 - eta*lambda_min = -(1 - eta*lambda_max), at eta* = 2/(lambda_min + "
              "lambda_max); any other eta raises one of them, so eta* minimises the max",
              sp.Subs((1 - eta * a) + (1 - eta * b), eta, eta_star), 0),
        equal("with lambda_min = 1, lambda_max = kappa = 1 + s the factor 1 - eta* lambda_min is the claimed rate",
              at(1 - eta * a, eta_star), rate(1 + s)),
        equal("... and so is the other endpoint's |1 - eta* lambda_max|: the claimed rate is the contraction factor",
              at(sp.Abs(1 - eta * b), eta_star), rate(1 + s)),
        equal("with eta = 1/lambda_max the factor is max(|1 - lambda_min/lambda_max|, 0) = 1 - 1/kappa",
              at(1 - eta * a, 1 / b), 1 - 1 / (1 + s)),
        fact("eta* is the better step: (1 - 1/kappa) - rate(kappa) > 0 for kappa = 1 + s > 1",
             sp.Gt(1 - 1 / (1 + s), rate(1 + s), evaluate=False)),
        equal("T(eps) = log(1/eps) / (2 log(1/rate)) grows like (kappa/4) log(1/eps): Theta(kappa log(1/eps))",
              sp.Limit(t_exact / k, k, sp.oo), sp.log(1 / eps) / 4),
    ]


def _norm(v, n):
    """Euclidean norm of the vector ``v`` in the number context ``n``."""
    return n.sqrt(n.fsum(x * x for x in v))


def step_sides(rate):
    """One GD step with eta = 2/(lambda_min + lambda_max): (||x_{k+1}||, rate * ||x_k||)."""

    @uses_context
    def sides(inst, n):
        lam_ = n.eigvalsh(inst["Q"])
        lo, hi = lam_[0], lam_[-1]
        q = [[n.num(v) for v in row] for row in inst["Q"]]
        x = [n.num(v) for v in inst["x"]]
        step = 2 / (lo + hi)
        x_next = [xi - step * n.fsum(qij * xj for qij, xj in zip(row, x)) for row, xi in zip(q, x)]
        return _norm(x_next, n), rate(hi / lo) * _norm(x, n)

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


def _measured_count(q, x0, eta, eps, n, cap=100000):
    """The first k with f(x_k) <= eps f(x_0) for GD on diag(q) from x0 (in the context ``n``), -1 if none."""
    return count(GD(eta), n, Quadratic(n.vec(q), diagonal=True), n.vec(x0), cap, eps)


def count_sides(rate):
    """|T_measured - T_formula| <= 0, where T_formula = ceil(log(eps) / (2 log rate)) on an extreme eigenvector start."""

    @uses_context
    def sides(inst, n):
        d, kappa, e = inst["d"], n.num(inst["kappa"]), n.num(inst["eps"])
        q = [1.0] + [inst["kappa"]] * (d - 1)
        x0 = [0.0] * d
        x0[0 if inst["end"] == 0 else d - 1] = 1.0
        measured = _measured_count(q, x0, 2 / (1 + kappa), e, n)
        formula = math.ceil(n.log(e) / (2 * n.log(rate(kappa))))  # math.ceil is exact on mpf too
        return n.num(abs(measured - formula)), n.num(0)

    return sides


def build(rate=optimal_rate) -> Claim:
    return Claim(
        id="gd-rate",
        title="GD with eta = 2/(lambda_min + lambda_max) contracts by (kappa-1)/(kappa+1), tightly",
        source="classical; docs/claims.md F1",
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
# A true variant that must not FAIL (selftest): the rate is tight (attained on an extreme eigenvector), so no larger
# rate is a weakening of this statement; the same statement on a smaller range is.
WEAKENINGS = {"gd-rate": {"small-d-and-kappa": lambda: _small_range()}}


def _small_range():
    from ._common.weakenings import on_smaller_space

    return on_smaller_space(build(), {"per-step-contraction": SPDSpace("rotated", d_range=(2, 4), kappa_max=1e3,
                                                                        with_vector=True)},
                            "per-step contraction checked for d <= 4, kappa <= 1e3 only")
