"""C9 `ogm-g`: Kim and Fessler's optimized gradient method for the gradient (OGM-G) on convex L-smooth functions
(docs/classics.md).

    ||grad f(x_N)||^2 <= 2 L (f(x_0) - f*) / theta-tilde_0^2,

theta-tilde_N = 1, theta-tilde_i = (1 + sqrt(4 theta-tilde_{i+1}^2 + 1))/2 for 1 <= i < N, theta-tilde_0 with 8 in
place of 4; tight (Kim, Fessler, "Optimizing the efficiency of first-order methods for decreasing the gradient of
smooth convex functions", J. Optim. Theory Appl. 188 (2021); PEPit example optimized_gradient_for_gradient.py:
0.3070073 at L = 3, N = 4). The thetas are irrational: certified (balls), as OGM (C8).
"""
from __future__ import annotations

import sympy as sp

from proofcheck.pep import SmoothStronglyConvex, function_gap, gradient_norm
from proofcheck.pep.methods import optimized_gradient_for_gradient

from . import _pep


def theta_tilde_0(N: int):
    t = sp.Integer(1)
    for i in range(N):
        t = (1 + sp.sqrt((4 if i < N - 1 else 8) * t ** 2 + 1)) / 2
    return t


def tau(c):
    return 2 * sp.Rational(c["L"].numerator, c["L"].denominator) / theta_tilde_0(int(c["N"])) ** 2


def method(s, c):
    return optimized_gradient_for_gradient(s, s.start(), c["N"], c["L"])


CELLS = {"N": [1, 2, 3, 4], "L": [3]}


def build(scale=1):
    check = _pep.worstcase(
        "ogm-g", function_class=SmoothStronglyConvex(mu=0, L="L"), method=method, initial=function_gap(0),
        measure=gradient_norm(-1), tau=tau if scale == 1 else (lambda c: tau(c) * sp.Rational(scale)), cells=CELLS,
        tight=True, coefficients="balls",
        description="||grad f(x_N)||^2 <= 2 L (f(x_0) - f*) / theta-tilde_0^2 per cell (L = 3), certified (balls)")
    return _pep.claim(
        id="ogm-g", title="OGM-G: ||grad f(x_N)||^2 <= 2 L (f(x_0) - f*) / theta-tilde_0^2 (certified in balls)",
        source="Kim-Fessler, J. Optim. Theory Appl. 188 (2021); PEPit optimized_gradient_for_gradient.py",
        statement=r"\|\nabla f(x_N)\|^2\le\frac{2L(f(x_0)-f_*)}{\tilde\theta_0^2}",
        hypotheses=["f convex and L-smooth with a minimizer x*", "OGM-G's theta-tilde sequence"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("ogm-g", build)
