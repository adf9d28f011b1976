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
    assert breaks == [3, 5, 7, 9, 10]  # quintiles 2.8, 4.6, 6.4, 8.2, 10 rounded up: counts are whole numbers
    assert classify(values, breaks).tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4]
    fractional = class_breaks(values + 0.5, k=5)
    assert fractional == pytest.approx([3.3, 5.1, 6.9, 8.7, 10.5])


def test_tied_counts_give_fewer_classes_that_never_overlap():
    from tipmap.maps.hexlayer import human
    from tipmap.routes.hexbin import class_ranges

    values = np.array([1] * 60 + [2] * 30 + [3, 4, 5, 6, 7, 12_512])  # most cells hold 1 or 2 points
    breaks = class_breaks(values, k=5)
    assert breaks == [1, 2, 12_512]  # quantiles 1, 1, 2, 2, 12512: repeated bounds merged
    assert class_ranges(breaks, 1) == [(1, 1, True), (2, 2, True), (3, 12_512, True)]
    assert [human(v) for v in (12_512, 0.25, 3.0, 1234.5)] == ["12,512", "0.25", "3", "1,234"]


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
    flows = read_flows(path, min_count=1)
    pairs = {(r["from"], r["to"]): (r["cases"], r["exploitation"], r["years"]) for _, r in flows.lines.iterrows()}
    assert pairs == {("VN", "CN"): (2, ("sexual_exploitation",), "2018–2019"), ("MM", "TH"): (1, ("forced_labour",), "2019–2019")}
    assert flows.domestic == 1 and flows.not_drawn == {"origin coded unknown": 1}  # XX


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
    assert stamp["suppression"]["min_count"] == 5 and stamp["suppression"]["note"].startswith("counts below 5 not shown")
    assert stamp["points"] == 10  # the total of what is shown: 16 would tell that 6 points are withheld
    assert sorted(pyogrio.read_dataframe(internal)["count"]) == [1, 3, 12]
    # the public map's extent comes from the one cell shown: the lone point far away is not in it
    assert shown.total_bounds[1] > 0


def test_public_output_of_only_small_counts_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("lat,lon\n1.2345,0.6789\n")
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 2 and "nothing to show: no cell holds 5 or more points" in result.stderr
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


def both_engines(path, columns: PointColumns, *, strict: bool = False):
    """The in-memory and the dask engine (a thread-only local cluster, to be quick) on one input."""
    pytest.importorskip("dask.distributed")
    from tipmap.routes.distributed import aggregate_dask
    from tipmap.routes.importer import ImportReport

    report = ImportReport(str(path))
    memory = aggregate(iter_points(path, columns=columns, strict=strict, report=report), weight=columns.weight, by=columns.by)
    reports: list = []
    distributed = aggregate_dask(str(path), columns=columns, workers=1, processes=False, strict=strict, reports=reports)
    return memory, report, distributed, reports[0]


def same_cells(a, b, by=None):
    keys = ["cell", by] if by else ["cell"]
    pd.testing.assert_frame_equal(
        a.cells.sort_values(keys).reset_index(drop=True)[[*keys, "count", "weight"]],
        b.cells.sort_values(keys).reset_index(drop=True)[[*keys, "count", "weight"]],
        check_dtype=False,
    )
    assert (a.resolution, a.points, a.bounds) == (b.resolution, b.points, b.bounds)


def test_both_engines_on_a_utm_csv_with_crs(tmp_path):
    # UTM 48N: (500000, 2322000) is about 105.0 E, 21.0 N; (585000, 2323000) about 105.8 E
    path = tmp_path / "utm.csv"
    path.write_text("easting,northing\n500000,2322000\n585000,2323000\n585100,2323100\nfar,2323000\n")
    columns = PointColumns(lat="northing", lon="easting", crs="EPSG:32648")
    memory, report, distributed, dreport = both_engines(path, columns)
    same_cells(memory, distributed)
    assert memory.points == 3 and 104.9 < memory.bounds[0] < 105.1
    assert report.bad == dreport.bad == {"have a longitude that is not a number": [4]}


