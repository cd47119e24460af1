"""The bulky part of a report in a side file: ``report.cells.json`` beside ``report.json``.

Scaling evidence records every grid cell's per-seed measurements (``details.per_cell``): most of a
standard report's bytes, read by no writer. :func:`detach` moves them into one compact side file and
leaves in their place a pointer ``{"$sidecar": "report.cells.json", "key": "<claim>/<check>"}``;
:func:`attach` puts them back (``proofcheck report`` does, so nothing is lost when re-rendering).
"""
from __future__ import annotations

import json
from pathlib import Path

SIDECAR = "report.cells.json"
BULKY = ("per_cell", "backends")  # details keys moved out of report.json (cells, and a sweep's full backends)


def _key(claim: dict, evidence: dict, field: str) -> str:
    mutant = f"::{claim['mutant']}" if claim.get("mutant") else ""
    return f"{claim['id']}{mutant}/{evidence['check']}/{field}"


def detach(report: dict) -> tuple[dict, str | None]:
    """(a copy of ``report`` whose bulky details point into the side file, the side file's text or None)."""
    side: dict = {}
    claims = []
    for claim in report.get("claims") or []:
        evidence = []
        for e in claim.get("evidence") or []:
            details = e.get("details") or {}
            moved = {f: details[f] for f in BULKY if isinstance(details.get(f), list) and details[f]}
            if moved:
                details = dict(details)
                for field, value in moved.items():
                    key = _key(claim, e, field)
                    side[key] = value
                    details[field] = {"$sidecar": SIDECAR, "key": key, "items": len(value)}
                e = dict(e, details=details)
            evidence.append(e)
        claims.append(dict(claim, evidence=evidence))
    if not side:
        return report, None
    text = json.dumps({"schema_version": report.get("schema_version"), "cells": side}, separators=(",", ":"),
                      default=str) + "\n"
    return dict(report, claims=claims), text


def attach(report: dict, directory) -> dict:
    """Put the side file's data back into ``report`` (in place) when the file is there; returns ``report``."""
    file = Path(directory) / SIDECAR
    pointers = [(e["details"], field) for claim in report.get("claims") or [] for e in claim.get("evidence") or []
                for field, value in (e.get("details") or {}).items()
                if isinstance(value, dict) and "$sidecar" in value]
    if not pointers or not file.is_file():
        return report
    cells = json.loads(file.read_text(encoding="utf-8")).get("cells") or {}
    for details, field in pointers:
        key = details[field].get("key")
        if key in cells:
            details[field] = cells[key]
    return report
