"""Plots as evidence artifacts: deterministic SVG text from matplotlib figures.

An artifact is ``{"name": ..., "mime": "image/svg+xml", "data": svg_text}``. The report writer
stores the SVG as ``plots/<claim>--<check>--<name>.svg`` beside the reports, keeps the relative
``path`` in JSON and Markdown, and embeds the SVG in HTML. The SVG carries no date and fixed ids,
so the same run gives byte-identical files.
"""
from __future__ import annotations

import io
import math
import re


def figure(panels: int = 1, width: float = 6.4, height: float = 4.2):
    """A new matplotlib (Figure, Axes) on the non-interactive Agg/SVG backend, with a constrained layout (legends
    placed outside the axes, ``loc="outside ..."``, get their room). With ``panels`` > 1 the second value is the row
    of Axes (sharing y), and the width is capped at :data:`MAX_WIDTH` so that the report page shows it unscaled."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "proofcheck"  # deterministic element ids
    plt.rcParams["svg.fonttype"] = "none"  # text stays text, and the file stays small
    plt.rcParams["mathtext.fontset"] = "dejavusans"  # symbols in the same face as the words around them
    if panels == 1:
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        return fig, ax
    fig, axes = plt.subplots(1, panels, figsize=(min(4.4 * panels, MAX_WIDTH), height), sharey=True,
                             squeeze=False, layout="constrained")
    return fig, list(axes[0])


def svg_artifact(fig, name: str, caption: str = "") -> dict:
    """Render ``fig`` to SVG text (no timestamp) and close it."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "proofcheck"})
    plt.close(fig)
    return {"name": name, "mime": "image/svg+xml", "caption": caption, "data": buf.getvalue()}


# -- readability helpers (for every plot a check draws) ----------------------------------------------
LEGEND_FONTSIZE = 9  # points: readable on a slide, small enough for six entries
TICK_FONTSIZE = 9
LABEL_FONTSIZE = 10  # axis labels and panel titles
MIN_FONTSIZE = 9  # no text of a figure is smaller (figure_problems checks it)
MAX_WIDTH = 12.0  # inches: report.html is about 76em (1216 px) wide, so a wider figure would be shown shrunk

# Parameter names as the paper writes them (mathtext). ``kb`` and ``kd`` are the catalogue's short forms of
# kappa_bar and kappa_diag in formula labels (T5).
SYMBOLS = {"kappa_bar": r"\bar{\kappa}", "kappa_diag": r"\kappa_{\mathrm{diag}}", "kappa": r"\kappa", "kb": r"\bar{\kappa}",
           "kd": r"\kappa_{\mathrm{diag}}", "beta2": r"\beta_2", "beta1": r"\beta_1", "delta": r"\delta",
           "alpha": r"\alpha", "eps": r"\varepsilon", "epsilon": r"\varepsilon", "nu": r"\nu", "phi": r"\phi",
           "lambda_min": r"\lambda_{\min}", "lambda_max": r"\lambda_{\max}", "lambda": r"\lambda", "lam": r"\lambda",
           "eta": r"\eta", "theta": r"\theta", "sigma": r"\sigma"}
ASCII_NAMES = re.compile(r"(?<![A-Za-z\\])(" + "|".join(sorted((k for k in SYMBOLS if len(k) >= 2), key=len, reverse=True))
                         + r")(?![A-Za-z])")
_FUNCTIONS = ("sqrt", "min", "max", "log", "exp")
_FORMULA = re.compile(r"^[A-Za-z0-9_ ()/*+\-.,^=]+$")


def _tex(formula: str) -> str:
    r"""A plain formula as mathtext source: symbols, ``sqrt(x)`` -> ``\sqrt{x}``, ``min`` -> ``\min``, spaces between
    factors -> thin spaces."""
    out, i = [], 0
    while i < len(formula):
        word = re.match(r"[A-Za-z_][A-Za-z_0-9]*", formula[i:])
        if word:
            name = word.group(0)
            i += len(name)
            if name == "sqrt" and i < len(formula) and formula[i] == "(":
                depth, j = 0, i
                while j < len(formula):
                    depth += {"(": 1, ")": -1}.get(formula[j], 0)
                    if depth == 0:
                        break
                    j += 1
                # (x)^{1/2}, not \sqrt{x}: a browser draws an SVG radical sign in its own font, misplaced
                out.append("(" + _tex(formula[i + 1:j]) + ")^{1/2}")
                i = j + 1
            elif name in _FUNCTIONS:
                out.append("\\" + name)
            elif name in SYMBOLS:
                out.append(SYMBOLS[name])
            elif len(name) > 1 and "_" not in name:
                out.append(r"\mathrm{" + name + "}")
            else:
                out.append(name)
        elif formula[i] == " ":
            before, after = formula[:i].rstrip()[-1:], formula[i + 1:].lstrip()[:1]
            if before and after and before not in "+-=/*,(" and after not in "+-=/*,)":
                out.append(r"\,")  # a product of factors; operators space themselves
            i += 1
        else:
            out.append(formula[i])
            i += 1
    return "".join(out)


