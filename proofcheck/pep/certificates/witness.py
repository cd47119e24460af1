"""Witnesses: finite sets of points proposed from a solver's worst case, verified exactly against the class's
interpolation conditions (docstring of :mod:`proofcheck.pep.certificates`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ...exact import difference_bounds, fraction_text, gram, psd_rounding, rationalize, ZERO
from ..problem import ExactProblem, Problem
from ..spaces import WitnessMiss, canonical

from .format import CertificateFormatError, field_int, field_list, field_fraction


# ---------------------------------------------------------------------------------------------
# witnesses
# ---------------------------------------------------------------------------------------------
@dataclass
class Witness:
    """A finite function: points (x_i, g_i, f_i) of Q^r with the standard inner product (x* = 0, g = 0, f = 0
    first when the problem has an optimum), and the starting points the method takes."""

    dimension: int
    starts: list
    table: list  # [(x list, g list, f Fraction)]

    def to_json(self) -> dict:
        return {"dimension": self.dimension, "inner_product": "standard",
                "starts": [[fraction_text(v) for v in x] for x in self.starts],
                "points": [{"x": [fraction_text(v) for v in x], "g": [fraction_text(v) for v in g],
                            "f": fraction_text(f)} for x, g, f in self.table]}

    @classmethod
    def from_json(cls, data) -> "Witness":
        if not isinstance(data, dict):
            raise CertificateFormatError("a witness must be an object")
        r = field_int(data.get("dimension"), "the witness's dimension")
        if r < 1 or data.get("inner_product", "standard") != "standard":
            raise CertificateFormatError("a witness needs a dimension >= 1 and the standard inner product")

        def vec(v, what):
            v = field_list(v, what)
            if len(v) != r:
                raise CertificateFormatError(f"{what} has {len(v)} coordinates, the witness's dimension is {r}")
            return [field_fraction(t, what) for t in v]

        starts = [vec(x, "a starting point") for x in field_list(data.get("starts"), "starts")]
        table = []
        for p in field_list(data.get("points"), "points"):
            if not isinstance(p, dict):
                raise CertificateFormatError("a witness point is {x, g, f}")
            table.append((vec(p.get("x"), "a point"), vec(p.get("g"), "a gradient"), field_fraction(p.get("f"), "a value")))
        return cls(r, starts, table)


@dataclass
class WitnessCheck:
    ok: bool
    reason: str
    ratio: Fraction | None = None
    initial: Fraction | None = None
    measures: list = field(default_factory=list)


def verify_witness(problem: Problem, exact: ExactProblem, witness: Witness) -> WitnessCheck:
    """Whether ``witness`` is a function of the class on which the method gives ``min measure = ratio * initial``,
    decided exactly: its points satisfy every interpolation condition, and the method, replayed on it, queries only
    its points."""
    import numpy as np

    r = witness.dimension
    table = [(np.array(x, dtype=object), np.array(g, dtype=object), f) for x, g, f in witness.table]
    if problem.optimum:
        if not table or any(v != 0 for v in witness.table[0][0] + witness.table[0][1]) or witness.table[0][2] != 0:
            return WitnessCheck(False, "the witness's first point must be the optimum (x* = 0, g* = 0, f* = 0)")
    bad = problem.interpolation_violations(table, exact.params, r)
    if bad:
        return WitnessCheck(False, f"the interpolation condition between points {bad[0][0]} and {bad[0][1]} fails "
                                   f"({len(bad)} pair(s) fail)")
    try:
        replay = problem.replay(exact.cell, witness.starts, table, r)
    except (WitnessMiss, ValueError) as exc:  # the method left the table, or the table contradicts itself
        return WitnessCheck(False, f"replaying the method: {exc}")
    initial, measures = replay["initial"], replay["measures"]
    if initial <= 0:
        return WitnessCheck(False, "the witness's initial condition is 0: it bounds no ratio", None, initial, measures)
    return WitnessCheck(True, f"interpolable ({len(table)} points in Q^{r}), replayed exactly", min(measures) / initial,
                        initial, measures)


def _difference_edges(exact: ExactProblem, gram_q):
    """The interpolation conditions as difference constraints f_v - f_u <= w on the points' values (x* is node 0
    with f* = 0), or None when some condition is not of that form."""
    shift = 1 if exact.space.has_optimum else 0
    edges = []
    for (i, j), c in exact.conditions.items():
        rest = _quad_only(c).evaluate(gram_q, {})  # the condition without its function values
        nodes = {k + shift: v for k, v in c.l.items()}
        if i < 0:  # a constraint of the method: a v f_v + rest >= 0 (or = 0) bounds f_v against f* (node 0)
            if not nodes:
                continue  # no value in it: the replay checks it
            if len(nodes) > 1 or not shift:
                return None
            (v, a), = nodes.items()
            bound = rest / abs(a)
            if a > 0 or (i, j) in exact.equalities:  # f_v >= -rest / a: f_0 - f_v <= rest / a
                edges.append((v, 0, bound if a > 0 else -bound))
            if a < 0 or (i, j) in exact.equalities:  # f_v <= rest / |a|
                edges.append((0, v, bound if a < 0 else -bound))
            continue
        plus = [n for n, v in nodes.items() if v == 1]
        minus = [n for n, v in nodes.items() if v == -1]
        if len(plus) + len(minus) != len(nodes) or len(plus) > 1 or len(minus) > 1:
            return None
        # c = f_p - f_m + rest >= 0, i.e. f_m - f_p <= rest (a missing side is x*, with f* = 0, when there is one)
        if (not plus or not minus) and not shift:
            return None
        edges.append((plus[0] if plus else 0, minus[0] if minus else 0, rest))
    return edges


def _quad_only(c):
    from ..spaces import Quad

    return Quad(c.q, None, c.c)


def propose_witness(problem: Problem, exact: ExactProblem, leaf_vectors, values=None,
                    attempts=((1e-9, 8), (1e-7, 8), (1e-11, 12), (1e-5, 8))):
    """A verified witness from the solver's worst case (leaf vectors in the exact problem's leaf order; ``values``,
    the solver's f_i - f*, are used only when the conditions are not difference constraints).

    The Gram matrix is rounded through a rational factor (PSD by construction: :func:`psd_rounding`); the function
    values are then the pointwise extreme solution of the pairwise inequalities (exact shortest paths), on the side
    that makes the measure large; a negative cycle means the rounded Gram matrix cannot be interpolated. Returns
    (witness or None, WitnessCheck of the best or last attempt)."""
    import numpy as np

    if getattr(problem, "balls", False):  # a finite witness is replayed by table look-up of exact points: with
        # ball coefficients the method's points are balls, so no table can be matched exactly; explicit functions
        # (the families) decide FAILs of such problems instead
        return None, WitnessCheck(False, "the method's coefficients are balls: no finite witness can be replayed "
                                         "exactly (explicit functions decide a FAIL)")
    g_float = np.asarray(leaf_vectors, dtype=float)
    g_float = g_float @ g_float.T
    shift = 1 if exact.space.has_optimum else 0
    n_points = len(exact.points)
    direction = _value_direction(exact)
    best, best_check, last = None, None, WitnessCheck(False, "no attempt")
    seen = set()
    for cutoff, digits in attempts:
        factor = psd_rounding(g_float, digits, cutoff)
        key = canonical([[fraction_text(v) for v in row] for row in factor])
        if key in seen:
            continue
        seen.add(key)
        r = len(factor[0]) if factor else 0
        if r == 0:
            last = WitnessCheck(False, "the worst case's Gram matrix rounds to 0")
            continue
        gram_q = gram(factor)
        f = _values(exact, gram_q, direction, values, n_points, shift)
        if isinstance(f, str):
            last = WitnessCheck(False, f)
            continue
        table = []
        for p, (x, g, _) in enumerate(exact.points):
            table.append((_combine(exact.space.reduced_vector(x), factor, r),
                          _combine(exact.space.reduced_vector(g), factor, r), f[p]))
        starts = [factor[a] for a, (_, kind) in enumerate(exact.space.reduced_leaves) if kind[0] in ("start", "free")]
        witness = Witness(r, starts, table)
        check = verify_witness(problem, exact, Witness.from_json(witness.to_json()))
        last = check
        if check.ok and (best_check is None or check.ratio > best_check.ratio):
            best, best_check = witness, check
    return (best, best_check) if best is not None else (None, last)


def _combine(coefficients: dict, factor, r: int) -> list:
    out = [ZERO] * r
    for a, c in coefficients.items():
        row = factor[a]
        for k in range(r):
            out[k] += c * row[k]
    return out


def _value_direction(exact: ExactProblem) -> str:
    """'upper' when the measures grow and the initial condition does not with every function value, 'lower' when
    the reverse holds, 'mixed' otherwise."""
    signs = set()
    for m in exact.measures:
        signs |= {v > 0 for v in m.l.values()}
    signs |= {v < 0 for v in exact.initial.l.values()}
    if not signs:
        return "upper"
    return "upper" if signs == {True} else ("lower" if signs == {False} else "mixed")


def _values(exact: ExactProblem, gram_q, direction: str, values, n_points: int, shift: int):
    """The function values of the points (x* first, 0), or a sentence saying why there are none."""
    edges = _difference_edges(exact, gram_q) if direction != "mixed" else None
    if edges is None:
        if values is None:
            return "the function values are not fixed by difference constraints, and the solver gave none"
        return [ZERO] * shift + [rationalize(v, 10**9) for v in values[shift:]]
    bounds = difference_bounds(n_points, edges, root=0)
    if not bounds.feasible:
        return (f"the rounded Gram matrix is not interpolable: the inequalities form a negative cycle through points "
                f"{bounds.cycle}")
    chosen = bounds.upper if direction == "upper" else bounds.lower
    if any(v is None for v in chosen):
        if values is None:
            return "some function value is unbounded by the inequalities"
        chosen = [v if v is not None else rationalize(values[k], 10**9) for k, v in enumerate(chosen)]
    return chosen


