"""Field-file records: the atlas layers flattened for export (lists joined, a citation
column), ready for the writers in :mod:`tipmap.maps.fieldfiles`."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from tipmap.routes.atlas import Atlas, citation_label
from tipmap.routes.schema import LIST_SEP

#: Layers in output order; sources travel inside each feature as citation text.
FEATURE_LAYERS = ("corridors", "hotspots", "places", "support")
PRECISION = 6  # decimal places of exported coordinates (about 0.1 m)


def citation_text(atlas: Atlas, source_ids: tuple[str, ...]) -> str:
    """The sources behind a feature as plain text: "Publisher, year" (or the title), URL and quote."""
    parts = []
    for src in atlas.citations(source_ids):
        meta = ", ".join(str(v) for v in (citation_label(src), src.get("url")) if _filled(v))
        parts.append(f"{meta}: \u201c{src['quote']}\u201d")
    return " | ".join(parts)


def feature_layers(atlas: Atlas, user_layers: tuple = ()) -> dict[str, gpd.GeoDataFrame]:
    """Each atlas layer with flat, text-safe columns (lists joined by ';') and a citation column,
    then the user's layers (``--data``): case flows as lines, point hexagons as cells."""
    out = _atlas_layers(atlas)
    for index, layer in enumerate(user_layers, start=1):
        out[f"data{index}_{layer.kind}"] = _user_frame(layer)
    return out


def _user_frame(layer: Any) -> gpd.GeoDataFrame:
    if layer.kind == "flows":
        lines = layer.data.lines
        frame = gpd.GeoDataFrame(
            {
                "layer": layer.label,
                "id": [f"{a}-{b}" for a, b in zip(lines["from"], lines["to"])],
                "name": [f"{a} to {b}" for a, b in zip(lines["from"], lines["to"])],
                "cases": lines["cases"].to_numpy(),
                "exploitation": [LIST_SEP.join(e) for e in lines["exploitation"]],
            },
            geometry=list(lines.geometry),
            crs="EPSG:4326",
        )
        return frame
    if layer.kind == "hexagons":
        from tipmap.routes.hexbin import cells_frame

        cells = cells_frame(layer.data)
        cells.insert(0, "layer", layer.label)
        cells.insert(1, "id", cells["h3"])
        cells.insert(2, "name", [f"{n:,} points" for n in cells["count"]])
        return cells
    from tipmap.routes.errors import UsageProblem

    raise UsageProblem(f"{layer.source}: a {layer.kind} directory cannot be exported; export it with --atlas DIR instead")


def _atlas_layers(atlas: Atlas) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for name in FEATURE_LAYERS:
        frame = atlas.layer(name).drop(columns=["waypoint_lonlat", "lon", "lat"], errors="ignore").copy()
        for column in frame.columns:
            if column != "geometry" and frame[column].map(lambda v: isinstance(v, tuple)).any():
                frame[column] = frame[column].map(lambda v: LIST_SEP.join(v) if isinstance(v, tuple) else v)
        if "sources" in frame:
            frame["citation"] = [citation_text(atlas, tuple(str(s).split(LIST_SEP)) if s else ()) for s in frame["sources"]]
        frame.insert(0, "layer", name)
        out[name] = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return out


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value) != ""
