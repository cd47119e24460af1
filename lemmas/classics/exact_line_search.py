"""C6 `exact-line-search`: steepest descent with exact line search on F_{mu,L} (docs/classics.md).

    f(x_n) - f* <= ((L - mu) / (L + mu))^{2n} (f(x_0) - f*),

tight on the quadratic (mu x^2 + L y^2)/2 from x_0 = (1/mu, 1/L) (de Klerk, Glineur, Taylor, "On the worst-case
complexity of the gradient method with exact line search for smooth strongly convex functions", Optim. Lett. 11
(2017), arXiv 1606.09365; PEPit example unconstrained_convex_minimization/gradient_exact_line_search.py: 0.448125 at
L = 1, mu = 1/10, n = 2). The line search is the relaxation of its optimality conditions in the certificate (which
then covers every exact line-search run) and a true line search on the explicit witness (Space.line_search).
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, function_gap
from proofcheck.pep.families import quadratics2d
from proofcheck.pep.methods import gradient_exact_line_search

from . import _pep


def tau(c):
    return ((c["L"] - c["mu"]) / (c["L"] + c["mu"])) ** (2 * int(c["n"]))


def method(s, c):
    return gradient_exact_line_search(s, s.start(), c["n"])


CELLS = {"n": [1, 2, 3], "L": [1], "mu": [Fraction(1, 10)]}


def build(scale=1):
    check = _pep.worstcase(
        "line-search", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=method,
        initial=function_gap(0), measure=function_gap(-1), tau=tau, cells=CELLS, tight=True, scale=scale,
        families=(quadratics2d(),),
        description="f(x_n) - f* <= ((L - mu)/(L + mu))^(2n) (f(x_0) - f*) per cell (n = 1..3; L = 1, mu = 1/10), "
                    "exact certificates")
    return _pep.claim(
        id="exact-line-search", title="Exact line search on F_{mu,L}: f(x_n) - f* <= ((L - mu)/(L + mu))^{2n} (f(x_0) - f*)",
        source="de Klerk-Glineur-Taylor, Optim. Lett. 11 (2017) (arXiv 1606.09365); PEPit gradient_exact_line_search.py",
        statement=r"f(x_n)-f_*\le\Big(\frac{L-\mu}{L+\mu}\Big)^{2n}(f(x_0)-f_*)",
        hypotheses=["f L-smooth and mu-strongly convex", "x_{k+1} minimizes f on the line x_k - t grad f(x_k)"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("exact-line-search", build)
