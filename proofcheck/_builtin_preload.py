"""Imported by the ``forkserver`` of the worker pool: loads the registered catalogues the way the registry does
(a catalogue beside the engine from there, never a package of the same name in the working directory)."""
from .registry import catalogues, load_origin

for _origin in catalogues():
    try:
        load_origin(_origin)
    except Exception:  # noqa: BLE001 - preloading is an optimisation only; workers load what they need
        pass
