"""C12 `nesterov-strongly-convex`: Nesterov's accelerated method on F_{mu,L}, a true but loose bound
(docs/classics.md).

    x_{k+1} = y_k - grad f(y_k) / L,  y_{k+1} = x_{k+1} + (1 - sqrt(kappa)) / (1 + sqrt(kappa)) (x_{k+1} - x_k),

with kappa = mu / L and y_0 = x_0:

    f(x_n) - f* <= (1 - sqrt(kappa))^n (f(x_0) - f* + mu/2 ||x_0 - x*||^2)

(Nesterov, "Introductory lectures on convex optimization", 2004, Thm 2.2.3; PEPit example
accelerated_gradient_strongly_convex.py: PEPit 0.07712 vs 0.14947 at mu = 1/10, n = 5). The cells take
kappa = 1/9 so that sqrt(kappa) = 1/3 and the momentum 1/2 are rational (the exact check runs the method in
rationals). The bound is loose: the report shows its gap to the certified worst case.
"""
from __future__ import annotations

from fractions import Fraction
from math import isqrt

from proofcheck.pep import Quantity, SmoothStronglyConvex, function_gap
from proofcheck.pep.methods import fast_gradient

from . import _pep


def sqrt_kappa(c) -> Fraction:
    """sqrt(mu / L) exactly (the grid takes mu / L a rational square)."""
    q = c["mu"] / c["L"]
    num, den = isqrt(q.numerator), isqrt(q.denominator)
    if num * num != q.numerator or den * den != q.denominator:
        raise ValueError("the cells must take mu / L a rational square")
    return Fraction(num, den)


def tau(c):
    return (1 - sqrt_kappa(c)) ** int(c["n"])


def nesterov(s, c):
    r = s.sqrt(c["mu"] / c["L"])  # exact in rationals when mu / L is a square (else the exact check refuses)
    beta = (1 - r) / (1 + r)
    return fast_gradient(s, s.start(), c["n"], c["L"], lambda k: beta)


CELLS = {"n": [1, 2, 3, 5], "L": [1], "mu": [Fraction(1, 9)]}


def build(scale=1, rate_power=1):
    rate = tau if rate_power == 1 else (lambda c: tau(c) ** rate_power)
    check = _pep.worstcase(
        "nesterov-sc", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=nesterov,
        initial=Quantity("f(x_0) - f* + mu/2 ||x_0 - x*||^2",
                         lambda s, r: s.value(r[0]) - s.f_star + s.sq(r[0] - s.x_star) * (s.number(MU) / 2)),  # MU: below
        measure=function_gap(-1), tau=rate, cells=CELLS, tight=False, scale=scale,
        description="f(x_n) - f* <= (1 - sqrt(mu/L))^n (f(x_0) - f* + mu/2 R^2) per cell (n = 1, 2, 3, 5; "
                    "mu = 1/9, L = 1), exact certificates; loose")
    return _pep.claim(
        id="nesterov-strongly-convex", title="Nesterov's method on F_{mu,L}: f(x_n) - f* <= (1 - sqrt(mu/L))^n "
                                             "(f(x_0) - f* + mu/2 R^2) (true, loose)",
        source="Nesterov 2004, Thm 2.2.3; PEPit accelerated_gradient_strongly_convex.py",
        statement=r"f(x_n)-f_*\le(1-\sqrt{\mu/L})^n\big(f(x_0)-f_*+\tfrac\mu2\|x_0-x_*\|^2\big)",
        hypotheses=["f L-smooth and mu-strongly convex", "step 1/L, momentum (1 - sqrt(kappa))/(1 + sqrt(kappa))"],
        check=check)


MU = CELLS["mu"][0]  # the initial condition's mu (the grid has one value of mu)
CLAIM = build()
# tau lowered by 1 % stays true (the bound is loose); the mutant claims the squared rate (1 - sqrt(kappa))^{2n}, the
# order of the lower complexity bound, which the exact worst case exceeds
MUTANTS, WEAKENINGS = _pep.variants("nesterov-strongly-convex", build,
                                    below=("rate-squared", lambda: build(rate_power=2)))