def math_label(text) -> str:
    r"""Text for a figure with the paper's symbols: ``'kappa_diag'`` -> ``'$\kappa_{\mathrm{diag}}$'``, a formula such as
    ``'min(d+1,kappa) log(1/eps)'`` as one mathtext expression, and in a sentence each parameter name set as its
    symbol (``'beta2 = 0.99'`` -> ``'$\beta_2$ = 0.99'``). Text already holding ``$`` is left as it is."""
    text = str(text)
    if "$" in text or not text:
        return text
    aside = re.match(r"^(.*\S)\s+(\([A-Za-z ,]+\))$", text)  # 'formula (explicit form)': the words stay words
    if aside and "(" in aside.group(1):
        return f"{math_label(aside.group(1))} {aside.group(2)}"
    words = text.split()
    if text in SYMBOLS or (len(text) <= 2 and text.isalpha()):
        return f"${_tex(text)}$"
    is_formula = (_FORMULA.match(text) and any(f + "(" in text for f in _FUNCTIONS + ("",) if f)
                  and not any(len(w) >= 4 and w.isalpha() and w not in SYMBOLS and w not in _FUNCTIONS
                              for w in (word.strip("(),.") for word in words)))
    if is_formula:
        return f"${_tex(text)}$"
    return ASCII_NAMES.sub(lambda m: f"${SYMBOLS[m.group(1)]}$", text)


def series_label(key: str | None, value) -> str:
    r"""A series' legend entry: ``('d', 64)`` -> ``'$d$ = 64'``; a method ``'adam(beta2=1)'`` -> ``'Adam ($\beta_2$ = 1)'``."""
    from .explain import format_value

    if isinstance(value, str):
        shown = method_label(value) if key in (None, "method") else value
    else:
        shown = number_label(value)
    return shown if key in (None, "method") else f"{math_label(key)} = {shown}"


def number_label(value) -> str:
    """A number in a legend or title: ``1e-12`` -> ``'$10^{-12}$'``, ``20000.0`` -> ``'$2\\times10^{4}$'``, ``64`` -> ``'64'``."""
    from .explain import format_value

    if isinstance(value, bool) or not isinstance(value, (int, float)) or value == 0 or not math.isfinite(value):
        return format_value(value, 4)
    if 1e-3 <= abs(value) < 1e4:
        return format_value(value, 4)
    exponent = math.floor(math.log10(abs(value)) + 1e-9)
    mantissa = value / 10 ** exponent
    if abs(mantissa - round(mantissa)) < 1e-6:
        mantissa = round(mantissa)
    return f"$10^{{{exponent}}}$" if mantissa == 1 else f"${format_value(mantissa, 3)}\\times10^{{{exponent}}}$"


def sort_values(values) -> list:
    """Series or panel values in reading order: numbers by size, then text."""
    return sorted(values, key=lambda v: (0, float(v), "") if isinstance(v, (int, float)) and not isinstance(v, bool)
                  else (1, 0.0, str(v)))


def method_label(name: str) -> str:
    r"""``'adam(beta2=1)'`` -> ``'Adam ($\beta_2$ = 1)'``; ``'gd'`` -> ``'GD'``."""
    match = re.match(r"^([A-Za-z]+)\((.*)\)$", str(name))
    head, inner = (match.group(1), match.group(2)) if match else (str(name), "")
    head = head.upper() if len(head) <= 3 else head.capitalize()
    inner = ", ".join(math_label(part.strip().replace("=", " = ")) for part in inner.split(",")) if inner else ""
    return f"{head} ({inner})" if inner else head


def palette(n: int) -> list:
    """``n`` distinct colours (tab10, then tab20 when more are needed): no two series share one."""
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def one_format_axis(axis) -> None:
    r"""One tick format for the whole axis: powers of ten (``$10^{5}$``, ``$2\times10^{5}$``) when the axis reaches
    10^4 or goes below 10^-2, plain numbers (``20``, ``0.5``) otherwise; never ``100000`` beside ``1e+06``."""
    from matplotlib.ticker import FuncFormatter

    def label(value, _pos=None):
        low, high = sorted(abs(v) for v in axis.get_view_interval())
        if value == 0:
            return "0"
        powers = high >= 1e4 or (0 < low < 1e-2)
        if not powers:
            return f"{value:g}"
        exponent = math.floor(math.log10(abs(value)) + 1e-9)
        mantissa = value / 10 ** exponent
        if abs(mantissa - round(mantissa)) < 1e-6:
            mantissa = round(mantissa)
        return f"$10^{{{exponent}}}$" if mantissa == 1 else f"${mantissa:g}\\times10^{{{exponent}}}$"

    axis.set_major_formatter(FuncFormatter(label))


