"""A worst-case problem: a method, a function class, an initial condition and a performance measure.

The claim "measure <= tau * initial for every function of the class and every start" is decided per cell of a
grid (the number of steps N and the parameters). :class:`Problem` builds, for one cell:

- :meth:`Problem.exact`: the exact performance-estimation data (:class:`ExactProblem`): the method run in the
  Gram representation (x* = 0, g* = 0, f* = 0), every interpolation inequality of the class between the points
  the method queried, the initial condition and the measure, all as exact quadratic/linear forms;
- :meth:`Problem.replay`: the method run on a finite witness in exact rationals.

Initial conditions and measures are callables ``(s, run) -> scalar`` of the space and of what the method returned
(usually its list of iterates); a measure may return a list (the measure is then the minimum of its entries, as
PEPit's several performance metrics). :func:`distance`, :func:`function_gap` and :func:`gradient_norm` build the
usual ones with a readable text.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from ..exact import fraction_text, to_fraction
from .classes import FunctionClass
from .spaces import Quad, SymbolicSpace, TableOracle, VectorSpace, canonical


class Quantity:
    """A named scalar of a run: ``fn(s, run)``, with the ``text`` reports print (e.g. "||x_0 - x*||^2")."""

    def __init__(self, text: str, fn: Callable):
        self.text, self.fn = text, fn

    def __call__(self, s, run):
        return self.fn(s, run)

    def __repr__(self) -> str:
        return f"Quantity({self.text!r})"


def _label(at: int) -> str:
    return "x_0" if at == 0 else ("x_N" if at == -1 else f"x_{at}")


def distance(at: int = 0) -> Quantity:
    """||x_at - x*||^2, with ``at`` an index into the method's iterates (0: the start; -1: the last)."""
    return Quantity(f"||{_label(at)} - x*||^2", lambda s, run: s.sq(run[at] - s.x_star))


def function_gap(at: int = -1) -> Quantity:
    """f(x_at) - f*."""
    return Quantity(f"f({_label(at)}) - f*", lambda s, run: s.value(run[at]) - s.f_star)


def gradient_norm(at: int = -1) -> Quantity:
    """||grad f(x_at)||^2."""
    return Quantity(f"||grad f({_label(at)})||^2", lambda s, run: s.sq(s.gradient(run[at])))


def text_of(quantity) -> str:
    return getattr(quantity, "text", None) or getattr(quantity, "__name__", None) or repr(quantity)


def exact_cell(cell: dict) -> dict:
    """The cell with every value an exact Fraction (ints too: in exact arithmetic 1/2 must not become 0.5)."""
    return {k: to_fraction(v, f"cell value {k}") for k, v in cell.items()}


def float_cell(cell: dict) -> dict:
    return {k: float(v) for k, v in exact_cell(cell).items()}


def cell_text(cell: dict) -> dict:
    """The cell as JSON-ready exact text values ("p/q"), sorted by key."""
    return {k: fraction_text(v) for k, v in sorted(exact_cell(cell).items())}


@dataclass
class ExactProblem:
    """The exact data of one cell. Leaves: the vectors of the Gram representation (starting points, gradients);
    function values: one per point other than x*. ``conditions[(i, j)] >= 0`` for every ordered pair of points."""

    cell: dict
    params: dict
    space: SymbolicSpace
    initial: Quad
    measures: list
    conditions: dict
    digest: str = ""
    labels: dict = field(default_factory=dict)
    # keys of ``conditions`` that are the method's equality constraints (their multipliers are free in sign); the
    # method's constraints are keyed (-1, k), k their order (pairs of points are (i, j) with i, j >= 0)
    equalities: frozenset = frozenset()

    @property
    def size(self) -> int:
        """Leaves of the reduced representation: the order of the certificate's matrix."""
        return self.space.size

    @property
    def values(self) -> int:
        """Function values of the reduced representation (f* dropped): one per point other than x*."""
        return self.space.f_leaves - (1 if self.space.has_optimum else 0)

    @property
    def points(self) -> list:
        return self.space.points


def _as_quads(value, what: str) -> list:
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values:
        raise ValueError(f"the {what} returned no expression")
    for v in values:
        if not isinstance(v, Quad):
            raise TypeError(f"the {what} must return a scalar of the run (e.g. s.sq(...) or s.value(...)), "
                            f"got {type(v).__name__}")
    return values


