"""C10 `heavy-ball-quadratics`: the heavy-ball method with Polyak's parameters on quadratics converges at the
rate (sqrt(kappa) - 1)/(sqrt(kappa) + 1), its spectral radius (docs/classics.md).

For f(x) = x^T Q x / 2 with the spectrum of Q in [mu, L], kappa = L / mu, heavy ball
x_{k+1} = x_k - alpha Q x_k + beta (x_k - x_{k-1}) with alpha = 4 / (sqrt(L) + sqrt(mu))^2 and
beta = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2 acts on each eigendirection (eigenvalue lambda) by the 2 x 2 matrix
T(lambda) = [[1 + beta - alpha lambda, -beta], [1, 0]], whose eigenvalues are the roots of
z^2 - (1 + beta - alpha lambda) z + beta = 0. Polyak (1964; "Introduction to optimization", 1987, Sec. 3.2.1):

- the discriminant (1 + beta - alpha lambda)^2 - 4 beta is <= 0 on [mu, L]: 1 + beta - alpha lambda is affine in
  lambda and equals +2 sqrt(beta) at mu and -2 sqrt(beta) at L;
- so the roots are complex conjugate (double at the endpoints), with |z|^2 = beta (their product);
- hence the spectral radius is sqrt(beta) = (sqrt(kappa) - 1)/(sqrt(kappa) + 1) for every lambda in [mu, L].

This is a claim about quadratics only; on F_{mu,L} the same parameters do not converge globally (Lessard, Recht,
Packard 2016: a known-false claim of the catalogue). Checked by the symbolic discriminant argument and by a Bound
on the spectral radius of T(lambda) over kappa in [1, 10^4] and lambda in [mu, L].
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, equal, fact

s_, d_ = sp.symbols("sqrt_mu d", positive=True)
t_ = s_ * (1 + d_)  # sqrt(L) = sqrt(mu) (1 + d), d > 0: kappa = (1 + d)^2 > 1
u_ = sp.symbols("u", nonnegative=True)  # lambda = mu + u (L - mu), u in [0, 1]
w_ = sp.symbols("w", nonnegative=True)  # u = w / (1 + w) covers [0, 1)


def polyak_rate(kappa):
    """(sqrt(kappa) - 1)/(sqrt(kappa) + 1) (sympy, float or mpmath kappa)."""
    r = sp.sqrt(kappa) if isinstance(kappa, sp.Basic) else kappa ** 0.5
    return (r - 1) / (r + 1)


def derivation(ctx, rate=polyak_rate):
    alpha = 4 / (t_ + s_) ** 2
    root_beta = (t_ - s_) / (t_ + s_)  # sqrt(beta) for L > mu
    beta = root_beta ** 2
    mu, L = s_ ** 2, t_ ** 2
    a = lambda lam: 1 + beta - alpha * lam  # noqa: E731 - the trace of T(lambda)
    lam_u = mu + u_ * (L - mu)
    return [
        equal("at lambda = mu the trace 1 + beta - alpha mu equals 2 sqrt(beta)", a(mu), 2 * root_beta),
        equal("at lambda = L it equals -2 sqrt(beta)", a(L), -2 * root_beta),
        equal("the trace is affine in lambda: on lambda = mu + u (L - mu) it is 2 sqrt(beta) (1 - 2u)",
              a(lam_u), 2 * root_beta * (1 - 2 * u_)),
        fact("for u = w/(1 + w) in [0, 1) (w >= 0; u = 1 is the endpoint L above) the discriminant "
             "16 beta u (u - 1) is <= 0", sp.Le(sp.factor(16 * beta * u_ * (u_ - 1)).subs(u_, w_ / (1 + w_)), 0)),
        equal("... indeed trace^2 - 4 beta = 16 beta u (u - 1)", a(lam_u) ** 2 - 4 * beta, 16 * beta * u_ * (u_ - 1)),
        equal("with a non-positive discriminant the two roots are conjugate (or double) and their product, beta, is "
              "|z|^2: the spectral radius is sqrt(beta) = (sqrt(L) - sqrt(mu))/(sqrt(L) + sqrt(mu)) = d/(2 + d) for "
              "every lambda in [mu, L]", root_beta, d_ / (2 + d_)),
        fact("... which is at most the claimed rate at kappa = (1 + d)^2", sp.Le(d_ / (2 + d_), rate((1 + d_) ** 2))),
    ]


class Spectrum(Space):
    """(kappa, u): mu = 1, L = kappa in [1, 10^4], lambda = 1 + u (kappa - 1) with u in [0, 1]."""

    def sample(self, rng):
        return {"kappa": float(10 ** rng.uniform(0, 4)), "u": float(rng.uniform(0, 1))}

    def perturb(self, instance, rng, scale):
        kappa = float(np.clip(instance["kappa"] * math.exp(scale * rng.normal()), 1.0, 1e4))
        return {"kappa": kappa, "u": float(np.clip(instance["u"] + scale * rng.normal(), 0.0, 1.0))}

    def validate(self, instance):
        if not (1 <= instance["kappa"] <= 1e4 and 0 <= instance["u"] <= 1):
            raise InvalidInstance("needs 1 <= kappa <= 1e4 and 0 <= u <= 1")


def spectral_sides(rate=polyak_rate):
    """(spectral radius of T(lambda), rate(kappa)), in floats or at ``dps`` digits (mpmath)."""

    def sides(inst, dps):
        if dps is None:
            kappa, u = inst["kappa"], inst["u"]
            r = math.sqrt(kappa)
            alpha, beta = 4 / (r + 1) ** 2, ((r - 1) / (r + 1)) ** 2
            lam = 1 + u * (kappa - 1)
            radius = max(abs(np.linalg.eigvals(np.array([[1 + beta - alpha * lam, -beta], [1.0, 0.0]]))))
            return float(radius), float(rate(kappa))
        import mpmath as mp

        with mp.workdps(dps):
            kappa, u = mp.mpf(inst["kappa"]), mp.mpf(inst["u"])
            r = mp.sqrt(kappa)
            alpha, beta = 4 / (r + 1) ** 2, ((r - 1) / (r + 1)) ** 2
            a = 1 + beta - alpha * (1 + u * (kappa - 1))
            disc = mp.sqrt(mp.mpc(a * a - 4 * beta))
            radius = max(abs((a + disc) / 2), abs((a - disc) / 2))
            return +radius, +rate(kappa)

    return sides


def build(rate=polyak_rate) -> Claim:
    return Claim(
        id="heavy-ball-quadratics", title="Heavy ball with Polyak's parameters on quadratics: spectral radius "
                                          "(sqrt(kappa) - 1)/(sqrt(kappa) + 1)",
        source="Polyak 1964; Introduction to Optimization (1987), Sec. 3.2.1",
        provenance="seed",
        statement=r"\rho\big(T(\lambda)\big)\le\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\ \forall\lambda\in[\mu,L],\ "
                  r"\alpha=\tfrac4{(\sqrt L+\sqrt\mu)^2},\ \beta=\big(\tfrac{\sqrt\kappa-1}{\sqrt\kappa+1}\big)^2",
        hypotheses=["f(x) = x^T Q x / 2, spectrum of Q in [mu, L], 0 < mu <= L", "Polyak's alpha and beta"],
        checks=[
            Symbolic("discriminant", lambda ctx: derivation(ctx, rate),
                     "the discriminant of z^2 - (1 + beta - alpha lambda) z + beta is <= 0 on [mu, L]; |z|^2 = beta"),
            # the radius *equals* the rate on the whole interval: the declared tolerance covers the rounding of an
            # equality (at high precision its residue is ~10^-dps), not a gap
            Bound("spectral-radius", Spectrum(), spectral_sides(rate),
                  "max |eigenvalue of T(lambda)| <= rate(kappa) over kappa in [1, 1e4], lambda in [mu, L]",
                  tolerance=1e-9, random=(200, 1000, 5000), climbs=(2, 4, 8), climb_steps=(10, 40, 100),
                  hypothesis_examples=(0, 0, 0)),
        ],
    )


CLAIM = build()
MUTANTS = {"heavy-ball-quadratics": {"rate-lowered-1pct": lambda: build(rate=lambda k: polyak_rate(k) * 0.99)}}
WEAKENINGS = {"heavy-ball-quadratics": {"rate-raised-1pct": lambda: build(rate=lambda k: polyak_rate(k) * 1.01)}}
