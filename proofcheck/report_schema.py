"""The published JSON Schema of report.json (``proofcheck/report.schema.json``) and a validator.

The schema documents every top-level field, the claim and evidence records, and the ``details`` and
``witness`` shapes of each built-in check kind; ``schema_version`` in a report names the version it
follows (:data:`proofcheck.report.SCHEMA_VERSION`). Validation needs the ``jsonschema`` package (the
``dev`` extra); the test suite validates every report it writes.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
MISSING = "needs jsonschema, the dev extra (pip install -e '.[dev]')"  # the skip reason of tests that validate


def available() -> bool:
    """Whether the validator can run (``jsonschema`` installed)."""
    import importlib.util

    return importlib.util.find_spec("jsonschema") is not None


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def errors(report: dict) -> list[str]:
    """Every way ``report`` departs from the schema, one line each ([] when it conforms)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.absolute_path)))]


def validate_file(path) -> None:
    """Raise ``ValueError`` naming the first problems when the report.json at ``path`` does not conform."""
    found = errors(json.loads(Path(path).read_text(encoding="utf-8")))
    if found:
        raise ValueError(f"{path} does not follow report.schema.json: " + "; ".join(found[:5]))
