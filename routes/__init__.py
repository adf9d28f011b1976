"""tipmap's domain: the atlas schema, loading and validation, geodesy and selection.

This package never draws; rendering lives in :mod:`maps`.
"""

#: Marker that proves this ``routes`` is tipmap's and not an unrelated PyPI package.
TIPMAP_PACKAGE = "tipmap.routes"
