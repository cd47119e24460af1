"""The ``html`` report writer: one self-contained page that explains every verdict.

Layout: the summary counts, then the verdicts that need attention (FAIL, ERROR, INCONCLUSIVE) with
their verdict lines and reproducers (:func:`proofcheck.explain.explain`, the same sentence as every
other output), the claim table, and one section per claim. In a claim's section the deciding checks
come first and open, with their tables (:mod:`proofcheck.tables`; deciding rows highlighted) and
witness; passing checks are folded.

The page needs no network: statements are LaTeX converted to MathML on the server side
(``latex2mathml``; browsers render MathML natively), plots are embedded as ``<img>`` data URIs, the
style is inline. Every piece of report text is escaped; the MathML produced from a statement is parsed
and checked against a list of MathML elements and harmless attributes, and a statement that does not
convert (or converts to anything else) is shown as escaped LaTeX source instead.
"""
from __future__ import annotations

import base64
import html
import json
import re
import xml.etree.ElementTree as ET

from . import report as reporting
from .explain import (backend_cell, cached_phrase, clean_text, explain, format_value, inputs_text, precision_text,
                      witness_text)
from .markdown_report import FOLD_ROWS, anchor, upright_subscripts
from .model import expect_outcome
from .tables import evidence_tables

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:76em;color:#222;line-height:1.45;padding:0 1em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;font-size:.9em}
th{background:#f3f3f3;text-align:left}.PASS{color:#0a0;font-weight:bold}.FAIL{color:#c00;font-weight:bold}
.INCONCLUSIVE{color:#b70;font-weight:bold}.ERROR{color:#808;font-weight:bold}
tr.deciding td{background:#fff3cd;font-weight:600}tr.deciding td:first-child::before{content:"\\25B6  "}
p.verdict-line{font-size:1.05em;padding:.5em .8em;border-left:4px solid #999;background:#fafafa;font-weight:normal;color:#222;margin-bottom:.2em}
p.verdict-line.FAIL{border-color:#c00}p.verdict-line.INCONCLUSIVE{border-color:#b70}p.verdict-line.ERROR{border-color:#808}
p.verdict-line.PASS{border-color:#0a0}details.why{margin:0 0 .6em 1.2em;font-size:.92em;color:#444}
.REFUTED{color:#06c;font-weight:bold}.UNEXPECTED{color:#c00;font-weight:bold;text-decoration:underline}
p.verdict-line.REFUTED{border-color:#06c}p.verdict-line.UNEXPECTED{border-color:#c00}
mrow.overbar{border-top:.08em solid currentColor;padding-top:.14em;margin-left:.05em}
.counts span{margin-right:1.2em;font-size:1.1em}.statement{font-size:1.1em;margin:.6em 0;overflow-x:auto;overflow-y:hidden;padding:.2em 0}
code,pre{background:#f6f6f6;font-size:.88em}pre{padding:.5em;overflow-x:auto;max-height:30em}
figure{display:inline-block;margin:.5em 1em .5em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#555;max-width:40em}details{margin:.4em 0}summary{cursor:pointer}
section.claim{border-top:2px solid #ddd;margin-top:2em}
"""

# MathML presentation elements (and the <math> root) that latex2mathml emits; anything else is refused.
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "mfrac", "msqrt", "mroot", "mstyle",
               "merror", "mpadded", "mphantom", "menclose", "msub", "msup", "msubsup", "munder", "mover",
               "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr",
               "semantics", "annotation", "mfenced"}
MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
SAFE_ATTRIBUTES = {"display", "stretchy", "mathvariant", "fence", "separator", "lspace", "rspace", "minsize",
                   "maxsize", "columnalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "accent",
                   "accentunder", "movablelimits", "symmetric", "width", "height", "depth", "form", "linethickness",
                   "displaystyle", "scriptlevel", "notation", "open", "close", "separators", "align", "frame",
                   "framespacing", "equalrows", "equalcolumns", "class", "encoding"}


def _e(x) -> str:
    return html.escape(reporting.visible_controls("" if x is None else str(x)), quote=True)


def _t(x) -> str:
    """Report text, readable (no raw dicts) and escaped."""
    return _e(clean_text(x))


def _is_safe_mathml(markup: str) -> bool:
    try:
        root = ET.fromstring(markup)
    except ET.ParseError:
        return False
    for node in root.iter():
        tag = node.tag[len(MATHML_NS):] if node.tag.startswith(MATHML_NS) else node.tag
        if tag not in MATHML_TAGS:
            return False
        if any(name.split("}")[-1] not in SAFE_ATTRIBUTES for name in node.attrib if name != "xmlns"):
            return False
    return True


# latex2mathml draws \bar as a stretchy macron over its base, which browsers render as a faint dot-sized mark: the
# base goes into an <mrow class="overbar"> instead, whose top border (STYLE) is a bar as wide as the base.
_BAR = re.compile(r'<mover>(<mi>[^<]*</mi>|<mrow>(?:(?!<mover>|</mrow>).)*</mrow>)<mo stretchy="true">&#x000AF;</mo></mover>')


def _visible_bars(markup: str) -> str:
    return _BAR.sub(lambda m: f'<mrow class="overbar">{m.group(1)}</mrow>', markup)


def math(latex, display: bool = True) -> str:
    r"""LaTeX as MathML (rendered by the browser, no network); escaped source when it cannot be converted.
    Word subscripts are set upright (``\kappa_{diag}``) and bars made visible (``\bar\kappa``)."""
    text = "" if latex is None else str(latex)
    try:
        from latex2mathml.converter import convert

        markup = _visible_bars(convert(upright_subscripts(text), display="block" if display else "inline"))
    except Exception:  # noqa: BLE001 - any converter failure falls back to the source, never breaks the page
        markup = None
    if markup and _is_safe_mathml(markup):
        return markup
    return f'<code class="latex">{_e(text)}</code>'


def _css(v: str) -> str:
    """A verdict's CSS class; a known-false claim not refuted ('PASS (expected REFUTED)', model.verdict_label) is
    UNEXPECTED (red)."""
    return "UNEXPECTED" if str(v).endswith("(expected REFUTED)") else str(v)


def _verdict(v: str) -> str:
    return f'<span class="{_e(_css(v))}">{_e(v)}</span>'


def _artifact(art: dict) -> str:
    caption = _e(art.get("caption") or art.get("name", ""))
    if art.get("mime") == "image/svg+xml" and art.get("data"):
        uri = "data:image/svg+xml;base64," + base64.b64encode(art["data"].encode("utf-8")).decode("ascii")
        return f'<figure><img alt="{_e(art.get("name", ""))}" src="{uri}"><figcaption>{caption}</figcaption></figure>'
    if art.get("data"):
        return f"<figure><pre>{_e(art['data'])}</pre><figcaption>{caption}</figcaption></figure>"
    if art.get("path"):
        return f'<p>artifact: <code>{_e(art["path"])}</code> ({caption})</p>'
    return ""


def _table(t) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in t.header)
    rows = "".join(f'<tr{" class=deciding" if i in t.deciding else ""}>' + "".join(f"<td>{_e(x)}</td>" for x in row)
                   + "</tr>" for i, row in enumerate(t.rows))
    note = f"<p><small>{_e(t.note)}</small></p>" if t.note else ""
    if not t.deciding and len(t.rows) > FOLD_ROWS:  # a long table that decided nothing is folded
        return (f"<details><summary><b>{_e(t.title)}</b> ({len(t.rows)} rows, none deciding)</summary>"
                f"<table><tr>{head}</tr>{rows}</table>{note}</details>")
    return f"<p><b>{_e(t.title)}</b></p><table><tr>{head}</tr>{rows}</table>{note}"


def _evidence(e: dict, open_: bool) -> str:
    cached = cached_phrase(e)
    out = [f"<details{' open' if open_ else ''}><summary><b>{_e(e['check'])}</b> ({_e(e['kind'])}, {_e(e['basis'])}): "
           f"{_verdict(e['verdict'])}</summary>", f"<p>{_t(e.get('reason'))}</p>"]
    if e.get("witness") is not None:
        out.append(f"<p><b>witness</b>: {_e(witness_text(e['witness'], 2000))}</p>")
    if e.get("reproducer"):
        out.append(f"<p>reproduce: <code>{_e(e['reproducer'])}</code></p>")
    if inputs_text(e):
        out.append(f"<p>{_e(inputs_text(e))}</p>")
    out.append("<ul>")
    if e.get("margin_meaning"):
        out.append(f"<li>worst margin {_e(format_value(e.get('worst_margin')))}: {_t(e['margin_meaning'])}</li>")
    out.append(f"<li>{_e(e.get('instances'))} instances; precision {_e(precision_text(e))}; "
               f"backend {_e(e.get('backend') or '—')}{'; certified' if e.get('certified') else ''}; "
               f"{_e(format_value(e.get('seconds')))} s{'; ' + _e(cached) if cached else ''}</li></ul>")
    derivation = (e.get("details") or {}).get("derivation")
    if derivation:
        out.append("<p>Derivation, as written:</p><ol>" + "".join(
            f"<li>{_t(s.get('step'))}: <code>{_e(s.get('expression'))}</code> ({_t(s.get('result'))})</li>"
            for s in derivation) + "</ol>")
    out += [_table(t) for t in evidence_tables(e)]
    for art in e.get("artifacts") or []:
        out.append(_artifact(art))
    details = {k: v for k, v in (e.get("details") or {}).items() if k != "derivation"}
    if details:
        text = json.dumps(details, indent=1, default=str)
        if len(text) > 100_000:
            text = text[:100_000] + "\n... (truncated; the full record is in report.json)"
        out.append(f"<details><summary>full record</summary><pre>{_e(text)}</pre></details>")
    out.append("</details>")
    return "".join(out)


def _anchor(claim: dict) -> str:
    return _e(anchor(claim))  # the same anchor as report.md's


def _claim(c: dict, report: dict) -> str:
    line = explain(c, report)
    part = [f'<section class="claim" id="{_anchor(c)}"><h2>{_e(line.name)}: {_t(c.get("title"))}</h2>',
            f'<p class="verdict-line {_e(_css(line.verdict))}">{_verdict(line.verdict)} {_e(line.budget)}: '
            f"{_e(line.sentence)}</p>"]
    if line.detail:  # the full sentence, one click away
        part.append(f'<details class="why"><summary>why, in full</summary>{_e(line.detail)}</details>')
    if line.reproducer:
        part.append(f"<p>reproduce: <code>{_e(line.reproducer)}</code></p>")
    part.append(f'<div class="statement">{math(c.get("statement"))}</div>')
    if c.get("expect") == "FAIL":  # a known-false claim: where its refutation comes from
        part.append(f"<p>Known to be false (expected verdict REFUTED); refuted by: {_t(c.get('refuted_by'))}.</p>")
    part.append(f"<p>Source: {_t(c.get('source'))}; provenance: {_t(c.get('provenance'))}.</p>")
    if c.get("hypotheses"):
        part.append("<p>Hypotheses:</p><ul>" + "".join(f"<li>{_t(h)}</li>" for h in c["hypotheses"]) + "</ul>")
    if c.get("notes"):
        part.append(f"<p>Notes: {_t(c['notes'])}</p>")
    evidence = c.get("evidence") or []
    part.append("<table><tr><th>check</th><th>kind</th><th>basis</th><th>verdict</th><th>instances</th>"
                "<th>worst margin</th><th>digits</th><th>backend</th><th>seconds</th><th>cached</th></tr>" + "".join(
                    f"<tr><td>{_e(e['check'])}</td><td>{_e(e['kind'])}</td><td>{_e(e['basis'])}</td>"
                    f"<td>{_verdict(e['verdict'])}</td><td>{_e(e.get('instances'))}</td>"
                    f"<td>{_e(format_value(e.get('worst_margin')))}</td><td>{_e(format_value(e.get('dps')))}</td>"
                    f'<td title="{_e(e.get("backend"))}">{_e(backend_cell(e))}</td>'
                    f"<td>{_e(format_value(e.get('seconds')))}</td><td>{_e(cached_phrase(e) or '—')}</td></tr>"
                    for e in evidence) + "</table>")
    deciding = [e for e in evidence if e.get("verdict") != "PASS"]
    passing = [e for e in evidence if e.get("verdict") == "PASS"]
    part += [_evidence(e, open_=True) for e in deciding]
    if passing:
        part.append(f"<details><summary>{len(passing)} passing check{'s' if len(passing) != 1 else ''}</summary>"
                    + "".join(_evidence(e, open_=False) for e in passing) + "</details>")
    part.append("</section>")
    return "".join(part)


ORDER = ("FAIL", "ERROR", "INCONCLUSIVE", "PASS", "REFUTED")


def render(report: dict) -> str:
    """The report as one self-contained HTML page."""
    claims = report.get("claims", [])
    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>proofcheck report</title><style>{STYLE}</style></head><body><h1>proofcheck report</h1>")
    counts = {v: sum(c.get("verdict") == v for c in claims) for v in ORDER}
    summary = (f'<p class="counts"><b>{len(claims)} claim{"s" if len(claims) != 1 else ""}</b> at the '
               f"{_e(report.get('budget'))} budget, seed {_e(report.get('seed'))}"
               + ("" if report.get("complete", True) else " (<b>incomplete</b>: the run was interrupted)") + ": "
               + "".join(f'<span class="{v}">{n} {v}</span>' for v, n in counts.items() if n or v != "REFUTED")
               + _unexpected_count(claims) + "</p>")
    attention = [c for v in ORDER[:3] for c in claims if c.get("verdict") == v]
    attention += [c for c in claims if c.get("verdict") == "PASS" and expect_outcome(c) == "unexpected"]
    needs = ""
    if attention:
        items = []
        for c in attention:
            line = explain(c, report)
            items.append(f'<li>{_verdict(line.verdict)} <a href="#{_anchor(c)}">{_e(line.name)}</a>: {_e(line.sentence)}'
                         + (f"<br>reproduce: <code>{_e(line.reproducer)}</code>" if line.reproducer else "") + "</li>")
        needs = "<h2>Needs attention</h2><ul>" + "".join(items) + "</ul>"
    rows = []
    for c in claims:
        line = explain(c, report)
        rows.append(f'<tr><td><a href="#{_anchor(c)}">{_e(line.name)}</a></td><td>{_verdict(line.verdict)}</td>'
                    f"<td>{_e(line.sentence)}</td><td>{_t(c.get('source'))}</td><td>{_t(c.get('provenance'))}</td></tr>")
    table = ("<h2>Claims</h2><table><tr><th>claim</th><th>verdict</th><th>why</th><th>source</th><th>provenance</th></tr>"
             + "".join(rows) + "</table>")
    meta = ("<details><summary>Run</summary>"
            f"<p>command: <code>{_e(' '.join(map(str, report.get('command', []))))}</code></p>"
            f"<p>git <code>{_e(report.get('git_revision'))}</code> (uncommitted changes: {_e(report.get('git_dirty'))}), "
            f"{_e(report.get('seconds'))} s, complete: {_e(report.get('complete'))}</p>"
            f"<p>versions: {_e(', '.join(f'{k} {v}' for k, v in (report.get('versions') or {}).items() if v))}</p>"
            "</details>")
    sections = "".join(_claim(c, report) for c in claims)
    return head + summary + needs + table + meta + sections + "</body></html>\n"


def _unexpected_count(claims) -> str:
    """' 2 known-false NOT refuted' (red) when some known-false claims were not refuted, else ''."""
    n = sum(expect_outcome(c) == "unexpected" for c in claims)
    return f' <span class="UNEXPECTED">{n} known-false NOT refuted</span>' if n else ""


reporting.register_writer("html", "report.html", render)
