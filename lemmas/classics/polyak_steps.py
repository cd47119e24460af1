"""C5 `polyak-steps`: one Polyak step in distance to the optimum on F_{mu,L} (docs/classics.md).

The step x_1 = x_0 - gamma grad f(x_0), where gamma is Polyak's step, gamma ||grad f(x_0)||^2 = 2 (f(x_0) - f*)
(read, as in the performance-estimation literature, as a condition on the pair (f, x_0) for a fixed gamma):

    ||x_1 - x*||^2 <= (gamma L - 1)(1 - gamma mu) / (gamma (L + mu) - 1) ||x_0 - x*||^2,   1/L <= gamma <= 1/mu,

tight (Barre, Taylor, d'Aspremont, "Complexity guarantees for Polyak steps with momentum", COLT 2020,
arXiv 2002.00915; PEPit example adaptive_methods/polyak_steps_in_distance_to_optimum.py: 0.653846 at L = 1,
mu = 1/10, gamma = 3/2). The step rule is a constraint the method imposes (Space.constrain, an equality: its
multiplier in a certificate is free in sign, and a witness must satisfy it exactly).
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, distance

from . import _pep


def tau(c):
    g, L, mu = c["gamma"], c["L"], c["mu"]
    return (g * L - 1) * (1 - g * mu) / (g * (L + mu) - 1)


def polyak(s, c):
    """One step of fixed length gamma from a start where gamma is Polyak's step."""
    x0 = s.start()
    g0, f0 = s.oracle(x0)
    s.constrain(s.sq(g0) * c["gamma"] - (f0 - s.f_star) * 2, "==")
    x1 = x0 - c["gamma"] * g0
    s.gradient(x1)  # the oracle at x_1 too, as in PEPit's problem (its interpolation conditions join)
    return [x0, x1]


CELLS = {"L": [1], "mu": [Fraction(1, 10)], "gamma": [Fraction(3, 2), 2, 5]}


def build(scale=1):
    check = _pep.worstcase(
        "polyak-distance", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=polyak, initial=distance(0),
        measure=distance(-1), tau=tau, cells=CELLS, tight=True, scale=scale, families=(),
        description="||x_1 - x*||^2 <= (gamma L - 1)(1 - gamma mu)/(gamma (L + mu) - 1) R^2 per cell "
                    "(gamma = 3/2, 2, 5; L = 1, mu = 1/10), exact certificates")
    return _pep.claim(
        id="polyak-steps", title="A Polyak step contracts the distance by (gamma L - 1)(1 - gamma mu)/(gamma (L + mu) - 1)",
        source="Barre-Taylor-d'Aspremont, COLT 2020 (arXiv 2002.00915); PEPit polyak_steps_in_distance_to_optimum.py",
        statement=r"\|x_1-x_*\|^2\le\frac{(\gamma L-1)(1-\gamma\mu)}{\gamma(L+\mu)-1}\|x_0-x_*\|^2,\ "
                  r"\gamma\|\nabla f(x_0)\|^2=2(f(x_0)-f_*)",
        hypotheses=["f L-smooth and mu-strongly convex", "1/L <= gamma <= 1/mu",
                    "gamma is Polyak's step at x_0: gamma ||grad f(x_0)||^2 = 2 (f(x_0) - f*)"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("polyak-steps", build)