def outside_legend(fig, handles: list, labels: list, where: str = "outside lower center", ncol: int | None = None,
                   title: str | None = None):
    """A figure legend outside every axes (the data stays uncovered), entries merged by label, readable size; None
    when there is nothing to explain. ``handles`` are artists that were actually drawn."""
    unique: dict = {}
    for handle, label in zip(handles, labels):
        if label and not str(label).startswith("_"):
            unique.setdefault(label, handle)
    if not unique:
        return None
    ncol = ncol or min(len(unique), 4)
    legend = fig.legend(list(unique.values()), list(unique.keys()), loc=where, ncol=ncol, fontsize=LEGEND_FONTSIZE,
                        frameon=False, title=title, title_fontsize=LEGEND_FONTSIZE)
    legend.proofcheck_handles = list(unique.values())  # the drawn artists and meaning handles (figure_problems)
    return legend


def style_handle(swatch: bool = False, **kw):
    """A legend handle for a meaning (a marker, a line style), drawn in neutral grey so it is not read as a series;
    ``swatch=True``: a colour's meaning (its ``color``), whatever the marks drawn in it."""
    from matplotlib.lines import Line2D

    kw.setdefault("color", "0.25")
    kw.setdefault("ls", "none")
    handle = Line2D([], [], **kw)
    handle.set_gid("swatch" if swatch else "style")
    return handle


def _drawn(fig) -> list:
    """Every artist with data in the figure's axes."""
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D

    found = []
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, Line2D) and len(np.atleast_1d(artist.get_xdata())) and artist.get_visible():
                found.append(artist)
            elif isinstance(artist, Collection) and artist.get_visible() and (
                    len(getattr(artist, "get_offsets", lambda: [])()) or len(artist.get_paths())):
                found.append(artist)
    return found


def _outside_math(text: str) -> str:
    return re.sub(r"\$[^$]*\$", "", text)


def figure_problems(fig) -> list[str]:
    """What keeps a figure from reading well in a talk, one line each ([] when it reads well):

    - a parameter written in ASCII (``kappa``, ``beta2``) where mathtext gives the paper's symbol;
    - an axis whose tick labels mix formats (``100000`` beside ``1e+06``, or plain beside powers of ten);
    - a legend over the data (every legend must lie outside every data axes);
    - a dashed or dotted reference line that no legend entry explains;
    - a legend entry for something the figure does not draw, or two series of one legend in one colour;
    - text smaller than :data:`MIN_FONTSIZE`, a figure wider than :data:`MAX_WIDTH`, overlapping tick labels.
    """
    import matplotlib.colors as mcolors

    problems = []
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width = fig.get_size_inches()[0]
    if width > MAX_WIDTH + 1e-6:
        problems.append(f"figure {width:.1f} in wide: the report page would shrink it (at most {MAX_WIDTH})")
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize"))
             if t.get_visible() and str(t.get_text()).strip()]
    for t in texts:
        if t.get_fontsize() < MIN_FONTSIZE - 1e-6:
            problems.append(f"text {t.get_text()!r} at {t.get_fontsize():g} pt (at least {MIN_FONTSIZE})")
        ascii_name = ASCII_NAMES.search(_outside_math(str(t.get_text())))
        if ascii_name:
            problems.append(f"text {t.get_text()!r} writes {ascii_name.group(1)!r} in ASCII (mathtext: the symbol)")
    colorbars = {getattr(getattr(ax, "_colorbar", None), "ax", None) for ax in fig.axes} - {None}
    data_axes = [ax for ax in fig.axes if ax not in colorbars and ax.get_label() != "<colorbar>"]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_text() for t in axis.get_ticklabels() + axis.get_ticklabels(minor=True)
                      if t.get_visible() and t.get_text()]
            if any(re.search(r"\de[+-]\d", x) for x in labels):
                problems.append(f"tick labels in e-notation {labels}")
            powers = {("10^" in x) for x in labels if x not in ("0", "$0$")}
            if len(powers) > 1:
                problems.append(f"tick labels of one axis mix plain numbers and powers of ten: {labels}")
        if ax in data_axes:
            problems += [f"overlapping tick labels {a!r} and {b!r}" for a, b in overlapping_tick_labels(fig, ax)]
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    drawn = _drawn(fig)
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in data_axes:
            if box.overlaps(ax.get_window_extent(renderer)):
                problems.append(f"a legend ({', '.join(t.get_text() for t in legend.get_texts())[:60]}...) covers the data")
        colours = []
        for handle, text in zip(getattr(legend, "proofcheck_handles", legend.legend_handles), legend.get_texts()):
            gid = handle.get_gid() if hasattr(handle, "get_gid") else None
            if gid == "swatch":
                want = mcolors.to_rgba(handle.get_color())
                if not any(_has_colour(a, want) for a in drawn):
                    problems.append(f"legend entry {text.get_text()!r}: no mark of its colour is drawn")
            elif gid == "style":
                ls, marker = handle.get_linestyle(), handle.get_marker()
                if not any(_same_style(a, ls, marker) for a in drawn):
                    problems.append(f"legend entry {text.get_text()!r}: nothing drawn in its style")
            else:
                colour = _colour(handle)
                if colour is not None:
                    colours.append(colour)
        if len(colours) != len(set(colours)):
            problems.append("two series of one legend share a colour")
    explained = {h.get_linestyle() for lg in legends for h in list(lg.legend_handles) + list(getattr(lg, "proofcheck_handles", []))
                 if hasattr(h, "get_linestyle") and isinstance(h.get_linestyle(), str)}
    for artist in drawn:
        ls = artist.get_linestyle() if hasattr(artist, "get_linestyle") else None
        if isinstance(ls, str) and ls in (":", "--", "-.") and ls not in explained:
            problems.append(f"a {ls!r} reference line that no legend entry explains")
    return problems


