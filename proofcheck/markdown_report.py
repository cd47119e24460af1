"""report.md: the report for reading on GitHub (or any Markdown viewer) and for diffing.

It opens with the summary counts and the verdicts that need attention (FAIL, ERROR, INCONCLUSIVE),
each with its verdict line and reproducer (:func:`proofcheck.explain.explain`), then the table of
claims, then one section per claim: the verdict line, the statement as math (GitHub's ``$`...`$``),
the checks, the deciding checks with their tables (:mod:`proofcheck.tables`, deciding rows marked ``▶``)
and witness, and the passing checks folded in ``<details>``. Text from the report is escaped, so a
title or statement holding HTML or ``|`` cannot break the page.
"""
from __future__ import annotations

import html
import re

from .explain import (backend_cell, cached_phrase, clean_text, explain, format_value, inputs_text, precision_text,
                      witness_text)
from .model import expect_outcome
from .visible import visible_controls
from .tables import evidence_tables

ORDER = ("FAIL", "ERROR", "INCONCLUSIVE", "PASS", "REFUTED")
MARK = "▶"


def text(value) -> str:
    """Plain text safe in Markdown: HTML escaped, one line."""
    return html.escape(visible_controls(clean_text(value)), quote=False).replace("\n", " ").replace("\r", " ")


def cell(value) -> str:
    """Plain text safe in a Markdown table cell."""
    return text(value).replace("|", "\\|")


# A subscript that is a word (``\kappa_{diag}``, ``T_{GD}``), not an index (``Q_{jj}``): set upright, as in the paper.
_WORD_SUBSCRIPT = re.compile(r"_\{([A-Za-z]{3,}|[A-Z]{2,})\}")


def upright_subscripts(latex: str) -> str:
    r"""``\kappa_{diag}`` -> ``\kappa_{\mathrm{diag}}`` (report.md and report.html alike); index subscripts stay."""
    return _WORD_SUBSCRIPT.sub(lambda m: "_{\\mathrm{" + m.group(1) + "}}", str(latex))


def math(latex) -> str:
    """LaTeX as GitHub inline math; characters that would end the span or read as HTML are rewritten."""
    body = upright_subscripts(visible_controls(str(latex or ""))).replace("`", "'").replace("<", r"\lt ").replace(">", r"\gt ").replace("\n", " ")
    return f"$`{body}`$"


def anchor(claim: dict) -> str:
    """A claim section's anchor, the same in report.md and report.html: ``claim-<id>`` (``claim-<id>--<mutant>``).

    report.md sets it with an explicit ``<a id=...>`` before the heading, so links work on any Markdown viewer,
    whatever its heading slugs."""
    name = "claim-" + claim["id"] + (f"--{claim['mutant']}" if claim.get("mutant") else "")
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def heading(claim: dict) -> str:
    return claim["id"] + (f" mutant {claim['mutant']}" if claim.get("mutant") else "")


def summary_counts(report: dict) -> str:
    claims = report.get("claims") or []
    counts = {v: sum(c.get("verdict") == v for c in claims) for v in ORDER}
    n = len(claims)
    # known-false claims (model.expect_outcome): REFUTED is counted with the verdicts; those not refuted are named
    red = sum(expect_outcome(c) == "unexpected" for c in claims)
    red = f"; {red} known-false NOT refuted" if red else ""
    return f"**{n} claim{'s' if n != 1 else ''}: " + ", ".join(f"{k} {v}" for v, k in counts.items() if k) + red + "**" \
        if n else "**no claims**"


FOLD_ROWS = 10  # a long table that decided nothing is folded


def _table(t) -> list[str]:
    folded = not t.deciding and len(t.rows) > FOLD_ROWS
    lines = [f"<details><summary>{text(t.title)} ({len(t.rows)} rows, none deciding)</summary>", ""] if folded else \
        [f"*{text(t.title)}*", ""]
    lines += ["| | " + " | ".join(cell(h) for h in t.header) + " |", "|---|" + "---|" * len(t.header)]
    for i, row in enumerate(t.rows):
        if i in t.deciding:
            lines.append(f"| {MARK} | " + " | ".join(f"**{cell(x)}**" if cell(x) else "" for x in row) + " |")
        else:
            lines.append("| | " + " | ".join(cell(x) for x in row) + " |")
    if t.note:
        lines += ["", f"({text(t.note)})"]
    return lines + ["", "</details>", ""] if folded else lines + [""]


def _evidence(e: dict) -> list[str]:
    lines = [f"#### {text(e['check'])} ({text(e['kind'])}, {text(e['basis'])}): {e['verdict']}", "",
             f"- why: {text(e.get('reason'))}"]
    if e.get("margin_meaning"):
        lines.append(f"- worst margin {format_value(e.get('worst_margin'))}: {text(e['margin_meaning'])}")
    cached = cached_phrase(e)
    lines.append(f"- {e.get('instances')} instances; precision {precision_text(e)}; backend "
                 f"{text(e.get('backend') or '—')}{'; certified' if e.get('certified') else ''}; "
                 f"{format_value(e.get('seconds'))} s{'; ' + cached if cached else ''}")
    if e.get("witness") is not None:
        lines.append(f"- witness: {text(witness_text(e['witness']))}")
    if e.get("reproducer"):
        lines.append(f"- reproduce: `{e['reproducer']}`")
    if inputs_text(e):
        lines.append(f"- {text(inputs_text(e))}")
    derivation = (e.get("details") or {}).get("derivation")
    if derivation:
        lines += ["- derivation (as written):"]
        lines += [f"  {i + 1}. {text(s.get('step'))}: `{str(s.get('expression', '')).replace('`', chr(39))}` "
                  f"({text(s.get('result'))})" for i, s in enumerate(derivation)]
    lines.append("")
    for t in evidence_tables(e):
        lines += _table(t)
    for art in e.get("artifacts") or []:
        if art.get("path"):
            lines += [f"![{text(art.get('caption') or art.get('name', ''))}]({art['path']})", ""]
    return lines


