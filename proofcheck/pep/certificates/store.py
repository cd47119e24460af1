"""Records of verified cells and their storage in a certificate file (docstring of
:mod:`proofcheck.pep.certificates`)."""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..problem import ExactProblem, Problem, cell_text
from ..spaces import canonical

from .format import CertificateFormatError, FORMAT, field_list
from .dual import DualCertificate, DualCheck, verify_dual
from .witness import Witness, WitnessCheck, verify_witness


# ---------------------------------------------------------------------------------------------
# records and their storage
# ---------------------------------------------------------------------------------------------
def cell_key(cell: dict) -> str:
    return canonical(cell_text(cell))


class CertificateStore:
    """The certificates of one check: ``<directory>/<check>.json``, one record per cell (see the module docstring).

    A file that cannot be read or parsed is reported (``error``) and treated as holding no certificate; a record
    is only ever *data*: :func:`proofcheck.checks.worstcase` verifies it exactly before using it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.records: dict = {}
        self.error = ""
        self.changed = False
        self.header: dict = {}
        if self.path.is_file():
            try:
                with open(self.path, encoding="utf-8") as fh:  # plain open: the run records it as an input
                    data = json.load(fh)
                if not isinstance(data, dict) or data.get("format") != FORMAT:
                    raise CertificateFormatError(f"not a {FORMAT} file")
                for record in field_list(data.get("cells"), "cells"):
                    if not isinstance(record, dict) or not isinstance(record.get("cell"), dict):
                        raise CertificateFormatError("a record needs its cell")
                    self.records[canonical(record["cell"])] = record
                self.header = {k: v for k, v in data.items() if k != "cells"}
            except (OSError, ValueError, RecursionError) as exc:
                self.records, self.error = {}, f"the certificate file {self.path.name} is unreadable ({exc})"

    def get(self, cell: dict) -> dict | None:
        return self.records.get(cell_key(cell))

    def put(self, cell: dict, record: dict) -> None:
        self.records[cell_key(cell)] = record
        self.changed = True

    def save(self, header: dict) -> None:
        """Write the file atomically (a temporary file beside it, then a rename)."""
        data = {"format": FORMAT, **header, "cells": [self.records[k] for k in sorted(self.records)]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.changed = False


@dataclass
class Verified:
    """A record decided exactly: the proven upper bound (dual) and lower bound (witness), when they hold."""

    dual: DualCheck | None
    bound: Fraction | None
    witness: WitnessCheck | None
    ratio: Fraction | None
    problems: list = field(default_factory=list)  # why a part of the record was rejected
    seconds: float = 0.0


def verify_record(problem: Problem, exact: ExactProblem, record: dict) -> Verified:
    """Decide a stored (or fresh) record exactly; nothing in it is trusted."""
    start = time.perf_counter()
    problems = []
    dual = bound = witness_check = ratio = None
    if record.get("problem") != exact.digest:
        problems.append("it was made for a different problem (method, class, initial condition or measure changed)")
    else:
        if record.get("dual") is not None:
            try:
                cert = DualCertificate.from_json(record["dual"])
                dual = verify_dual(exact, cert)
                bound = cert.bound if dual.ok else None
                if not dual.ok:
                    problems.append(f"its dual certificate is rejected: {dual.reason}")
            except CertificateFormatError as exc:
                problems.append(f"its dual certificate is malformed: {exc}")
        if record.get("witness") is not None:
            try:
                witness = Witness.from_json(record["witness"])
                witness_check = verify_witness(problem, exact, witness)
                ratio = witness_check.ratio if witness_check.ok else None
                if not witness_check.ok:
                    problems.append(f"its witness is rejected: {witness_check.reason}")
            except CertificateFormatError as exc:
                problems.append(f"its witness is malformed: {exc}")
    return Verified(dual, bound, witness_check, ratio, problems, time.perf_counter() - start)