def _colour(handle):
    """A series handle's colour (an errorbar's data line, a line, a scatter's face), rounded; None when it has none."""
    import matplotlib.colors as mcolors
    import numpy as np

    if hasattr(handle, "lines") and isinstance(getattr(handle, "lines"), tuple):  # an ErrorbarContainer
        handle = handle.lines[0] if handle.lines and handle.lines[0] is not None else None
    if handle is None:
        return None
    try:
        colour = handle.get_color() if hasattr(handle, "get_xdata") else np.atleast_2d(handle.get_facecolor())[0]
        return tuple(round(float(c), 3) for c in mcolors.to_rgba(colour))
    except (ValueError, TypeError, IndexError, AttributeError):
        return None


def _has_colour(artist, want) -> bool:
    import matplotlib.colors as mcolors
    import numpy as np

    try:
        if hasattr(artist, "get_facecolor") and not hasattr(artist, "get_xdata"):
            return any(np.allclose(mcolors.to_rgba(c), want, atol=1e-3) for c in np.atleast_2d(artist.get_facecolor()))
        return bool(np.allclose(mcolors.to_rgba(artist.get_color()), want, atol=1e-3))
    except (ValueError, TypeError):
        return False


def _same_style(artist, ls, marker) -> bool:
    if ls not in ("None", "none", "", " ", None):
        return hasattr(artist, "get_linestyle") and artist.get_linestyle() == ls
    if marker in ("None", "none", "", " ", None):
        return False
    if hasattr(artist, "get_marker"):
        return artist.get_marker() == marker
    return True  # a scatter collection: its marker paths are not named; a drawn collection counts


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
    when the axis spans less than two decades), unlabelled minor ticks, one format per axis (:func:`one_format_axis`).

    Call it after the data is drawn (it reads the axis limits).
    """
    import math

    from matplotlib.ticker import LogLocator, NullFormatter

    for name in ("x", "y") if which == "both" else (which,):
        axis = ax.xaxis if name == "x" else ax.yaxis
        (ax.set_xscale if name == "x" else ax.set_yscale)("log")
        low, high = sorted(ax.get_xlim() if name == "x" else ax.get_ylim())
        decades = math.log10(high / low) if low > 0 and high > 0 else 10.0
        subs = (1.0, 2.0, 5.0) if decades < 2 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=10))
        axis.set_minor_locator(LogLocator(base=10, subs=tuple(range(2, 10)), numticks=12))
        one_format_axis(axis)
        axis.set_minor_formatter(NullFormatter())
        ax.tick_params(axis=name, labelsize=TICK_FONTSIZE)


def legend(ax, **kw):
    """A legend at a readable size with plain labels (see :func:`plain_label`, symbols as mathtext), duplicates merged,
    outside the axes (upper right of them) unless ``loc`` says otherwise."""
    handles, labels = ax.get_legend_handles_labels()
    unique: dict = {}
    for handle, label in zip(handles, labels):
        unique.setdefault(plain_label(label), handle)
    if not unique:
        return None
    kw.setdefault("fontsize", LEGEND_FONTSIZE)
    kw.setdefault("frameon", False)
    if "loc" not in kw:  # beside the axes, never over the data
        kw.update(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return ax.legend(list(unique.values()), [math_label(k) for k in unique], **kw)


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
        labels = [t for t in axis.get_ticklabels() + axis.get_ticklabels(minor=True) if t.get_visible() and t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if boxes[i].overlaps(boxes[j]):
                    found.append((labels[i].get_text(), labels[j].get_text()))
    return found
