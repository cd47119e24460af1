"""The figures of a sweep (matplotlib SVG, only when the run asks for them; they never change a number): log-log T
quantiles per Plot spec, T/g over the grid for a Ratio, the crossover points for a Crossover."""
from __future__ import annotations

import math

import numpy as np

from . import grid
from .sentences import _num
from .specs import Plot  # noqa: F401 (annotations)
from .statistics import _interval


def _loglog(ax) -> None:
    """Log axes with one tick format per axis (:func:`proofcheck.plots.one_format_axis`: powers of ten on long axes,
    plain numbers on short ones); 1-2-5 ticks only on short ranges, so that labels on long axes (kappa over six
    decades) do not overlap."""
    from matplotlib.ticker import LogLocator, NullFormatter

    from ...plots import TICK_FONTSIZE, one_format_axis

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        decades = math.log10(hi / lo) if lo > 0 and hi > lo else 1.0
        subs = (1.0, 2.0, 5.0) if decades <= 2.5 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=8))
        one_format_axis(axis)
        axis.set_minor_formatter(NullFormatter())
    ax.tick_params(labelsize=TICK_FONTSIZE)




def render(sweep, records, made, conf, deciding) -> list[dict]:
    try:
        import matplotlib  # noqa: F401

        from ...plots import figure, svg_artifact
    except ImportError:  # pragma: no cover - matplotlib is optional
        return []
    marked = [c for c in (getattr(deciding, "cells", None) or [])]
    arts = [_panel_plot(sweep, spec, records, conf, figure, svg_artifact, marked) for spec in sweep.plots]
    if made["ratio_json"] and made["ratio_json"]["groups"]:
        arts.append(_ratio_plot(sweep, records, made["ratio_json"], conf, figure, svg_artifact, marked))
    for c in made["crossovers"]:
        if any(p[c["along"] + "*"] is not None for l in c["lines"] for p in l["crossover"]):
            arts.append(_crossover_plot(c, figure, svg_artifact))
    return [a for a in arts if a]

def _errorbars(rs, conf, value=lambda r: 1.0):
    """(x-independent) points and asymmetric bootstrap error bars of q / value(r) for finite quantiles."""
    ys, lo, hi = [], [], []
    for r in rs:
        v = value(r)
        y = r["q"] / v
        a, b = _interval(r["boot"] / v, conf)
        ys.append(y)
        lo.append(max(y - (a if a is not None and math.isfinite(a) else y), 0.0))
        hi.append((b if b is not None and math.isfinite(b) else y) - y)
    return ys, [lo, hi]

