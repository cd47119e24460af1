"""Compare the deciding numbers of two proofcheck reports (report.json), timings and wording aside.

    python benchmarks/compare_reports.py REFERENCE.json NEW.json [CLAIM ...]

Exit 0 when every claim present in both (or each CLAIM named) has the same verdict and every check the same
verdict, worst margin, witness, instance count, precision and certification, and the same per-case / per-cell
deciding data (threshold brackets and their classifications; sweep quantiles and per-seed counts); otherwise
each difference is printed, with whether they are all last-bit float differences (<= 1e-12 relative, with
every count, label and verdict equal), and the exit status is 1. Used by ``benchmarks/run_all.py --only cli`` on the
standard run and by ``tests/test_report_unchanged.py`` on a narrowed one.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

EVIDENCE_KEYS = ("verdict", "worst_margin", "witness", "instances", "dps", "certified")


def _threshold_cases(details: dict) -> list:
    return [{k: case.get(k) for k in ("case", "formula", "lo", "hi", "status", "margin")}
            | {"evaluations": [(e["theta"], e["label"], e["dps"], e.get("info")) for e in
                               case.get("evaluations", []) + case.get("confirmations", [])]}
            for case in details.get("cases", [])]


def _sweep_cells(details: dict) -> list:
    return [{k: cell.get(k) for k in ("cell", "quantile", "quantile_capped", "quantile_interval", "T", "capped", "cap",
                                      "per_seed")}
            for cell in details.get("per_cell", [])]


def deciding(evidence: dict) -> dict:
    """The numbers a check's verdict rests on."""
    out = {k: evidence.get(k) for k in EVIDENCE_KEYS}
    details = evidence.get("details") or {}
    if evidence.get("kind") == "threshold":
        out["cases"] = _threshold_cases(details)
    elif evidence.get("kind") == "scaling":
        out["cells"] = _sweep_cells(details)
        out["slopes"] = details.get("slopes")
        out["confirmations"] = [{k: v for k, v in c.items() if k not in ("backend", "seconds")}
                                for c in details.get("confirmations") or []]
    return out


def within_last_bits(a, b, rel: float = 1e-12) -> bool:
    """Whether a and b differ only in floats, each by at most ``rel`` relative (ints, strings, labels equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(within_last_bits(a[k], b[k], rel) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(within_last_bits(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= rel * max(abs(a), abs(b))
    return a == b


def differences(reference: dict, new: dict, claims: list[str] | None = None, rel: float = 0.0) -> list[str]:
    """Human-readable differences in deciding numbers between two reports (empty when none); with ``rel`` > 0,
    float differences within ``rel`` relative (last-bit changes of intermediate floats) are not counted."""
    ref_claims = {c["id"]: c for c in reference["claims"]}
    new_claims = {c["id"]: c for c in new["claims"]}
    wanted = claims or sorted(set(ref_claims) & set(new_claims))
    found = []
    for cid in wanted:
        if cid not in ref_claims or cid not in new_claims:
            found.append(f"{cid}: missing from the {'reference' if cid not in ref_claims else 'new'} report")
            continue
        a, b = ref_claims[cid], new_claims[cid]
        if a["verdict"] != b["verdict"]:
            found.append(f"{cid}: verdict {a['verdict']} -> {b['verdict']}")
        checks_a = {e["check"]: e for e in a["evidence"]}
        for e in b["evidence"]:
            if e["check"] not in checks_a:
                continue
            da, db = deciding(checks_a[e["check"]]), deciding(e)
            for key in da:
                if da[key] != db[key] and not (rel > 0 and within_last_bits(da[key], db[key], rel)):
                    found.append(f"{cid} / {e['check']}: {key} differs: {str(da[key])[:160]} -> {str(db[key])[:160]}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    from proofcheck.sidecar import attach

    # per-cell measurements live in the report.cells.json beside each report.json
    reference, new = (attach(json.loads(Path(p).read_text()), Path(p).parent) for p in argv[:2])
    found = differences(reference, new, argv[2:] or None)
    for line in found:
        print(line)
    if not found:
        print("deciding numbers identical")
        return 0
    loose = differences(reference, new, argv[2:] or None, rel=1e-12)
    print(f"{len(found)} difference(s); " + ("all of them last-bit float differences (<= 1e-12 relative; counts, "
                                              "labels and verdicts equal)" if not loose else
                                              f"{len(loose)} beyond last-bit float differences"))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