def test_both_engines_on_a_string_latitude_column_with_bad_rows(tmp_path):
    path = tmp_path / "s.csv"
    rows = ["lat,lon,type"] + ["21.0285,105.8542,a"] * 3 + ["N 21,105.8,b", "95,105,", "20.8449,106.6881,", ",,b"]
    path.write_text("\n".join(rows) + "\n")
    memory, report, distributed, dreport = both_engines(path, PointColumns(by="type"))
    same_cells(memory, distributed, by="type")
    assert sorted(memory.cells["type"]) == ["(blank)", "a"]  # the Haiphong row's blank type is kept
    assert (
        report.bad
        == dreport.bad
        == {
            "have a latitude that is not a number": [4],
            "have a latitude outside ±90": [5],
            "have no coordinates (empty, NaN or infinite)": [7],
        }
    )
    assert report.describe() == dreport.describe()


def test_both_engines_with_place_names(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("place,victims\nLao Cai,2\nVietnam,1\nXyzzyville,4\nLao Cai,\n")
    memory, report, distributed, dreport = both_engines(path, PointColumns(weight="victims"))
    same_cells(memory, distributed)
    assert memory.points == 3 and memory.cells["weight"].sum() == 3.0  # 2 + 1; the blank weight is not a 0 but missing
    assert report.describe() == dreport.describe()
    assert "1 rows have no weight" in report.describe() and "1 rows name a country or region" in report.describe()


def test_both_engines_stop_on_the_same_row_with_strict(tmp_path):
    from tipmap.routes.importer import ImportError_

    path = tmp_path / "s.csv"
    path.write_text("lat,lon\n21,105\n21,105\n21,north\n95,105\n")
    with pytest.raises(ImportError_, match=r"s.csv: row 3 has a longitude that is not a number \(--strict\)"):
        both_engines(path, PointColumns(), strict=True)
    pytest.importorskip("dask.distributed")
    from tipmap.routes.distributed import aggregate_dask

    with pytest.raises(ImportError_, match=r"s.csv: row 3 has a longitude that is not a number \(--strict\)"):
        aggregate_dask(str(path), workers=1, processes=False, strict=True)


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
    assert "Case flows: ctdc.csv" in html and "Points (hexagons): points.csv" in html and "Vietnam → China: 2 cases" in html
    assert "MM → TH" not in html and "Myanmar → Thailand" not in html  # --country VN applies to the flows
    assert "2 cases removed by the filters: not in --country VN" in result.stderr  # MM->TH, XX->CN
    manifest = json.loads(__import__("html").unescape(html.split('name="tipmap-manifest" content="')[1].split('"')[0]))
    assert manifest["data_files"] == ["points.csv", "ctdc.csv"]
    (stamp,) = manifest["data_flows"]
    assert stamp["removed_by_filters"] == {"not in --country VN": 2} and stamp["drawn"] == 2 and stamp["domestic"] == 1
    # each imported layer has its own key: class breaks for the hexagons, the width scale for flows
    assert 'id="tipmap-key-0"' in html and 'id="tipmap-key-1"' in html
    assert "Points per hexagon" in html and "2 cases</div>" in html


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


def test_hotspots_bbox_applies_to_the_points(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("lat,lon\n21.0285,105.8542\n21.0286,105.8543\n13.75,100.50\n")  # two in Hanoi, one in Bangkok
    out = tmp_path / "cells.parquet"
    args = ["hotspots", str(path), "-o", str(out), "--audience", "internal", "--bbox", "105,20,107,22", "--resolution", "7"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert int(pd.read_parquet(out)["count"].sum()) == 2 and "1 points outside --bbox (not drawn)" in result.stderr


def test_merging_binned_rows_as_they_come_changes_no_count():
    """Memory bound (#12 F, #18): binned rows are merged per cell while reading; with a
    resolution given, the cells are exactly those of binning everything at once."""
    rng = np.random.default_rng(3)
    chunks = [
        pd.DataFrame({"lon": rng.uniform(100, 101, 500), "lat": rng.uniform(10, 11, 500), "type": rng.choice(["a", "b"], 500)})
        for _ in range(20)
    ]
    whole = aggregate(iter(chunks), resolution=6, by="type")
    merged = aggregate(iter(chunks), resolution=6, by="type", compact_rows=600, buffer_points=0)
    pd.testing.assert_frame_equal(
        whole.cells.sort_values(["cell", "type"]).reset_index(drop=True),
        merged.cells.sort_values(["cell", "type"]).reset_index(drop=True),
    )
    assert merged.points == 10_000 and int(merged.cells["count"].sum()) == 10_000


def test_past_the_buffer_points_are_binned_two_levels_finer_and_coarsened():
    """Past the buffer, chunks are binned two levels finer than the extent so far asks for,
    then coarsened: the same resolution and total as binning everything at once, and all but
    a few per cent of points (near cell edges: H3 parents do not cover their children
    exactly) in the same cells. Measured 5.4 % here; the old fixed level 9 gave the same."""
    rng = np.random.default_rng(5)
    chunks = [pd.DataFrame({"lon": rng.uniform(95, 110, 2000), "lat": rng.uniform(10, 25, 2000)}) for _ in range(10)]
    direct = aggregate(iter(chunks))
    streamed = aggregate(iter(chunks), buffer_points=3000, compact_rows=5000)
    assert streamed.resolution == direct.resolution and int(streamed.cells["count"].sum()) == 20_000
    a = direct.cells.set_index("cell")["count"]
    b = streamed.cells.set_index("cell")["count"]
    moved = (a.subtract(b, fill_value=0).abs().sum()) / 2
    assert moved / 20_000 < 0.08


def test_hostile_group_values_stay_text_on_the_hotspots_page(tmp_path):
    """A --by value that closes the script and opens another, in a user's file: the page keeps
    its five scripts (Leaflet, two plugins, the data block, the drawing code), every one
    allowed by hash, and the value is shown as text in the layer list."""
    import re

    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    rows = ["lat,lon,type"] + [f"21.0{i:02d},105.8{i:02d},{hostile if i % 2 else 'plain'}" for i in range(40)]
    path = tmp_path / "h.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "h.html"
    args = ["hotspots", str(path), "-o", str(out), "--by", "type", "--audience", "internal", "--resolution", "6"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert len(re.findall(r"<script\b", html)) == 5 and "<script>alert" not in html and "<img src=x" not in html
    data = json.loads(re.search(r'id="tipmap-data">(.*?)</script>', html, flags=re.S)[1])
    assert {g["name"] for g in data["groups"]} == {
        "Hexagons: type = plain",
        "Hexagons: type = &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;",
    }
    assert 'http-equiv="Content-Security-Policy"' in html


def test_user_columns_named_like_the_importers_bookkeeping_are_kept(tmp_path):
    """--by kind and --weight area once crashed (KeyError 'kind'): the importer kept its own
    'kind' and 'area' columns in each chunk and dropped the user's with them."""
    rows = ["lat,lon,kind,area"] + [f"13.7{i % 3},100.5{i % 3},{'labour' if i % 2 else 'sex'},{i}" for i in range(30)]
    path = tmp_path / "k.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "k.geojson"
    args = ["hotspots", str(path), "-o", str(out), "--by", "kind", "--weight", "area", "--audience", "internal", "--resolution", "7"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    cells = pyogrio.read_dataframe(out)
    assert set(cells["kind"]) == {"labour", "sex"} and int(cells["count"].sum()) == 30
    assert cells["weight"].sum() == sum(range(30))  # 435


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lat,lon\n95,100\n91,100\n", "h.csv: none of its 2 rows could be used: 2 have a latitude outside ±90 (first: row 1)."),
        ("lat;lon\n13,7;100,5\n13,8;100,6\n", "h.csv: none of its 2 rows could be used: 2 have a latitude that is not a number"),
        ("lat,lon\n", "h.csv: no data rows, only a header."),
    ],
)
def test_a_file_with_no_usable_row_says_why(tmp_path, text, message):
    """Once only "no usable points to aggregate" (exit 2): now the file, how many rows and the
    reasons (European decimal commas included), as a data error (exit 1), and no output."""
    path = tmp_path / "h.csv"
    path.write_text(text)
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 1 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m.html").exists()


def decode_cells(cells: dict, quantum: float) -> list[list[tuple[float, float]]]:
    """The page's cells back to lon/lat rings, step for step as tipmapHex (maps/hexlayer.py) does."""
    rings, fx, fy, at, xy = [], 0, 0, 0, cells["xy"]
    for n in cells["n"]:
        fx, fy = fx + xy[at], fy + xy[at + 1]
        x, y, ring = fx, fy, [(fx * quantum, fy * quantum)]
        for i in range(1, n):
            x, y = x + xy[at + 2 * i], y + xy[at + 2 * i + 1]
            ring.append((x * quantum, y * quantum))
        rings.append(ring)
        at += 2 * n
    return rings


@pytest.mark.parametrize("weighted", [False, True])
def test_the_pages_cell_encoding_gives_back_h3s_own_hexagons(weighted):
    """Cells in Hanoi, on the antimeridian (Fiji) and a pentagon: decoded as the page does, each
    ring is H3's boundary for that cell to within the encoding's step, with its count and class."""
    from tipmap.maps.hexlayer import _encoded

    pentagon = next(iter(h3.get_pentagons(4)))
    ids = sorted({h3.latlng_to_cell(21.03, 105.85, 4), h3.latlng_to_cell(-16.5, 179.99, 4), pentagon})
    cells = pd.DataFrame(
        {"cell": [h3.str_to_int(c) for c in ids], "count": [12, 7, 30], "weight": [2.5, 1.25, 9.0]}
    ).sort_values("cell", ignore_index=True)
    classes = np.array([2, 0, 1])
    quantum = 1e-4
    data = _encoded(cells, classes, weighted=weighted, quantum=quantum)
    assert data["count"] == cells["count"].tolist() and data["cls"] == [2, 0, 1]
    assert ("weight" in data) == weighted and (not weighted or data["weight"] == cells["weight"].tolist())
    for cell, ring in zip(cells["cell"], decode_cells(json.loads(json.dumps(data)), quantum)):
        boundary = h3.cell_to_boundary(h3.int_to_str(int(cell)))  # (lat, lng) pairs, H3's own order
        assert len(ring) == len(boundary) in (5, 6)
        first = ring[0][0]
        for (lon, lat), (blat, blng) in zip(ring, boundary):
            blng = (blng - first + 180.0) % 360.0 - 180.0 + first  # drawn unwrapped around its first vertex
            assert abs(lat - blat) <= quantum and abs(lon - blng) <= quantum


def test_the_hotspots_manifest_hashes_every_input_file_whole(tmp_path):
    """The input hash is computed on a thread of its own while the points are read: it is still
    the SHA-256 of every file (name and bytes, sorted by path), on the fast road and the importer's."""
    import hashlib

    import pyarrow.parquet as pq

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("lat,lon\n" + "".join(f"13.7{i},100.5{i}\n" for i in range(40)), encoding="utf-8")
    second.write_bytes("\ufefflat;lon\r\n".encode() + b"".join(f"13.8{i};100.6{i}\r\n".encode() for i in range(30)))
    expected = hashlib.sha256()
    for path in (first, second):
        expected.update(path.name.encode() + b"\0" + path.read_bytes())
    for args, digest in (
        ([str(first)], hashlib.sha256(b"a.csv\0" + first.read_bytes()).hexdigest()),  # the fast road
        ([str(first), "--data", str(second)], expected.hexdigest()),  # the importer
    ):
        out = tmp_path / "cells.parquet"
        result = CliRunner().invoke(main, ["hotspots", *args, "-o", str(out), "--audience", "internal", "--force"])
        assert result.exit_code == 0, result.output
        assert json.loads(pq.read_schema(out).metadata[b"tipmap_manifest"])["data_sha256"] == digest
