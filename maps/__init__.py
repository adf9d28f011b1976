"""tipmap's renderers: the interactive map (folium) and, later, static maps.

``maps`` draws what ``routes`` computed; it never computes geography itself.
"""

from tipmap.maps.templates import install as _install_template_cache

#: Marker that proves this ``maps`` is tipmap's and not an unrelated PyPI package.
TIPMAP_PACKAGE = "tipmap.maps"

_install_template_cache()  # before folium compiles anything
