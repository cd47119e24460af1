"""Plots as evidence artifacts: deterministic SVG text from matplotlib figures.

An artifact is ``{"name": ..., "mime": "image/svg+xml", "data": svg_text}``. The report writer
stores the SVG as ``plots/<claim>--<check>--<name>.svg`` beside the reports, keeps the relative
``path`` in JSON and Markdown, and embeds the SVG in HTML. The SVG carries no date and fixed ids,
so the same run gives byte-identical files.
"""
from __future__ import annotations

import io


def figure():
    """A new matplotlib (Figure, Axes) on the non-interactive Agg/SVG backend."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "proofcheck"  # deterministic element ids
    plt.rcParams["svg.fonttype"] = "none"  # text stays text, and the file stays small
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    return fig, ax


def svg_artifact(fig, name: str, caption: str = "") -> dict:
    """Render ``fig`` to SVG text (no timestamp) and close it."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "proofcheck"})
    plt.close(fig)
    return {"name": name, "mime": "image/svg+xml", "caption": caption, "data": buf.getvalue()}
