"""Every plot type reads well in a talk: checked on the figure objects (proofcheck.plots.figure_problems).

One test renders each plot type the checks draw: a sweep's panel plot (with capped cells, a reference line and
a deciding cell), its T/g ratio plot, a crossover plot, T6's two phase diagrams, and the generic threshold
boundary plot. Each figure is captured before it becomes SVG, and must have: mathtext for the paper's symbols, one
tick format per axis, legends outside the data, every reference line explained, no legend entry for what is not
drawn, distinct series colours, text of at least 9 pt and a width the report page shows unscaled.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="needs matplotlib (the report extra)")

from proofcheck import plots  # noqa: E402
from proofcheck.checks.scaling import Crossover, Measurement, Plot, Ratio, Scaling, Slope  # noqa: E402
from proofcheck.context import Budget, Context  # noqa: E402


@pytest.fixture
def captured(monkeypatch):
    """The figures handed to svg_artifact, each checked before it is closed: {artifact name: problems}."""
    found: dict[str, list[str]] = {}
    render = plots.svg_artifact

    def checking(fig, name, caption=""):
        found[name] = plots.figure_problems(fig)
        return render(fig, name, caption)

    monkeypatch.setattr(plots, "svg_artifact", checking)
    return found


def _measure(cell, seeds):
    """T = 3 n kappa^0.5 (x 2 for gd), noisy per seed; capped above 5000; gd vs adam cross over at n ~ kappa."""
    T, capped = [], []
    for s in seeds:
        noise = math.exp(0.1 * np.random.default_rng(s).standard_normal())
        if cell["method"] == "gd":
            t = 30.0 * cell["kappa"] * noise
        else:
            t = 3.0 * cell["n"] * cell["kappa"] ** 0.5 * noise
        capped.append(t > 5000)
        T.append(min(t, 5000))
    return Measurement(T=T, capped=capped, cap=5000)


def _sweep():
    return Scaling(
        "sweep", axes=lambda ctx: {"n": [2, 4, 8, 16, 32, 64], "kappa": [10.0, 100.0, 1e4], "method": ["adam(beta2=1)", "gd"]},
        measure=_measure, probability=0.5, seeds=(8, 8, 8), bootstrap=(50, 50, 50),
        slopes=[Slope("n", "n", 0.5, "<=", 0.1, where=lambda c: c["method"] != "gd")],  # false: a deciding cell
        ratio=Ratio(bound=lambda c: c["n"] * c["kappa"] ** 0.5, fit=lambda c: c["n"] <= 8, growth=2.0,
                    group_by=("method",), label="n sqrt(kappa)", where=lambda c: c["method"] != "gd"),
        crossovers=[Crossover("adam-vs-gd", over="kappa", along="n", series="method", a="adam(beta2=1)", b="gd",
                              claimed=1.0, relation=">=", tolerance=0.5)],
        plots=[Plot("T-vs-kappa", "kappa", line="n", panel="method", reference=lambda c: 3.0 * c["n"] * c["kappa"] ** 0.5
                    if c["method"] != "gd" else math.nan, reference_label="3 n sqrt(kappa)")])


def test_every_plot_type_reads_well_on_its_figure(captured):
    from lemmas.adam.t6_fixed_point import build

    evidence = _sweep().run(Context(seed=0, budget=Budget("quick"), claim_id="toy", check_name="sweep",
                                    options={"plots": True}))
    assert {a["name"] for a in evidence.artifacts} == {"T-vs-kappa", "ratio", "crossover-adam-vs-gd"}
    claim = build()
    for check in claim.checks:
        if check.name.startswith("threshold-"):
            check.run(Context(seed=0, budget=Budget("quick"), claim_id=claim.id, check_name=check.name,
                              options={"plots": True}))
    assert {"phase-delta-beta2", "phase-alpha-delta"} <= set(captured)
    from proofcheck.checks.threshold import boundary_plot

    fig, _ = boundary_plot([{"formula": 0.5, "lo": 0.49, "hi": 0.51, "evaluations": [
        {"theta": 0.3, "label": "orbit"}, {"theta": 0.7, "label": "converged"}]}], parameter="delta")
    captured["threshold-boundary"] = plots.figure_problems(fig)
    matplotlib.pyplot.close(fig)
    assert {name: problems for name, problems in captured.items() if problems} == {}


def test_the_figure_check_can_fail():
    """A figure as they were drawn before: ASCII 'kappa', a legend over the data, an unexplained dotted line, an
    entry for a series that is not drawn, tiny text, mixed tick formats."""
    from matplotlib.ticker import FuncFormatter

    fig, ax = plots.figure()
    ax.plot([10, 1e6], [1, 2], "o-", color="C0", label="d = 4")
    ax.plot([10, 1e6], [1.5, 2.5], "o-", color="C0", label="d = 8")
    ax.axhline(1.2, ls=":", color="C1")
    ax.plot([], [], ls="--", color="k", label="explicit bound")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("kappa")
    ax.legend(fontsize=6, loc="center")
    found = " | ".join(plots.figure_problems(fig))
    for what in ("ASCII", "covers the data", "reference line", "pt", "e-notation"):
        assert what in found, what
    matplotlib.pyplot.close(fig)


def test_math_labels_and_one_tick_format():
    assert plots.math_label("kappa_diag") == r"$\kappa_{\mathrm{diag}}$"
    assert plots.math_label("min(d+1,kappa) log(1/eps)") == r"$\min(d+1,\kappa)\,\log(1/\varepsilon)$"
    assert plots.math_label("beta2 = 0.99") == r"$\beta_2$ = 0.99"
    assert plots.method_label("adam(beta2=1)") == r"Adam ($\beta_2$ = 1)" and plots.method_label("gd") == "GD"
    fig, ax = plots.figure()
    ax.plot([10, 1e6], [1, 2])
    plots.log_axis(ax, "x")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all("10^" in t for t in labels)  # 10 is $10^{1}$ beside $10^{6}$, never "10" beside "1e+06"
    matplotlib.pyplot.close(fig)
