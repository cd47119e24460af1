"""The command line as a new user meets it: --version, help, list, show/explain, names, labels, globs, -k."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from proofcheck import naming
from proofcheck.cli import build_parser, main
from proofcheck.errors import UsageError
from proofcheck.registry import Registry


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def reg():
    return Registry.builtin()


def test_version():
    done = subprocess.run([sys.executable, "-m", "proofcheck", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().startswith("proofcheck 0.")


@pytest.mark.parametrize("command", ["run", "all"])
def test_run_help_documents_selection_defaults_and_exit_codes(command):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    text = sub.format_help()
    for part in ("--budget standard", "--format json,md", "--jobs = all cores", "exit codes:", "130"):
        assert part in text, part
    if command == "run":
        assert "'adam-*'" in text and "-k 'adam and not general'" in text and "T5" in text


def test_labels_globs_and_k_expressions(reg):
    assert naming.resolve(reg, "T5") == "adam-general" and naming.resolve(reg, "f1") == "gd-rate"
    assert naming.glob(reg, "adam-*") == ["adam-diagonal", "adam-diag-dominant", "adam-general", "adam-worse-than-gd",
                                          "adam-regret"]  # the last from the classics (C18)
    assert naming.keyword(reg, "adam and not (general or worse or regret)") == ["adam-diagonal", "adam-diag-dominant"]
    assert naming.keyword(reg, "T6 or F2") == ["jacobi-dd", "fixed-point"]
    assert naming.expand_targets(reg, ["T2[d=64]", "gd-r*"]) == ["adam-diagonal[d=64]", "gd-rate"]
    with pytest.raises(UsageError, match="unexpected"):
        naming.keyword(reg, "adam or or gd")


def test_show_suggests_only_close_names():
    code, _, err = run(["show", "adam-generl"])
    assert code == 2 and "did you mean adam-general" in err and "gd-rate" not in err
    code, _, err = run(["show", "zzz"])
    assert code == 2 and "'proofcheck list' shows the claims" in err and "adam" not in err


def test_list_has_a_header_stable_columns_and_a_singular(tmp_path):
    code, out, _ = run(["list"])
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["label", "id", "provenance", "checks", "source", "title"]
    starts = {line.index(line.split()[2]) for line in lines[1:-1]}  # the provenance column lines up
    from proofcheck.registry import Registry

    assert len(starts) == 1 and lines[-1].startswith(f"{len(Registry.builtin().ids())} claims, ")  # both catalogues
    code, out, _ = run(["list", "T5"])
    assert out.splitlines()[-1] == "1 claim"
    (tmp_path / "mine.py").write_text(
        "from proofcheck import Claim\nCLAIMS = [Claim(id='mine', title='t', source='a very long source ' * 5, "
        "provenance='user', statement='x', hypotheses=[], checks=[])]\n")
    code, out, _ = run(["list", "--claims", tmp_path / "mine.py", "--json"])
    data = json.loads(out)
    assert code == 0 and data["claims"][-1]["id"] == "mine" and data["claims"][0]["label"] == "F1"
    code, out, _ = run(["list", "--claims", tmp_path / "mine.py", "mine"])
    assert len(out.splitlines()[1].split("…")[0]) <= 70  # a long source is clipped, not spilled


def test_explain_prints_the_derivation_as_written_and_the_last_verdict(tmp_path):
    report = {"budget": "quick", "seed": 3, "command": ["proofcheck", "run", "gd-rate"], "git_revision": "abc",
              "claims": [{"id": "gd-rate", "verdict": "INCONCLUSIVE", "reason": "x", "evidence": [
                  {"check": "per-step-contraction", "verdict": "INCONCLUSIVE", "reason": "undecided at d = 2",
                   "witness": {"cell": {"d": 2, "_q": 1}}, "basis": "numeric", "instances": 1}]}]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    code, out, _ = run(["explain", "F1", "--report", tmp_path / "report.json"])
    assert code == 0 and out.startswith("gd-rate (F1): ")
    assert "derivation minimax-step (symbolic), as written:" in out and "  1. " in out and "-> proved" in out
    assert (f"last verdict, from {tmp_path / 'report.json'} (abc): INCONCLUSIVE gd-rate at the quick budget (seed 3): "
            "per-step-contraction: undecided at d = 2") in out
    assert "reproduce: python -m proofcheck run gd-rate --budget quick --seed 3" in out
    assert "witness of per-step-contraction: cell: d = 2" in out and "_q" not in out
    code, out, _ = run(["show", "gd-rate"])
    assert "derivation" not in out  # plain show runs nothing


def test_run_by_label_and_k(tmp_path):
    code, out, _ = run(["run", "-k", "F1", "--budget", "quick", "--out", tmp_path, "--no-cache"])
    assert code == 0 and out.startswith("PASS         gd-rate") and "summary: 1 claim: 1 PASS" in out
    code, _, err = run(["run", "--budget", "quick", "--out", tmp_path])
    assert code == 2 and "-k EXPR" in err


def test_the_readme_narrowing_example_reaches_a_real_verdict(tmp_path):
    """The README's ``run 'CLAIM[key=...]'`` example decides (PASS or FAIL), not 'too few cells'."""
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    line = next(x for x in readme.splitlines() if re.match(r"python -m proofcheck run '[\w-]+\[", x))
    argv = shlex.split(line.split("#")[0])[3:]
    code, out, _ = run(argv + ["--out", tmp_path, "--no-cache"])
    assert code in (0, 1) and re.match(r"(PASS|FAIL) ", out) and "too few cells" not in out
    assert "narrowed to" in out or "FAIL" in out


