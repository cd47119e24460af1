"""The evidence of each check kind as tables, for report.md and report.html alike.

:func:`evidence_tables` turns one evidence record (report.json's ``claims[i].evidence[j]``) into a list
of :class:`Table`: slopes, bounded ratios and crossovers for ``scaling``; boundary brackets for
``threshold``; cases for ``probability``; the worst instance for ``bound``. Each table marks its
*deciding* rows (every failed test of a FAIL, the first undecided one of an INCONCLUSIVE, the closest call of a
probability PASS: only the rows that decided the verdict), so both writers can highlight them (``▶`` and bold in Markdown, a ``deciding`` class in HTML). Every cell is plain text:
cells are written ``d = 64, kappa = 100`` and internal keys (``_qseed``) are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .explain import clean_text, format_cell, format_value

NOT_SETTLED = ("fail", "open", "outside", "undecided", "inconclusive")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    deciding: set[int] = field(default_factory=set)  # indices of rows that decided the verdict (the ▶ rows)
    unsettled: set[int] = field(default_factory=set)  # other rows not settled (shown after the deciding ones)
    note: str = ""  # rows left out, and where to find them

    def add(self, row: list, deciding: bool = False) -> None:
        if deciding:
            self.deciding.add(len(self.rows))
        self.rows.append([format_value(x) if not isinstance(x, str) else x for x in row])


MAX_ROWS = 40  # longer tables keep their deciding rows and the first ones; the rest stay in report.json


CONTEXT_ROWS = 12  # a table that decided a non-PASS shows its deciding rows and this many others


def _clip(table: Table, limit: int = MAX_ROWS) -> Table:
    if len(table.rows) <= limit:
        return table
    keep = sorted(set(range(max(limit - len(table.deciding), 0))) | table.deciding)
    out = Table(table.title, table.header, note=f"{len(table.rows) - len(keep)} more rows in report.json")
    for i in keep:
        if i in table.unsettled:
            out.unsettled.add(len(out.rows))
        out.add(table.rows[i], deciding=i in table.deciding)
    return out


def _interval(pair) -> str:
    if not pair or len(pair) != 2:
        return "—"
    return f"[{format_value(pair[0])}, {format_value(pair[1])}]"


FAILED = ("fail", "outside")  # a row's status that alone makes its check FAIL


def _deciding_rows(statuses: list, verdict: str) -> set[int]:
    """The rows that decided a check's verdict, and only those (the ▶ rows): for a FAIL every failed row (each one
    alone is a counterexample); for an INCONCLUSIVE the first unsettled row, the one its reason names (the others
    are open too, but a marker on every open row would mark nothing); for a PASS none."""
    statuses = [str(s or "").lower() for s in statuses]
    if verdict == "FAIL":
        return {i for i, s in enumerate(statuses) if s in FAILED}
    if verdict in ("INCONCLUSIVE", "ERROR"):
        first = next((i for i, s in enumerate(statuses) if s in NOT_SETTLED or s in FAILED), None)
        return set() if first is None else {first}
    return set()


def _mark(table: Table, statuses: list, verdict: str) -> Table:
    """Set ``table.deciding`` from the rows' statuses (:func:`_deciding_rows`) and ``table.unsettled`` from the rest."""
    table.deciding = _deciding_rows(statuses, verdict)
    table.unsettled = {i for i, s in enumerate(statuses) if str(s or "").lower() in NOT_SETTLED + FAILED} - table.deciding
    return table


