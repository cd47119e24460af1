"""A report folder holds one run: after a run of every claim, a run of one claim and a re-render, every report
file and plot in the folder belongs to the last run; ``explain`` says which report it read."""
from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

from proofcheck.cli import main

CLAIMS = textwrap.dedent('''
    """Two claims: a sweep that draws a plot, and a one-step derivation."""
    import math

    import numpy as np
    import sympy as sp

    from proofcheck import Claim, Symbolic, fact
    from proofcheck.checks.scaling import Measurement, Plot, Scaling, Slope

    x = sp.symbols("x", positive=True)


    def measure(cell, seeds):
        return Measurement(T=[3.0 * cell["n"] * math.exp(0.05 * np.random.default_rng(s).standard_normal())
                              for s in seeds], capped=[False] * len(seeds))


    SWEEP = Claim(id="swept", title="T = O(n)", source="test", provenance="user", statement="T = O(n)", hypotheses=[],
                  checks=[Symbolic("steps", lambda ctx: [fact("x + 1 > 0", x + 1 > 0)]),
                          Scaling("sweep", axes=lambda ctx: {"n": [2, 4, 8, 16, 32]}, measure=measure,
                                  probability=0.5, seeds=(8, 8, 8), bootstrap=(50, 50, 50),
                                  slopes=[Slope("n", "n", 1.0, "<=", 0.2)], plots=[Plot("T-vs-n", "n")])])
    PLAIN = Claim(id="plain", title="x + 1 > 0", source="test", provenance="user", statement="x + 1 > 0",
                  hypotheses=[], checks=[Symbolic("steps", lambda ctx: [fact("x + 1 > 0", x + 1 > 0)])])
    CLAIMS = [SWEEP, PLAIN]
''')


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_a_report_folder_holds_one_run(tmp_path):
    claims = tmp_path / "claims.py"
    claims.write_text(CLAIMS)
    out = tmp_path / "reports"
    run = lambda *argv: main(list(argv), io.StringIO(), io.StringIO())  # noqa: E731
    assert run("run", str(claims), "--budget", "quick", "--plots", "always", "--out", str(out), "--jobs", "1",
               "--format", "json,md,html,junit") in (0, 3)
    first = _files(out)
    assert {"report.json", "report.md", "report.html", "report.junit.xml"} <= first  # html is a default format too
    assert any(name.startswith("plots/") for name in first)
    assert run("run", "--claims", str(claims), "plain", "--budget", "quick", "--out", str(out), "--jobs", "1") == 0
    assert run("report", str(out / "report.json"), "--format", "html") == 0
    report = json.loads((out / "report.json").read_text())
    assert [c["id"] for c in report["claims"]] == ["plain"]
    # the earlier run's plots and its JUnit file are gone; what is left is this run's
    assert _files(out) == {"report.json", "report.md", "report.html"}
    for name in ("report.md", "report.html"):
        text = (out / name).read_text()
        assert "plain" in text and "swept" not in text, name


def test_a_rerender_elsewhere_replaces_what_another_run_left_there(tmp_path):
    claims = tmp_path / "claims.py"
    claims.write_text(CLAIMS)
    run = lambda *argv: main(list(argv), io.StringIO(), io.StringIO())  # noqa: E731
    assert run("run", "--claims", str(claims), "plain", "--budget", "quick", "--out", str(tmp_path / "a"),
               "--jobs", "1", "--format", "json") == 0
    other = tmp_path / "b"
    other.mkdir()
    (other / "report.md").write_text("# a report of another run\n")
    (other / "report.junit.xml").write_text("<testsuites/>\n")
    assert run("report", str(tmp_path / "a" / "report.json"), "--format", "html", "--out", str(other)) == 0
    assert _files(other) == {"report.html"}


def test_explain_reads_the_newest_report_holding_the_claim_and_says_which(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = lambda *argv: main(list(argv), io.StringIO(), io.StringIO())  # noqa: E731
    assert run("run", "F1", "--budget", "quick", "--out", "reference", "--jobs", "1", "--format", "json") == 0
    assert run("run", "F2", "--budget", "quick", "--jobs", "1", "--format", "json") == 0  # reports/, newer
    os.utime("reference/report.json", (1, 1))
    said = io.StringIO()
    assert main(["explain", "F1"], said, io.StringIO()) == 0
    assert "last verdict, from reference/report.json" in said.getvalue() and "PASS gd-rate" in said.getvalue()
    said = io.StringIO()
    assert main(["explain", "F1", "--report", "reports/report.json"], said, io.StringIO()) == 0
    line = next(x for x in said.getvalue().splitlines() if x.startswith("last verdict"))
    assert line == ("last verdict: reports/report.json (proofcheck run F2 --budget quick --jobs 1 --format json, "
                    "1 claim) does not contain gd-rate; run 'proofcheck run gd-rate'")
