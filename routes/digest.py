"""The SHA-256 of the user's input files, for the manifest of what was made from them.

A light module (no pandas): ``tipmap hotspots`` hashes its input on a thread of its own while
the points are read and binned (hashlib and file reads release the GIL), so the hash of a
large file costs no wall time on a machine with a core to spare.
"""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path


def file_sha256(paths: list[str]) -> str:
    """SHA-256 over the named files (name and bytes, read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(Path(path).name.encode() + b"\0")
        if Path(path).is_file():
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
    return digest.hexdigest()


def input_paths(source: str, more: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The files an output of the user's data was made from: ``source`` (a file, a glob or a
    directory of partitions) and ``more``."""
    paths = sorted(glob.glob(source)) if any(c in source for c in "*?[") else [source]
    if len(paths) == 1 and Path(paths[0]).is_dir():
        paths = sorted(str(p) for p in Path(paths[0]).iterdir() if p.is_file())
    return paths + list(more)
