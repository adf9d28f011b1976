"""Writing output files safely: all or nothing, never a partial file; and the registry of
which output formats each command writes, keyed by file suffix (checked before any work:
``render -o out.png`` once wrote HTML into a .png)."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    with _signals_raise():
        handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
        os.close(handle)  # mkstemp made it 0600: nobody else reads a half-written file (#12 H)
        tmp = Path(tmp_name)
        try:
            write(tmp)
            if tmp.stat().st_size == 0:
                raise TipmapError(f"{target}: nothing was written")
            os.chmod(tmp, 0o666 & ~_umask())  # the finished file gets the user's usual mode
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return target


#: The list of the files tipmap wrote into an output directory (``--force`` replaces only those).
OWN_FILES = ".tipmap-files"


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP raise SystemExit (as Ctrl-C raises KeyboardInterrupt),
    so the temporary file is removed before the process ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(getattr(signal, n), stop) for n in names}
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def check_directory(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """``path`` as a Path for an output directory: its parent exists, and it is absent, empty,
    or replaced only with ``force``."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{target}: directory '{parent}' does not exist")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise OutputError(f"{target}: directory exists and is not empty; give --force to replace it")
        foreign = _foreign_files(target)
        if foreign:
            raise OutputError(f"{target}: holds files tipmap did not write ({foreign[0]}); not replaced, even with --force")
    return target


def _foreign_files(directory: Path) -> list[str]:
    """Entries of ``directory`` (files, links, empty folders) not on its list of tipmap's own
    files; every entry when the list is missing."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        here = Path(root)
        links = [d for d in dirs if (here / d).is_symlink()]
        found += [str((here / n).relative_to(directory)) for n in files + links]
        if not dirs and not files and here != directory:
            found.append(str(here.relative_to(directory)))
    listed = directory / OWN_FILES
    if not listed.is_file() or listed.is_symlink():
        return sorted(found)
    own = set(listed.read_text(encoding="utf-8").splitlines()) | {OWN_FILES}
    return sorted(name for name in found if name not in own)


def write_directory_atomically(path: str | os.PathLike[str], fill: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call ``fill(tmp)`` on a temporary directory beside ``path``, then rename it into place
    (a directory already there is replaced only with ``force``). An error or Ctrl-C leaves the
    old directory as it was and no temporary one."""
    target = check_directory(path, force=force)
    with _signals_raise():
        return _fill_and_rename(target, fill)


def _fill_and_rename(target: Path, fill: Callable[[Path], None]) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        fill(tmp)
        written = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        (tmp / OWN_FILES).write_text("".join(f"{name}\n" for name in written), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            target.rename(old / "previous")  # a fresh name: never a user's file called .NAME.old
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


#: command -> suffix -> format name. Adding a format is one entry here and its writer.
OUTPUTS: dict[str, dict[str, str]] = {
    "render": {".html": "html", ".htm": "html"},
    "plot": {".png": "png", ".svg": "svg", ".pdf": "pdf"},
    "hotspots": {".html": "html", ".htm": "html", ".gpkg": "gpkg", ".geojson": "geojson", ".parquet": "parquet"},
}
#: What to use instead, when a suffix belongs to another command.
ELSEWHERE = {"html": "tipmap render", "png": "tipmap plot", "svg": "tipmap plot", "pdf": "tipmap plot",
             "gpkg": "tipmap export -f gpkg", "geojson": "tipmap export -f geojson", "kml": "tipmap export -f kml",
             "gpx": "tipmap export -f gpx", "csv": "tipmap export -f csv"}  # fmt: skip


def output_format(command: str, path: str | Path, *, force: bool = False) -> str:
    """The format ``command`` writes to ``path`` (from its suffix), after checking the path.

    Raises
    ------
    OutputError
        For a suffix the command cannot write, or a path that cannot be written.
    """
    suffix = Path(path).suffix.lower()
    formats = OUTPUTS[command]
    if suffix not in formats:
        known = ", ".join(sorted(formats))
        hint = ELSEWHERE.get(suffix.lstrip("."))
        extra = f"; for {suffix} files use {hint}" if hint and not hint.startswith(f"tipmap {command}") else ""
        raise OutputError(f"{path}: tipmap {command} writes {known}, not '{suffix or '(no suffix)'}'{extra}")
    check_writable(path, force=force)
    return formats[suffix]
