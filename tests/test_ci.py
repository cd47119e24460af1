"""CI runs the README's Quick start as written: .ci/run reads the commands from the README's Quick start block and
runs them in a fresh virtual environment without system site packages."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_quick_start():
    printed = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--print"], capture_output=True, text=True,
                             timeout=60, check=True).stdout.splitlines()
    commands = _readme_quickstart()
    assert printed == commands
    assert any(c.startswith("pip install") for c in commands) and any("pytest" in c for c in commands)
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    venv = next(line for line in script.splitlines() if "-m venv" in line)
    assert "--system-site-packages" not in venv.split("#")[0]
    assert "bash -euo pipefail -c \"$line\"" in script  # each command as written, failing CI when it fails


def test_the_quick_start_installs_what_the_tests_import():
    """The extras the Quick start installs cover the test suite's optional imports (jsonschema is in dev)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    install = next(c for c in _readme_quickstart() if c.startswith("pip install"))
    extras = re.search(r"\.\[([a-z,]+)\]", install).group(1).split(",")
    assert "dev" in extras and "all" in extras
    dev = re.search(r'^dev = \[(.*)\]$', pyproject, re.M).group(1)
    assert "jsonschema" in dev
