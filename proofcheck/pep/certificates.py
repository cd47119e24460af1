"""Exact certificates of a worst case, in both directions, and their storage as data.

For one cell of a :class:`~proofcheck.pep.problem.Problem` (exact data: :class:`ExactProblem`):

- a **dual certificate** proves ``measure <= B * initial`` on every function of the class: rational multipliers
  lambda_ij >= 0 of the interpolation inequalities C_ij >= 0 and weights w_t >= 0 (sum 1) of the measures with

      B * initial - sum_t w_t measure_t - sum_ij lambda_ij C_ij = <S, G> + c,   S PSD, c >= 0, no f-term,

  checked exactly (:func:`verify_dual`: the linear part vanishes, the constant is >= 0, S passes exact LDL^T).
  Since every C_ij >= 0 holds on any run (necessity of the interpolation conditions) and G is a Gram matrix,
  min_t measure_t <= sum_t w_t measure_t <= B * initial.
- a **witness** proves the worst case is at least W: a finite set of points (x_i, g_i, f_i) in Q^r (standard inner
  product) that satisfies the class's interpolation conditions exactly, so extends to a function of the class,
  on which the method, replayed exactly, gives ``min_t measure_t = W * initial`` (:func:`verify_witness`).

Both are *proposed* from PEPit's floating-point solution (:func:`propose_dual`, :func:`propose_witness`) and
*decided* in exact arithmetic; a stored one is decided again each time it is read, never trusted.

Storage (:class:`CertificateStore`): one JSON file per check, beside the claim's catalogue module, with one record
per cell; every number is an exact rational written "p/q". The file is read with ``open`` (so the run records it
as an input of the check: :mod:`proofcheck.inputs`), and written only when certificates are refreshed.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..exact import (NotExact, ZERO, difference_bounds, fraction_text, gram, ldl_psd, on_grid, parse_fraction,
                     psd_rounding, rationalize, weighted_least_norm_correction, basic_correction)
from .problem import ExactProblem, Problem, cell_text
from .spaces import WitnessMiss, canonical

FORMAT = "proofcheck-worstcase-certificates/1"


class CertificateFormatError(ValueError):
    """A stored record that is not a well-formed certificate (wrong keys, inexact numbers, wrong shapes)."""


def _q(text, what: str) -> Fraction:
    try:
        return parse_fraction(text, what)
    except NotExact as exc:
        raise CertificateFormatError(str(exc)) from None


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CertificateFormatError(f"{what} must be an integer, got {value!r}")
    return value


def _list(value, what: str) -> list:
    if not isinstance(value, list):
        raise CertificateFormatError(f"{what} must be a list, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------------------------------------
# dual certificates
# ---------------------------------------------------------------------------------------------
@dataclass
class DualCertificate:
    bound: Fraction
    multipliers: dict  # (i, j) -> Fraction >= 0
    weights: list  # one per measure

    def to_json(self) -> dict:
        return {"bound": fraction_text(self.bound),
                "multipliers": [[i, j, fraction_text(v)] for (i, j), v in sorted(self.multipliers.items()) if v != 0],
                "weights": [fraction_text(w) for w in self.weights]}

    @classmethod
    def from_json(cls, data) -> "DualCertificate":
        if not isinstance(data, dict):
            raise CertificateFormatError("a dual certificate must be an object")
        multipliers = {}
        for entry in _list(data.get("multipliers"), "multipliers"):
            if not isinstance(entry, list) or len(entry) != 3:
                raise CertificateFormatError("a multiplier is [i, j, 'p/q']")
            key = (_int(entry[0], "a multiplier's point index"), _int(entry[1], "a multiplier's point index"))
            if key in multipliers:
                raise CertificateFormatError(f"the multiplier of the pair {key} is given twice")
            multipliers[key] = _q(entry[2], f"the multiplier of the pair {key}")
        weights = [_q(w, "a measure weight") for w in _list(data.get("weights"), "weights")]
        return cls(_q(data.get("bound"), "the bound"), multipliers, weights)


@dataclass
class DualCheck:
    ok: bool
    reason: str
    rank: int | None = None
    size: int | None = None


def residual_form(exact: ExactProblem, cert: DualCertificate):
    """B * initial - sum_t w_t measure_t - sum_ij lambda_ij C_ij, exactly (a Quad)."""
    total = exact.initial * cert.bound
    for w, m in zip(cert.weights, exact.measures):
        if w != 0:
            total = total - m * w
    for key, lam in cert.multipliers.items():
        if lam != 0:
            total = total - exact.conditions[key] * lam
    return total


def verify_dual(exact: ExactProblem, cert: DualCertificate) -> DualCheck:
    """Whether ``cert`` proves ``min_t measure_t <= cert.bound * initial`` for this cell, decided exactly."""
    unknown = sorted(k for k in cert.multipliers if k not in exact.conditions)
    if unknown:
        return DualCheck(False, f"multipliers for pairs of points the problem does not have: {unknown[:3]}")
    negative = sorted(k for k, v in cert.multipliers.items() if v < 0 and k not in exact.equalities)
    if negative:
        return DualCheck(False, f"negative multiplier on the pair {negative[0]}")
    if len(cert.weights) != len(exact.measures):
        return DualCheck(False, f"{len(cert.weights)} measure weights for {len(exact.measures)} measures")
    if any(w < 0 for w in cert.weights) or sum(cert.weights, ZERO) != 1:
        return DualCheck(False, "the measure weights are not nonnegative with sum 1")
    if cert.bound < 0:
        return DualCheck(False, "negative bound")
    s = residual_form(exact, cert)
    if s.l:
        k, v = next(iter(sorted(s.l.items())))
        return DualCheck(False, f"the function-value part does not vanish (coefficient {float(v):.3e} on value {k})")
    if s.c < 0:
        return DualCheck(False, f"negative constant term {float(s.c):.3e}")
    result = ldl_psd(s.matrix(exact.size))
    if not result.psd:
        return DualCheck(False, f"the residual matrix is not PSD: {result.reason}", result.rank, exact.size)
    return DualCheck(True, f"exact LDL^T: the residual matrix is PSD (rank {result.rank} of {exact.size})",
                     result.rank, exact.size)


def _linear_system(exact: ExactProblem, support: list, bound: Fraction):
    """Rows: one equation per function value (the f-part of the residual vanishes) and sum of weights = 1;
    columns: the multipliers of ``support`` then the measure weights."""
    values = range(exact.values)
    cols = [exact.conditions[k] for k in support] + list(exact.measures)
    a = [[c.l.get(v, ZERO) for c in cols] for v in values]
    b = [bound * exact.initial.l.get(v, ZERO) for v in values]
    a.append([ZERO] * len(support) + [Fraction(1)] * len(exact.measures))
    b.append(Fraction(1))
    return a, b


def propose_dual(exact: ExactProblem, multipliers: dict, weights: list, bounds: list,
                 thresholds=(1e-7, 1e-9, 1e-5, 1e-11, 0.0), digits: int = 12):
    """A verified dual certificate from the solver's multipliers, for the first (smallest) bound that works.

    Bounds are tried smallest first; for each, every cut-off (multipliers below ``threshold`` times the largest are set to 0) the multipliers are rounded
    to rationals on one grid (``digits`` significant digits of the largest: :func:`on_grid`), the function-value
    part of the residual is made to vanish exactly (by a basic correction of the largest multipliers, else by the
    smallest relative correction: an exact weighted least-norm solve), and the residual matrix is tested exactly.
    Returns
    (certificate or None, DualCheck of the last attempt, attempts)."""
    keys = sorted(exact.conditions)
    if sorted(multipliers) != keys:
        return None, DualCheck(False, "PEPit's constraints are not the exact problem's pairs of points"), 0
    if len(weights) != len(exact.measures):
        return None, DualCheck(False, "PEPit's performance metrics are not the exact problem's measures"), 0
    top = max([abs(v) for v in multipliers.values()] + [0.0])
    last, attempts = DualCheck(False, "no attempt"), 0
    supports, seen = [], set()  # one rounded support per distinct cut-off
    for threshold in thresholds:
        support = [k for k in keys if (abs(multipliers[k]) if k in exact.equalities else multipliers[k]) > threshold * top
                   and multipliers[k] != 0]  # an equality's multiplier has either sign
        if tuple(support) not in seen:
            seen.add(tuple(support))
            supports.append((support, on_grid([multipliers[k] for k in support] + [max(w, 0.0) for w in weights],
                                              digits)))
    # bound-major: the smallest bound any cut-off certifies is the one returned (a failed attempt costs ~1 ms)
    for bound in bounds:
        for support, z0 in supports:
            attempts += 1
            a, b = _linear_system(exact, support, bound)
            residual = [bi - sum((aij * zj for aij, zj in zip(row, z0)), ZERO) for row, bi in zip(a, b)]
            # first a basic correction (few multipliers change, short numbers), then the smallest relative one
            for correct in (lambda: basic_correction(a, residual, z0),
                            lambda: weighted_least_norm_correction(a, residual, [z * z for z in z0])):
                delta = correct()
                if delta is None:
                    last = DualCheck(False, "the function-value part cannot be made to vanish on the kept multipliers")
                    continue
                z = [zi + di for zi, di in zip(z0, delta)]
                signed = [k in exact.equalities for k in support] + [False] * len(exact.measures)
                if any(v < 0 and not free for v, free in zip(z, signed)):
                    last = DualCheck(False, "the exact correction of the function-value part makes a multiplier "
                                            "negative")
                    continue
                cert = DualCertificate(bound, dict(zip(support, z[:len(support)])), z[len(support):])
                last = verify_dual(exact, cert)
                if last.ok:
                    return cert, last, attempts
    return None, last, attempts


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
        r = _int(data.get("dimension"), "the witness's dimension")
        if r < 1 or data.get("inner_product", "standard") != "standard":
            raise CertificateFormatError("a witness needs a dimension >= 1 and the standard inner product")

        def vec(v, what):
            v = _list(v, what)
            if len(v) != r:
                raise CertificateFormatError(f"{what} has {len(v)} coordinates, the witness's dimension is {r}")
            return [_q(t, what) for t in v]

        starts = [vec(x, "a starting point") for x in _list(data.get("starts"), "starts")]
        table = []
        for p in _list(data.get("points"), "points"):
            if not isinstance(p, dict):
                raise CertificateFormatError("a witness point is {x, g, f}")
            table.append((vec(p.get("x"), "a point"), vec(p.get("g"), "a gradient"), _q(p.get("f"), "a value")))
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
    from .spaces import Quad

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


# ---------------------------------------------------------------------------------------------
# records and their storage
# ---------------------------------------------------------------------------------------------
def cell_key(cell: dict) -> str:
    return canonical(cell_text(cell))


class CertificateStore:
    """The certificates of one check: ``<directory>/<check>.json``, one record per cell (see the module docstring).

    A file that cannot be read or parsed is reported (``error``) and treated as holding no certificate; a record
    is only ever *data*: :func:`proofcheck.checks.worstcase` verifies it exactly before using it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.records: dict = {}
        self.error = ""
        self.changed = False
        self.header: dict = {}
        if self.path.is_file():
            try:
                with open(self.path, encoding="utf-8") as fh:  # plain open: the run records it as an input
                    data = json.load(fh)
                if not isinstance(data, dict) or data.get("format") != FORMAT:
                    raise CertificateFormatError(f"not a {FORMAT} file")
                for record in _list(data.get("cells"), "cells"):
                    if not isinstance(record, dict) or not isinstance(record.get("cell"), dict):
                        raise CertificateFormatError("a record needs its cell")
                    self.records[canonical(record["cell"])] = record
                self.header = {k: v for k, v in data.items() if k != "cells"}
            except (OSError, ValueError, RecursionError) as exc:
                self.records, self.error = {}, f"the certificate file {self.path.name} is unreadable ({exc})"

    def get(self, cell: dict) -> dict | None:
        return self.records.get(cell_key(cell))

    def put(self, cell: dict, record: dict) -> None:
        self.records[cell_key(cell)] = record
        self.changed = True

    def save(self, header: dict) -> None:
        """Write the file atomically (a temporary file beside it, then a rename)."""
        data = {"format": FORMAT, **header, "cells": [self.records[k] for k in sorted(self.records)]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.changed = False


@dataclass
class Verified:
    """A record decided exactly: the proven upper bound (dual) and lower bound (witness), when they hold."""

    dual: DualCheck | None
    bound: Fraction | None
    witness: WitnessCheck | None
    ratio: Fraction | None
    problems: list = field(default_factory=list)  # why a part of the record was rejected
    seconds: float = 0.0


def verify_record(problem: Problem, exact: ExactProblem, record: dict) -> Verified:
    """Decide a stored (or fresh) record exactly; nothing in it is trusted."""
    start = time.perf_counter()
    problems = []
    dual = bound = witness_check = ratio = None
    if record.get("problem") != exact.digest:
        problems.append("it was made for a different problem (method, class, initial condition or measure changed)")
    else:
        if record.get("dual") is not None:
            try:
                cert = DualCertificate.from_json(record["dual"])
                dual = verify_dual(exact, cert)
                bound = cert.bound if dual.ok else None
                if not dual.ok:
                    problems.append(f"its dual certificate is rejected: {dual.reason}")
            except CertificateFormatError as exc:
                problems.append(f"its dual certificate is malformed: {exc}")
        if record.get("witness") is not None:
            try:
                witness = Witness.from_json(record["witness"])
                witness_check = verify_witness(problem, exact, witness)
                ratio = witness_check.ratio if witness_check.ok else None
                if not witness_check.ok:
                    problems.append(f"its witness is rejected: {witness_check.reason}")
            except CertificateFormatError as exc:
                problems.append(f"its witness is malformed: {exc}")
    return Verified(dual, bound, witness_check, ratio, problems, time.perf_counter() - start)
