"""The html report writer: self-contained, escaped, with plots embedded."""
import re

from proofcheck import Claim, Verdict
from proofcheck import report as reporting
from proofcheck.cli import available_formats
from proofcheck.model import Evidence
from proofcheck.plots import figure, svg_artifact
from proofcheck.runner import ClaimResult


def sample_report():
    fig, ax = figure()
    ax.plot([1, 2, 3], [1, 4, 9])
    art = svg_artifact(fig, "T-vs-d", "caption <b>&</b>")
    ev = Evidence(check="sweep<script>", kind="scaling", basis="numeric", verdict=Verdict.PASS, instances=3,
                  reason="ok <script>alert(1)</script>", details={"slopes": [{"name": "s", "relation": "<=", "claimed": 1.0,
                  "tolerance": 0.1, "lines": [{"fixed": {"d": 2}, "slope": 0.9, "interval": [0.8, 1.0], "status": "pass"}]}],
                  "ratio": {"label": "g", "growth": 2.0, "groups": [{"group": {"m": "a"}, "fitted_constant": 0.2,
                  "constant_interval": [0.1, 0.3], "fit_cells": [{}], "held_out": []}]}, "crossovers": []},
                  artifacts=[art])
    claim = Claim(id="toy", title="a <title> & more", source="test", provenance="user", statement="T <= C g",
                  hypotheses=["h1 <i>"], checks=[])
    result = ClaimResult(claim, Verdict.PASS, "reason & <tag>", [ev], seconds=1.0)
    return reporting.build_report([result], seed=0, budget="quick", command=["proofcheck", "run", "toy"], seconds=1.0,
                                  complete=True)


def test_html_writer_is_registered():
    assert "html" in available_formats()


def test_html_is_self_contained_escaped_and_embeds_plots(tmp_path):
    import proofcheck.html_report as html_report

    rep = sample_report()
    paths = reporting.write_reports(rep, str(tmp_path), ["json", "html"])
    text = (tmp_path / "report.html").read_text()
    assert any(p.name == "report.html" for p in paths)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "a &lt;title&gt; &amp; more" in text and "caption &lt;b&gt;&amp;&lt;/b&gt;" in text
    assert 'src="data:image/svg+xml;base64,' in text  # the plot is embedded, not linked
    assert not re.search(r'(src|href)="(http|//)', text)  # no external resources
    assert "0.9" in text and "fitted C" in text  # slopes and constants are tabulated
    assert (tmp_path / "plots").is_dir()  # the SVG is also written beside the reports
    assert html_report.render(rep) == html_report.render(rep)