def _panel_plot(sweep, spec: Plot, records, conf, figure, svg_artifact, marked):
    """T quantile against ``spec.x``, one colour per value of ``spec.line`` (the same colour in every panel), one
    panel per value of ``spec.panel``; one legend outside the panels: the series by colour, then what each mark
    means (explained once, and only what some panel draws)."""
    from ...plots import LABEL_FONTSIZE, math_label, outside_legend, palette, series_label, sort_values, style_handle

    rs = grid.selected(records, spec.where)
    if not rs:
        return None
    panels = [repr(v) for v in sort_values({r["cell"].get(spec.panel) for r in rs})] if spec.panel else ["_"]
    values = [repr(v) for v in sort_values({r["cell"].get(spec.line) for r in rs})] if spec.line else ["_"]
    colours = dict(zip(values, palette(len(values))))
    fig, axes = figure(panels=len(panels), height=4.0)
    axes = axes if isinstance(axes, list) else [axes]
    series, meanings = {}, {}
    for ax, pv in zip(axes, panels):
        sub = [r for r in rs if not spec.panel or repr(r["cell"].get(spec.panel)) == pv]
        for lv in values:
            pts = sorted((r for r in sub if not spec.line or repr(r["cell"].get(spec.line)) == lv),
                         key=lambda r: r["cell"][spec.x])
            if not pts:
                continue
            colour = colours[lv]
            fin = [r for r in pts if math.isfinite(r["q"])]
            label = series_label(spec.line, pts[0]["cell"].get(spec.line)) if spec.line else "T quantile"
            if fin:
                ys, err = _errorbars(fin, conf)
                drawn = ax.errorbar([float(r["cell"][spec.x]) for r in fin], ys, yerr=err, marker="o", ms=3.5,
                                    capsize=2, lw=1.2, color=colour)
                series.setdefault(label, drawn)
            cx = [r for r in pts if not math.isfinite(r["q"]) and r["cap"]]
            if cx:
                ax.plot([float(r["cell"][spec.x]) for r in cx], [r["cap"] for r in cx], "x", color=colour, ms=6)
                meanings.setdefault("capped: T > cap (cap drawn)", style_handle(marker="x", ms=6))
            refs = [(float(r["cell"][spec.x]), float(spec.reference(r["cell"]))) for r in pts] \
                if spec.reference is not None else []
            refs = [(x, y) for x, y in refs if math.isfinite(y) and y > 0]
            if refs:  # explained in the legend only when some panel draws it
                ax.plot(*zip(*refs), ":", color=colour, lw=1.2)
                meanings.setdefault(f"dotted: {math_label(spec.reference_label)}", style_handle(ls=":", lw=1.4))
            hit = [r for r in fin if any(all(grid._same(r["cell"].get(k), v) for k, v in c.items()) for c in marked)]
            if hit:
                ax.plot([float(r["cell"][spec.x]) for r in hit], [r["q"] for r in hit], "o", ms=10, mfc="none",
                        mec="black", mew=1.5)
                meanings.setdefault("deciding cell", style_handle(marker="o", ms=10, mfc="none", mec="black"))
        ax.set_xlabel(math_label(spec.x), fontsize=LABEL_FONTSIZE)
        sample = sub[0] if sub else None
        if spec.panel and sample:
            ax.set_title(series_label(spec.panel, sample["cell"].get(spec.panel)), fontsize=LABEL_FONTSIZE)
        _loglog(ax)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(f"T quantile (p = {sweep.probability:.3g})", fontsize=LABEL_FONTSIZE)
    if not spec.panel:
        axes[0].set_title(spec.name, fontsize=LABEL_FONTSIZE)
    handles = list(series.values()) + list(meanings.values())
    outside_legend(fig, handles, list(series) + list(meanings), ncol=min(len(handles), 4 if len(axes) > 1 else 3))
    return svg_artifact(fig, spec.name, spec.caption)

def _ratio_plot(sweep, records, ratio, conf, figure, svg_artifact, marked):
    """T / g against g, one colour per group; the marker says fit cell (round) or held-out cell (square), the dotted
    line in the group's colour the constant fitted on its fit cells. Two legends outside the data: the groups by
    colour, and the marks' meaning, each explained once."""
    from ...plots import LABEL_FONTSIZE, math_label, method_label, outside_legend, palette, style_handle

    spec = sweep.ratio
    fig, ax = figure(width=7.2, height=4.4)
    colours = palette(len(ratio["groups"]))
    groups, meanings = {}, {}
    for gi, group in enumerate(ratio["groups"]):
        key = group["group"]
        rs = [r for r in grid.selected(records, spec.where) if grid._key(r["cell"], spec.group_by) == tuple(key.items())]
        name = ", ".join(method_label(v) if k == "method" else _num(v) for k, v in key.items()) or "all cells"
        for fit, marker in ((True, "o"), (False, "s")):
            pts = [r for r in rs if bool(spec.fit(r["cell"])) == fit and math.isfinite(r["q"])]
            if pts:
                ys, err = _errorbars(pts, conf, lambda r: float(spec.bound(r["cell"])))
                drawn = ax.errorbar([float(spec.bound(r["cell"])) for r in pts], ys, yerr=err, fmt=marker,
                                    color=colours[gi], ms=4.5, capsize=2, mfc=colours[gi] if fit else "none")
                groups.setdefault(name, drawn)
                meanings.setdefault("fit cells" if fit else "held-out cells",
                                    style_handle(marker=marker, ms=5, mfc="0.25" if fit else "none"))
        hit = [r for r in rs if math.isfinite(r["q"]) and any(
            all(grid._same(r["cell"].get(k), v) for k, v in c.items()) for c in marked)]
        if hit:
            ax.plot([float(spec.bound(r["cell"])) for r in hit], [r["q"] / spec.bound(r["cell"]) for r in hit], "o",
                    ms=10, mfc="none", mec="black", mew=1.5)
            meanings.setdefault("deciding cell", style_handle(marker="o", ms=10, mfc="none", mec="black"))
        c = group["fitted_constant"]
        if c and math.isfinite(c):
            ax.axhline(c, color=colours[gi], ls=":", lw=1.2)
            meanings.setdefault("dotted: constant fitted on the fit cells (a finding)", style_handle(ls=":", lw=1.4))
    _loglog(ax)
    ax.grid(True, which="major", alpha=0.3)
    label = math_label(spec.label)
    ax.set_xlabel(f"g = {label}", fontsize=LABEL_FONTSIZE)
    ax.set_ylabel("T quantile / g", fontsize=LABEL_FONTSIZE)
    ax.set_title("T / g over the grid", fontsize=LABEL_FONTSIZE)
    outside_legend(fig, list(groups.values()), list(groups), where="outside right upper", ncol=1, title="group")
    outside_legend(fig, list(meanings.values()), list(meanings), where="outside lower center", ncol=2)
    return svg_artifact(fig, "ratio", f"T/{spec.label} over the grid (fit cells round, held-out square)")

