"""Explicit one-dimensional functions of a class, for proofcheck's own lower bounds on a worst case.

A performance-estimation solver gives the worst case of a method as a number; the cross-check table of a
``worstcase`` claim also shows what proofcheck finds *without* a solver, on explicit functions the classical
proofs use (docs/classics.md):

- :func:`quadratics`: f(x) = a x^2 / 2 with curvature a in [mu, L] (the spectrum of a quadratic: GD's
  contraction and the (1 - h)^{2N} branch of the all-step bound are attained there);
- :func:`hubers`: f(x) = mu x^2 / 2 + (L - mu) hub_delta(x), hub_delta(x) = x^2/2 for |x| <= delta and
  delta |x| - delta^2 / 2 beyond (Drori-Teboulle's worst case of GD for h <= 1 is the case mu = 0,
  delta = R / (2Nh + 1)).

Both are in F_{mu,L} (their derivative is Lipschitz with slopes between mu and L), minimized at 0 with value 0.
The method runs on them through :class:`~proofcheck.pep.spaces.VectorSpace` (the same code as everywhere): first
in float64 over a grid of the family's parameter, refined by golden-section search (a screen), then *exactly*
(Fractions) at a few rationals near the best screened parameter. The value reported is the best exact one, so it
is an exact lower bound on the worst case (a function of the class attaining it is named), never a float.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..exact import Undecided, fraction_text
from .spaces import VectorSpace

GRID = 48  # screening points over the parameter's interval (then golden-section refinement around the best)
GOLDEN_STEPS = 40
DENOMINATORS = (4, 16, 64, 256, 10**3, 10**4, 10**6)  # rationals tried near the screened optimum, simplest first


@dataclass
class Member:
    """One explicit function: its family, parameter and (mu, L)."""

    family: str
    parameter: Fraction | float
    mu: Fraction
    L: Fraction

    def oracle(self, exact: bool):
        mu, L, p = self.mu, self.L, self.parameter
        if not exact:
            mu, L, p = float(mu), float(L), float(p)
        zero = Fraction(0) if exact else 0.0

        if self.family == "quadratic":
            def oracle(x):
                return p * x, p * sum((v * v for v in x), zero) / 2
        elif self.family == "quadratic2d":  # f = (mu x^2 + L y^2) / 2
            import numpy as np

            def oracle(x):
                g = np.array([mu * x[0], L * x[1]], dtype=object if exact else float)
                return g, (mu * x[0] * x[0] + L * x[1] * x[1]) / 2

            def line_search(x, d):  # argmin_t f(x + t d) = x - (<g, d> / <d, Q d>) d, exact in rationals
                g, _ = oracle(x)
                curvature = mu * d[0] * d[0] + L * d[1] * d[1]
                t = -(g[0] * d[0] + g[1] * d[1]) / curvature if curvature != 0 else zero
                return [x[0] + t * d[0], x[1] + t * d[1]]

            oracle.line_search = line_search
        else:  # huber, kink at p
            def oracle(x):
                g, f = [], zero
                for v in x:
                    c = max(-p, min(p, v))
                    g.append(mu * v + (L - mu) * c)
                    f += mu * v * v / 2 + (L - mu) * (v * v / 2 if abs(v) <= p else p * abs(v) - p * p / 2)
                import numpy as np

                return np.array(g, dtype=object if exact else float), f
        return oracle

    def describe(self) -> str:
        if self.family == "quadratic2d":
            return (f"quadratic f = ({fraction_text(self.mu)} x^2 + {fraction_text(self.L)} y^2)/2 from "
                    f"x_0 = (1/mu, 1/L)")
        if self.family == "quadratic":
            return f"quadratic f = a x^2/2, a = {fraction_text(self.parameter)}"
        mu = "" if self.mu == 0 else f"{fraction_text(self.mu)} x^2/2 + "
        return (f"Huber f = {mu}{fraction_text(self.L - self.mu)} hub_delta(x), delta = "
                f"{fraction_text(self.parameter)} (x_0 = 1)")


@dataclass
class Family:
    """A one-parameter family: ``name`` ('quadratic' or 'huber') and the parameter interval as fractions of
    (mu, L) (quadratic: a in [mu, L]) or of the start (huber: delta in (0, 1])."""

    name: str

    def interval(self, mu, L):
        return (mu, L) if self.name == "quadratic" else (Fraction(0), Fraction(1))


def quadratics() -> Family:
    return Family("quadratic")


def hubers() -> Family:
    return Family("huber")


def quadratics2d() -> Family:
    """The single function (mu x^2 + L y^2)/2 from x_0 = (1/mu, 1/L) (both gradient components 1): steepest
    descent's worst case (Kantorovich), where exact line search zigzags at the rate ((L - mu)/(L + mu))^2."""
    return Family("quadratic2d")


