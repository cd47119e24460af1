"""C13 `heavy-ball-ghadimi`: the heavy-ball method on F_{mu,L} with Ghadimi-Feyzmahdavian-Johansson's parameters,
a true but loose bound (docs/classics.md).

    x_{k+1} = x_k - alpha grad f(x_k) + beta (x_k - x_{k-1}),  x_{-1} = x_0,
    alpha in (0, 1/L],  beta = sqrt((1 - alpha mu)(1 - alpha L)):

    f(x_n) - f* <= (1 - alpha mu)^n (f(x_0) - f*)

(Ghadimi, Feyzmahdavian, Johansson, "Global convergence of the heavy-ball method for convex optimization",
ECC 2015, arXiv 1412.7457; PEPit example heavy_ball_momentum.py: PEPit 0.3068 vs 0.7738 at mu = 1/10, alpha = 1/2,
n = 5). The cells take alpha = 1/2, L = 1, mu = 2/9, so that beta = sqrt((8/9)(1/2)) = 2/3 is rational. Loose: the
report shows the gap.
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, function_gap
from proofcheck.pep.methods import heavy_ball

from . import _pep


def tau(c):
    return (1 - c["alpha"] * c["mu"]) ** int(c["n"])


def hb(s, c):
    beta = s.sqrt((1 - c["alpha"] * c["mu"]) * (1 - c["alpha"] * c["L"]))
    return heavy_ball(s, s.start(), c["n"], c["alpha"], beta)


CELLS = {"n": [1, 2, 3, 5], "L": [1], "mu": [Fraction(2, 9)], "alpha": [Fraction(1, 2)]}


def build(scale=1, rate_power=1):
    rate = tau if rate_power == 1 else (lambda c: tau(c) ** rate_power)
    check = _pep.worstcase(
        "heavy-ball", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=hb, initial=function_gap(0),
        measure=function_gap(-1), tau=rate, cells=CELLS, tight=False, scale=scale,
        description="f(x_n) - f* <= (1 - alpha mu)^n (f(x_0) - f*) per cell (n = 1, 2, 3, 5; alpha = 1/2, L = 1, "
                    "mu = 2/9), exact certificates; loose")
    return _pep.claim(
        id="heavy-ball-ghadimi", title="Heavy ball with beta = sqrt((1 - alpha mu)(1 - alpha L)): f(x_n) - f* <= "
                                       "(1 - alpha mu)^n (f(x_0) - f*) (true, loose)",
        source="Ghadimi-Feyzmahdavian-Johansson, ECC 2015 (arXiv 1412.7457); PEPit heavy_ball_momentum.py",
        statement=r"f(x_n)-f_*\le(1-\alpha\mu)^n(f(x_0)-f_*)",
        hypotheses=["f L-smooth and mu-strongly convex", "0 < alpha <= 1/L, beta = sqrt((1 - alpha mu)(1 - alpha L))",
                    "x_{-1} = x_0"],
        check=check)


CLAIM = build()
# tau lowered by 1 % stays true (loose). The squared rate (1 - alpha mu)^{2n} is still true here: at n = 1 it is the
# exact worst case, 64/81 (f = mu x^2 / 2); the mutant claims the cubed rate (1 - alpha mu)^{3n}, below it
MUTANTS, WEAKENINGS = _pep.variants("heavy-ball-ghadimi", build, below=("rate-cubed", lambda: build(rate_power=3)))