def _crossover_plot(c, figure, svg_artifact):
    """The crossover point along ``c['along']`` against ``c['over']``, one colour per line, and in the same colour,
    dotted, the claimed exponent drawn through each line's first point."""
    from ...plots import LABEL_FONTSIZE, math_label, outside_legend, palette, series_label, style_handle

    fig, ax = figure(width=6.8, height=4.2)
    colours = palette(len(c["lines"]))
    series, meanings = {}, {}
    for i, line in enumerate(c["lines"]):
        pts = [(p[c["over"]], p[c["along"] + "*"]) for p in line["crossover"] if p[c["along"] + "*"] is not None]
        if not pts:
            continue
        xs, ys = zip(*pts)
        ph = line.get("p_hat")
        name = ", ".join(series_label(k, v) for k, v in (line["fixed"] or {}).items()
                         if not str(k).startswith("_")) or "crossover"
        ivs = [p.get("interval") or [None, None] for p in line["crossover"] if p[c["along"] + "*"] is not None]
        lo = [max(y - (a if a is not None and math.isfinite(a) else y), 0.0) for y, (a, _) in zip(ys, ivs)]
        hi = [(b if b is not None and math.isfinite(b) else y) - y for y, (_, b) in zip(ys, ivs)]
        drawn = ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o-", capsize=2, color=colours[i], ms=4)
        series.setdefault(name + (f" ($\\hat p$ = {ph:.2f})" if ph is not None else ""), drawn)
        ref = np.array([min(xs), max(xs)], dtype=float)
        ax.plot(ref, ys[0] * (ref / xs[0]) ** c["claimed"], ":", color=colours[i], lw=1.2)
        meanings.setdefault(f"dotted: the claimed exponent p = {c['claimed']:.3g}, through the first point",
                            style_handle(ls=":", lw=1.4))
    _loglog(ax)
    ax.grid(True, which="major", alpha=0.3)
    ax.set_xlabel(math_label(c["over"]), fontsize=LABEL_FONTSIZE)
    ax.set_ylabel(f"{math_label(c['along'])}* (crossover point)", fontsize=LABEL_FONTSIZE)
    ax.set_title(f"crossover {c['name']}: {math_label(c['along'])}* ~ {math_label(c['over'])}$^p$",
                 fontsize=LABEL_FONTSIZE)
    handles = list(series.values()) + list(meanings.values())
    outside_legend(fig, handles, list(series) + list(meanings), ncol=1)
    return svg_artifact(fig, "crossover-" + c["name"], f"smallest {c['along']} at which {c['a']} stops beating {c['b']}")
