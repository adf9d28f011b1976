"""The basemap's binary cache (routes.basemap_cache): same polygons as the GeoJSON, built once."""

from __future__ import annotations

import marshal
import os
from importlib.resources import files

import geopandas as gpd
import numpy as np
import pytest
import shapely
from tipmap.routes import basemap_cache
from tipmap.routes.basemap_cache import DENSE_DEG


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """An empty cache directory of its own, and no basemap read yet in this process."""
    monkeypatch.setenv("TIPMAP_CACHE_DIR", str(tmp_path / "cache"))
    basemap_cache._fields.cache_clear()
    yield tmp_path / "cache"
    basemap_cache._fields.cache_clear()


def _geojson() -> gpd.GeoDataFrame:
    return gpd.read_file(files("tipmap.geodata").joinpath("ne_admin0.geojson").read_text(encoding="utf-8"))


def _same(frame: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> bool:
    return (
        list(frame["iso_a2"]) == list(reference["iso_a2"])
        and list(frame["name"]) == list(reference["name"])
        and bool(shapely.equals_exact(np.asarray(frame.geometry.values), np.asarray(reference.geometry.values), 0).all())
        and frame.crs == reference.crs
    )


def test_the_first_use_builds_the_cache_and_both_give_the_geojsons_polygons(cache_dir):
    reference = _geojson()
    built = basemap_cache.load_basemap()
    files_made = list(cache_dir.glob("basemap-*.marshal"))
    assert len(files_made) == 1 and _same(built, reference)
    basemap_cache._fields.cache_clear()
    assert _same(basemap_cache.load_basemap(), reference)  # read back from the file
    dense = basemap_cache.load_dense()
    assert bool(shapely.equals_exact(dense, shapely.segmentize(np.asarray(reference.geometry.values), DENSE_DEG), 0).all())


def test_a_later_run_reads_the_cache_not_the_geojson(cache_dir):
    basemap_cache.load_basemap()
    (path,) = cache_dir.glob("basemap-*.marshal")
    columns, wkb, dense = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((tuple(c[:3] for c in columns), wkb[:3], dense[:3])))  # a cache of 3 units
    basemap_cache._fields.cache_clear()
    assert list(basemap_cache.load_basemap()["name"]) == list(columns[1][:3])


def test_the_cache_is_named_by_the_geojsons_bytes_and_the_segment_length():
    data = files("tipmap.geodata").joinpath("ne_admin0.geojson").read_bytes()
    assert basemap_cache.cache_file(data, 1.0) != basemap_cache.cache_file(data + b" ", 1.0)
    assert basemap_cache.cache_file(data, 1.0) != basemap_cache.cache_file(data, 0.5)


def test_a_damaged_cache_is_built_again(cache_dir):
    basemap_cache.load_basemap()
    (path,) = cache_dir.glob("basemap-*.marshal")
    path.write_bytes(b"not a marshal file")
    basemap_cache._fields.cache_clear()
    assert _same(basemap_cache.load_basemap(), _geojson())
    assert marshal.loads(path.read_bytes())[0][1][:2] == tuple(_geojson()["name"][:2])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_cache_directory_only_means_no_cache(cache_dir):
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        assert _same(basemap_cache.load_basemap(), _geojson())
        assert list(cache_dir.iterdir()) == []
    finally:
        cache_dir.chmod(0o700)


def test_a_cache_directory_that_cannot_exist_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("TIPMAP_CACHE_DIR", str(blocker / "cache"))
    basemap_cache._fields.cache_clear()
    try:
        assert _same(basemap_cache.load_basemap(), _geojson())
    finally:
        basemap_cache._fields.cache_clear()
