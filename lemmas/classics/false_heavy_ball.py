"""C15 `heavy-ball-global` (known false): Polyak's heavy ball with its optimal parameters is not globally convergent
on F_{mu,L} (Lessard, Recht and Packard 2016; docs/classics.md, "Known-false claims").

Statement (false). For every mu-strongly convex, L-smooth f and every start x_{-1}, x_0, the heavy-ball method

    x_{k+1} = x_k - alpha grad f(x_k) + beta (x_k - x_{k-1}),
    alpha = 4 / (sqrt L + sqrt mu)^2,  beta = ((sqrt L - sqrt mu) / (sqrt L + sqrt mu))^2,

converges to the minimiser x*. Polyak (1964) proved it locally (and globally on quadratics, where the rate is
(sqrt kappa - 1)/(sqrt kappa + 1)); globally it fails.

Refutation (Lessard, Recht, Packard, "Analysis and design of optimization algorithms via integral quadratic
constraints", SIAM J. Optim. 26(1), 2016, arXiv 1408.3595). Take mu = 1, L = 25, so alpha = 1/9, beta = 4/9, and

    grad f(x) = 25 x          for x < 1,
                x + 24        for 1 <= x < 2,
                25 x - 24     for x >= 2,

continuous, piecewise linear with slopes in [1, 25]: f (its antiderivative with f(0) = 0) is in F_{1,25}, with x* = 0.
Heavy ball started at (x_{-1}, x_0) = (2592, 792)/1225 runs through the exact rational 3-cycle
{792, -2208, 2592}/1225 forever, never reaching x* = 0. Each cycle point lies inside a piece of curvature 25, where
the iteration is linear with Jacobian J = [[0, 1], [-beta, 1 + beta - 25 alpha]], whose characteristic polynomial is
(lambda + 2/3)^2: the product of the three Jacobians, J^3, has spectral radius 8/27 < 1, so the cycle attracts
(starts near it converge to the cycle, not to x*; docs/classics.md quotes starts 3.07 to 3.46).

Checks. ``class-and-cycle`` (symbolic, exact): f is in F_{1,25}, Polyak's parameters are 1/9 and 4/9, the cycle's
points lie inside curvature-25 pieces and J^3 has spectral radius 8/27. ``periodic-orbit`` (bound, exact rationals):
the consequence of convergence that a periodic orbit must satisfy: if (x_{p-1}, x_p) = (x_{-1}, x_0) exactly, the
orbit is x* itself, i.e. min_k |x_k - x*| <= 0. The witness violates it by 792/1225; a start whose orbit is not
periodic proves nothing (undecided).
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact

from proofcheck.pep.methods import heavy_ball

from ._witness import WitnessFails, on_the_line, q, refutation, scalars

MU, L = 1, 25
CYCLE = (Fraction(792, 1225), Fraction(-2208, 1225), Fraction(2592, 1225))
PERIOD = 3
SOURCE = "Lessard, Recht, Packard 2016 (SIAM J. Optim. 26(1); arXiv 1408.3595), the heavy-ball counterexample"


def grad(x):
    """The counterexample's gradient: slopes 25, 1, 25 on x < 1, [1, 2), x >= 2 (exact for Fractions)."""
    if x < 1:
        return 25 * x
    if x < 2:
        return x + 24
    return 25 * x - 24


def _exact_sqrt(x: Fraction) -> Fraction:
    """sqrt of a rational square, exactly (Polyak's parameters are rational only then)."""
    n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if n * n != x.numerator or d * d != x.denominator:
        raise WitnessFails(f"sqrt({x}) is irrational: this witness needs mu and L rational squares")
    return Fraction(n, d)


def polyak_parameters(mu, L_):
    """alpha = 4/(sqrt L + sqrt mu)^2, beta = ((sqrt L - sqrt mu)/(sqrt L + sqrt mu))^2 (exact)."""
    rm, rl = _exact_sqrt(q(mu)), _exact_sqrt(q(L_))
    return 4 / (rl + rm) ** 2, ((rl - rm) / (rl + rm)) ** 2


def orbit(x_prev, x0, alpha, beta, steps):
    """Heavy-ball iterates x_0, ..., x_steps on the counterexample from (x_{-1}, x_0), exact: the method of the
    worst-case claims (:func:`proofcheck.pep.methods.heavy_ball`), replayed on the line."""
    s = on_the_line(grad, x0)
    return scalars(heavy_ball(s, s.start(), steps, alpha, beta, previous=s.vector([x_prev])))


def periodic_orbit(inst):
    """(min over one period of |x_k - x*|, 0) for an orbit that returns exactly after ``period`` steps; a start whose
    orbit does not return is not a counterexample (WitnessFails)."""
    alpha, beta = polyak_parameters(inst["mu"], inst["L"])
    x_prev, x0, p = q(inst["x_prev"]), q(inst["x0"]), int(inst["period"])
    xs = orbit(x_prev, x0, alpha, beta, p)
    if not (xs[p] == x0 and xs[p - 1] == x_prev):
        raise WitnessFails(f"the orbit from (x_-1, x_0) = ({x_prev}, {x0}) with alpha = {alpha}, beta = {beta} does "
                           f"not return after {p} steps (x_{p} = {float(xs[p]):.6g}): no periodic orbit here")
    return min(abs(x) for x in xs[:p]), Fraction(0)