def scaling_tables(e: dict) -> list[Table]:
    """Every test of a scaling sweep at the large end of its line (the local exponents that decide it), the fitted
    constants (findings only), and the crossovers."""
    details, verdict = e.get("details") or {}, e.get("verdict", "")
    tables = []
    tests = Table("Tests: local exponents at the large end of each line",
                  ["test", "cells (last pair)", "local exponent", "interval", "familywise interval", "limit", "status"])
    statuses = []
    for t in details.get("tests") or []:
        statuses.append(t.get("status"))
        if "local_exponents" in t:
            last = (t.get("local_exponents") or [{}])[-1]
            pair = last.get("x") or []
            cells = f"{t.get('vary', '')} = {format_value(pair[0])} to {format_value(pair[1])}" if len(pair) == 2 else "—"
            tests.add([clean_text(str(t.get("what", ""))), cells, last.get("exponent"), _interval(last.get("interval")),
                       _interval(last.get("interval_familywise")), last.get("limit"), str(t.get("status", ""))])
        else:  # a crossover exponent
            tests.add([clean_text(str(t.get("what", ""))), "—", t.get("p_hat"), _interval(t.get("interval")),
                       _interval(t.get("interval_familywise")),
                       f"{t.get('relation', '')} {format_value(t.get('claimed'))}", str(t.get("status", ""))])
    if tests.rows:
        tables.append(_mark(tests, statuses, verdict))
    ratio = details.get("ratio")
    if isinstance(ratio, dict) and ratio.get("groups"):
        label = ratio.get("label", "g")
        groups = Table(f"T / {label}: constant fitted on small cells (a finding, never a verdict)",
                       ["group", "fitted C", "interval", "fit cells", "held out", "largest growth over C"])
        for g in ratio["groups"]:
            outs = g.get("held_out") or []
            growth = max((o.get("growth_over_C") for o in outs if isinstance(o.get("growth_over_C"), (int, float))),
                         default=None)
            groups.add([format_cell(g.get("group") or {}), g.get("fitted_constant"), _interval(g.get("constant_interval")),
                        str(len(g.get("fit_cells") or [])), str(len(outs)), growth])
        tables.append(groups)
    for c in details.get("crossovers") or []:
        table = Table(f"Crossover {c.get('name')}: d* ~ {c.get('over', 'x')}^p, claimed p {c.get('relation', '')} "
                      f"{format_value(c.get('claimed'))} ± {format_value(c.get('tolerance'))}",
                      ["line", "crossover points", "p-hat", "interval", "status", "note"])
        for line in c.get("lines", []):
            points = "; ".join(", ".join(f"{k} = {format_value(v)}" for k, v in p.items() if k != "interval")
                               for p in line.get("crossover") or [])
            table.add([format_cell(line.get("fixed") or {}), points or "—", line.get("p_hat"), _interval(line.get("interval")),
                       str(line.get("status", "")), str(line.get("note", ""))])
        tables.append(_mark(table, [line.get("status") for line in c.get("lines", [])], verdict))
    return tables


