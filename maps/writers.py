"""The writer registry: which output formats each command writes, keyed by file suffix.

A command's output path is checked here before any work is done: a suffix the command
cannot write is an error naming the ones it can (``render -o out.png`` once wrote HTML into
a .png), and the path must be writable (:func:`tipmap.routes.output.check_writable`).
"""

from __future__ import annotations

from pathlib import Path

from tipmap.routes.errors import OutputError
from tipmap.routes.output import check_writable

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
