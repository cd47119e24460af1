"""The ``WorstCase`` check: solve (or read a stored certificate for) each cell, verify its certificate or
counterexample exactly, and decide. Part of the worstcase check kind (package docstring)."""
from __future__ import annotations

import itertools
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Callable

from ...context import Context
from ...errors import InvalidInstance
from ...exact import Ball, NotExact, fraction_text, rationalize, to_fraction
from ...model import Verdict
from ...pep import certificates as certs
from ...pep.classes import FunctionClass
from ...pep.families import best_member
from ...pep.problem import Problem, cell_text, exact_cell, text_of
from ...pep.spaces import IrrationalCoefficient
from ..base import Check, format_instance, reproducer

from .values import (REFRESH_VARIABLE, compare_exact, crosscheck_row, exact_target, factor_text, float_or_none, grid_text,
                     instance_of, rational_at_most, refresh_requested, slug, sympy_rational, text_or_none)


# Relative margins above PEPit's value at which a dual certificate is first attempted (smallest first); the
# claim's own tau(1 + eta) is always attempted too. The stored certificate then proves a bound about as tight as
# the solver allows, which a report can compare with tau (a loose claim shows its gap).
BOUND_MARGINS = (1e-9, 1e-8, 1e-7, 1e-6)
# Fractions of (L - mu) by which the class is shrunk when the solver's worst case has no slack to round (every
# inequality tight): a worst case of the smaller class is a function of the claim's class with slack.
SHRINK_FRACTIONS = (Fraction(1, 10**7), Fraction(1, 10**5), Fraction(1, 10**3))
# The relative accuracy of the SDP solver's value (Clarabel on these problems: ~1e-8; SCS: ~1e-5): only the reason
# of an INCONCLUSIVE cell uses it, to say whether the solver itself claims a violation. No verdict depends on it.
SOLVER_ACCURACY = 1e-6
# Solver options of a second, tighter solve when the first one's multipliers give no certificate at the claim's
# bound (Clarabel's defaults are 1e-8; its status may then read 'optimal_inaccurate': the exact check decides).
TIGHT_OPTIONS = {"CLARABEL": {"tol_gap_abs": 1e-11, "tol_gap_rel": 1e-11, "tol_feas": 1e-11}}
# A witness this close to PEPit's value (relative) is good enough: no smaller class is tried.
WITNESS_CLOSE = 1e-7

