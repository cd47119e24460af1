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


# -- readability helpers (for every plot a check draws) ----------------------------------------------
LEGEND_FONTSIZE = 9  # points: readable on a slide, small enough for six entries
TICK_FONTSIZE = 9


def plain_label(value) -> str:
    """A legend label a reader can read: ``{'method': 'adam(beta2=1)'}`` -> ``adam(beta2=1)``.

    A dict with one key gives its value; with several, ``key = value`` pairs (internal ``_`` keys
    dropped); a string holding a dict repr is cleaned the same way.
    """
    from .explain import clean_text, format_cell, format_value

    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if not str(k).startswith("_")}
        return format_value(next(iter(shown.values()))) if len(shown) == 1 else format_cell(shown)
    text = clean_text(value)
    for key in ("method = ",):  # the common single-key case, once cleaned
        if text.startswith(key) and "," not in text:
            return text[len(key):]
    return text


def log_axis(ax, which: str = "x") -> None:
    """A log axis whose tick labels never run together: labels at powers of ten (with 2 and 5 added only
    when the axis spans less than two decades), unlabelled minor ticks, plain numbers (``1000``, ``1e+06``).

    Call it after the data is drawn (it reads the axis limits).
    """
    import math

    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for name in ("x", "y") if which == "both" else (which,):
        axis = ax.xaxis if name == "x" else ax.yaxis
        (ax.set_xscale if name == "x" else ax.set_yscale)("log")
        low, high = sorted(ax.get_xlim() if name == "x" else ax.get_ylim())
        decades = math.log10(high / low) if low > 0 and high > 0 else 10.0
        subs = (1.0, 2.0, 5.0) if decades < 2 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=10))
        axis.set_minor_locator(LogLocator(base=10, subs=tuple(range(2, 10)), numticks=12))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
        ax.tick_params(axis=name, labelsize=TICK_FONTSIZE)


def legend(ax, **kw):
    """A legend at a readable size with plain labels (see :func:`plain_label`), duplicates merged."""
    handles, labels = ax.get_legend_handles_labels()
    unique: dict = {}
    for handle, label in zip(handles, labels):
        unique.setdefault(plain_label(label), handle)
    if not unique:
        return None
    kw.setdefault("fontsize", LEGEND_FONTSIZE)
    kw.setdefault("frameon", False)
    return ax.legend(list(unique.values()), list(unique.keys()), **kw)


def with_intervals(ax, xs, ys, lows, highs, **kw):
    """Points with their confidence intervals as error bars (every point, crossovers included)."""
    below = [y - lo for y, lo in zip(ys, lows)]
    above = [hi - y for y, hi in zip(ys, highs)]
    kw.setdefault("marker", "o")
    kw.setdefault("ms", 4)
    kw.setdefault("capsize", 2)
    return ax.errorbar(xs, ys, yerr=[below, above], **kw)


def claimed(ax, xs, ys, label: str = "claimed bound", **kw):
    """The claimed bound (or exponent) drawn beside the measurement: a dashed black line."""
    kw.setdefault("color", "black")
    kw.setdefault("ls", "--")
    kw.setdefault("lw", 1.2)
    return ax.plot(xs, ys, label=label, **kw)


def highlight(ax, x, y, label: str = "witness", note: str | None = None):
    """Ring the witness or deciding point in red (and annotate it), above everything else."""
    ring = ax.scatter([x], [y], s=160, facecolors="none", edgecolors="red", linewidths=2, zorder=10, label=label)
    if note:
        ax.annotate(note, (x, y), xytext=(8, 8), textcoords="offset points", color="red", fontsize=LEGEND_FONTSIZE)
    return ring


def overlapping_tick_labels(fig, ax) -> list[tuple[str, str]]:
    """Pairs of visible tick labels whose boxes overlap on the rendered figure ([] when readable)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for axis in (ax.xaxis, ax.yaxis):
        labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if boxes[i].overlaps(boxes[j]):
                    found.append((labels[i].get_text(), labels[j].get_text()))
    return found