def _as_float(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("-inf")


def threshold_tables(e: dict) -> list[Table]:
    details, verdict = e.get("details") or {}, e.get("verdict", "")
    cases = details.get("cases") or []
    if not cases:
        return []
    parameter = details.get("parameter", "theta")
    table = Table(f"Empirical boundary of {parameter} against the formula (relative tolerance "
                  f"{format_value(details.get('tolerance'))})",
                  ["case", "formula", "tolerance band", "bracket found", "status"])
    for case in cases:
        where = {k: v for k, v in (case.get("case") or {}).items() if not isinstance(v, (list, dict))}
        table.add([format_cell(where), case.get("formula"), _interval(case.get("band")),
                   _interval([case.get("lo"), case.get("hi")]) if case.get("lo") is not None else "—",
                   str(case.get("status", ""))])
    return [_mark(table, ["pass" if c.get("status") == "inside" else c.get("status") for c in cases], verdict)]


def probability_tables(e: dict) -> list[Table]:
    details, verdict = e.get("details") or {}, e.get("verdict", "")
    cases = details.get("cases") or []
    table = Table(f"Cases (P {details.get('direction', '')} claimed)",
                  ["case", "claimed", "events / trials", "interval or exact value", "decided by", "status"])
    worst = details.get("worst_case")
    for case in cases:
        table.add([format_cell(case.get("case") or {}), case.get("claimed"),
                   f"{case.get('events', '—')} / {case.get('trials', '—')}",
                   _interval(case.get("interval")) if case.get("interval") else format_value(case.get("exact")),
                   str(case.get("decided_by", "")), str(case.get("status", ""))])
    _mark(table, [c.get("status") for c in cases], verdict)
    if verdict == "PASS":  # the closest call is what a PASS rests on
        table.deciding = {i for i, c in enumerate(cases) if c == worst}
    return [_clip(table)] if table.rows else []


def bound_tables(e: dict) -> list[Table]:
    details = e.get("details") or {}
    table = Table("Search", ["worst instance", "worst margin (float64)", "escalated to high precision",
                             "certificate", "search effort"])
    cert = details.get("certificate")
    cert_text = "—" if not cert else f"{cert.get('outcome', '')} ({cert.get('backend', '')}, {cert.get('prec_bits', '?')} bits)"
    if "worst_instance" not in details:
        return []
    table.add([_abbreviated(format_value(details.get("worst_instance"))), details.get("worst_margin_float64"),
               str(details.get("escalated", "—")), cert_text, format_cell(details.get("search") or {})],
              deciding=e.get("verdict") != "PASS")
    return [table]


def _abbreviated(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- worstcase: the cross-check table (docs/classics.md), one row per cell ------------------------------------
def worstcase_tables(e: dict) -> list[Table]:
    """Per cell: the claimed tau, PEPit's value (the SDP solver's, recorded with the certificate), proofcheck's own
    best explicit function (an exact lower bound), the exactly certified bound, whether certified, and for a tight
    claim whether the three agree (1e-6 relative), for a loose one its gap tau / worst case - 1."""
    details = e.get("details") or {}
    rows = details.get("crosscheck")
    if not isinstance(rows, list) or not rows:
        return []
    tight = details.get("tight")
    last = "agree (1e-6)" if tight else ("gap tau/worst - 1" if tight is False else "gap")
    table = Table("Cross-check per cell", ["cell", "claimed tau", "PEPit", "explicit function (exact)",
                                           "certified bound", "certified", last, "status"])
    def num(v):  # ten significant digits: agreement to 1e-6 must be visible
        return "—" if v is None else f"{v:.10g}"

    for r in rows:
        cell_words = format_cell(r.get("cell") or {})
        family = r.get("witness")
        fam = "—" if family is None else f"{num(family)} ({r.get('witness_function') or ''})"
        verdict = ("yes" if r.get("agree") else "no") if tight else (f"{r['gap']:.4g}" if r.get("gap") is not None
                                                                      else "—")
        table.add([cell_words, num(r.get("claimed_tau")), num(r.get("pepit")), fam, num(r.get("certified_bound")),
                   "yes" if r.get("certified") else "no", verdict, str(r.get("status", ""))],
                  deciding=r.get("status") == "FAIL")
    return [table]


BY_KIND = {"scaling": scaling_tables, "threshold": threshold_tables, "probability": probability_tables,
           "bound": bound_tables, "worstcase": worstcase_tables}


def evidence_tables(e: dict) -> list[Table]:
    """The tables of one evidence record ([] for kinds without tabular detail)."""
    render = BY_KIND.get(e.get("kind"))
    if render is None:
        return []
    if e.get("verdict") == "PASS":
        return [_clip(t) for t in render(e)]
    return [_clip(_deciding_first(t), CONTEXT_ROWS + len(t.deciding) + len(t.unsettled) if t.deciding else MAX_ROWS)
            for t in render(e)]


def _deciding_first(table: Table) -> Table:
    """The same table with its deciding rows on top (a reader of a FAIL looks for them first)."""
    order = sorted(range(len(table.rows)), key=lambda i: (i not in table.deciding, i not in table.unsettled))
    out = Table(table.title, table.header, note=table.note)
    for i in order:
        if i in table.unsettled:
            out.unsettled.add(len(out.rows))
        out.add(table.rows[i], deciding=i in table.deciding)
    return out
