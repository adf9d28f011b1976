"""tipmap: map human-trafficking routes from published reports.

The package installs as ``tipmap`` with the subpackages :mod:`tipmap.routes` (the domain:
jobs that load, select, gate and compute), :mod:`tipmap.maps` (pure renderers and writers)
and :mod:`tipmap.geodata` (the curated data files), and the command line :mod:`tipmap.cli`.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """``tipmap.__version__``, read from the installed metadata when first asked for (reading
    it costs ~30 ms of imports that ``tipmap --help`` should not pay)."""
    if name != "__version__":
        raise AttributeError(f"module 'tipmap' has no attribute {name!r}")
    from importlib import metadata

    try:
        return metadata.version("tipmap")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"
