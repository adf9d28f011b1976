"""Import modules on a background thread while the main thread reads data.

Python's import locks make this safe: a module the main thread asks for while the
background thread is importing it is waited for, then shared. The background thread only
ever imports third-party and tipmap modules by name, never while the main thread is itself
inside a module's import, so the two never wait on each other. An import that fails in the
background is left for the main thread to repeat and report.
"""

from __future__ import annotations

import importlib
import queue
import threading

_WANTED: queue.SimpleQueue[str] = queue.SimpleQueue()
_STARTED = threading.Event()


def preload(*modules: str) -> None:
    """Import ``modules`` (dotted names, in order) on the one background thread."""
    for name in modules:
        _WANTED.put(name)
    if not _STARTED.is_set():
        _STARTED.set()
        threading.Thread(target=_work, name="tipmap-preload", daemon=True).start()


def _work() -> None:
    while True:
        name = _WANTED.get()
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (the main thread imports it again and reports the error)
            pass
