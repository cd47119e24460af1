"""Imported by the ``forkserver`` of the worker pool: loads the built-in claims the way the registry
does (from beside the engine, never a ``lemmas`` package of the working directory)."""
from .registry import BUILTIN, load_origin

try:
    load_origin(BUILTIN)
except Exception:  # noqa: BLE001 - preloading is an optimisation only; workers load what they need
    pass
