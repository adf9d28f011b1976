"""The curated atlas from the user's cache (routes.atlas._curated_atlas, routes.cachefiles)."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from tipmap.routes import atlas as atlas_module
from tipmap.routes.atlas import default_directory, load_atlas
from tipmap.routes.schema import LAYER_FILES

LAYERS = ("places", "corridors", "hotspots", "support", "sources")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("TIPMAP_CACHE_DIR", str(directory))
    return directory


def cached_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("atlas-*.pickle")) if directory.exists() else []


def test_the_atlas_from_the_cache_equals_the_one_built_from_the_files(cache):
    first = load_atlas()
    assert len(cached_files(cache)) == 1
    warm = load_atlas()
    built = atlas_module._loaded(default_directory())  # the files read again, no cache
    for atlas in (first, warm):
        for layer in LAYERS:
            assert_frame_equal(getattr(atlas, layer), getattr(built, layer))
        assert atlas.corridors.crs == built.corridors.crs == "EPSG:4326"
        assert (atlas.data_hash, atlas.origin) == (built.data_hash, built.origin)


def test_a_warm_load_uses_the_file_and_a_file_others_may_write_is_never_unpickled(cache):
    load_atlas()
    (path,) = cached_files(cache)
    built = load_atlas()
    marked = replace(built, corridors=built.corridors.iloc[:1])  # what the file holds is what is used
    path.write_bytes(pickle.dumps(marked))
    os.chmod(path, 0o600)
    assert len(load_atlas().corridors) == 1
    os.chmod(path, 0o666)  # another user could have written it: it is not run, the files are read
    assert len(load_atlas().corridors) == len(built.corridors) > 1


def test_a_corrupt_cache_file_is_built_over(cache):
    load_atlas()
    (path,) = cached_files(cache)
    path.write_bytes(b"\x80\x05not a pickle")
    os.chmod(path, 0o600)
    atlas = load_atlas()
    assert len(atlas.corridors) > 1
    assert pickle.loads(path.read_bytes()).data_hash == atlas.data_hash  # written again


def test_an_edited_atlas_file_is_never_served_from_the_cache(cache, tmp_path, monkeypatch):
    copy = tmp_path / "geodata"
    copy.mkdir()
    for name, _ in LAYER_FILES.values():
        resource = default_directory().joinpath(name)
        if resource.is_file():
            (copy / name).write_bytes(resource.read_bytes())
    monkeypatch.setattr(atlas_module, "default_directory", lambda: copy)
    before = load_atlas()
    corridors = copy / "corridors.csv"
    first_name = before.corridors["name"].iloc[0]
    corridors.write_text(corridors.read_text(encoding="utf-8").replace(first_name, "Renamed corridor", 1), encoding="utf-8")
    after = load_atlas()
    assert after.corridors["name"].iloc[0] == "Renamed corridor"
    assert after.data_hash != before.data_hash
    assert len(cached_files(cache)) == 1  # the stale file is removed


def test_a_users_atlas_directory_is_never_copied_to_the_cache(cache, tiny_dir):
    """A user's atlas may hold confidential sites: no copy of it where the user did not put it."""
    atlas = load_atlas(tiny_dir)
    assert len(atlas.corridors)
    assert not cached_files(cache)
    assert not [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else True


def test_an_unwritable_cache_directory_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("TIPMAP_CACHE_DIR", str(blocked / "cache"))
    assert len(load_atlas().corridors) > 1
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


def test_a_gazetteer_index_others_may_write_is_not_read(tmp_path, monkeypatch):
    """The index decides where place names land: a copy another user could have written is
    built over, never read."""
    from tipmap.routes import gazetteer as gaz

    gaz.gazetteer()  # the session's index (built once, in pytest's cache)
    copy = tmp_path / gaz.cache_file().name
    copy.write_bytes(gaz.cache_file().read_bytes())
    monkeypatch.setenv("TIPMAP_CACHE_DIR", str(tmp_path))

    class Built(Exception):
        pass

    def build():
        raise Built

    monkeypatch.setattr(gaz, "build", build)
    try:
        gaz.gazetteer.cache_clear()
        os.chmod(copy, 0o600)
        assert gaz.gazetteer().names  # the user's own file: read, nothing built
        gaz.gazetteer.cache_clear()
        os.chmod(copy, 0o664)
        with pytest.raises(Built):
            gaz.gazetteer()
    finally:
        gaz.gazetteer.cache_clear()