def _ratio(problem, cell, member: Member, exact: bool):
    """measure / initial of the method run on ``member`` from x_0 = 1 (and y_0 = 0 without an optimum), or None
    when the run is not one the claim is about (it violates a constraint the method imposes)."""
    from .problem import exact_cell, float_cell
    from .spaces import WitnessMiss

    if member.family == "quadratic2d":
        starts, dimension = [[1 / member.mu, 1 / member.L]], 2
    else:
        starts, dimension = ([[1]] if problem.optimum else [[1], [0]]), 1
    space = VectorSpace(member.oracle(exact), starts, dimension, exact=exact, optimum=problem.optimum,
                        balls=getattr(problem, "balls", False))
    try:
        run = problem.method(space, exact_cell(cell) if exact else float_cell(cell))
    except (WitnessMiss, Undecided):  # a violated constraint of the method, a point it cannot supply, or a
        return None  # ball that straddles a Huber kink (the branch is not certain)
    initial = problem.initial(space, run)
    measure = problem.measure(space, run)
    measure = min(measure) if isinstance(measure, (list, tuple)) else measure
    if initial <= 0:
        return None
    return measure / initial


def _better(r, best) -> bool:
    """r > best, certified (two balls that overlap: the earlier one is kept)."""
    if best is None:
        return True
    try:
        return bool(r > best)
    except Undecided:
        return False


def best_member(problem, cell, params: dict, families) -> tuple[Fraction | None, str]:
    """The largest exact measure/initial ratio found on the families, and the function attaining it."""
    mu, L = params["mu"], params["L"]
    best, where = None, ""
    for family in families:
        if family.name == "quadratic2d":  # one function, no parameter
            if mu > 0:
                member = Member(family.name, Fraction(0), mu, L)
                r = _ratio(problem, cell, member, exact=True)
                if r is not None and _better(r, best):
                    best, where = r, member.describe()
            continue
        lo, hi = family.interval(mu, L)
        flo, fhi = float(lo), float(hi)

        def screen(p):
            if family.name == "huber" and p <= 0:
                return float("-inf")
            r = _ratio(problem, cell, Member(family.name, p, mu, L), exact=False)
            return float("-inf") if r is None else r

        grid = [flo + (fhi - flo) * k / GRID for k in range(GRID + 1)]
        values = [screen(p) for p in grid]
        k = max(range(len(grid)), key=lambda i: values[i])
        a, b = grid[max(k - 1, 0)], grid[min(k + 1, GRID)]
        phi = (5 ** 0.5 - 1) / 2
        for _ in range(GOLDEN_STEPS):  # golden section on the bracket around the best grid point
            c, d = b - phi * (b - a), a + phi * (b - a)
            if screen(c) >= screen(d):
                b = d
            else:
                a = c
        candidates = {Fraction(grid[k]).limit_denominator(q) for q in DENOMINATORS}
        candidates |= {Fraction((a + b) / 2).limit_denominator(q) for q in DENOMINATORS}
        candidates |= {lo, hi} if family.name == "quadratic" else {hi}
        for p in sorted(candidates):
            if not (lo <= p <= hi) or (family.name == "huber" and p <= 0):
                continue
            r = _ratio(problem, cell, Member(family.name, p, mu, L), exact=True)
            if r is not None and _better(r, best):
                best, where = r, Member(family.name, p, mu, L).describe()
    return best, where


__all__ = ["Family", "Member", "quadratics", "quadratics2d", "hubers", "best_member"]
