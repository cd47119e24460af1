"""Function classes as exact interpolation conditions (docs/design.md, 'Worst cases').

A class is described by its *interpolation conditions*: inequalities on finitely many triplets (x_i, g_i, f_i)
that hold for every function of the class, at every set of points, and that are also sufficient: a finite set
that satisfies them is the trace of some function of the class. Necessity makes a dual certificate a proof (every
inequality it combines holds on the method's iterates); sufficiency makes a finite primal witness a function of the
class (so the worst case it shows is attained).

Each condition is written once, against a :class:`~proofcheck.pep.spaces.Space`, so it evaluates on exact Gram
forms (the certificate's data), on exact or float vectors (a witness) and, for cross-checks, anywhere else.

Parameters are exact numbers or the names of grid keys: ``SmoothStronglyConvex(mu=0, L="L")`` takes L from
each cell. More classes (M-Lipschitz convex, quadratics, composite sums) plug in by subclassing
:class:`FunctionClass`: ``condition`` (pairwise), the PEPit class to cross-check with, ``shrink`` and
``extension``.
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..exact import NotExact, fraction_text, parse_fraction, to_fraction


def resolve_parameter(value, cell: dict, what: str) -> Fraction:
    """An exact parameter: a number, a 'p/q' string, a grid key's name (its value in ``cell``), or a callable of
    the cell."""
    if callable(value):
        return to_fraction(value(cell), what)
    if isinstance(value, str) and not re.match(r"^\s*-?\d+(\s*/\s*\d+)?\s*$", value):
        if value not in cell:
            raise KeyError(f"{what} names the grid key {value!r}, which the cell {sorted(cell)} does not have")
        return to_fraction(cell[value], f"{what} (cell key {value!r})")
    return to_fraction(value, what)


class FunctionClass:
    """A function class given by pairwise interpolation conditions ``condition(s, p_i, p_j) >= 0`` over every
    ordered pair i != j of the oracle's points (x* included when the problem has an optimum)."""

    name = "function class"
    parameter_names: tuple[str, ...] = ()

    def __init__(self, **parameters):
        missing = [p for p in self.parameter_names if p not in parameters]
        if missing:
            raise TypeError(f"{type(self).__name__} needs the parameters {missing}")
        self.parameters = parameters

    def resolve(self, cell: dict) -> dict:
        """The exact parameters in ``cell``, validated (:meth:`validate`)."""
        params = {p: resolve_parameter(self.parameters[p], cell, f"{self.name} parameter {p}")
                  for p in self.parameter_names}
        self.validate(params)
        return params

    def validate(self, params: dict) -> None:
        """Raise ValueError when the parameters describe no class (e.g. mu >= L)."""

    def condition(self, s, pi, pj, params: dict):  # pragma: no cover - abstract
        """The interpolation inequality for the ordered pair (p_i, p_j), as an expression that must be >= 0."""
        raise NotImplementedError

    def describe(self, params: dict) -> str:
        return f"{self.name} (" + ", ".join(f"{k} = {fraction_text(v)}" for k, v in params.items()) + ")"

    def extension(self, params: dict) -> str:  # pragma: no cover - abstract
        """How a finite set satisfying the conditions extends to a function of the class (the theorem to cite)."""
        raise NotImplementedError

    def shrink(self, params: dict, fraction: Fraction) -> dict:
        """Parameters of a strictly smaller class inside this one (a worst case there has slack here)."""
        raise NotImplementedError(f"{self.name} has no smaller class to solve for")

    # -- PEPit (optional): the same class in PEPit, to solve the problem and read its multipliers --
    def pepit_function(self, problem, params: dict):  # pragma: no cover - abstract
        raise NotImplementedError(f"{self.name} has no PEPit counterpart")

    def pepit_multipliers(self, function) -> dict:
        """{(i, j): float} PEPit's dual values of the class's constraints, indexed like :meth:`condition`'s pairs
        (PEPit names each class constraint after its two points: 'IC_<function>_<name>(Point_i, Point_j)', where
        i and j index the function's list of points, which is the oracle's order, as ours)."""
        found = {}
        pattern = re.compile(r"\(Point_(\d+), Point_(\d+)\)$")
        for constraint in function.list_of_class_constraints:
            m = pattern.search(constraint.get_name())
            if m is None:
                raise ValueError(f"unexpected PEPit constraint name {constraint.get_name()!r}")
            found[(int(m.group(1)), int(m.group(2)))] = float(constraint.eval_dual())
        return found


class SmoothStronglyConvex(FunctionClass):
    """F_{mu,L}: L-smooth, mu-strongly convex functions on a Euclidean space (0 <= mu < L; mu = 0 gives the convex
    L-smooth functions).

    Interpolation conditions (Taylor, Hendrickx, Glineur, "Smooth strongly convex interpolation and exact
    worst-case performance of first-order methods", Math. Program. 161 (2017), Theorem 4): a set
    {(x_i, g_i, f_i)} is F_{mu,L}-interpolable if and only if, for every ordered pair i != j,

        f_i - f_j - <g_j, x_i - x_j> - |g_i - g_j|^2 / (2L) - mu / (2 (1 - mu/L)) |x_i - x_j - (g_i - g_j)/L|^2 >= 0.
    """

    name = "F_{mu,L}"
    parameter_names = ("mu", "L")

    def __init__(self, mu, L):
        super().__init__(mu=mu, L=L)

    def validate(self, params: dict) -> None:
        mu, L = params["mu"], params["L"]
        if not (0 <= mu < L):
            raise ValueError(f"F_(mu,L) needs 0 <= mu < L, got mu = {fraction_text(mu)}, L = {fraction_text(L)}")

    def condition(self, s, pi, pj, params):
        (xi, gi, fi), (xj, gj, fj) = pi, pj
        mu, L = s.number(params["mu"]), s.number(params["L"])
        dx, dg = xi - xj, gi - gj
        one = s.number(1)
        value = fi - fj - s.dot(gj, dx) - s.sq(dg) / (2 * L)
        if params["mu"] != 0:  # mu = 0: the term vanishes (and is left out, so the data stay small)
            value = value - mu / (2 * (one - mu / L)) * s.sq(dx - dg / L)
        return value

    def describe(self, params):
        mu, L = fraction_text(params["mu"]), fraction_text(params["L"])
        if params["mu"] == 0:
            return f"convex L-smooth functions, L = {L}"
        return f"F_(mu,L): L-smooth mu-strongly convex functions, mu = {mu}, L = {L}"

    def extension(self, params):
        return ("the points satisfy the F_(mu,L) interpolation conditions exactly, so by Taylor-Hendrickx-Glineur "
                "(Math. Program. 2017, Thm. 4) some L-smooth mu-strongly convex function on R^d, with mu = "
                f"{fraction_text(params['mu'])} and L = {fraction_text(params['L'])}, has these values and gradients "
                "at these points (the theorem's proof constructs one); the method queries only these points, so it "
                "runs on that function exactly as replayed")

    def shrink(self, params, fraction):
        mu, L = params["mu"], params["L"]
        gap = (L - mu) * Fraction(fraction)
        return {"mu": mu + gap, "L": L - gap}

    def pepit_function(self, problem, params):
        from PEPit.functions import SmoothStronglyConvexFunction

        return problem.declare_function(SmoothStronglyConvexFunction, mu=float(params["mu"]), L=float(params["L"]))


__all__ = ["FunctionClass", "SmoothStronglyConvex", "resolve_parameter", "NotExact", "parse_fraction"]
