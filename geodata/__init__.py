"""tipmap's curated data files, read with ``importlib.resources.files("tipmap.geodata")``.

See ``SOURCES.md`` in this package for the provenance and licence of every file.
"""

#: Marker that proves this ``geodata`` is tipmap's and not an unrelated PyPI package.
TIPMAP_PACKAGE = "tipmap.geodata"
