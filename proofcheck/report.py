"""Reports: JSON (the machine-readable record), Markdown, and pluggable writers (html, junit).

A run's files are written as one set (:func:`write_set`): each to a temporary file in the same
directory, and only when all are on disk are they renamed over the targets, so a crash or a full
disk never leaves a half-written report. A report folder then holds one run: once the new set is in
place, every report file and plot of an earlier run that the set did not replace is removed
(:func:`remove_stale`), so a ``run F1`` after an ``all`` leaves no ``all`` report.html or plot beside
F1's report.json. report.json is standard JSON: non-finite numbers are the strings "inf", "-inf", "nan".
"""
from __future__ import annotations

import json
import math
import numbers
import os
import platform
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable

from .errors import UsageError
from .visible import visible_controls  # noqa: F401 - the writers' escaping, re-exported

SCHEMA_VERSION = 2  # 2: per-cell data in report.cells.json; see report.schema.json
CORE = ("sympy", "mpmath", "numpy", "scipy", "hypothesis", "pytest")
OPTIONAL = ("numba", "gmpy2", "python-flint", "matplotlib", "rich", "dask", "distributed")
# Excluded when comparing runs for reproducibility: timings, and how this run was executed
# ("run": jobs, scheduler, how many checks came from the cache; "cached" and "original_seconds":
# whether one check's evidence came from the cache), which never changes a result.
TIMING_KEYS = ("seconds", "started_at", "finished_at", "run", "cached", "original_seconds")


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in CORE + OPTIONAL:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name in CORE:
                found[name] = None
    try:
        found["proofcheck"] = metadata.version("proofcheck")
    except metadata.PackageNotFoundError:
        found["proofcheck"] = None
    return found


def git_state(exclude: str | None = None) -> dict:
    """The git revision of the proofcheck source tree and whether it has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return {"revision": None, "dirty": None}
        spec = ["--", "."]
        if exclude:
            try:
                rel = Path(exclude).resolve().relative_to(root)
                spec.append(f":(exclude){rel.as_posix()}")
            except ValueError:
                pass
        status = subprocess.run(["git", "status", "--porcelain", *spec], cwd=root, capture_output=True, text=True,
                                timeout=10)
        return {"revision": rev.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"revision": None, "dirty": None}


def build_report(results, *, seed: int, budget: str, command: list[str], seconds: float, complete: bool,
                 out_dir: str | None = None, extra: dict | None = None) -> dict:
    git = git_state(exclude=out_dir)
    summary: dict[str, int] = {}
    for r in results:
        summary[r.verdict.value] = summary.get(r.verdict.value, 0) + 1
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": "proofcheck",
        "command": command,
        "seed": seed,
        "budget": budget,
        "complete": complete,
        "versions": versions(),
        "git_revision": git["revision"],
        "git_dirty": git["dirty"],
        "seconds": round(seconds, 3),
        "summary": summary,
        "claims": [r.to_json() for r in results],
    }
    if extra:
        report.update(extra)
    return report


def encodable(text: str) -> str:
    """``text`` with every lone surrogate (``"\\ud800"``: a Python ``str`` that no encoding can write) spelled as its
    escape, ``\\ud800``: every writer can then encode it (issue 22). Text without one is returned as it is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def encodable_strings(value):
    """``value`` (a report, or any JSON-like tree) with :func:`encodable` applied to every string, keys included."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {encodable_strings(key): encodable_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable_strings(item) for item in value]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(path: Path, text: str) -> str:
    """Write ``text`` to a temporary file beside ``path`` (flushed to disk); returns the temporary name.
    On any failure the temporary file is removed and the error propagates."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600 files; a report is as readable as any new file
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:  # no str can break the write
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return tmp


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and an atomic rename."""
    write_set([(Path(path), text)])


def write_set(files: list[tuple[Path, str]]) -> None:
    """Write several files as one set: every file is first written in full to a temporary file beside
    its target; only when all of them are on disk are they renamed into place. A failure (disk
    full, Ctrl-C) before that point leaves every old file as it was and no temporary file behind."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(Path(path), text), Path(path)))
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def check_writable(out_dir: str) -> Path:
    """Create ``out_dir`` if needed and prove it writable, before any work is done."""
    path = Path(out_dir)
    if path.is_symlink() and not path.exists():  # mkdir would say only "File exists"
        raise UsageError(f"output directory {out_dir!r} is a dangling symbolic link (to {os.readlink(path)!r}); "
                         "remove it or point it at a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"output directory {out_dir!r} is not writable: {exc.strerror or exc}") from None
    return path


NON_FINITE = {math.inf: "inf", -math.inf: "-inf"}  # and NaN -> "nan"


def finite_json(value):
    """``value`` with every non-finite float replaced by the string "inf", "-inf" or "nan".

    Standard JSON has no infinities or NaN (Python would write ``Infinity``/``NaN``, which strict
    parsers reject), so report.json spells them as these strings (schema: any number field may
    hold "inf", "-inf" or "nan")."""
    if isinstance(value, float) or (isinstance(value, numbers.Real) and not isinstance(value, (int, bool))
                                    and not isinstance(value, numbers.Integral)):
        number = float(value)
        if math.isnan(number):
            return "nan"
        if math.isinf(number):
            return NON_FINITE[number]
        return value
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(item) for item in value]
    return value


