"""C11 `fgm-lambda`: Nesterov's fast gradient method with the lambda sequence on convex L-smooth functions, a true
but loose bound (docs/classics.md).

With lambda_0 = 1, lambda_{k+1} = (1 + sqrt(4 lambda_k^2 + 1))/2, x_{k+1} = y_k - grad f(y_k)/L and
y_{k+1} = x_{k+1} + (lambda_k - 1)/lambda_{k+1} (x_{k+1} - x_k):

    f(x_n) - f* <= L R^2 / (2 lambda_{n-1}^2)

(Nesterov 1983; Beck-Teboulle 2009, in the form of PEPit's example accelerated_gradient_convex.py, whose
theoretical_tau is L / (2 lambda_old^2): PEPit 0.012335 vs 0.014161 at n = 10). The lambdas are irrational, so the
certificates are **certified (balls)** (as OGM's, C8). Loose: the report shows the gap.
"""
from __future__ import annotations

import sympy as sp

from proofcheck.pep import SmoothStronglyConvex, distance, function_gap
from proofcheck.pep.methods import fast_gradient_lambda

from . import _pep


def lam(k: int):
    """lambda_k exactly (sympy)."""
    t = sp.Integer(1)
    for _ in range(k):
        t = (1 + sp.sqrt(4 * t ** 2 + 1)) / 2
    return t


def tau(c):
    return sp.Rational(c["L"].numerator, c["L"].denominator) / (2 * lam(int(c["n"]) - 1) ** 2)


def method(s, c):
    return fast_gradient_lambda(s, s.start(), c["n"], c["L"])


CELLS = {"n": [1, 2, 3, 5], "L": [1]}


def build(scale=1, rate_power=1):
    rate = tau if scale == 1 else (lambda c: tau(c) * sp.Rational(scale))
    if rate_power != 1:  # the mutant: L / (2 lambda_{n-1}^4) at L = 1, of order 1/n^4 (see MUTANTS)
        rate = (lambda c: 2 * tau(c) ** 2 / sp.Rational(c["L"].numerator, c["L"].denominator))
    check = _pep.worstcase(
        "fgm-lambda", function_class=SmoothStronglyConvex(mu=0, L="L"), method=method, initial=distance(0),
        measure=function_gap(-1), tau=rate, cells=CELLS, tight=False, coefficients="balls",
        description="f(x_n) - f* <= L R^2 / (2 lambda_{n-1}^2) per cell (n = 1, 2, 3, 5; L = 1), certified (balls); loose")
    return _pep.claim(
        id="fgm-lambda", title="FGM with the lambda sequence: f(x_n) - f* <= L R^2 / (2 lambda_{n-1}^2) (true, loose; "
                               "certified in balls)",
        source="Nesterov 1983; Beck-Teboulle 2009; PEPit accelerated_gradient_convex.py",
        statement=r"f(x_n)-f_*\le\frac{L\|x_0-x_*\|^2}{2\lambda_{n-1}^2}",
        hypotheses=["f convex and L-smooth with a minimizer x*", "step 1/L, momentum (lambda_k - 1)/lambda_{k+1}"],
        check=check)


CLAIM = build()
# tau lowered by 1 % stays true (loose); the mutant claims L R^2 / (2 lambda_{n-1}^4), of order 1/n^4, faster than
# the lower complexity bound of order 1/n^2: the exact worst case exceeds it
MUTANTS, WEAKENINGS = _pep.variants("fgm-lambda", build, below=("rate-squared", lambda: build(rate_power=2)))