def derivation(ctx):
    x, lam = sp.symbols("x lambda")
    mu_, L_ = sp.symbols("mu L", positive=True)
    a, b = (sp.Rational(v) for v in polyak_parameters(MU, L))
    J = sp.Matrix([[0, 1], [-b, 1 + b - L * a]])
    cycle = [sp.Rational(c.numerator, c.denominator) for c in CYCLE]
    at = lambda expr: sp.Subs(expr, (mu_, L_), (MU, L))  # noqa: E731 - the formula at the counterexample's class
    return [
        equal("Polyak's step alpha = 4/(sqrt L + sqrt mu)^2 at mu = 1, L = 25", at(4 / (sp.sqrt(L_) + sp.sqrt(mu_)) ** 2),
              sp.Rational(1, 9)),
        equal("Polyak's momentum beta = ((sqrt L - sqrt mu)/(sqrt L + sqrt mu))^2",
              at(((sp.sqrt(L_) - sp.sqrt(mu_)) / (sp.sqrt(L_) + sp.sqrt(mu_))) ** 2), sp.Rational(4, 9)),
        equal("grad f is continuous at x = 1 (25 x = x + 24)", sp.Subs(25 * x, x, 1), sp.Subs(x + 24, x, 1)),
        equal("grad f is continuous at x = 2 (x + 24 = 25 x - 24)", sp.Subs(x + 24, x, 2), sp.Subs(25 * x - 24, x, 2)),
        fact("the slopes 25, 1, 25 of grad f lie in [mu, L] = [1, 25]: f is 1-strongly convex and 25-smooth",
             sp.And(*(sp.And(sp.Ge(s, MU), sp.Le(s, L)) for s in (sp.Integer(25), sp.Integer(1))))),
        equal("x* = 0 is the minimiser: grad f(0) = 0", sp.Subs(25 * x, x, 0), 0),
        fact("the cycle points 792/1225 and -2208/1225 lie in x < 1, 2592/1225 in x > 2: all on curvature-25 pieces",
             sp.And(sp.Lt(cycle[0], 1), sp.Lt(cycle[1], 1), sp.Gt(cycle[2], 2))),
        equal("on a curvature-25 piece the Jacobian J = [[0, 1], [-beta, 1 + beta - 25 alpha]] has characteristic "
              "polynomial (lambda + 2/3)^2", (lam * sp.eye(2) - J).det(), (lam + sp.Rational(2, 3)) ** 2),
        equal("J^3, the Jacobian of one trip round the cycle, has characteristic polynomial (lambda + 8/27)^2",
              (lam * sp.eye(2) - J ** 3).det(), (lam + sp.Rational(8, 27)) ** 2),
        fact("its spectral radius 8/27 is < 1: the 3-cycle attracts", sp.Lt(sp.Rational(8, 27), 1)),
    ]


WITNESSES = [{"mu": MU, "L": L, "x_prev": str(CYCLE[(i - 1) % 3]), "x0": str(CYCLE[i]), "period": PERIOD}
             for i in range(3)]


def build(witnesses=WITNESSES):
    return Claim(
        id="heavy-ball-global", title="Heavy ball with Polyak's parameters converges on every f in F_{mu,L}",
        source="Polyak 1964 (local; global on quadratics); refuted by Lessard, Recht, Packard 2016",
        provenance="seed", expect="FAIL", refuted_by=SOURCE,
        statement=r"\forall f \in \mathcal{F}_{\mu,L},\ \forall x_{-1}, x_0:\ x_k \to x^* \text{ for } "
                  r"x_{k+1} = x_k - \alpha \nabla f(x_k) + \beta (x_k - x_{k-1}),\ \alpha = \frac{4}{(\sqrt{L} + "
                  r"\sqrt{\mu})^2},\ \beta = \left(\frac{\sqrt{L} - \sqrt{\mu}}{\sqrt{L} + \sqrt{\mu}}\right)^2",
        hypotheses=["f is mu-strongly convex and L-smooth (here mu = 1, L = 25)",
                    "alpha, beta are Polyak's parameters (here 1/9, 4/9)"],
        checks=[Symbolic("class-and-cycle", derivation, "f in F_{1,25}, Polyak's parameters, the cycle attracts"),
                refutation("periodic-orbit", witnesses, periodic_orbit,
                           "a convergent method has no periodic orbit away from x*: min_k |x_k - x*| <= 0 on an exactly "
                           "periodic orbit (exact rationals)")],
        notes="Refuted by an exact rational 3-cycle {792, -2208, 2592}/1225 that attracts (J^3 has spectral radius "
              "8/27). The true counterpart, heavy ball on quadratics, is a tight claim of the catalogue.")


CLAIM = build()

# Mutant (the counterexample broken): Polyak's parameters for the looser estimate L = 36 (f is also 36-smooth), so
# alpha = 4/49, beta = 25/49; the published starts are then not on a periodic orbit, and the claim must not be REFUTED.
MUTANTS = {"heavy-ball-global": {"parameters-for-L-36": lambda: build([dict(w, L=36) for w in WITNESSES])}}
