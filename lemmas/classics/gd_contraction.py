"""C1 `gd-contraction`: gradient descent is a contraction on F_{mu,L} (docs/classics.md).

For f in F_{mu,L} (L-smooth, mu-strongly convex) and two runs x_{k+1} = x_k - gamma grad f(x_k),
y_{k+1} = y_k - gamma grad f(y_k) from any x_0, y_0:

    ||x_n - y_n||^2 <= max{(1 - gamma L)^2, (1 - gamma mu)^2}^n ||x_0 - y_0||^2,

tight: on f = a x^2 / 2 with a = L or a = mu (whichever endpoint gives the max) the two runs' difference is
multiplied by (1 - gamma a) at every step. Source: the classical spectrum-endpoint argument (e.g. Ryu-Boyd,
"Primer on monotone operator methods", 2016); PEPit example tutorials/gradient_descent_contraction.py
(0.81 at L = 1, mu = 1/10, gamma = 1, n = 1). Decided per cell by exact dual certificates (PASS) and exact
witnesses (a mutant FAILs).
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import Quantity, SmoothStronglyConvex, gradient_descent

from . import _pep


def rate(c):
    """max{(1 - gamma L)^2, (1 - gamma mu)^2}^n, exactly."""
    return max((1 - c["gamma"] * c["L"]) ** 2, (1 - c["gamma"] * c["mu"]) ** 2) ** int(c["n"])


def two_runs(s, c):
    """The same GD from two starting points (no optimum: a contraction is a statement about pairs of runs)."""
    return (gradient_descent(s, s.start(), c["n"], c["gamma"]), gradient_descent(s, s.start(), c["n"], c["gamma"]))


CELLS = {"n": [1, 2, 3], "L": [1], "mu": [Fraction(1, 10)], "gamma": [1, Fraction(3, 2)]}


def build(scale=1):
    check = _pep.worstcase(
        "contraction", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=two_runs,
        initial=Quantity("||x_0 - y_0||^2", lambda s, r: s.sq(r[0][0] - r[1][0])),
        measure=Quantity("||x_n - y_n||^2", lambda s, r: s.sq(r[0][-1] - r[1][-1])),
        tau=rate, cells=CELLS, optimum=False, tight=True, scale=scale,
        description="||x_n - y_n||^2 <= max{(1 - gamma L)^2, (1 - gamma mu)^2}^n ||x_0 - y_0||^2 per cell "
                    "(n = 1..3, gamma = 1, 3/2; L = 1, mu = 1/10), exact certificates")
    return _pep.claim(
        id="gd-contraction", title="GD is a contraction on F_{mu,L} with factor max{|1 - gamma L|, |1 - gamma mu|}",
        source="classical (spectrum endpoints); PEPit tutorials/gradient_descent_contraction.py",
        statement=r"\|x_n-y_n\|^2\le\max\{(1-\gamma L)^2,(1-\gamma\mu)^2\}^n\,\|x_0-y_0\|^2",
        hypotheses=["f L-smooth and mu-strongly convex (0 <= mu < L)", "fixed step gamma > 0",
                    "x_n, y_n: n GD steps from x_0, y_0"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("gd-contraction", build)
