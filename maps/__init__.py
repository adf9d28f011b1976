"""tipmap's renderers: the interactive map (folium), static maps (matplotlib), the hotspots
page and the field files.

``maps`` draws what ``routes`` computed; it never computes geography itself.
"""

import sys

#: Marker that proves this ``maps`` is tipmap's and not an unrelated PyPI package.
TIPMAP_PACKAGE = "tipmap.maps"


class _BeforeFolium:
    """Installs the template cache (:mod:`maps.templates`) the moment folium is first imported,
    before folium compiles anything, and not before: the renderers that never use folium
    (the hotspots page, static maps, field files) do not pay for Jinja and branca."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):  # noqa: ANN001, ANN206 (the finder protocol)
        if name == "folium" and cls in sys.meta_path:
            sys.meta_path.remove(cls)
            from tipmap.maps.templates import install

            install()
        return None  # the normal finders import folium itself


if "folium" in sys.modules:  # already imported by someone else: patch now
    from tipmap.maps.templates import install as _install

    _install()
elif _BeforeFolium not in sys.meta_path:
    sys.meta_path.insert(0, _BeforeFolium)
