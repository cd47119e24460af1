"""Reports: JSON (the machine-readable record), Markdown, and pluggable writers (html, junit).

Every file is written atomically: to a temporary file in the same directory, then renamed
over the target, so a crash never leaves a half-written report in place of a good one.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable

from .errors import UsageError

SCHEMA_VERSION = 2  # 2: per-cell data in report.cells.json; see report.schema.json
CORE = ("sympy", "mpmath", "numpy", "scipy", "hypothesis", "pytest")
OPTIONAL = ("numba", "gmpy2", "python-flint", "matplotlib", "rich", "dask", "distributed")
# Excluded when comparing runs for reproducibility: timings, and how this run was executed
# ("run": jobs, scheduler, how many checks came from the cache), which never changes a result.
TIMING_KEYS = ("seconds", "started_at", "finished_at", "run")


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and an atomic rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600 files; a report is as readable as any new file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def check_writable(out_dir: str) -> Path:
    """Create ``out_dir`` if needed and prove it writable, before any work is done."""
    path = Path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"output directory {out_dir!r} is not writable: {exc.strerror or exc}") from None
    return path


def to_json_text(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=False, default=str) + "\n"


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


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def place_artifacts(report: dict) -> list[tuple[str, str]]:
    """Give every artifact carrying ``data`` a relative ``path`` under plots/; return (path, data) pairs."""
    files = []
    for claim in report["claims"]:
        stem = claim["id"] + (f"--{claim['mutant']}" if claim.get("mutant") else "")
        for ev in claim["evidence"]:
            for art in ev.get("artifacts") or []:
                if "data" in art:
                    ext = ".svg" if art.get("mime") == "image/svg+xml" else ".txt"
                    art["path"] = f"plots/{_slug(stem)}--{_slug(ev['check'])}--{_slug(art['name'])}{ext}"
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


def write_reports(report: dict, out_dir: str, formats: list[str]) -> list[Path]:
    """Render every format first, then write each atomically: a rendering error writes nothing.

    Writers named in ``EMBEDDING`` (html) receive artifacts with their data; the others a copy
    without it (JSON and Markdown point at the SVG files under plots/).
    """
    from .sidecar import SIDECAR, detach

    files = place_artifacts(report)
    light, side = detach(without_data(report))  # per-cell measurements go to report.cells.json
    if side is not None and "json" in formats:
        files.append((SIDECAR, side))
    rendered = [(Path(out_dir) / WRITERS[f][0], WRITERS[f][1](report if f in EMBEDDING else light)) for f in formats]
    for rel, data in files:
        (Path(out_dir) / rel).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(Path(out_dir) / rel, data)
    for path, text in rendered:
        atomic_write(path, text)
    return [p for p, _ in rendered]


EMBEDDING = {"html"}
