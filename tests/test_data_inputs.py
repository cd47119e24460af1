"""Data files a claim reads are part of what its cached result depends on (proofcheck.inputs): change one and the
cached PASS is not served again, whether the file is read by a check or when the claim's module is imported."""
import json
import textwrap

from proofcheck.cli import main

def claim_file(cid: str, read_at_import: bool) -> str:
    """A claim "c < 1" whose constant c comes from a data file beside it, read by its checks or at import."""
    read = 'float(np.loadtxt(Path(__file__).with_name("constant.csv")))'
    return textwrap.dedent(f'''
        from pathlib import Path

        import numpy as np

        from proofcheck import Check, Claim, Verdict

        AT_IMPORT = {read if read_at_import else None}


        class Constant(Check):
            kind = "bound"

            def __init__(self, name, basis):
                super().__init__(name)
                self.basis = basis

            def evaluate(self, ctx):
                c = AT_IMPORT if AT_IMPORT is not None else {read}
                verdict = Verdict.PASS if c < 1 else Verdict.FAIL
                return self.evidence(verdict, instances=1, worst_margin=c - 1, reason=f"constant {{c}}")


        CLAIMS = [Claim(id="{cid}", title="{cid}", source="tests", provenance="user", statement="c < 1",
                        hypotheses=[], checks=[Constant("numeric", "numeric"), Constant("symbolic", "symbolic")])]
    ''')


def _run(claims, out):
    code = main(["run", str(claims), "--budget", "quick", "--out", str(out), "--format", "json,md", "--quiet",
                 "--jobs", "1"])
    report = json.loads((out / "report.json").read_text())
    return code, report["claims"][0]


def test_a_changed_data_file_read_by_a_check_is_not_served_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROOFCHECK_CACHE_DIR", str(tmp_path / "cache"))
    claims = tmp_path / "claims_reading.py"
    claims.write_text(claim_file("reads-data", read_at_import=False))
    data = tmp_path / "constant.csv"
    data.write_text("0.5\n")
    code, first = _run(claims, tmp_path / "r1")
    assert code == 0 and first["verdict"] == "PASS"
    assert all(e["inputs"] == {str(data): __import__("hashlib").sha256(b"0.5\n").hexdigest()} for e in first["evidence"])
    assert "data files read: " + str(data) in (tmp_path / "r1" / "report.md").read_text()  # shown to the reader
    code, again = _run(claims, tmp_path / "r2")
    assert again["verdict"] == "PASS" and all(e.get("cached") for e in again["evidence"])  # unchanged: served
    data.write_text("1.5\n")
    code, changed = _run(claims, tmp_path / "r3")
    assert code == 1 and changed["verdict"] == "FAIL" and not any(e.get("cached") for e in changed["evidence"])


def test_a_changed_data_file_read_at_import_changes_the_cache_key(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("PROOFCHECK_CACHE_DIR", str(tmp_path / "cache"))
    claims = tmp_path / "claims_importing.py"
    claims.write_text(claim_file("imports-data", read_at_import=True))
    data = tmp_path / "constant.csv"

    def run(value, out):  # a fresh process each time: the module is imported (and its file read) anew
        data.write_text(value)
        proc = subprocess.run([sys.executable, "-m", "proofcheck", "run", str(claims), "--budget", "quick",
                               "--out", str(tmp_path / out), "--format", "json", "--quiet", "--jobs", "1"],
                              capture_output=True, text=True)
        return proc.returncode, json.loads((tmp_path / out / "report.json").read_text())["claims"][0]

    code, first = run("0.5", "r1")
    assert code == 0 and first["verdict"] == "PASS"
    code, again = run("0.5", "r2")
    assert all(e.get("cached") for e in again["evidence"])
    code, changed = run("2.0", "r3")
    assert code == 1 and changed["verdict"] == "FAIL"


def test_builtin_claims_read_no_data_files():
    """The built-in claims read no data (the standard report has no inputs); T6 runs matplotlib and MPFR."""
    from proofcheck.runner import CheckTask, execute_task
    from proofcheck.registry import Registry

    reg = Registry.builtin()
    for check in ("threshold-delta-vs-alpha", "orbit-closed-form"):
        evidence = execute_task(CheckTask(reg.ref("fixed-point"), check, 0, "quick", plots=True))
        assert "inputs" not in evidence, evidence.get("inputs")


def test_nested_recordings_each_see_the_reads_and_end_cleanly(tmp_path):
    from proofcheck import inputs

    data = tmp_path / "x.txt"
    data.write_text("1")
    with inputs.recording() as outer:
        with inputs.recording() as inner:  # equal (empty) sets: each must still end its own recording
            pass
        data.read_text()
    assert str(data) in outer and str(data) not in inner and not inputs._recorders
