"""No module of the engine is over 500 lines (issue 19): a file that long does several things, and each of them
belongs in a room of its own (docs/design.md, 'Layout')."""
from pathlib import Path

import proofcheck

ROOT = Path(proofcheck.__file__).resolve().parent
LIMIT = 500


def test_no_engine_file_is_over_the_limit():
    sizes = {str(p.relative_to(ROOT.parent)): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(ROOT.rglob("*.py"))}
    assert sizes, "no engine modules found"
    over = {path: n for path, n in sizes.items() if n > LIMIT}
    assert not over, f"over {LIMIT} lines: {over}"
