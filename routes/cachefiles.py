"""Files in the user's cache directory whose contents tipmap runs or unpickles.

The compiled-template cache holds code objects and the atlas cache a pickle: loading either
runs what is in the file. So a cache file is read only when it belongs to this user and no
one else may write it, and it is written atomically, readable by this user only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def own(stat: os.stat_result) -> bool:
    """Whether a file belongs to this user and no one else may write it."""
    if not hasattr(os, "getuid"):  # Windows: the user's profile directory is private
        return True
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def read_private(path: Path) -> bytes | None:
    """The bytes of ``path``; None when it is missing, unreadable or not the user's own."""
    try:
        with open(path, "rb") as cached:
            if not own(os.fstat(cached.fileno())):
                return None
            return cached.read()
    except OSError:
        return None


def write_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically (mode 0600); False, and no stray file, when it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name.split('-')[0]}-")  # mkstemp: mode 0600
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False
    return True
