"""The fast road of `tipmap hotspots` (routes.fastpoints): clean CSV files in the shapes users
save them are read with pyarrow to the same points as the general importer; anything the
importer must report on goes to the importer; the job gives the same result on either road."""

from __future__ import annotations

import numpy as np
import pytest
from tipmap.routes import fastpoints
from tipmap.routes.fastpoints import clean_points
from tipmap.routes.importer import PointColumns, read_points

CLEAN = {
    "plain.csv": "lat,lon\n21.0285,105.8542\n20.8449,106.6881\n",
    "ctdc-like.csv": "Latitude,Longitude,gender\r\n21.0285,105.8542,Female\r\n20.8449,106.6881,Male\r\n",  # Excel's CRLF
    "semicolon.csv": "lat;lon;note\n21.0285;105.8542;x\n",
    "quoted.csv": '"lat","lon","note"\n21.0285,105.8542,"a, ""quoted""\nnote over two lines"\n1e1,2.5E1,b\n',
    "tab.tsv": "lat\tlon\n21.0285\t105.8542\n",
    "spaces.csv": "lat,lon\n 21.0285 , 105.8542\n",
    "comma-space.csv": "lat, lon\n21.0285, 105.8542\n",  # names " lon" as written (found as the importer finds them)
    "trailing.csv": "Lat ,LON \n21.0285,105.8542\n",
}

DIRTY = {  # what the importer has to say something about: the fast road steps aside
    "blank.csv": "lat,lon\n21.0285,105.8542\n,106\n",
    "nan.csv": "lat,lon\n21.0285,105.8542\nnan,106\n",
    "text.csv": "lat,lon\nN 21,105.8542\n21,105\n",
    "range.csv": "lat,lon\n95,105.8542\n21,105\n",
    "country.csv": "lat,lon,country\n21,105,Vietnam\n",  # coordinates are checked against the country
    "short.csv": "lat,lon,x\n21,105\n",
    "duplicate.csv": "lat,lon,lat\n21,105,3\n",
    "header-only.csv": "lat,lon\n",
}


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding=encoding) as handle:
        handle.write(text)
    return path


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_files_give_the_importers_points(tmp_path, name):
    path = write(tmp_path, name, CLEAN[name])
    fast = clean_points(path)
    assert fast is not None, "a clean file should take the fast road"
    chunks, report = fast
    points = chunks[0]
    frame, expected = read_points(path)
    assert np.array_equal(points.lat, frame["lat"].to_numpy()) and np.array_equal(points.lon, frame["lon"].to_numpy())
    assert report.describe() == expected.describe()


def test_hand_checked_values(tmp_path):
    (points,), report = clean_points(write(tmp_path, "q.csv", CLEAN["quoted.csv"]))
    assert points.lat.tolist() == [21.0285, 10.0] and points.lon.tolist() == [105.8542, 25.0]
    assert (report.rows, report.used, report.bad) == (2, 2, {})


@pytest.mark.parametrize("name", sorted(DIRTY))
def test_files_with_something_to_report_take_the_importer(tmp_path, name):
    assert clean_points(write(tmp_path, name, DIRTY[name])) is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_files_take_the_importer(tmp_path, encoding):
    assert clean_points(write(tmp_path, "e.csv", "lat,lon\n21,105\n", encoding)) is None


@pytest.mark.parametrize(
    "columns", [PointColumns(weight="n"), PointColumns(by="n"), PointColumns(crs="EPSG:32648"), PointColumns(place="n")]
)
def test_weights_groups_crs_and_places_take_the_importer(tmp_path, columns):
    assert clean_points(write(tmp_path, "w.csv", "lat,lon,n\n21,105,2\n"), columns) is None


def test_named_columns(tmp_path):
    path = write(tmp_path, "n.csv", "northing_dd,easting_dd\n21,105\n")
    (points,), _ = clean_points(path, PointColumns(lat="northing_dd", lon="easting_dd"))
    assert (points.lat.tolist(), points.lon.tolist()) == ([21.0], [105.0])
    assert clean_points(path) is None  # not found by name: the importer says which columns there are


def many_points(tmp_path, n: int = 300_000):
    """Bigger than a chunk of the importer: two thirds clustered near Hanoi, a third spread."""
    rng = np.random.default_rng(3)
    k = 2 * n // 3
    lat = np.r_[rng.normal(21.0, 0.2, k), rng.uniform(10, 25, n - k)].round(5)
    lon = np.r_[rng.normal(105.8, 0.2, k), rng.uniform(95, 110, n - k)].round(5)
    path = tmp_path / "many.csv"
    path.write_text("lat,lon\n" + "\n".join(f"{a},{b}" for a, b in zip(lat, lon)) + "\n")
    return path


def same_result(fast, slow) -> None:
    assert fast.binning.cells.equals(slow.binning.cells) and len(fast.binning.cells) > 100
    assert (fast.binning.resolution, fast.binning.bounds, fast.binning.points) == (
        slow.binning.resolution,
        slow.binning.bounds,
        slow.binning.points,
    )
    assert fast.breaks == slow.breaks and fast.notes == slow.notes


def test_a_large_file_is_streamed_in_blocks_to_the_same_result(tmp_path, monkeypatch):
    """Past the whole-file limit the fast road streams blocks (bounded memory)."""
    from tipmap.routes.hotjob import hotspots_job

    path = many_points(tmp_path, 60_000)
    monkeypatch.setattr(fastpoints, "MAX_FILE_BYTES", 0)
    slow = hotspots_job(str(path), with_atlas=False)
    monkeypatch.setattr(fastpoints, "MAX_FILE_BYTES", 1 << 30)
    monkeypatch.setattr(fastpoints, "FAST_MAX_BYTES", 1000)
    monkeypatch.setattr(fastpoints, "STREAM_BLOCK", 64 * 1024)
    chunks, _ = clean_points(path)
    assert not isinstance(chunks, list) and sum(len(c) for c in chunks) == 60_000  # a stream of blocks
    same_result(hotspots_job(str(path), with_atlas=False), slow)


def test_a_bad_row_deep_in_a_streamed_file_sends_it_to_the_importer(tmp_path, monkeypatch):
    from tipmap.routes.hotjob import hotspots_job

    path = many_points(tmp_path, 60_000)
    with open(path, "a") as handle:
        handle.write("91.5,105.0\n")  # row 60,001: a latitude past 90, in the last block
    monkeypatch.setattr(fastpoints, "FAST_MAX_BYTES", 1000)
    monkeypatch.setattr(fastpoints, "STREAM_BLOCK", 64 * 1024)
    result = hotspots_job(str(path), with_atlas=False)
    assert result.reports[0].bad == {"have a latitude outside ±90": [60_001]} and result.reports[0].used == 60_000


def test_the_job_gives_the_same_result_on_either_road(tmp_path, monkeypatch):
    """The same file with the fast road closed (a size limit of zero bytes): cells, extent,
    breaks and report agree."""
    from tipmap.routes.hotjob import hotspots_job

    path = many_points(tmp_path)
    assert clean_points(path) is not None  # the first run takes the fast road
    fast = hotspots_job(str(path), with_atlas=False)
    monkeypatch.setattr(fastpoints, "MAX_FILE_BYTES", 0)
    slow = hotspots_job(str(path), with_atlas=False)
    same_result(fast, slow)
