"""H3 aggregation (routes.hexbin), case flows (routes.flows), the dask engine and the hotspots command."""

from __future__ import annotations

import json

import h3
import numpy as np
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from tipmap.cli import main
from tipmap.routes.flows import is_case_table, read_flows
from tipmap.routes.hexbin import aggregate, cells_frame, class_breaks, classify, resolution_for
from tipmap.routes.importer import PointColumns, iter_points

# three points in one resolution-7 cell around Hanoi, one in Haiphong
POINTS = pd.DataFrame(
    {
        "lat": [21.0285, 21.0286, 21.0287, 20.8449],
        "lon": [105.8542, 105.8543, 105.8544, 106.6881],
        "kind": ["a", "a", "b", "b"],
        "victims": [1, 2, 3, 10],
    }
)


def test_counts_per_cell_match_h3_directly():
    binning = aggregate([POINTS], resolution=7)
    expected = pd.Series([h3.latlng_to_cell(a, b, 7) for a, b in zip(POINTS["lat"], POINTS["lon"])]).value_counts()
    got = {h3.int_to_str(int(c)): int(n) for c, n in zip(binning.cells["cell"], binning.cells["count"])}
    assert got == expected.to_dict() and binning.points == 4


def test_weights_and_groups():
    binning = aggregate([POINTS], resolution=7, weight="victims", by="kind")
    rows = {(h3.int_to_str(int(r.cell)), r.kind): (r.count, r.weight) for r in binning.cells.itertuples()}
    hanoi = h3.latlng_to_cell(21.0285, 105.8542, 7)
    assert rows[(hanoi, "a")] == (2, 3.0) and rows[(hanoi, "b")] == (1, 3.0)


def test_chunks_give_the_same_cells_as_one_frame():
    whole = aggregate([POINTS], resolution=6).cells
    parts = aggregate([POINTS.iloc[:2], POINTS.iloc[2:]], resolution=6).cells
    pd.testing.assert_frame_equal(whole, parts)


def test_resolution_follows_the_extent():
    assert resolution_for((95.0, 10.0, 110.0, 25.0)) == 5  # ~1,650 km across the Mekong region
    assert resolution_for((105.8, 21.0, 105.9, 21.1)) == 10  # ~11 km: a city
    assert aggregate([POINTS]).resolution == resolution_for(aggregate([POINTS]).bounds)


def test_public_cap_on_resolution():
    binning = aggregate([POINTS], resolution=8, max_resolution=5)
    assert binning.resolution == 5 and "lowered to 5" in binning.capped


def test_cells_are_hexagons_in_lon_lat():
    frame = cells_frame(aggregate([POINTS], resolution=7))
    hanoi = frame[frame["count"] == 3].geometry.iloc[0]
    assert hanoi.contains(pd.Series([0]).map(lambda _: __import__("shapely").Point(105.8543, 21.0286)).iloc[0])
    assert len(hanoi.exterior.coords) == 7 and frame["h3"].str.len().eq(15).all()


def test_class_breaks_and_classes():
    values = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    breaks = class_breaks(values, k=5)
    assert breaks == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])  # quintiles
    assert classify(values, breaks).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


CTDC = """yearOfRegistration,citizenship,CountryOfExploitation,isForcedLabour,isSexualExploit
2018,VN,CN,0,1
2019,VN,CN,0,1
2019,MM,TH,1,0
2020,VN,VN,1,0
2021,XX,CN,1,0
"""


def test_case_tables_become_country_flows(tmp_path):
    path = tmp_path / "ctdc.csv"
    path.write_text(CTDC)
    assert is_case_table(path)
    flows = read_flows(path)
    pairs = {(r["from"], r["to"]): (r["cases"], r["exploitation"], r["years"]) for _, r in flows.lines.iterrows()}
    assert pairs == {("VN", "CN"): (2, ("sexual_exploitation",), "2018–2019"), ("MM", "TH"): (1, ("forced_labour",), "2019–2019")}
    assert flows.domestic == 1 and flows.report.bad == {
        "have a citizenship or country of exploitation that is not an ISO-2 code": [5]
    }


def write_points(tmp_path, n=2000, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "latitude": rng.uniform(20.5, 22.5, n).round(5),
            "longitude": rng.uniform(105, 107, n).round(5),
            "type": rng.choice(["forced_labour", "sexual_exploitation"], n),
        }
    )
    path = tmp_path / "points.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_hotspots_command_writes_a_map(tmp_path):
    path, _ = write_points(tmp_path)
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(out), "--by", "type"])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Hexagons: type = forced_labour" in html and "Points per hexagon" in html and "H3 resolution 5" in html
    assert "2,000 of 2,000 rows used" in result.stderr
    assert "lowered to 5" in result.stderr  # restricted by default: public map capped at ~10 km cells


@pytest.mark.parametrize(("n", "bar"), [(2_000, False), (120_000, True)])
def test_a_progress_bar_on_stderr_only_past_100000_rows(tmp_path, n, bar):
    path, _ = write_points(tmp_path, n=n)
    out = tmp_path / "cells.parquet"
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("points") is bar  # click's bar label, on stderr
    assert f"{n:,} of {n:,} rows used" in result.stderr


