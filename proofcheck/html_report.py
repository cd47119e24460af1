"""The ``html`` report writer: one self-contained page (DESIGN.md, 'Interfaces').

The claim table, then per claim its statement, hypotheses and evidence, with plots embedded inline
(artifacts carry their SVG text in ``data`` for this writer; see ``report.EMBEDDING``). Every piece of
text from the report is escaped; SVG produced by :mod:`proofcheck.plots` is embedded as an ``<img>``
data URI, so nothing in it can run or break the page. No external resources are referenced.
"""
from __future__ import annotations

import base64
import html
import json

from . import report as reporting

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:72em;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;font-size:.92em}
th{background:#f3f3f3}.PASS{color:#0a0;font-weight:bold}.FAIL{color:#c00;font-weight:bold}
.INCONCLUSIVE{color:#b70;font-weight:bold}.ERROR{color:#808;font-weight:bold}
code,pre{background:#f6f6f6;font-size:.88em}pre{padding:.5em;overflow-x:auto;max-height:30em}
figure{display:inline-block;margin:.5em 1em .5em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#555;max-width:40em}details{margin:.3em 0}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


_fmt = reporting.format_number


def _verdict(v: str) -> str:
    return f'<span class="{_e(v)}">{_e(v)}</span>'


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


def _scaling_summary(details: dict) -> str:
    """Readable tables for scaling evidence: slopes, the fitted constants, crossovers."""
    parts = []
    rows = []
    for s in details.get("slopes") or []:
        for line in s.get("lines", []):
            lo, hi = line["interval"]
            rows.append(f"<tr><td>{_e(s['name'])}</td><td>{_e(json.dumps(line['fixed'], default=str))}</td>"
                        f"<td>{_e(s['relation'])} {_e(_fmt(s['claimed']))} ± {_e(_fmt(s['tolerance']))}</td>"
                        f"<td>{_e(_fmt(line['slope']))}</td><td>[{_e(_fmt(lo))}, {_e(_fmt(hi))}]</td>"
                        f"<td>{_e(line['status'])}</td></tr>")
    if rows:
        parts.append("<table><tr><th>slope</th><th>line</th><th>claimed</th><th>estimate</th><th>interval</th>"
                     "<th>status</th></tr>" + "".join(rows) + "</table>")
    ratio = details.get("ratio")
    if ratio:
        rows = [f"<tr><td>{_e(json.dumps(g['group'], default=str))}</td><td>{_e(_fmt(g['fitted_constant']))}</td>"
                f"<td>[{_e(_fmt(g['constant_interval'][0]))}, {_e(_fmt(g['constant_interval'][1]))}]</td>"
                f"<td>{len(g['fit_cells'])}</td><td>{len(g['held_out'])}</td>"
                f"<td>{sum(t['status'] == 'fail' for t in g['held_out'])}</td></tr>" for g in ratio.get("groups", [])]
        parts.append(f"<p>Bounded ratio T / {_e(ratio['label'])} (held-out limit: {_e(ratio['growth'])} × upper C):</p>"
                     "<table><tr><th>group</th><th>fitted C</th><th>interval</th><th>fit cells</th><th>held out</th>"
                     "<th>held-out failures</th></tr>" + "".join(rows) + "</table>")
    for c in details.get("crossovers") or []:
        rows = [f"<tr><td>{_e(json.dumps(l['fixed'], default=str))}</td><td>{_e(json.dumps(l['crossover'], default=str))}</td>"
                f"<td>{_e(_fmt(l.get('p_hat')))}</td><td>{_e(json.dumps(l.get('interval'), default=str))}</td>"
                f"<td>{_e(l.get('status', ''))}</td><td>{_e(l.get('note', ''))}</td></tr>" for l in c.get("lines", [])]
        parts.append(f"<p>Crossover {_e(c['name'])}: claimed p {_e(c['relation'])} {_e(_fmt(c['claimed']))}</p>"
                     "<table><tr><th>line</th><th>crossover points</th><th>p-hat</th><th>interval</th><th>status</th>"
                     "<th>note</th></tr>" + "".join(rows) + "</table>")
    return "".join(parts)


def _evidence(e: dict) -> str:
    out = [f"<h4>{_e(e['check'])} ({_e(e['kind'])}, {_e(e['basis'])}): {_verdict(e['verdict'])}</h4>",
           f"<p>{_e(e['reason'])}</p><ul>"]
    if e.get("margin_meaning"):
        out.append(f"<li>worst margin {_e(_fmt(e.get('worst_margin')))}: {_e(e['margin_meaning'])}</li>")
    out.append(f"<li>instances {_e(e.get('instances'))}; dps {_e(_fmt(e.get('dps')))}; backend {_e(e.get('backend'))}; "
               f"certified {_e(e.get('certified'))}; {_e(_fmt(e.get('seconds')))} s</li>")
    if e.get("reproducer"):
        out.append(f"<li>reproducer: <code>{_e(e['reproducer'])}</code></li>")
    out.append("</ul>")
    derivation = (e.get("details") or {}).get("derivation")
    if derivation:
        out.append("<ol>" + "".join(f"<li>{_e(s['step'])}: <code>{_e(s['expression'])}</code> ({_e(s['result'])})</li>"
                                    for s in derivation) + "</ol>")
    if e.get("kind") == "scaling":
        out.append(_scaling_summary(e.get("details") or {}))
    if e.get("witness") is not None:
        out.append(f"<details><summary>witness</summary><pre>{_e(json.dumps(e['witness'], indent=1, default=str)[:20000])}"
                   "</pre></details>")
    for art in e.get("artifacts") or []:
        out.append(_artifact(art))
    details = {k: v for k, v in (e.get("details") or {}).items() if k != "derivation"}
    if details:
        text = json.dumps(details, indent=1, default=str)
        if len(text) > 200_000:
            text = text[:200_000] + "\n... (truncated; the full record is in report.json)"
        out.append(f"<details><summary>details</summary><pre>{_e(text)}</pre></details>")
    return "".join(out)


def render(report: dict) -> str:
    """The report as one self-contained HTML page."""
    claims = report.get("claims", [])
    head = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>proofcheck report</title>"
            f"<style>{STYLE}</style></head><body><h1>proofcheck report</h1>")
    meta = (f"<p>seed <code>{_e(report.get('seed'))}</code>, budget <code>{_e(report.get('budget'))}</code>, "
            f"complete <code>{_e(report.get('complete'))}</code>, git <code>{_e(report.get('git_revision'))}</code> "
            f"(dirty: {_e(report.get('git_dirty'))}), {_e(report.get('seconds'))} s</p>"
            f"<p>command: <code>{_e(' '.join(map(str, report.get('command', []))))}</code></p>"
            f"<p>versions: {_e(', '.join(f'{k} {v}' for k, v in (report.get('versions') or {}).items() if v))}</p>")
    rows = []
    for c in claims:
        name = c["id"] + (f" (mutant {c['mutant']})" if c.get("mutant") else "")
        anchor = _e("claim-" + name)
        rows.append(f"<tr><td><a href=\"#{anchor}\">{_e(name)}</a></td><td>{_e(c.get('source'))}</td>"
                    f"<td>{_e(c.get('provenance'))}</td><td>{_verdict(c['verdict'])}</td><td>{_e(c.get('reason'))}</td></tr>")
    table = ("<table><tr><th>claim</th><th>source</th><th>provenance</th><th>verdict</th><th>reason</th></tr>"
             + "".join(rows) + "</table>")
    sections = []
    for c in claims:
        name = c["id"] + (f" (mutant {c['mutant']})" if c.get("mutant") else "")
        part = [f"<section id=\"{_e('claim-' + name)}\"><h2>{_e(name)}: {_e(c.get('title'))}</h2>",
                f"<p><b>Verdict: {_verdict(c['verdict'])}</b> ({_e(c.get('reason'))})</p>",
                f"<p>Source: {_e(c.get('source'))}; provenance: {_e(c.get('provenance'))}.</p>",
                f"<p>Statement: <code>{_e(c.get('statement'))}</code></p>"]
        if c.get("hypotheses"):
            part.append("<p>Hypotheses:</p><ul>" + "".join(f"<li>{_e(h)}</li>" for h in c["hypotheses"]) + "</ul>")
        if c.get("notes"):
            part.append(f"<p>Notes: {_e(c['notes'])}</p>")
        part.append("<table><tr><th>check</th><th>kind</th><th>basis</th><th>verdict</th><th>instances</th>"
                    "<th>worst margin</th><th>dps</th><th>backend</th><th>seconds</th></tr>" + "".join(
                        f"<tr><td>{_e(e['check'])}</td><td>{_e(e['kind'])}</td><td>{_e(e['basis'])}</td>"
                        f"<td>{_verdict(e['verdict'])}</td><td>{_e(e.get('instances'))}</td>"
                        f"<td>{_e(_fmt(e.get('worst_margin')))}</td><td>{_e(_fmt(e.get('dps')))}</td>"
                        f"<td>{_e(e.get('backend'))}</td><td>{_e(_fmt(e.get('seconds')))}</td></tr>"
                        for e in c.get("evidence", [])) + "</table>")
        part += [_evidence(e) for e in c.get("evidence", [])]
        part.append("</section>")
        sections.append("".join(part))
    return head + meta + table + "".join(sections) + "</body></html>\n"


reporting.register_writer("html", "report.html", render)