def _claim(c: dict, report: dict) -> list[str]:
    line = explain(c, report)
    lines = ["", f'<a id="{anchor(c)}"></a>', "", f"## {text(heading(c))}", "", f"*{text(c.get('title'))}*", "",
             f"**{line.verdict}** {text(line.budget)}: {text(line.sentence)}", ""]
    if line.detail:
        lines += [f"Why, in full: {text(line.detail)}", ""]
    if line.reproducer:
        lines += [f"Reproduce: `{line.reproducer}`", ""]
    if c.get("expect") == "FAIL":  # a known-false claim: where its refutation comes from
        lines += [f"Known to be false (expected verdict REFUTED); refuted by: {text(c.get('refuted_by'))}.", ""]
    lines += [f"Source: {text(c.get('source'))}; provenance: {text(c.get('provenance'))}.", "",
              f"Statement: {math(c.get('statement'))}", ""]
    if c.get("hypotheses"):
        lines += ["Hypotheses:", ""] + [f"- {text(h)}" for h in c["hypotheses"]] + [""]
    if c.get("notes"):
        lines += [f"Notes: {text(c['notes'])}", ""]
    lines += ["| check | kind | basis | verdict | instances | worst margin | digits | backend | certified | seconds | "
              "cached |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for e in c.get("evidence") or []:
        lines.append(f"| {cell(e['check'])} | {cell(e['kind'])} | {cell(e['basis'])} | {e['verdict']} | {e.get('instances')} | "
                     f"{format_value(e.get('worst_margin'))} | {format_value(e.get('dps'))} | {cell(backend_cell(e))} | "
                     f"{'yes' if e.get('certified') else 'no'} | {format_value(e.get('seconds'))} | "
                     f"{cell(cached_phrase(e) or '—')} |")
    lines.append("")
    evidence = c.get("evidence") or []
    deciding = [e for e in evidence if e.get("verdict") != "PASS"]
    passing = [e for e in evidence if e.get("verdict") == "PASS"]
    for e in deciding:
        lines += _evidence(e)
    if passing:
        lines += [f"<details><summary>{len(passing)} passing check{'s' if len(passing) != 1 else ''}</summary>", ""]
        for e in passing:
            lines += _evidence(e)
        lines += ["</details>", ""]
    return lines


def render(report: dict) -> str:
    """The report as GitHub-flavoured Markdown."""
    claims = report.get("claims") or []
    lines = ["# proofcheck report", "",
             f"{summary_counts(report)} at the {text(report.get('budget'))} budget, seed {report.get('seed')}"
             + ("" if report.get("complete", True) else " (**incomplete**: the run was interrupted)") + ".", ""]
    attention = [c for v in ORDER[:3] for c in claims if c.get("verdict") == v]
    attention += [c for c in claims if c.get("verdict") == "PASS" and expect_outcome(c) == "unexpected"]
    if attention:
        lines += ["## Needs attention", ""]
        for c in attention:
            line = explain(c, report)
            lines.append(f"- **{line.verdict}** [{text(line.name)}](#{anchor(c)}): {text(line.sentence)}")
            if line.reproducer:
                lines.append(f"  reproduce: `{line.reproducer}`")
        lines.append("")
    lines += ["## Claims", "", "| claim | verdict | why | source | provenance |", "|---|---|---|---|---|"]
    for c in claims:
        line = explain(c, report)
        lines.append(f"| [{cell(line.name)}](#{anchor(c)}) | **{line.verdict}** | {cell(line.sentence)} | "
                     f"{cell(c.get('source'))} | {cell(c.get('provenance'))} |")
    lines += ["", "## Run", "",
              f"- command: `{' '.join(map(str, report.get('command') or []))}`",
              f"- git revision: `{report.get('git_revision')}` (uncommitted changes: {report.get('git_dirty')})",
              f"- {report.get('seconds')} s; versions: "
              + ", ".join(f"{k} {v}" for k, v in (report.get("versions") or {}).items() if v)]
    run = report.get("run") or {}
    if run:
        cache = run.get("cache")
        hits = (f"{cache['hits']} check(s) from the result cache `{cache['dir']}` (PASS and deterministic "
                f"INCONCLUSIVE results; never FAIL or ERROR)"
                if cache else "result cache not used")
        lines.append(f"- executed with {run.get('jobs')} job(s)"
                     + (f" on Dask scheduler `{run['scheduler']}`" if run.get("scheduler") else "") + f"; {hits}")
    for c in claims:
        lines += _claim(c, report)
    return "\n".join(lines).rstrip("\n") + "\n"
