"""C7 `inexact-gd`: gradient descent with a relative gradient error on F_{mu,L} (docs/classics.md).

With directions d_k, ||d_k - grad f(x_k)|| <= eps ||grad f(x_k)||, step gamma = 2 / (L_eps + mu_eps),
L_eps = (1 + eps) L and mu_eps = (1 - eps) mu:

    f(x_n) - f* <= ((L_eps - mu_eps) / (L_eps + mu_eps))^{2n} (f(x_0) - f*),

tight (de Klerk, Glineur, Taylor, "Worst-case convergence analysis of inexact gradient and Newton methods through
semidefinite programming performance estimation", SIAM J. Optim. 30 (2020), arXiv 1709.05191; PEPit example
unconstrained_convex_minimization/inexact_gradient_descent.py: 0.373806 at eps = 1/10, L = 1, mu = 1/10,
n = 3). The directions are free vectors of the problem, constrained by the error bound (Space.free, constrain).
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, function_gap
from proofcheck.pep.methods import inexact_gradient_descent

from . import _pep


def _eps_constants(c):
    L_eps, mu_eps = (1 + c["eps"]) * c["L"], (1 - c["eps"]) * c["mu"]
    return L_eps, mu_eps


def tau(c):
    L_eps, mu_eps = _eps_constants(c)
    return ((L_eps - mu_eps) / (L_eps + mu_eps)) ** (2 * int(c["n"]))


def method(s, c):
    L_eps, mu_eps = _eps_constants(c)
    return inexact_gradient_descent(s, s.start(), c["n"], 2 / (L_eps + mu_eps), c["eps"])


CELLS = {"n": [1, 2, 3], "L": [1], "mu": [Fraction(1, 10)], "eps": [Fraction(1, 10)]}


def build(scale=1):
    check = _pep.worstcase(
        "inexact-gradient", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=method,
        initial=function_gap(0), measure=function_gap(-1), tau=tau, cells=CELLS, tight=True, scale=scale, families=(),
        description="f(x_n) - f* <= ((L_eps - mu_eps)/(L_eps + mu_eps))^(2n) (f(x_0) - f*) per cell (n = 1..3; "
                    "eps = 1/10, L = 1, mu = 1/10), exact certificates")
    return _pep.claim(
        id="inexact-gd", title="Inexact GD (relative error eps): f(x_n) - f* <= ((L_eps - mu_eps)/(L_eps + mu_eps))^{2n} "
                               "(f(x_0) - f*)",
        source="de Klerk-Glineur-Taylor, SIAM J. Optim. 30 (2020) (arXiv 1709.05191); PEPit inexact_gradient_descent.py",
        statement=r"f(x_n)-f_*\le\Big(\frac{L_\varepsilon-\mu_\varepsilon}{L_\varepsilon+\mu_\varepsilon}\Big)^{2n}(f(x_0)-f_*)",
        hypotheses=["f L-smooth and mu-strongly convex", "||d_k - grad f(x_k)|| <= eps ||grad f(x_k)||",
                    "gamma = 2/(L_eps + mu_eps), L_eps = (1 + eps) L, mu_eps = (1 - eps) mu"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("inexact-gd", build)
