"""The steps of a derivation (:func:`fact`, :func:`equal`, :func:`reaches`): each records its sides as written,
how it was decided and the line where it was written. Part of the symbolic check kinds (package docstring)."""
from __future__ import annotations

import ast
import linecache
import os
import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp


from .deciding import (DISPROVED, NOT_EVIDENCE, NOT_REACHED, PROVED, UNDECIDED, Domain, assumptions_of, decide_zero_on,
                       doit_or_keep, equivalent_forms, relation_sign)

# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------
@dataclass
class Step:
    """One step of a derivation: what it says, its sides as written, and how it was decided.

    ``holds`` is True (proved), False (disproved) or None (undecided, or not evidence). ``counts`` is False for
    steps that prove nothing (identical sides as written, a Python ``True``).
    """

    description: str
    expression: str
    holds: bool | None
    lhs: str | None = None
    rhs: str | None = None
    method: str = ""
    residual: str | None = None
    assumptions: str = ""
    counts: bool = True
    note: str = ""
    # A `reaches` step (claimed >= derived): holds False there means "the derivation does not reach the claim"
    # (a claim sharper than what was derived), which is no disproof of the claim.
    reach: bool = False
    basis: str = "symbolic"  # "numeric" when the step was decided by confirmed values at admissible points
    points: list = field(default_factory=list)  # those points, with their residuals
    source: str = ""  # file:line where the step was written (the first caller outside this module)

    def __post_init__(self):
        if not self.source:
            self.source = _caller_line()

    @property
    def status(self) -> str:
        if not self.counts:
            return NOT_EVIDENCE
        if self.reach and self.holds is False:
            return NOT_REACHED
        return {True: PROVED, False: DISPROVED, None: UNDECIDED}[self.holds]

    def json(self) -> dict:
        out = {"step": self.description, "expression": self.expression, "result": self.status, "method": self.method}
        for key in ("lhs", "rhs", "residual", "assumptions", "note", "source"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.basis != "symbolic":
            out["basis"] = self.basis
        if self.points:
            out["points"] = self.points
        return out


def _caller_line() -> str:
    """``path:line`` of the innermost frame outside this module (and outside generated code): where the author
    wrote the step. The path is relative to the working directory when it lies below it."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename == __file__
                                 or (frame.f_code.co_filename == "<string>" and frame.f_code.co_name == "__init__")):
        frame = frame.f_back
    if frame is None:
        return ""
    path = frame.f_code.co_filename
    try:
        rel = os.path.relpath(path)
        path = rel if not rel.startswith("..") else path
    except ValueError:  # another drive (Windows)
        pass
    return f"{path}:{frame.f_lineno}"


def as_written(x) -> str:
    if isinstance(x, (list, tuple)):
        return sp.sstr(sp.Matrix(x))
    return sp.sstr(x)


def _call_argument_source(depth: int, index: int) -> str | None:
    """The source text of argument ``index`` of the call being executed ``depth`` frames up, or None.

    Used to show the relation a reader wrote when sympy had already decided it (``Rational(1, 3) < 1`` arrives
    as ``True``). Relies on the exact positions Python 3.11+ records for each instruction.
    """
    try:
        frame = sys._getframe(depth + 1)
        positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        lineno, end_lineno, col, end_col = positions
        if None in positions:
            return None
        lines = [linecache.getline(frame.f_code.co_filename, n) for n in range(lineno, end_lineno + 1)]
        if not all(lines):
            return None
        lines[-1] = lines[-1][:end_col]
        lines[0] = lines[0][col:]
        text = "".join(lines)
        node = ast.parse(text.strip(), mode="eval").body
        if isinstance(node, ast.Call) and len(node.args) > index:
            return ast.get_source_segment(text.strip(), node.args[index])
    except Exception:  # noqa: BLE001 - source recovery is best effort (e.g. code typed at a prompt)
        return None
    return None


def fact(description: str, expr, *, ranges: dict | None = None, validate: Callable | None = None) -> Step:
    """A step asserting a sympy relation (or boolean), decided by sympy.

    Inequalities are decided through the sign of lhs - rhs under the symbols' assumptions; other relations and
    booleans by ``simplify``. A relation sympy decided before ``fact`` saw it is shown as its source text. An
    ``Eq`` that sympy cannot simplify may be disproved numerically, at points of its domain only (``ranges``,
    ``validate`` and the symbols' assumptions, see :class:`Domain`).
    """
    if isinstance(expr, (bool, np.bool_)):
        text = _call_argument_source(1, 1) or str(bool(expr))
        return Step(description, text, None, method="a Python bool, not a sympy relation: not proof", counts=not expr,
                    note="write the relation with sympy objects (e.g. sp.Eq, sp.Ge, or Rational arithmetic) so "
                         "sympy decides it" + ("; a Python False is not a disproof either" if not expr else ""))
    if isinstance(expr, sp.logic.boolalg.BooleanAtom):
        text = _call_argument_source(1, 1)
        return Step(description, text or str(expr), bool(expr), method="decided by sympy when the relation was built"
                    + ("" if text else " (source not recoverable, shown as its value)"))
    if isinstance(expr, sp.core.relational.Relational):
        lhs, rhs = as_written(expr.lhs), as_written(expr.rhs)
        if lhs == rhs:
            return Step(description, sp.sstr(expr), None, lhs=lhs, rhs=rhs, counts=False,
                        method="both sides identical as written: proves nothing")
        if isinstance(expr, sp.Eq):
            d = decide_zero_on(expr.lhs - expr.rhs, Domain(ranges or {}, validate))
            return Step(description, sp.sstr(expr), d.holds, lhs=lhs, rhs=rhs, method=d.method, residual=d.residual,
                        assumptions=assumptions_of(expr), basis=d.basis, points=d.points)
        else:
            holds, method, residual = relation_sign(expr)
            if holds is None:  # sympy's own relational simplification may still decide it
                try:
                    value = sp.simplify(doit_or_keep(expr))
                except Exception:  # noqa: BLE001
                    value = None
                if value in (sp.true, sp.false):
                    holds, method = bool(value), "doit + simplify of the relation"
        return Step(description, sp.sstr(expr), holds, lhs=lhs, rhs=rhs, method=method, residual=residual,
                    assumptions=assumptions_of(expr))
    try:
        value = sp.simplify(doit_or_keep(expr))
    except Exception:  # noqa: BLE001
        value = expr
    holds = True if value in (sp.true,) else False if value in (sp.false,) else None
    return Step(description, sp.sstr(expr), holds, method="doit + simplify of a boolean expression",
                assumptions=assumptions_of(expr) if hasattr(expr, "free_symbols") else "")


def equal(description: str, a, b, *, ranges: dict | None = None, validate: Callable | None = None) -> Step:
    """A step asserting a == b (scalars or matrices), proved by simplifying a - b to 0 after ``doit``.

    When sympy leaves a residual it cannot decide, the step may be disproved numerically, at points of its domain
    only: ``ranges`` ({symbol: (lo, hi)}), ``validate`` ({name: value} -> False or raising InvalidInstance outside
    the domain) and the symbols' assumptions (see :class:`Domain`). A symbol with none of them has an unknown
    domain: the step stays undecided."""
    lhs, rhs = as_written(a), as_written(b)
    if lhs == rhs:
        return Step(description, f"{lhs} == {rhs}", None, lhs=lhs, rhs=rhs, counts=False,
                    method="both sides identical as written: proves nothing")
    matrix = isinstance(a, (list, tuple, sp.MatrixBase)) or isinstance(b, (list, tuple, sp.MatrixBase))
    diff = sp.Matrix(a) - sp.Matrix(b) if matrix else sp.sympify(a) - sp.sympify(b)
    d = decide_zero_on(diff, Domain(ranges or {}, validate))
    return Step(description, f"{lhs} == {rhs}", d.holds, lhs=lhs, rhs=rhs, method=d.method, residual=d.residual,
                assumptions=assumptions_of(diff), basis=d.basis, points=d.points)


def reaches(description: str, claimed, derived, relation: str = ">=") -> Step:
    """The last link of a derivation: the claimed quantity against the derived one, ``claimed >= derived`` (an upper
    bound's constant: a larger claimed constant is a weaker claim, which the derivation implies) or, with
    ``relation="<="``, ``claimed <= derived`` (a probability floor: a lower claimed floor is weaker).

    Proved: the derivation implies the claim (a true weakening PASSes). Proved the other way: the claim is sharper
    than the derivation reaches, which is *not* a disproof: the step is "not reached", the Symbolic check is
    INCONCLUSIVE ("the derivation does not reach the claim") and the claim's numeric checks decide. Write
    ``derived`` as the derivation gives it (unevaluated: a ``sp.Limit``, the chain's constant as an expression), so
    that the two sides differ as written."""
    if relation not in (">=", "<="):
        raise ValueError("relation must be '>=' or '<='")
    lhs, rhs = as_written(claimed), as_written(derived)
    expression = f"{lhs} {relation} {rhs}"
    if lhs == rhs:
        return Step(description, expression, None, lhs=lhs, rhs=rhs, counts=False, reach=True,
                    method="both sides identical as written: proves nothing")
    try:
        diff = sp.simplify(doit_or_keep(sp.sympify(claimed)) - doit_or_keep(sp.sympify(derived)))
    except Exception as exc:  # noqa: BLE001 - sides sympy cannot subtract leave the step undecided
        return Step(description, expression, None, lhs=lhs, rhs=rhs, reach=True,
                    method=f"sympy cannot compare the sides ({type(exc).__name__})")
    yes, no = ("is_nonnegative", "is_negative") if relation == ">=" else ("is_nonpositive", "is_positive")
    holds, method, residual = None, "sympy cannot sign claimed - derived under the assumptions", sp.sstr(diff)
    unbounded = (sp.oo, sp.zoo) if relation == ">=" else (-sp.oo, sp.zoo)
    if doit_or_keep(sp.sympify(derived)) in unbounded and doit_or_keep(sp.sympify(claimed)).is_finite:
        return Step(description, expression, False, lhs=lhs, rhs=rhs, residual=sp.sstr(doit_or_keep(sp.sympify(derived))),
                    method="the derivation gives no finite bound here, so it does not reach the claimed one "
                           "(not a disproof)", assumptions=assumptions_of(diff), reach=True)
    for form in equivalent_forms(diff):
        if getattr(form, yes):
            holds, method, residual = True, f"claimed - derived signed from the assumptions: the claim follows", sp.sstr(form)
            break
        if getattr(form, no):
            holds, method, residual = (False, "claimed - derived signed from the assumptions: the claim is sharper "
                                              "than the derivation reaches (not a disproof)", sp.sstr(form))
            break
    return Step(description, expression, holds, lhs=lhs, rhs=rhs, method=method, residual=residual,
                assumptions=assumptions_of(diff), reach=True)


def step_sentence(s: Step) -> str:
    if not s.lhs:
        return f"'{s.description}'"
    return f"'{s.description}' ({s.lhs} vs {s.rhs}" + (f"; residual {s.residual})" if s.residual else ")")