class Problem:
    """Method + class + initial condition + measure (see the module docstring). ``optimum``: the class's functions
    have a minimizer x* (with g* = 0, f* = f(x*)), placed at 0; without it (a contraction between two runs) no x*
    is declared."""

    def __init__(self, function_class: FunctionClass, method: Callable, initial: Callable, measure: Callable,
                 optimum: bool = True, balls: bool = False):
        if not isinstance(function_class, FunctionClass):
            raise TypeError("function_class must be a proofcheck.pep FunctionClass (e.g. SmoothStronglyConvex)")
        self.function_class = function_class
        self.method = method
        self.initial = initial
        self.measure = measure
        self.optimum = optimum
        self.balls = balls  # irrational coefficients (OGM's theta) as certified balls: "certified (balls)"

    def describe(self) -> str:
        return (f"{text_of(self.measure)} <= tau * {text_of(self.initial)} over "
                f"{self.function_class.name}")

    def exact(self, cell: dict) -> ExactProblem:
        params = self.function_class.resolve(cell)
        s = SymbolicSpace(self.optimum, balls=self.balls)
        run = self.method(s, exact_cell(cell))
        initial = _as_quads(self.initial(s, run), "initial condition")
        if len(initial) != 1:
            raise ValueError("the initial condition must be one expression")
        initial = [s.reduce(initial[0], "initial condition")]
        measures = [s.reduce(m, "performance measure") for m in _as_quads(self.measure(s, run), "performance measure")]
        points = s.points
        conditions = {}
        for i, pi in enumerate(points):
            for j, pj in enumerate(points):
                if i != j:
                    c = self.function_class.condition(s, pi, pj, params)
                    if not isinstance(c, Quad):
                        raise TypeError(f"{self.function_class.name}.condition returned {type(c).__name__}")
                    conditions[(i, j)] = s.reduce(c, f"interpolation condition between points {i} and {j}")
        equalities = set()
        for k, (relation, c) in enumerate(s.constraints):
            conditions[(-1, k)] = s.reduce(c, f"constraint {k} of the method")
            if relation == "==":
                equalities.add((-1, k))
        data = {"class": self.function_class.name, "params": {k: fraction_text(v) for k, v in params.items()},
                "optimum": self.optimum, "leaves": [list(k) for _, k in s.reduced_leaves],
                "initial": initial[0].json(), "measures": [m.json() for m in measures],
                "conditions": [[i, j, c.json()] for (i, j), c in sorted(conditions.items())],
                **({"equalities": sorted(map(list, equalities))} if equalities else {})}
        digest = hashlib.sha256(canonical(data).encode()).hexdigest()
        return ExactProblem(exact_cell(cell), params, s, initial[0], measures, conditions, digest,
                            equalities=frozenset(equalities))

    def replay(self, cell: dict, starts: list, table: list, dimension: int) -> dict:
        """Run the method exactly on the finite witness (``table`` of (x, g, f), x* = (0, 0, 0) first when there is an
        optimum); returns {"initial", "measures", "queries"}. Raises WitnessMiss if the method leaves the table."""
        space = VectorSpace(TableOracle(table), starts, dimension, exact=True, optimum=self.optimum, balls=self.balls)
        run = self.method(space, exact_cell(cell))
        initial = self.initial(space, run)
        measure = self.measure(space, run)
        measures = list(measure) if isinstance(measure, (list, tuple)) else [measure]
        return {"initial": to_fraction(initial, "the replayed initial condition"),
                "measures": [to_fraction(m, "a replayed measure") for m in measures],
                "queries": len(space.queries)}

    def interpolation_violations(self, table: list, params: dict, dimension: int) -> list:
        """The ordered pairs (i, j) of the table whose interpolation condition fails, exactly (empty: interpolable)."""
        space = VectorSpace(lambda x: (_ for _ in ()).throw(LookupError("no oracle")), [], dimension, exact=True,
                            optimum=self.optimum)
        bad = []
        for i, pi in enumerate(table):
            for j, pj in enumerate(table):
                if i != j and to_fraction(self.function_class.condition(space, pi, pj, params)) < 0:
                    bad.append((i, j))
        return bad


__all__ = ["Problem", "ExactProblem", "Quantity", "distance", "function_gap", "gradient_norm", "exact_cell",
           "float_cell", "cell_text", "Fraction"]
