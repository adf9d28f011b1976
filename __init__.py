"""tipmap: map human-trafficking routes from published reports.

The package installs as ``tipmap`` with the subpackages :mod:`tipmap.routes` (the domain:
jobs that load, select, gate and compute), :mod:`tipmap.maps` (pure renderers and writers)
and :mod:`tipmap.geodata` (the curated data files), and the command line :mod:`tipmap.cli`.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("tipmap")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
