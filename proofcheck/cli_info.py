"""The command line's read-only commands: ``list``, ``show`` / ``explain``, and ``report`` (re-render).

None of them runs a numeric check. ``show --derivation`` (``explain``) runs only the claim's symbolic
derivations, to print every step as written; with a saved report it also prints the last verdict line
(:func:`proofcheck.explain.explain`) and the deciding check's witness.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import naming
from . import report as reporting
from .errors import UsageError
from .explain import explain, witness_text

EXIT_OK = 0
LIST_COLUMNS = ("label", "id", "provenance", "checks", "source", "title")


def list_rows(reg, ids) -> list[dict]:
    """One dict per claim, the columns of ``list`` (and the records of ``list --json``)."""
    tags = {cid: label for label, cid in naming.labels(reg).items()}
    rows = []
    for cid in ids:
        c = reg.claims[cid]
        rows.append({"label": tags.get(cid, ""), "id": cid, "provenance": c.provenance,
                     "checks": len(c.checks), "source": c.source, "title": c.title,
                     "origin": reg.origins.get(cid), "mutants": sorted(reg.mutants.get(cid, {})),
                     # a known-false claim (expect="FAIL"): 'FAIL' here, and its refutation; '' / absent otherwise
                     **({"expect": "FAIL", "refuted_by": c.refuted_by} if c.expect == "FAIL" else {})})
    return rows


def _clip(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(reg, args, out) -> int:
    ids = naming.select_ids(reg, getattr(args, "names", None), getattr(args, "keyword", None))
    rows = list_rows(reg, ids)
    if getattr(args, "json", False):
        print(json.dumps({"claims": rows}, indent=1), file=out)
        return EXIT_OK
    # Fixed widths, long cells clipped: the columns stay aligned whatever a claim's source says.
    widths = {"label": 5, "id": max([len(r["id"]) for r in rows] + [2]), "provenance": 14, "checks": 6,
              "source": 32}
    print(" ".join(f"{col:{widths[col]}s}" if col in widths else col for col in LIST_COLUMNS), file=out)
    for r in rows:
        r = dict(r, title=("[known false] " if r.get("expect") == "FAIL" else "") + r["title"])
        print(" ".join(f"{_clip(r[col], widths[col]):{widths[col]}s}" if col in widths else str(r[col])
                       for col in LIST_COLUMNS), file=out)
    known_false = sum(r.get("expect") == "FAIL" for r in rows)
    print(f"{len(rows)} claim{'s' if len(rows) != 1 else ''}"
          + (f", {known_false} of them known to be false (expected verdict REFUTED; 'show' names the refutation)"
             if known_false else ""), file=out)
    return EXIT_OK


def derivations(claim) -> list[tuple[str, str, list[dict]]]:
    """(check, kind, steps) for every symbolic check of ``claim``: its derivation, steps as written.

    The symbolic checks run (they are sympy work, seconds at most); numeric checks never do.
    """
    from .context import Budget
    from .runner import run_check

    found = []
    for check in claim.checks:
        if getattr(check, "basis", "") != "symbolic":
            continue
        evidence = run_check(claim, check, 0, Budget("quick"))
        details = evidence.details or {}
        steps = details.get("derivation")
        if steps is None and "lhs" in details:  # an identity: one step, lhs = rhs
            steps = [{"step": check.description or "identity", "expression": f"{details['lhs']} == {details['rhs']}",
                      "result": f"residual {details.get('simplified_residual')}"}]
        found.append((check.name, evidence.kind, steps or []))
    return found


DEFAULT_REPORTS = ("reports/report.json", "reports/report.partial.json", "reference/report.json")


def _read_report(file: Path) -> dict | None:
    try:
        report = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return report if isinstance(report, dict) and isinstance(report.get("claims"), list) else None


def _claim_in(report: dict, claim_id: str) -> dict | None:
    return next((c for c in report["claims"] if isinstance(c, dict) and c.get("id") == claim_id
                 and not c.get("mutant")), None)


def last_verdict(path: str | None, claim_id: str) -> tuple[Path | None, dict | None, dict | None]:
    """(file, report, claim record) of ``claim_id``'s last verdict.

    With ``path``, that report alone. Otherwise the newest (by modification time) of the saved reports
    (:data:`DEFAULT_REPORTS`: this run folder's report and partial report, then the committed reference) that
    contains the claim. When none contains it, the claim record is None and ``file`` names the newest report
    read (None when there is no saved report at all), so the caller can say which report lacks the claim.
    """
    candidates = [Path(path)] if path else [Path(p) for p in DEFAULT_REPORTS]
    readable = []
    for file in candidates:
        report = _read_report(file) if file.is_file() else None
        if report is not None:
            readable.append((file.stat().st_mtime, file, report))
    readable.sort(key=lambda item: -item[0])
    for _, file, report in readable:
        claim = _claim_in(report, claim_id)
        if claim is not None:
            return file, report, claim
    if readable:
        return readable[0][1], readable[0][2], None
    return None, None, None


def _run_of(report: dict) -> str:
    """'proofcheck run F1 --budget quick, 1 claim': which run a saved report holds."""
    n = len(report.get("claims") or [])
    command = " ".join(map(str, report.get("command") or [])) or "an unknown command"
    return f"{command}, {n} claim{'s' if n != 1 else ''}"


def cmd_show(reg, args, out) -> int:
    """``show CLAIM [--derivation] [--report FILE]``; ``explain CLAIM`` is ``show --derivation``."""
    from .registry import NOT_PASS, mutant_expectation

    cid = naming.resolve(reg, args.claim)
    c = reg.claims[cid]
    label = naming.label_of(reg, cid)
    print(f"{cid}{f' ({label})' if label else ''}: {c.title}", file=out)
    print(f"source: {c.source}    provenance: {c.provenance}", file=out)
    if c.expect == "FAIL":
        print(f"known to be false: expected verdict REFUTED; refuted by {c.refuted_by}", file=out)
    print(f"statement: {c.statement}", file=out)
    if c.sympy_statement:
        print(f"sympy: {c.sympy_statement}", file=out)
    print("hypotheses:", file=out)
    for h in c.hypotheses:
        print(f"  - {h}", file=out)
    print("checks:", file=out)
    for check in c.checks:
        print(f"  - {check.describe()}", file=out)
    if c.parameters:
        print(f"parameters (narrow with '{c.id}[key=value,...]'):", file=out)
        for key, values in c.parameters.items():
            print(f"  - {key}: {', '.join(map(str, values)) if values else 'any finite number'}", file=out)
    if reg.mutants.get(c.id) and c.expect == "FAIL":
        print("mutants (the counterexample broken, must not be REFUTED): " + ", ".join(reg.mutants[c.id]), file=out)
    elif reg.mutants.get(c.id):
        names = [name + (" (existence: must not PASS)" if mutant_expectation(f) == NOT_PASS else "")
                 for name, f in reg.mutants[c.id].items()]
        print("mutants (false variants that must FAIL): " + ", ".join(names), file=out)
    if c.notes:
        print(f"notes: {c.notes}", file=out)
    if getattr(args, "derivation", False):
        for check, kind, steps in derivations(c):
            print(f"derivation {check} ({kind}), as written:", file=out)
            for i, step in enumerate(steps, 1):
                print(f"  {i}. {step.get('step')}", file=out)
                print(f"       {step.get('expression')}", file=out)
                print(f"       -> {step.get('result')}", file=out)
        file, report, claim = last_verdict(getattr(args, "report", None), cid)
        if report is None:
            print(f"last verdict: no saved report ({getattr(args, 'report', None) or DEFAULT_REPORTS[0]}); "
                  f"run 'proofcheck run {cid}'", file=out)
        elif claim is None:
            print(f"last verdict: {file} ({_run_of(report)}) does not contain {cid}; run 'proofcheck run {cid}'",
                  file=out)
        else:
            line = explain(claim, report)
            print(f"last verdict, from {file} ({report.get('git_revision') or 'unknown revision'}): {line.text}",
                  file=out)
            if line.detail:
                print(f"  why, in full: {line.detail}", file=out)
            if line.reproducer:
                print(f"  reproduce: {line.reproducer}", file=out)
            for e in claim.get("evidence") or []:
                if e.get("verdict") != "PASS" and e.get("witness") is not None:
                    print(f"  witness of {e['check']}: {witness_text(e['witness'])}", file=out)
    return EXIT_OK


def _load_artifacts(report: dict, base: Path) -> None:
    """Give every artifact with a ``path`` its file's text as ``data`` (the HTML writer embeds it)."""
    for claim in report.get("claims") or []:
        for e in claim.get("evidence") or []:
            for art in e.get("artifacts") or []:
                if art.get("path") and "data" not in art:
                    file = base / art["path"]
                    if file.is_file():
                        art["data"] = file.read_text(encoding="utf-8")


def cmd_report(args, out) -> int:
    """``report FILE --format ... [--out DIR]``: re-render a saved report.json, running nothing."""
    source = Path(args.file)
    try:
        report = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read report {args.file!r}: {exc.strerror or exc}") from None
    except RecursionError:  # hostile JSON (nested 100,000 levels): an input error, not a crash
        raise UsageError(f"{args.file!r} is not a usable JSON report: nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{args.file!r} is not a JSON report: {exc}") from None
    if not isinstance(report, dict) or not isinstance(report.get("claims"), list):
        raise UsageError(f"{args.file!r} is not a proofcheck report (no 'claims' list)")
    try:
        return _rerender(report, source, args, out)
    except RecursionError:  # nested deeply enough to pass the parser but not the writers
        raise UsageError(f"{args.file!r} is not a usable proofcheck report: nested too deeply") from None
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:  # a record of the wrong shape
        raise UsageError(f"{args.file!r} is not a usable proofcheck report: {_shape_problem(report, exc)}") from None


def _shape_problem(report: dict, exc: Exception) -> str:
    """Why a saved report cannot be rendered: its first departure from the published schema when the validator is
    installed, else what rendering it raised."""
    from . import report_schema

    if report_schema.available():
        try:
            found = report_schema.errors(report)
        except RecursionError:  # pragma: no cover - caught by the caller's nesting check first
            found = []
        found.sort(key=lambda line: not line.startswith("claims"))  # the claims' shape is what rendering reads
        if found:
            return found[0] + (f" (and {len(found) - 1} more departures from report.schema.json)" if len(found) > 1
                               else " (report.schema.json)")
    return f"{type(exc).__name__}: {exc}"


def _rerender(report: dict, source: Path, args, out) -> int:
    from .sidecar import SIDECAR, attach, detach

    report = reporting.encodable_strings(attach(report, source.parent))  # lone surrogates spelled out, as in a run
    out_dir = reporting.check_writable(args.out or str(source.parent))
    writers = reporting.available_formats()
    formats = args.format or ["md", "html"]
    _load_artifacts(report, source.parent)
    light, side = detach(reporting.without_data(report))  # JSON keeps its per-cell data in the side file
    rendered = []
    for fmt in formats:
        filename, render = writers[fmt]
        rendered.append((out_dir / filename, render(report if fmt in reporting.EMBEDDING else light)))
    if "json" in formats and side is not None:
        rendered.append((out_dir / SIDECAR, side))
    elsewhere = out_dir.resolve() != source.parent.resolve()
    plots = []
    if elsewhere:  # plots beside the new reports, so that links resolve
        for claim in report["claims"]:
            for e in claim.get("evidence") or []:
                for art in e.get("artifacts") or []:
                    if art.get("path") and art.get("data") is not None:
                        plots.append((out_dir / art["path"], art["data"]))
    reporting.write_set(plots + [(path, text) for path, text in rendered
                                 if path.resolve() != source.resolve()])  # never overwrite the report being read
    if elsewhere:  # one folder, one run: what another run left there would contradict this set
        reporting.remove_stale(str(out_dir), [p for p, _ in plots + rendered])
    print("reports: " + ", ".join(str(p) for p, _ in rendered), file=out)
    return EXIT_OK
