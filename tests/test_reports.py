"""Every verdict explained where the reader is: the verdict line, report.md, report.html, the schema.

A tiny user claim file is run once (quick budget, about a second); everything else re-renders its
saved JSON, or a small hand-written report holding a scaling FAIL, so that no test re-runs a sweep.
"""
from __future__ import annotations

import html
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from proofcheck import html_report, junit_report
from proofcheck.cli import main
from proofcheck.explain import clean_text, explain, format_cell
from proofcheck.markdown_report import render as to_markdown
from proofcheck import report_schema
from proofcheck.report_schema import errors as schema_errors
from proofcheck.sidecar import SIDECAR, attach, detach

TINY = Path(__file__).with_name("test_pytest_plugin.py")  # its TINY claim file: true, false and open claims

CELL = {"d": 64, "kappa_bar": 100.0, "kappa_diag": 1.0, "method": "adam(beta2=1)", "_qseed": 7, "_kappa": 99.9999}
SCALING_FAIL = {
    "check": "scaling-sweep", "kind": "scaling", "basis": "numeric", "verdict": "FAIL", "instances": 96,
    "worst_margin": 0.06, "margin_meaning": "excess over the limit", "dps": 50, "backend": "mpmath", "seconds": 1.5,
    "witness": {"what": f"ratio on held-out cell {CELL!r}", "cell": CELL, "growth_over_C": 3.0108,
                "growth_interval": [2.1198, 3.2212], "limit": 2.0, "status": "fail"},
    "reproducer": None, "certified": False,
    "reason": f"1 test(s) failed; first: ratio T/g on held-out cell {CELL!r}",
    "details": {"tests": [
                    {"what": "T/g at kappa_bar = 2", "vary": "d", "fixed": {"kappa_bar": 2.0, "_qseed": 1},
                     "local_exponents": [{"x": [16, 32], "exponent": 0.02, "interval": [-0.1, 0.2],
                                          "interval_familywise": [-0.2, 0.3], "limit": 0.56}],
                     "status": "pass", "reason": "fine"},
                    {"what": f"T/g at {CELL!r}", "vary": "d", "fixed": CELL,
                     "local_exponents": [{"x": [32, 64], "exponent": 0.8, "interval": [0.6, 1.0],
                                          "interval_familywise": [0.7, 0.95], "limit": 0.56}],
                     "status": "fail", "reason": "grows faster"}],
                "ratio": {"label": "g", "reference_growth": 2.0, "groups": [{
                    "group": {"method": "adam(beta2=1)"}, "fitted_constant": 0.37, "constant_interval": [0.3, 0.45],
                    "fit_cells": ["d = 2"], "held_out": [
                        {"cell": "d = 2, kappa_bar = 2", "ratio": 0.1, "growth_over_C": 0.5,
                         "growth_interval": [0.4, 0.6], "reference_growth": 2.0},
                        {"cell": "d = 64, kappa_bar = 100", "ratio": 1.11, "growth_over_C": 3.0108,
                         "growth_interval": [2.1198, 3.2212], "reference_growth": 2.0}]}]},
                "crossovers": [], "per_cell": [{"cell": CELL, "T": list(range(50))}] * 3},
    "artifacts": [], "cached": False,
}
SYMBOLIC_PASS = {"check": "algebra", "kind": "symbolic", "basis": "symbolic", "verdict": "PASS", "instances": 1,
                 "worst_margin": None, "margin_meaning": "", "dps": None, "backend": "sympy", "seconds": 0.01,
                 "witness": None, "reproducer": None, "certified": False, "reason": "all 1 steps proved",
                 "details": {"derivation": [{"step": "exponent", "expression": "3/2 == 3/2", "result": "proved"}]},
                 "artifacts": [], "cached": True, "original_seconds": 12.5}