@pytest.mark.parametrize("suffix", ["gpkg", "geojson", "parquet"])
def test_hotspots_command_writes_cells(tmp_path, suffix):
    path, frame = write_points(tmp_path)
    out = tmp_path / f"cells.{suffix}"
    args = ["hotspots", str(path), "-o", str(out), "--resolution", "6", "--data-sensitivity", "public"]
    result = CliRunner().invoke(main, [*args, "--min-count", "1", "--count-base", "1"])
    assert result.exit_code == 0, result.output
    cells = pd.read_parquet(out) if suffix == "parquet" else pyogrio.read_dataframe(out)
    assert int(cells["count"].sum()) == len(frame) and set(cells["resolution"]) == {6}


def test_public_cells_hide_small_counts_and_round_the_rest(tmp_path):
    """Hand-made: 3 points in one place, 12 in another, 1 far away. Public: the 3 and the 1 are
    withheld (below 5), 12 is shown as 10; internal: every count as it is (#12 item 3)."""
    rows = ["lat,lon"] + ["10.0,100.0"] * 3 + ["20.0,100.0"] * 12 + ["-30.0,20.0"]
    path = tmp_path / "few.csv"
    path.write_text("\n".join(rows) + "\n")
    public, internal = tmp_path / "public.geojson", tmp_path / "internal.geojson"
    assert CliRunner().invoke(main, ["hotspots", str(path), "-o", str(public), "--resolution", "4"]).exit_code == 0
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(internal), "--resolution", "4", "--audience", "internal"])
    assert result.exit_code == 0, result.output
    shown = pyogrio.read_dataframe(public)
    assert sorted(shown["count"]) == [10]
    stamp = json.loads(public.read_text())["tipmap"]
    assert stamp["suppression"]["min_count"] == 5 and "2 of 3 withheld" in stamp["suppression"]["note"]
    assert sorted(pyogrio.read_dataframe(internal)["count"]) == [1, 3, 12]
    # the public map's extent comes from the one cell shown: the lone point far away is not in it
    assert shown.total_bounds[1] > 0


def test_public_output_of_only_small_counts_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("lat,lon\n1.2345,0.6789\n")
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 2 and "fewer than 5 points" in result.stderr
    assert not (tmp_path / "m.html").exists()


def test_dask_engine_gives_the_same_cells(tmp_path):
    pytest.importorskip("dask.distributed")
    from tipmap.routes.distributed import aggregate_dask

    path, frame = write_points(tmp_path, n=3000)
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):
        frame.iloc[i * 1000 : (i + 1) * 1000].to_csv(parts / f"part-{i}.csv", index=False)
    memory = aggregate(iter_points(path, columns=PointColumns(by="type")), by="type")
    distributed = aggregate_dask(str(parts), columns=PointColumns(by="type"), workers=1)
    assert distributed.resolution == memory.resolution and distributed.points == memory.points
    pd.testing.assert_frame_equal(
        distributed.cells.sort_values(["cell", "type"]).reset_index(drop=True)[["cell", "type", "count"]],
        memory.cells.sort_values(["cell", "type"]).reset_index(drop=True)[["cell", "type", "count"]],
        check_dtype=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/m.txt"], "tipmap hotspots writes .geojson, .gpkg, .htm, .html, .parquet, not '.txt'"),
        (["-o", "{tmp}/m.html", "--resolution", "20"], "--resolution 20 is outside"),
        (["-o", "{tmp}/m.html", "--data-sensitivity", "confidential"], "only --audience confidential"),
        (["-o", "{tmp}/m.html", "--lat", "nope"], "no column 'nope'"),
    ],
)
def test_hotspots_bad_input(tmp_path, args, message):
    path, _ = write_points(tmp_path, n=10)
    result = CliRunner().invoke(main, ["hotspots", str(path), *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    assert result.exit_code in (1, 2) and message in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["points.csv"]


def test_render_with_data_draws_flows_and_hexagons(tmp_path):
    path, _ = write_points(tmp_path)
    ctdc = tmp_path / "ctdc.csv"
    ctdc.write_text(CTDC)
    out = tmp_path / "map.html"
    args = ["render", "-o", str(out), "--data", str(path), "--data", str(ctdc), "--country", "VN"]
    result = CliRunner().invoke(main, [*args, "--min-count", "1", "--count-base", "1"])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Case flows: ctdc.csv" in html and "Points (hexagons): points.csv" in html and "VN → CN: 2 cases" in html
    manifest = json.loads(__import__("html").unescape(html.split('name="tipmap-manifest" content="')[1].split('"')[0]))
    assert manifest["data_files"] == ["points.csv", "ctdc.csv"]
    # each imported layer has its own key: class breaks for the hexagons, the width scale for flows
    assert 'id="tipmap-key-0"' in html and 'id="tipmap-key-1"' in html
    assert "Points per hexagon" in html and "widest: 2 cases" in html


def test_cells_computed_in_parallel_slices_equal_one_call(monkeypatch):
    from tipmap.routes import hexbin

    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(-80, 80, 1001), rng.uniform(-180, 180, 1001)
    monkeypatch.setattr(hexbin, "PARALLEL_MIN", 10)
    monkeypatch.setattr(hexbin.os, "cpu_count", lambda: 3)
    cells = hexbin.cells_of(lats, lons, 6)
    assert len(cells) == 1001
    assert [h3.int_to_str(int(c)) for c in cells[[0, 500, 1000]]] == [
        h3.latlng_to_cell(lats[i], lons[i], 6) for i in (0, 500, 1000)
    ]