def test_the_catalogue_labels_match_their_docs_pages(reg):
    """Every label of each catalogue's LABELS names a claim of that catalogue and has its entry in the catalogue's
    docs page: docs/claims.md for the paper (lemmas.adam), docs/classics.md for the classics; every claim has one."""
    from pathlib import Path

    import lemmas.adam
    import lemmas.classics

    docs = Path(__file__).resolve().parent.parent / "docs"
    labelled = set()
    for catalogue, page in ((lemmas.adam, "claims.md"), (lemmas.classics, "classics.md")):
        text = (docs / page).read_text()
        assert set(catalogue.LABELS.values()) == set(reg.catalogue(catalogue.__name__)), catalogue.__name__
        for label, cid in catalogue.LABELS.items():
            assert f"**{label} `{cid}`**" in text, label
        labelled |= set(catalogue.LABELS.values())
    assert labelled == set(reg.claims)


def test_a_claim_run_with_one_check_replays_that_check_alone():
    """A verdict reached by `--check X` is X's alone: its reproducer names the check (rerunning the whole claim
    could give another verdict)."""
    from proofcheck.explain import reproducer

    claim = {"id": "adam-diagonal", "verdict": "INCONCLUSIVE", "evidence": [{"check": "scaling-sweep", "verdict":
                                                                             "INCONCLUSIVE", "role": "decides"}]}
    report = {"budget": "quick", "seed": 0,
              "command": ["proofcheck", "run", "adam-diagonal", "--check", "scaling-sweep", "--budget", "quick"]}
    assert reproducer(claim, report) == ("python -m proofcheck run adam-diagonal --check scaling-sweep "
                                         "--budget quick --seed 0")
    report["command"] = ["proofcheck", "run", "adam-diagonal"]
    assert "--check" not in reproducer(claim, report)


def test_suggestions_only_when_close_for_ids_and_labels():
    code, _, err = run(["run", "gd-rat"])
    assert code == 2 and "did you mean gd-rate?" in err and "adam-general?" not in err.split("(valid")[0]
    code, _, err = run(["show", "T7"])  # no such label: the labels of that letter, not a far-off id
    assert code == 2 and "the catalogue's T labels are T2, T4, T5, T6" in err and "did you mean" not in err
    code, _, err = run(["show", "X9"])  # nothing close: no suggestion at all
    assert code == 2 and "did you mean" not in err and "labels" not in err


def test_an_argument_error_names_the_flag_once():
    code, _, err = run(["run", "gd-rate", "--seed", "x"])
    assert code == 2 and err.strip() == "proofcheck: error: --seed must be a non-negative integer, got 'x'"
    code, _, err = run(["run", "gd-rate", "--timeout", "-1"])
    assert code == 2 and err.count("--timeout") == 1