HAND = {
    "schema_version": 2, "tool": "proofcheck", "command": ["proofcheck", "all"], "seed": 0, "budget": "standard",
    "complete": True, "versions": {"python": "3"}, "git_revision": None, "git_dirty": None, "seconds": 2.0,
    "summary": {"FAIL": 1, "PASS": 1},
    "claims": [
        {"id": "ok-claim", "title": "fine", "source": "s", "provenance": "user", "statement": r"x \le 1",
         "hypotheses": [], "verdict": "PASS", "reason": "every check passed", "seconds": 0.01,
         "evidence": [SYMBOLIC_PASS]},
        {"id": "bad-claim", "title": "T <script>alert(1)</script> | pipes", "source": "s", "provenance": "user",
         "statement": r"T \le C \frac{d}{\kappa} <b>", "hypotheses": ["a < b"], "verdict": "FAIL",
         "reason": "confirmed counterexample in: scaling-sweep", "seconds": 1.5,
         "evidence": [SYMBOLIC_PASS, SCALING_FAIL]},
    ],
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The TINY claims, run once at the quick budget into a scratch directory (json and md)."""
    from test_pytest_plugin import TINY as source

    d = tmp_path_factory.mktemp("tiny")
    (d / "tiny.py").write_text(source)
    out = io.StringIO()
    code = main(["run", str(d / "tiny.py"), "--budget", "quick", "--out", str(d / "out")], out, io.StringIO())
    return code, d, out.getvalue()


def test_cells_are_written_without_internal_keys_and_dicts_never_leak():
    assert format_cell(CELL) == "d = 64, kappa_bar = 100, kappa_diag = 1, method = adam(beta2=1)"
    text = clean_text(f"held-out cell {CELL!r} failed")
    assert text == "held-out cell d = 64, kappa_bar = 100, kappa_diag = 1, method = adam(beta2=1) failed"


def test_the_verdict_line_names_the_deciding_check_budget_and_reproducer():
    bad = explain(HAND["claims"][1], HAND)
    assert bad.text.startswith("FAIL bad-claim at the standard budget (seed 0): scaling-sweep: 1 of 2 tests failed")
    assert "exponent 0.8 [0.6, 1] vs limit 0.56" in bad.text  # the deciding number and its limit
    assert "{" not in bad.text + bad.detail and "_qseed" not in bad.text + bad.detail and "d = 64" in bad.detail
    assert bad.reproducer == "python -m proofcheck run bad-claim --budget standard --seed 0"
    ok = explain(HAND["claims"][0], HAND)  # a PASS states its scope
    assert ok.text == ("PASS ok-claim at the standard budget (seed 0): 1 check passed (1 symbolic, 0 numeric; "
                       "1 instance)") and ok.reproducer is None
    scoped = explain(dict(HAND["claims"][0], scope="for beta2 = 1, delta = 0"), HAND)  # issue 17's scope, when given
    assert scoped.text.endswith("1 instance); for beta2 = 1, delta = 0")


def test_a_verdict_line_is_a_line_and_the_full_sentence_is_kept():
    """However long the deciding check's sentence, the line stays about 160 characters: verdict, claim, budget,
    deciding check, its number and limit; the sentence in full is the line's ``detail``."""
    long_reason = "scaling-sweep: " + "; ".join(f"finding {i}: a long explanation of the numbers" for i in range(30))
    claim = dict(HAND["claims"][1], reason=long_reason)
    line = explain(claim, HAND)
    assert len(line.text) <= 180 and len(line.sentence) <= 160 and line.detail
    reference = json.loads((Path(__file__).resolve().parent.parent / "reference" / "report.json").read_text())
    for c in reference["claims"]:
        line = explain(c, reference)
        assert len(line.text) <= 180 and len(line.sentence) <= 160, line.text
        assert line.sentence.split(":")[0] in {e["check"] for e in c["evidence"]} or c["verdict"] in ("PASS", "REFUTED")


def test_every_output_carries_the_same_sentence(tiny_run):
    code, d, terminal = tiny_run
    assert code == 1
    report = json.loads((d / "out" / "report.json").read_text())
    false = next(c for c in report["claims"] if c["id"] == "tiny-false")
    line = explain(false, report)
    assert "square-below:" in line.sentence and "quick budget" in line.text
    assert line.sentence in terminal and line.reproducer in terminal
    assert line.sentence in html.unescape((d / "out" / "report.md").read_text())
    assert line.sentence in html.unescape(html_report.render(report))
    failure = ET.fromstring(junit_report.render(report)).find(".//testcase[@name='tiny-false']/failure")
    assert line.text in failure.get("message") and line.reproducer in failure.get("message")


def test_quiet_still_prints_fails_and_errors(tiny_run, tmp_path):
    _, d, _ = tiny_run
    out = io.StringIO()
    code = main(["run", str(d / "tiny.py"), "--budget", "quick", "--out", str(tmp_path), "--quiet"], out, io.StringIO())
    lines = out.getvalue().splitlines()
    assert code == 1 and lines[0].startswith("FAIL tiny-false at the quick budget (seed 0): square-below:")
    assert lines[1].startswith("  reproduce: python -m proofcheck run --claims")
    assert not any("tiny-true" in x or "tiny-open" in x for x in lines)


def test_markdown_opens_with_counts_and_failures_and_marks_the_deciding_row():
    md = to_markdown(HAND)
    head = md.split("## Claims")[0]
    assert head.startswith("# proofcheck report\n\n**2 claims: 1 FAIL, 1 PASS** at the standard budget, seed 0.")
    assert "## Needs attention" in head and "[bad-claim](#claim-bad-claim)" in head
    assert '<a id="claim-bad-claim"></a>' in md and 'id="claim-bad-claim"' in html_report.render(HAND)  # one anchor
    assert md.index("## Needs attention") < md.index("## Claims") < md.index("## ok-claim")
    row = next(x for x in md.splitlines() if "d = 64, kappa_bar = 100" in x and x.startswith("| ▶"))
    assert "**0.8**" in row and "**[0.6, 1]**" in row  # the deciding test (its local exponent), marked
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert r"$`T \le C \frac{d}{\kappa} \lt b\gt `$" in md  # math for GitHub; no raw HTML inside
    assert "_qseed" not in md and "{'" not in md
    assert "| cached, computed in 12.5 s |" in md  # cached evidence: its own column, with the original time


def test_html_renders_math_as_mathml_and_opens_the_deciding_check():
    page = html_report.render(HAND)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">') == 2
    assert "<mfrac>" in page and "http://" not in page.replace("http://www.w3.org/1998/Math/MathML", "")
    bad = page.split('id="claim-bad-claim"')[1]
    assert "<details open><summary><b>scaling-sweep</b>" in bad
    assert "<details><summary>1 passing check</summary>" in bad
    assert '<tr class=deciding><td>T/g at d = 64, kappa_bar = 100' in bad
    assert page.index("Needs attention") < page.index("<h2>Claims</h2>")


def test_html_falls_back_to_escaped_latex_when_conversion_fails():
    assert html_report.math(r"\frac{1}{") .startswith('<code class="latex">')
    assert html_report._is_safe_mathml('<math><mi>x</mi></math>')
    assert not html_report._is_safe_mathml('<math><mi onclick="x()">x</mi></math>')
    assert not html_report._is_safe_mathml('<math><script>x</script></math>')


def test_bulky_cells_go_to_the_side_file_and_come_back(tmp_path):
    light, side = detach(HAND)
    pointer = light["claims"][1]["evidence"][1]["details"]["per_cell"]
    assert pointer == {"$sidecar": SIDECAR, "key": "bad-claim/scaling-sweep/per_cell", "items": 3}
    assert HAND["claims"][1]["evidence"][1]["details"]["per_cell"][0]["cell"] == CELL  # the original is untouched
    (tmp_path / SIDECAR).write_text(side)
    assert attach(json.loads(json.dumps(light)), tmp_path)["claims"][1]["evidence"][1]["details"]["per_cell"] == \
        json.loads(json.dumps(HAND))["claims"][1]["evidence"][1]["details"]["per_cell"]


needs_jsonschema = pytest.mark.skipif(not report_schema.available(), reason=report_schema.MISSING)


@needs_jsonschema
def test_the_schema_accepts_reports_and_rejects_broken_ones():
    assert schema_errors(detach(HAND)[0]) == []
    broken = json.loads(json.dumps(HAND))
    broken["claims"][1]["verdict"] = "MAYBE"
    del broken["claims"][0]["evidence"][0]["details"]["derivation"]
    found = schema_errors(broken)
    assert any("claims/1/verdict" in e for e in found) and any("derivation" in e for e in found)


def test_report_subcommand_rerenders_a_saved_json_without_running(tiny_run, tmp_path, monkeypatch):
    _, d, _ = tiny_run
    import proofcheck.runner as runner

    monkeypatch.setattr(runner, "run_check", lambda *a, **k: pytest.fail("report must not run checks"))
    out = io.StringIO()
    code = main(["report", str(d / "out" / "report.json"), "--format", "html,md,junit", "--out", str(tmp_path)],
                out, io.StringIO())
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.junit.xml", "report.md"]
    assert (tmp_path / "report.md").read_text() == (d / "out" / "report.md").read_text()
    err = io.StringIO()
    assert main(["report", str(d / "tiny.py")], io.StringIO(), err) == 2 and "is not a JSON report" in err.getvalue()


def test_cached_checks_show_their_original_time():
    from proofcheck.progress import seconds_text

    claim = dict(HAND["claims"][0], seconds=0.01)
    from proofcheck.progress import cached_text

    assert seconds_text(claim) == "0.01" and cached_text(claim) == "1 of 1 check, computed in 12.50 s"
    assert "<td>0.01</td><td>cached, computed in 12.5 s</td>" in html_report.render(HAND)


# -- plots: readable ticks, legends, the witness ---------------------------------------------------------
def test_log_ticks_do_not_overlap_and_legends_are_plain_and_readable():
    from proofcheck import plots

    fig, ax = plots.figure()
    kappas = [10.0, 100.0, 1e3, 1e4, 1e5, 1e6]
    for d in (4, 64):
        plots.with_intervals(ax, kappas, [d * k ** 0.5 for k in kappas], [0.8 * d * k ** 0.5 for k in kappas],
                             [1.2 * d * k ** 0.5 for k in kappas], label=repr({"method": "adam(beta2=1)", "d": d}))
    plots.claimed(ax, kappas, [k for k in kappas])
    plots.highlight(ax, 1e4, 64 * 100.0, note="T/bound 3.01x")
    plots.log_axis(ax, "both")
    leg = plots.legend(ax)
    assert plots.overlapping_tick_labels(fig, ax) == []
    texts = [t.get_text() for t in leg.get_texts()]
    assert r"method = adam($\beta_2$=1), d = 4" in texts and "claimed bound" in texts and "witness" in texts
    assert all("{" not in t for t in texts) and all(t.get_fontsize() >= 9 for t in leg.get_texts())
    assert plots.plain_label({"method": "gd"}) == "gd" and plots.plain_label("{'method': 'gd'}") == "gd"
    svg = plots.svg_artifact(fig, "t")["data"]
    assert "witness" in svg and "T/bound 3.01x" in svg


def test_dense_log_ticks_are_detected_as_overlapping():
    """The detector itself can fail: 1-2-5 labels on six decades run together ('5000100002000050000')."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    from proofcheck import plots

    fig, ax = plots.figure()
    ax.plot([10, 1e6], [1, 2])
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=30))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    assert plots.overlapping_tick_labels(fig, ax)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_threshold_boundary_plot_draws_the_claim_and_the_bracket():
    from proofcheck.checks.threshold import boundary_plot

    records = [{"formula": 0.5, "lo": 0.49, "hi": 0.51,
                "evaluations": [{"theta": 0.3, "label": "orbit"}, {"theta": 0.7, "label": "converged"}]}]
    fig, ax = boundary_plot(records, parameter="delta")
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "claimed threshold (formula)" in texts and "bracket found" in texts
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 9
    import matplotlib.pyplot as plt

    plt.close(fig)


@needs_jsonschema
def test_reports_written_by_the_suite_are_validated(tmp_path):
    """conftest wraps write_reports: a report.json that departs from the schema fails the test that wrote it."""
    import proofcheck.report as reporting

    bad = dict(HAND, budget="enormous")
    with pytest.raises(ValueError, match="budget"):
        reporting.write_reports(bad, str(tmp_path), ["json"])
    reporting.write_reports(dict(HAND), str(tmp_path), ["json"])  # a conforming one passes


def test_no_raw_dicts_or_internal_keys_in_the_outputs_of_the_reference_run():
    """The committed standard run, re-rendered: terminal, report.md and JUnit carry no dict reprs or ``_`` keys."""
    from proofcheck.progress import summary

    path = Path(__file__).resolve().parent.parent / "reference" / "report.json"
    if not path.exists():
        pytest.skip("no committed reference/report.json")
    report = json.loads(path.read_text())
    screen = io.StringIO()
    summary(report["claims"], screen, rich=False, report=report)
    for text in (screen.getvalue(), to_markdown(report), junit_report.render(report)):
        assert "{'" not in text and "_qseed" not in text and "_kappa" not in text


def test_a_renderer_that_raises_loses_nothing(tiny_run, tmp_path, monkeypatch):
    """A bug in one format's renderer costs that format only: report.json and the other formats are written, the
    error is one line, and the exit status is not 0 (nor does a FAIL's 1 get hidden)."""
    from proofcheck import report as reporting

    _, d, _ = tiny_run
    filename, _ = reporting.WRITERS["md"]

    def broken(report):
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(reporting.WRITERS, "md", (filename, broken))
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", str(d / "tiny.py"), "--budget", "quick", "--out", str(tmp_path), "--format", "json,md,junit"],
                out, err)
    assert code in (1, 3) and (tmp_path / "report.json").is_file() and (tmp_path / "report.junit.xml").is_file()
    assert not (tmp_path / "report.md").exists()
    assert [line for line in err.getvalue().splitlines() if "renderer bug" in line] == [
        "proofcheck: error: cannot render report.md: RuntimeError: renderer bug"]
