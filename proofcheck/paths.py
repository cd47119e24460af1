"""Where proofcheck keeps its own files: the result cache's directory. A leaf module (no proofcheck imports), so that
the cache and the recording of data files (proofcheck.inputs, which must not count the cache as a claim's data) both
read it without importing each other."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DIR = ".proofcheck-cache"


def default_dir() -> Path:
    """The cache directory: ``$PROOFCHECK_CACHE_DIR``, else ``.proofcheck-cache`` in the working directory."""
    return Path(os.environ.get("PROOFCHECK_CACHE_DIR", DEFAULT_DIR))
