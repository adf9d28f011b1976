"""Writing output files safely: all or nothing, never a partial file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from tipmap.routes.errors import OutputError, TipmapError


def check_writable(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """``path`` as a Path, after checking its directory exists and is writable.

    An existing file is replaced only with ``force`` (the CLI's ``--force``).
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{target}: directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{target}: directory '{parent}' is not writable")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory")
    if target.exists() and not target.is_file():
        raise OutputError(f"{target}: is not a regular file (a device, pipe or socket); write to a file")
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists; use --force to replace it")
    return target


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    An exception (or Ctrl-C) inside ``write`` leaves no partial file and keeps any
    existing file at ``path`` as it was.
    """
    target = check_writable(path, force=force)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        write(tmp)
        if tmp.stat().st_size == 0:
            raise TipmapError(f"{target}: nothing was written")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def check_directory(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """``path`` as a Path for an output directory: its parent exists, and it is absent, empty,
    or replaced only with ``force``."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{target}: directory '{parent}' does not exist")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OutputError(f"{target}: directory exists and is not empty; give --force to replace it")
    return target


def write_directory_atomically(path: str | os.PathLike[str], fill: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call ``fill(tmp)`` on a temporary directory beside ``path``, then rename it into place
    (a directory already there is replaced only with ``force``). An error or Ctrl-C leaves the
    old directory as it was and no temporary one."""
    target = check_directory(path, force=force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        fill(tmp)
        os.chmod(tmp, 0o777 & ~_umask())
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