class WorstCase(Check):
    """measure <= tau * initial on a function class, per cell of a grid, with exact certificates (module docstring).

    Arguments (keywords):

    - ``function_class``: a :class:`proofcheck.pep.FunctionClass` (e.g. ``SmoothStronglyConvex(mu=0, L="L")``:
      parameters are exact numbers or grid keys);
    - ``method(s, cell)``: runs the method in space ``s`` and returns what ``initial`` and ``measure`` read (usually
      the iterates), e.g. ``lambda s, c: gradient_descent(s, s.start(), c["N"], c["h"] / c["L"])``;
    - ``initial(s, run)``, ``measure(s, run)``: the initial condition and the performance measure
      (:func:`proofcheck.pep.distance`, :func:`~proofcheck.pep.function_gap`, ... or any callable; a measure may
      return a list: the minimum of its entries);
    - ``tau``: the claimed constant: a callable of the cell (exact values: Fractions) returning a Fraction or a
      sympy number, a sympy expression in the grid keys, or a constant;
    - ``cells``: a dict of lists (their product), a list of dicts, or a callable ``cells(ctx)`` returning either
      (budget-dependent grids); values are exact (int, Fraction, "p/q");
    - ``eta``: the declared relative tolerance (PASS proves measure <= tau (1 + eta) initial);
    - ``certificates``: the directory of stored certificates (relative paths are relative to the module that
      builds the check), or None to solve every time;
    - ``optimum``: the class's functions have a minimizer x* (False for, e.g., a contraction between two runs);
    - ``solver``: the SDP solver PEPit calls (Clarabel by default);
    - ``families``: explicit functions (:mod:`proofcheck.pep.families`: quadratics, Hubers, ...) on which the method
      is also run, exactly: the best value is the cross-check table's "explicit function" column, and one above
      tau (1 + eta) is an exact counterexample (a FAIL) by itself;
    - ``tight``: True when the claim says its tau is attained (the cross-check row then says whether tau, PEPit's
      value and the explicit function agree to AGREEMENT), False for a loose bound (the row shows its gap).
    """

    kind = "worstcase"
    # The deciding numbers are exact (dual certificates and witnesses in rationals: symbolic evidence); they come
    # from a numerical SDP solution (numeric evidence, re-solved or stored), and each cell reports the solver's value.
    basis = "symbolic+numeric"

    def __init__(self, name: str, *, function_class: FunctionClass, method: Callable, initial: Callable,
                 measure: Callable, tau, cells, eta, certificates=None, optimum: bool = True,
                 solver: str = "CLARABEL", description: str = "", families=(), tight: bool | None = None,
                 coefficients: str = "exact"):
        if coefficients not in ("exact", "balls"):
            raise ValueError("coefficients is 'exact' (rationals) or 'balls' (irrational coefficients as certified balls)")
        self.coefficients = coefficients
        self.problem = Problem(function_class, method, initial, measure, optimum, balls=coefficients == "balls")
        self.families = tuple(families)
        self.tight = tight
        self.tau = tau
        self.cells = cells
        self.eta = to_fraction(repr(eta) if isinstance(eta, float) else eta, "eta")  # 1e-8 means 1/10^8
        if self.eta < 0:
            raise ValueError("eta must be >= 0")
        self.solver = solver
        if certificates is not None:
            path = Path(certificates)
            if not path.is_absolute():
                caller = sys._getframe(1).f_globals.get("__file__")  # noqa: SLF001 - the claim module's directory
                path = (Path(caller).resolve().parent if caller else Path.cwd()) / path
            certificates = path
        self.certificates = certificates
        super().__init__(name, description or f"{self.problem.describe()}, tau(cell) exact, eta = "
                                              f"{fraction_text(self.eta)}, per cell")
        if isinstance(cells, (list, dict)):
            for cell in self._expand(cells):  # exact values now: a float in a grid is the claim's error
                exact_cell(cell)

    # -- cells ---------------------------------------------------------------------------------------------
    @staticmethod
    def _expand(cells) -> list[dict]:
        if isinstance(cells, dict):
            keys = list(cells)
            return [dict(zip(keys, values)) for values in itertools.product(*(cells[k] for k in keys))]
        return [dict(c) for c in cells]

    def cells_for(self, ctx: Context) -> list[dict]:
        cells = self.cells(ctx) if callable(self.cells) else self.cells
        return self._expand(cells)

    @property
    def store_path(self) -> Path | None:
        return None if self.certificates is None else self.certificates / f"{slug(self.name)}.json"

    # -- one cell ----------------------------------------------------------------------------------------
    def _solve_record(self, exact, cell, target, timing) -> tuple[dict, str]:
        """A fresh record for ``cell`` from PEPit (only its verified parts), and a note on what failed."""
        from ...pep import pepit_backend

        start = time.perf_counter()
        solution = pepit_backend.solve(self.problem, cell, exact.params, len(exact.points), self.solver)
        timing["solve"] += time.perf_counter() - start
        record = {"cell": cell_text(cell), "problem": exact.digest,
                  "class": self.problem.function_class.describe(exact.params),
                  "solver": {"name": solution.solver, "status": solution.status, "value": solution.value,
                             "versions": solution.versions}, "dual": None, "witness": None}
        notes = []
        if solution.value != solution.value or not solution.status.startswith("optimal"):
            return record, f"the solver did not solve the problem (status {solution.status})"
        start = time.perf_counter()
        bounds = {rationalize(solution.value * (1 + m), 10**12) for m in BOUND_MARGINS}
        limit = target * (1 + self.eta) if isinstance(target, Fraction) else target * sympy_rational(1 + self.eta)
        if compare_exact(Fraction(0), limit) != 1:  # tau >= 0: try the claim's own bound too
            bounds.add(rational_at_most(limit))
        dual, check, _ = certs.propose_dual(exact, solution.multipliers, solution.weights, sorted(bounds))
        if (dual is None or compare_exact(dual.bound, limit) == 1) and self.solver.upper() in TIGHT_OPTIONS:
            # the solver's default tolerances (~1e-8) can leave its value above tau (1 + eta) on a tight claim:
            # solve once more with tighter ones, and read the multipliers of that solve (still only a proposal)
            timing["rationalize"] += time.perf_counter() - start
            t0 = time.perf_counter()
            options = TIGHT_OPTIONS[self.solver.upper()]
            tighter = pepit_backend.solve(self.problem, cell, exact.params, len(exact.points), self.solver, options)
            timing["solve"] += time.perf_counter() - t0
            start = time.perf_counter()
            if tighter.value == tighter.value and tighter.status.startswith("optimal"):
                bounds |= {rationalize(tighter.value * (1 + m), 10**12) for m in BOUND_MARGINS}
                better, check2, _ = certs.propose_dual(exact, tighter.multipliers, tighter.weights, sorted(bounds))
                if better is not None and (dual is None or better.bound < dual.bound):
                    dual, check = better, check2
                    record["solver"].update(value=tighter.value, status=tighter.status, options=options)
        if dual is not None:
            record["dual"] = dual.to_json()
        else:
            notes.append(f"the solver's multipliers give no exact certificate ({check.reason})")
        witness, wcheck = certs.propose_witness(self.problem, exact, solution.leaf_vectors, solution.values)
        close = wcheck.ok and wcheck.ratio >= Fraction(solution.value) * (1 - Fraction(WITNESS_CLOSE))
        if not close:
            for fraction in SHRINK_FRACTIONS:
                try:
                    inner = self.problem.function_class.shrink(exact.params, fraction)
                except NotImplementedError:
                    break
                timing["rationalize"] += time.perf_counter() - start
                t0 = time.perf_counter()
                inner_solution = pepit_backend.solve(self.problem, cell, inner, len(exact.points), self.solver)
                timing["solve"] += time.perf_counter() - t0
                start = time.perf_counter()
                if inner_solution.value != inner_solution.value:
                    continue
                w2, c2 = certs.propose_witness(self.problem, exact, inner_solution.leaf_vectors, inner_solution.values)
                if c2.ok and (not wcheck.ok or c2.ratio > wcheck.ratio):
                    witness, wcheck = w2, c2
                if wcheck.ok:
                    break
        if witness is not None:
            record["witness"] = {**witness.to_json(), "ratio": fraction_text(wcheck.ratio)}
        else:
            notes.append(f"no exact witness could be built from the solver's worst case ({wcheck.reason})")
        timing["rationalize"] += time.perf_counter() - start
        return record, "; ".join(notes)

    def decide_cell(self, cell: dict, store, refresh: bool) -> dict:
        """The exact decision of one cell, as the JSON-ready entry the evidence lists, with its cross-check row."""
        entry = self._decide_cell(cell, store, refresh)
        if self.families:
            start = time.perf_counter()
            value, where = best_member(self.problem, cell, self.problem.function_class.resolve(exact_cell(cell)),
                                       self.families)
            entry["seconds"]["families"] = time.perf_counter() - start
            entry.update(family_value=text_or_none(value), family_value_float=float_or_none(value), family=where)
            target = exact_target(self.tau, cell)
            limit = target * (1 + self.eta) if isinstance(target, Fraction) else target * sympy_rational(1 + self.eta)
            if value is not None and entry["status"] != Verdict.FAIL.value and compare_exact(value, limit) == 1:
                # an explicit function of the class, run exactly, exceeds tau (1 + eta): an exact counterexample
                entry.update(status=Verdict.FAIL.value, certified=True,
                             reason=f"an explicit function of the class, {where}, gives "
                                    f"{text_of(self.problem.measure)} = W * {factor_text(self.problem.initial)} with "
                                    f"W = {float(value):.10g} > tau (1 + eta) = {float(limit):.10g} "
                                    f"({'certified balls' if isinstance(value, Ball) else 'exact rationals'})",
                             witness={"explicit": where, "ratio": text_or_none(value)},
                             extension=f"the function is explicit ({where}): its gradient is Lipschitz with slopes "
                                       "between mu and L, so it lies in the class; the method was run on it exactly")
        entry["crosscheck"] = crosscheck_row(entry, self.tight)
        return entry

    def _decide_cell(self, cell: dict, store, refresh: bool) -> dict:
        timing = {"solve": 0.0, "rationalize": 0.0, "verify": 0.0}
        entry = {"cell": cell_text(cell), "status": Verdict.INCONCLUSIVE.value, "reason": "", "certified": False,
                 "eta": fraction_text(self.eta), "seconds": timing}
        target = exact_target(self.tau, cell)
        entry.update(claimed_tau=text_or_none(target), claimed_tau_float=float_or_none(target))
        try:  # a claim error (a float parameter, a measure that is not translation invariant) raises: an ERROR
            exact = self.problem.exact(cell)
        except IrrationalCoefficient as exc:  # a limit of exact rational arithmetic, not an error of the claim
            entry["reason"] = f"the exact problem cannot be built in rationals: {exc}"
            return entry
        limit = target * (1 + self.eta) if isinstance(target, Fraction) else target * sympy_rational(1 + self.eta)
        record, source, note = None, None, ""
        if store is not None and not refresh:
            record = store.get(cell)
            source = "stored" if record is not None else None
            if record is not None and record.get("problem") != exact.digest:
                note = ("the stored certificate was made for a different problem (method, class, initial condition "
                        "or measure changed): refresh it")
                record, source = None, None
        if record is None:
            from ...pep import pepit_backend

            ok, why = pepit_backend.available(self.solver)
            if not ok:
                missing = "no stored certificate for this cell" if not note else note
                entry["reason"] = f"{why}, and {missing}"
                entry["source"] = "none"
                return entry
            try:
                record, note_solve = self._solve_record(exact, cell, target, timing)
            except pepit_backend.PepitMismatch as exc:
                entry["reason"] = str(exc)
                return entry
            note = "; ".join(x for x in (note, note_solve) if x)
            source = "refreshed" if refresh and store is not None else "solved"
            if store is not None and not refresh:
                entry["note"] = (f"decided from a fresh solve: no stored certificate for this cell ({REFRESH_VARIABLE}=1 "
                                 "stores one)")
            if refresh and store is not None and (record["dual"] is not None or record["witness"] is not None):
                store.put(cell, record)
        entry["source"] = source
        solver = record.get("solver") if isinstance(record.get("solver"), dict) else {}
        entry["solver"] = solver
        entry["pep_value"] = solver.get("value") if isinstance(solver.get("value"), (int, float)) else None
        verified = certs.verify_record(self.problem, exact, record)
        timing["verify"] += verified.seconds
        bound, ratio = verified.bound, verified.ratio
        if bound is not None and ratio is not None and ratio > bound:
            raise RuntimeError(f"cell {cell_text(cell)}: an exact witness ({ratio}) exceeds an exact certificate "
                               f"({bound}); the engine has a bug")
        entry.update(certified_bound=text_or_none(bound), certified_bound_float=float_or_none(bound),
                     witness_ratio=text_or_none(ratio), witness_ratio_float=float_or_none(ratio),
                     dual_rank=verified.dual.rank if verified.dual is not None else None,
                     size=exact.size, conditions=len(exact.conditions))
        if entry["pep_value"] is not None and float_or_none(target):
            entry["pep_relative_to_tau"] = entry["pep_value"] / float(target) - 1
        # sign(W - limit) and sign(B - limit), exactly; None when that side is missing or undecidable
        witness_side = compare_exact(ratio, limit) if ratio is not None else None
        bound_side = compare_exact(bound, limit) if bound is not None else None
        rejected = "; ".join(verified.problems)
        if source == "stored" and rejected:
            rejected = f"stored certificate: {rejected}; refresh it ({REFRESH_VARIABLE}=1, or --refresh-certificates)"
        measure, initial = text_of(self.problem.measure), factor_text(self.problem.initial)
        if witness_side == 1:
            entry.update(status=Verdict.FAIL.value, certified=True,
                         reason=f"an exact witness gives {measure} = W * {initial} with W = {float(ratio):.10g} > "
                                f"tau (1 + eta) = {float(limit):.10g}")
            entry["witness"] = record["witness"]
            entry["extension"] = self.problem.function_class.extension(exact.params)
            return entry
        how = "exact certificate" if self.coefficients == "exact" else "certified (balls) certificate"
        if bound_side is not None and bound_side <= 0:
            entry.update(status=Verdict.PASS.value, certified=True, arithmetic=self.coefficients,
                         reason=f"{how}: {measure} <= B * {initial} with B = {float(bound):.10g} <= "
                                f"tau (1 + eta) = {float(limit):.10g} ({verified.dual.reason})")
            return entry
        if (ratio is not None and witness_side is None) or (bound is not None and bound_side is None):
            entry["reason"] = "sympy cannot compare the exact bounds with the claimed tau"
            return entry
        pep = entry["pep_value"]
        parts = []
        if bound is not None:
            parts.append(f"the exact certificate proves only B = {float(bound):.10g} > tau (1 + eta) = "
                         f"{float(limit):.10g}")
        if ratio is not None:
            parts.append(f"the best exact witness reaches W = {float(ratio):.10g}")
        if pep is None or pep != pep:
            lead = "no exact decision (no solver value)"
        elif pep > float(limit) * (1 + SOLVER_ACCURACY):
            lead = (f"rationalization failed: the solver's value {pep:.10g} exceeds tau (1 + eta) = {float(limit):.10g}, "
                    "but no exact counterexample could be built")
        else:
            lead = (f"solver inaccurate: the solver's value {pep:.10g} is within its accuracy ({SOLVER_ACCURACY:g} "
                    f"relative) of tau (1 + eta) = {float(limit):.10g} or below, but its multipliers give no exact "
                    "certificate there")
        entry["reason"] = "; ".join([lead] + parts + [x for x in (rejected, note) if x])
        return entry

    # -- the check ---------------------------------------------------------------------------------------
    def evaluate(self, ctx: Context):
        if ctx.instance is not None:
            grid = self.cells_for(ctx)
            keys = set(grid[0]) if grid else set()
            if set(ctx.instance) != keys:
                raise InvalidInstance(f"a worst-case cell needs exactly the keys {sorted(keys)}, got "
                                      f"{sorted(ctx.instance)}")
            try:
                cells = [exact_cell(ctx.instance)]
            except NotExact as exc:
                raise InvalidInstance(str(exc)) from None
        else:
            cells = self.cells_for(ctx)
        refresh = refresh_requested(ctx)
        store = certs.CertificateStore(self.store_path) if self.store_path is not None else None
        entries = []
        for k, cell in enumerate(cells):
            ctx.report(k / max(len(cells), 1), f"cell {format_instance(instance_of(cell))}")
            entries.append(self.decide_cell(cell, store, refresh))
        if store is not None and store.changed:
            store.save({"check": self.name, "problem": self.problem.describe()})
            # read back: the run then records the file it wrote as an input of this result (proofcheck.inputs),
            # so a cached result is not served once the file changes
            reread = certs.CertificateStore(self.store_path)
            if reread.error or len(reread.records) != len(store.records):
                raise RuntimeError(f"the certificate file {self.store_path} does not read back: {reread.error}")
        return self._evidence(ctx, cells, entries, store, refresh)

    def _evidence(self, ctx, cells, entries, store, refresh):
        from ...pep import pepit_backend

        counts = {v.value: sum(e["status"] == v.value for e in entries)
                  for v in (Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE)}
        margins = [e["witness_ratio_float"] / e["claimed_tau_float"] / (1 + float(self.eta)) - 1 for e in entries
                   if e.get("witness_ratio_float") is not None and e.get("claimed_tau_float")]
        solved = [e for e in entries if e.get("source") in ("solved", "refreshed")]
        versions = pepit_backend.versions(self.solver) if solved else {}
        backend = ("exact rationals (fractions.Fraction; LDL^T, exact replay)" if self.coefficients == "exact" else
                   "certified balls (python-flint arb, 256 bits) for the irrational coefficients, rational multipliers "
                   "(LDL^T with certainly positive pivots)")
        if solved:
            backend += f", from PEPit {versions.get('pepit')} / {self.solver} {versions.get(self.solver.lower())}"
        else:
            backend += ", from stored certificates"
        details = {"problem": self.problem.describe(), "class": self.problem.function_class.name,
                   "eta": fraction_text(self.eta), "solver": self.solver, "cells": entries, "counts": counts,
                   "certificates": str(self.store_path) if self.store_path is not None else None,
                   "store_error": store.error if store is not None and store.error else None,
                   "refresh": refresh, "tight": self.tight,
                   "crosscheck": [{"cell": e["cell"], **e["crosscheck"]} for e in entries]}
        common = dict(instances=len(entries), worst_margin=max(margins) if margins else None,
                      margin_meaning="largest W / (tau (1 + eta)) - 1 over the cells, W the measure/initial ratio of an "
                                     "exactly verified witness (positive: the claim fails at that cell)",
                      dps=None, backend=backend, details=details)
        failed = [e for e in entries if e["status"] == Verdict.FAIL.value]
        if failed:
            e = failed[0]
            instance = instance_of(exact_cell(e["cell"]))
            witness = {"cell": e["cell"], "ratio": e["witness_ratio"], "claimed_tau": e["claimed_tau"],
                       "eta": e["eta"], **e["witness"], "extension": e["extension"]}
            more = f" ({len(failed)} of {len(entries)} cells fail)" if len(failed) > 1 else ""
            return self.evidence(Verdict.FAIL, witness=witness, certified=True, reproducer=reproducer(ctx, instance),
                                 reason=f"at {format_instance(instance)}: {e['reason']}{more}", **common)
        open_ = [e for e in entries if e["status"] != Verdict.PASS.value]
        if open_ or not entries:
            if not entries:
                return self.evidence(Verdict.INCONCLUSIVE, reason="the grid has no cells", **common)
            e = open_[0]
            more = f" ({len(open_)} of {len(entries)} cells undecided)" if len(open_) > 1 else ""
            return self.evidence(Verdict.INCONCLUSIVE,
                                 reason=f"at {format_instance(instance_of(exact_cell(e['cell'])))}: {e['reason']}{more}",
                                 **common)
        worst = max(entries, key=lambda e: e["certified_bound_float"] / e["claimed_tau_float"]
                    if e.get("claimed_tau_float") else 0)
        gap = ""
        if worst.get("claimed_tau_float"):
            gap = f"; largest B/tau - 1 = {worst['certified_bound_float'] / worst['claimed_tau_float'] - 1:.3g}"
        return self.evidence(Verdict.PASS, certified=True,
                             reason=f"all {len(entries)} cells ({grid_text(entries)}) certified "
                                    f"{'exactly' if self.coefficients == 'exact' else '(balls)'}: "
                                    f"{text_of(self.problem.measure)} <= "
                                    f"tau (1 + eta) {factor_text(self.problem.initial)}, eta = {fraction_text(self.eta)}"
                                    f"{gap}", **common)