def to_json_text(report: dict) -> str:
    """The report as standard JSON (no ``Infinity``/``NaN``: see :func:`finite_json`)."""
    return json.dumps(finite_json(report), indent=2, sort_keys=False, default=str, allow_nan=False) + "\n"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def format_number(x) -> str:
    """A compact cell: 6 significant digits for floats, an em dash for None."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def to_markdown(report: dict) -> str:
    """report.md (see :mod:`proofcheck.markdown_report`)."""
    from .markdown_report import render

    return render(report)


WRITERS: dict[str, tuple[str, Callable[[dict], str]]] = {
    "json": ("report.json", to_json_text),
    "md": ("report.md", to_markdown),
}


def register_writer(fmt: str, filename: str, render: Callable[[dict], str]) -> None:
    """Plug in another report format (html, junit...)."""
    WRITERS[fmt] = (filename, render)


def available_formats() -> dict:
    """Report formats with a writer; optional writers register themselves on import."""
    for plugin in ("html_report", "junit_report"):
        try:
            __import__(f"proofcheck.{plugin}")
        except ImportError:
            pass
    return WRITERS


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def place_artifacts(report: dict, plots: str = "plots") -> list[tuple[str, str]]:
    """Give every artifact carrying ``data`` a relative ``path`` under ``plots/``; return (path, data) pairs."""
    files = []
    for claim in report["claims"]:
        stem = claim["id"] + (f"--{claim['mutant']}" if claim.get("mutant") else "")
        for ev in claim["evidence"]:
            for art in ev.get("artifacts") or []:
                if "data" in art:
                    ext = ".svg" if art.get("mime") == "image/svg+xml" else ".txt"
                    art["path"] = f"{plots}/{_slug(stem)}--{_slug(ev['check'])}--{_slug(art['name'])}{ext}"
                    files.append((art["path"], art["data"]))
    return files


def without_data(report: dict) -> dict:
    """A copy of the report whose artifacts keep their path but not their (embedded) data."""
    out = dict(report, claims=[])
    for claim in report["claims"]:
        c = dict(claim, evidence=[])
        for ev in claim["evidence"]:
            c["evidence"].append(dict(ev, artifacts=[{k: v for k, v in a.items() if k != "data"}
                                                     for a in ev.get("artifacts") or []]))
        out["claims"].append(c)
    return out


PARTIAL = "partial"  # the infix of an interrupted run's report set written beside a complete one


def partial_name(filename: str) -> str:
    """``report.json`` -> ``report.partial.json`` (``report.junit.xml`` -> ``report.partial.junit.xml``)."""
    stem, dot, rest = filename.partition(".")
    return f"{stem}.{PARTIAL}{dot}{rest}"


def holds_complete_report(out_dir: str) -> bool:
    """Whether ``out_dir`` holds the report.json of a run that finished."""
    try:
        data = json.loads((Path(out_dir) / WRITERS["json"][0]).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("complete") is True


def write_reports(report: dict, out_dir: str, formats: list[str]) -> list[Path]:
    """Render every format first, then write them as one set (:func:`write_set`): either every file of
    the run lands, or none does and the previous set stays whole.

    An interrupted run (``complete`` false) never replaces a complete report: when ``out_dir`` holds
    one, the partial set is written beside it as ``report.partial.*`` (plots under ``plots.partial/``).
    Once the set is written, every report file and plot of an earlier run that it did not replace is removed
    (:func:`remove_stale`): the folder holds one run (a complete run also removes an earlier partial set; a
    partial set beside a complete report replaces only an earlier partial set). A format that failed to render
    thus leaves no file of an earlier run either.
    Writers named in ``EMBEDDING`` (html) receive artifacts with their data; the others a copy
    without it (JSON and Markdown point at the SVG files under plots/).
    """
    from .sidecar import SIDECAR, detach

    report = encodable_strings(report)  # a lone surrogate in a title must not lose the run (issue 22)
    partial = report.get("complete") is False and holds_complete_report(out_dir)
    files = place_artifacts(report, f"plots.{PARTIAL}" if partial else "plots")
    light, side = detach(without_data(report))  # per-cell measurements go to report.cells.json
    if side is not None and "json" in formats:
        files.append((partial_name(SIDECAR) if partial else SIDECAR, side))
    rendered, failures = [], []
    for fmt in formats:
        filename, render = WRITERS[fmt]
        name = partial_name(filename) if partial else filename
        try:
            rendered.append((Path(out_dir) / name, render(report if fmt in EMBEDDING else light)))
        except Exception as exc:  # noqa: BLE001 - a renderer bug must not lose the run: the record is still written
            if fmt == "json":
                raise
            failures.append(f"cannot render {filename}: {type(exc).__name__}: {exc}")
    written = [(Path(out_dir) / rel, data) for rel, data in files] + rendered
    write_set(written)
    # One folder, one run: files of an earlier run that this set did not replace would contradict it. A partial set
    # beside a complete one replaces only the earlier partial set; any other set replaces every report file.
    remove_stale(out_dir, [p for p, _ in written], partial_only=partial)
    if failures:
        raise RenderError([p for p, _ in rendered], failures)
    return [p for p, _ in rendered]


def report_files(out_dir: str, partial: bool | None = None) -> list[Path]:
    """The report files and plots in ``out_dir`` that proofcheck writes: ``report.*`` of every format and the side
    file, ``plots/*``, and their partial forms (``report.partial.*``, ``plots.partial/*``); ``partial`` True or False
    keeps only one of the two kinds."""
    from .sidecar import SIDECAR

    for plugin in ("html_report", "junit_report"):  # their files count even when this run did not load them
        try:
            __import__(f"{__package__}.{plugin}")
        except ImportError:
            pass
    base = Path(out_dir)
    names = [name for name, _ in WRITERS.values()] + [SIDECAR]
    found = []
    for is_partial in (False, True):
        if partial is not None and partial != is_partial:
            continue
        found += [base / (partial_name(n) if is_partial else n) for n in names]
        plots = base / (f"plots.{PARTIAL}" if is_partial else "plots")
        if plots.is_dir():
            found += sorted(p for p in plots.iterdir() if p.suffix in (".svg", ".txt"))
    return [p for p in found if p.is_file() and not p.is_symlink()]


def remove_stale(out_dir: str, keep: list[Path], partial_only: bool = False) -> list[Path]:
    """Remove every report file and plot of ``out_dir`` (:func:`report_files`) not in ``keep``: what an earlier run
    left that the set just written did not replace. ``partial_only``: only the earlier partial set (the complete
    report beside it stays). Returns the removed paths; a file that cannot be removed is left."""
    kept = {Path(p).resolve() for p in keep}
    removed = []
    for path in report_files(out_dir, partial=True if partial_only else None):
        if path.resolve() in kept:
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    for folder in ("plots", f"plots.{PARTIAL}"):
        try:
            (Path(out_dir) / folder).rmdir()  # only when empty
        except OSError:
            pass
    return removed


class RenderError(Exception):
    """Some formats could not be rendered; the others (report.json always) were written as a set."""

    def __init__(self, paths: list, failures: list[str]):
        super().__init__("; ".join(failures))
        self.paths, self.failures = paths, failures


EMBEDDING = {"html"}
