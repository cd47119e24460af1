"""Solving a worst case with PEPit (the optional ``pep`` extra: ``pip install 'proofcheck[pep]'``).

PEPit builds the performance-estimation SDP from the method run on its own Point/Expression objects and the
class's interpolation constraints (its own implementation: an independent cross-check of ours), and an SDP
solver (Clarabel by default) solves it. Nothing PEPit returns is trusted: its multipliers and its worst-case Gram
matrix are only proposals that :mod:`proofcheck.pep.certificates` turns into exact certificates, or rejects.
"""
from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np

from .problem import Problem, float_cell
from .spaces import Space

DEFAULT_SOLVER = "CLARABEL"  # interior point, accurate to ~1e-9 here; SCS's value can sit below the true one


def available(solver: str = DEFAULT_SOLVER) -> tuple[bool, str]:
    """(True, "") if PEPit, cvxpy and the solver import; else (False, a sentence naming what is missing)."""
    missing = []
    for module in ("PEPit", "cvxpy", solver.lower()):
        try:
            __import__(module)
        except Exception:  # noqa: BLE001 - an import blocked or broken in any way counts as missing
            missing.append(module)
    if missing:
        return False, (f"the pep extra is not installed ({', '.join(missing)} missing; "
                       "pip install 'proofcheck[pep]')")
    return True, ""


def versions(solver: str = DEFAULT_SOLVER) -> dict:
    out = {}
    for name in ("pepit", "cvxpy", solver.lower()):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


class PepitSpace(Space):
    """PEPit's Points and Expressions behind the method interface; ``leaves`` lists, in the exact space's order, the
    PEPit Points that are leaves there (starting points, new gradients)."""

    def __init__(self, problem, function, optimum: bool = True):
        self.problem, self.function = problem, function
        self.has_optimum = optimum
        self.leaves: list = []
        self.point_values: list = []  # the function value Expression of each point, in the oracle's order
        self.constraints: list = []  # PEPit Constraints of the method's own conditions (Space.constrain)
        if optimum:
            self._xs, _, self._fs = function.stationary_point(return_gradient_and_function_value=True)
            self.point_values.append(self._fs)

    def start(self, name: str | None = None):
        x = self.problem.set_initial_point()
        self.leaves.append(("start", x))
        return x

    def free(self, name: str | None = None):
        from PEPit import Point

        d = Point()
        self.leaves.append(("free", d))
        return d

    def oracle(self, x):
        before = len(self.function.list_of_points)
        g, f = self.function.oracle(x)
        if len(self.function.list_of_points) > before:
            self.leaves.append(("gradient", g))
            self.point_values.append(f)
        return g, f

    def dot(self, u, v):
        return u * v

    def sq(self, u):
        return u ** 2

    def _constraint(self, expr, relation):
        constraint = (expr == 0) if relation == "==" else (expr >= 0)  # PEPit overloads the comparisons
        self.problem.add_constraint(constraint)
        self.constraints.append(constraint)

    @property
    def x_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return self._xs

    @property
    def f_star(self):
        if not self.has_optimum:
            self._no_optimum()
        return self._fs


@dataclass
class Solution:
    """What PEPit and the solver found for one cell (floats: proposals, never evidence by themselves)."""

    value: float  # PEPit's worst-case value (the dual objective)
    status: str
    solver: str
    versions: dict
    multipliers: dict  # (i, j) -> the dual value of the interpolation constraint between points i and j
    weights: list  # dual values of the performance metrics (sum to 1)
    initial_dual: float  # the dual value of the initial condition (= value)
    leaf_vectors: np.ndarray  # rows: the leaves of the exact space, x* subtracted from starting points
    values: list  # f_i - f* for each point (x* first, 0)
    points: int
    seconds: float = 0.0
    output: str = ""
    params: dict = field(default_factory=dict)

    @property
    def gram(self) -> np.ndarray:
        return self.leaf_vectors @ self.leaf_vectors.T


class PepitMismatch(RuntimeError):
    """PEPit's problem does not have the points of the exact one (the method queried points differently)."""


def solve(problem: Problem, cell: dict, params: dict, expected_points: int, solver: str = DEFAULT_SOLVER,
          solver_options: dict | None = None) -> Solution:
    """Solve the worst case of ``problem`` at ``cell`` for the class with ``params`` (exact; sent as floats)."""
    from PEPit import PEP

    start = time.perf_counter()
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        pep = PEP()
        function = problem.function_class.pepit_function(pep, params)
        s = PepitSpace(pep, function, problem.optimum)
        run = problem.method(s, float_cell(cell))
        initial = problem.initial(s, run)
        measure = problem.measure(s, run)
        measures = list(measure) if isinstance(measure, (list, tuple)) else [measure]
        condition = initial <= 1
        pep.set_initial_condition(condition)
        for m in measures:
            pep.set_performance_metric(m)
        value = pep.solve(wrapper="cvxpy", solver=solver, verbose=0, **(solver_options or {}))
    seconds = time.perf_counter() - start
    points = len(function.list_of_points)
    if points != expected_points:
        raise PepitMismatch(f"PEPit's problem has {points} points and the exact one {expected_points}: the method "
                            "must query the same points in every arithmetic")
    prob = getattr(pep.wrapper, "prob", None)
    status = str(getattr(prob, "status", "unknown"))
    if value is None:
        return Solution(float("nan"), status, solver, versions(solver), {}, [], float("nan"), np.zeros((0, 0)), [],
                        points, seconds, captured.getvalue(), dict(params))
    metric_duals = [float(c.eval_dual()) for c in pep._list_of_prepared_constraints  # noqa: SLF001 - PEPit keeps
                    if str(c.get_name()).startswith("Performance metric")]   # its metric constraints only there
    xs = s.x_star.eval() if problem.optimum else 0.0
    rows = [np.asarray(p.eval(), dtype=float) - (xs if kind == "start" else 0.0) for kind, p in s.leaves]
    fs = float(s.f_star.eval()) if problem.optimum else 0.0
    values = [float(f.eval()) - fs for f in s.point_values]
    multipliers = problem.function_class.pepit_multipliers(function)
    for k, constraint in enumerate(s.constraints):  # keyed as the exact problem keys the method's constraints
        # PEPit's dual of an equality expr == 0 multiplies -expr in the Lagrangian (its sign convention is the
        # opposite of ours: B initial - measure - sum lambda C); an inequality's has our sign. A wrong sign would
        # only make the exact check reject the proposal.
        dual = float(constraint.eval_dual())
        multipliers[(-1, k)] = -dual if constraint.equality_or_inequality == "equality" else dual
    return Solution(value=float(value), status=status, solver=solver, versions=versions(solver),
                    multipliers=multipliers, weights=metric_duals,
                    initial_dual=float(condition.eval_dual()),
                    leaf_vectors=np.array(rows, dtype=float).reshape(len(rows), -1), values=values, points=points,
                    seconds=seconds, output=captured.getvalue(), params=dict(params))
