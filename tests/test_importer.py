"""Importing analysts' points (routes.importer): formats, CRS, and every kind of bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon
from tipmap.routes.importer import ImportError_, ImportReport, PointColumns, read_points


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "lat", "lon"), [("lat,lon", 0, 1), ("Latitude,Longitude", 0, 1), ("x,y", 1, 0), ("LON,LAT", 1, 0)]
)
def test_coordinate_columns_are_detected(tmp_path, header, lat, lon):
    cols = header.split(",")
    values = {cols[lat]: "21.5", cols[lon]: "105.8"}
    path = write(tmp_path, "p.csv", header + "\n" + ",".join(values[c] for c in cols) + "\n")
    points, report = read_points(path)
    assert (points["lon"][0], points["lat"][0]) == (105.8, 21.5) and report.used == 1


def test_named_columns_and_other_crs(tmp_path):
    # UTM 48N (EPSG:32648): easting 500000, northing 2322000 is about 21.0N 105.0E
    path = write(tmp_path, "utm.csv", "e,n\n500000,2322000\n")
    points, _ = read_points(path, columns=PointColumns(lat="n", lon="e", crs="EPSG:32648"))
    assert points["lon"][0] == pytest.approx(105.0, abs=0.01) and points["lat"][0] == pytest.approx(21.0, abs=0.01)


def test_place_names_are_resolved_offline(tmp_path):
    path = write(tmp_path, "places.csv", "city,n\nLao Cai,1\nTachileik,2\nXyzzyville,3\n")
    points, report = read_points(path)
    assert len(points) == 2 and points["lat"][0] == pytest.approx(22.49, abs=0.05)
    assert report.bad == {"have a place name the offline gazetteer does not know": [3]}


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "kml", "parquet"])
def test_vector_formats(tmp_path, suffix):
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(100.5, 13.7), Point(105.8, 21.0)], crs="EPSG:4326")
    path = tmp_path / f"p.{suffix}"
    frame.to_parquet(path) if suffix == "parquet" else frame.to_file(
        path, driver={"geojson": "GeoJSON", "gpkg": "GPKG", "kml": "KML"}[suffix]
    )
    points, report = read_points(path)
    assert points[["lon", "lat"]].to_numpy().tolist() == [[100.5, 13.7], [105.8, 21.0]] and report.used == 2


def test_projected_geopackage_is_reprojected(tmp_path):
    frame = gpd.GeoDataFrame(geometry=[Point(100.5, 13.7)], crs="EPSG:4326").to_crs("EPSG:3857")
    frame.to_file(tmp_path / "m.gpkg", driver="GPKG")
    points, _ = read_points(tmp_path / "m.gpkg")
    assert (points["lon"][0], points["lat"][0]) == pytest.approx((100.5, 13.7))


def test_missing_coordinate_columns_name_the_columns_that_exist(tmp_path):
    path = write(tmp_path, "p.csv", "when,what\n2020,x\n")
    with pytest.raises(ImportError_, match=r"no coordinate columns .* columns are: when, what"):
        read_points(path)


def test_out_of_range_rows_are_counted_and_listed(tmp_path):
    rows = ["lat,lon"] + ["21,105"] * 5 + ["95,105", "21,190", "nan,105", "north,105"]
    points, report = read_points(write(tmp_path, "p.csv", "\n".join(rows) + "\n"))
    assert len(points) == 5 and report.rows == 9
    assert report.bad["have a latitude outside ±90"] == [6]
    assert report.bad["have a longitude outside ±180"] == [7]
    assert report.bad["have a latitude that is not a number"] == [9]
    assert report.bad["have no coordinates (empty, NaN or infinite)"] == [8]
    assert "1 row has a latitude outside ±90 (row 6)" in report.describe()


def test_only_the_first_ten_rows_are_listed(tmp_path):
    rows = ["lat,lon"] + ["21,105"] * 30 + ["-95,105"] * 12
    _, report = read_points(write(tmp_path, "p.csv", "\n".join(rows) + "\n"))
    assert "12 rows have a latitude outside ±90 (rows 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, ...)" in report.describe()


def test_strict_turns_a_bad_row_into_an_error(tmp_path):
    path = write(tmp_path, "p.csv", "lat,lon\n21,105\n95,105\n")
    with pytest.raises(ImportError_, match=r"row 2 has a latitude outside ±90 \(--strict\)"):
        read_points(path, strict=True)


def test_swapped_latitude_and_longitude_are_detected(tmp_path):
    path = write(tmp_path, "p.csv", "lat,lon\n" + "105.8,21.0\n" * 5)
    with pytest.raises(ImportError_, match="latitude and longitude look swapped"):
        read_points(path)


def test_empty_file(tmp_path):
    with pytest.raises(ImportError_, match="empty file"):
        read_points(write(tmp_path, "p.csv", ""))


def test_non_utf8_bytes_name_the_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("lat,lon,name\n21,105,ok\n22,106,Lào Cai\n".encode("cp1258"))
    with pytest.raises(ImportError_, match=r"line 3: not UTF-8"):
        read_points(path)


@pytest.mark.parametrize("data", [b"\x99\x16", b"lat,lon\n1,2\n\xc3"], ids=["tiny", "cut-at-the-end"])
def test_short_non_utf8_files_are_refused_not_looped_on(tmp_path, data):
    (path := tmp_path / "p.csv").write_bytes(data)
    with pytest.raises(ImportError_, match="not UTF-8"):
        read_points(path)


def test_unknown_crs(tmp_path):
    with pytest.raises(ImportError_, match="unknown CRS 'EPSG:999999'"):
        read_points(write(tmp_path, "p.csv", "lat,lon\n1,2\n"), columns=PointColumns(crs="EPSG:999999"))


def test_lines_where_points_are_needed(tmp_path):
    gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326").to_file(tmp_path / "l.geojson", driver="GeoJSON")
    with pytest.raises(ImportError_, match="points are needed but the geometries are 1 LineString"):
        read_points(tmp_path / "l.geojson")


def test_mixed_geometries_keep_the_points_and_report_the_rest(tmp_path):
    frame = gpd.GeoDataFrame(geometry=[Point(1, 1), LineString([(0, 0), (1, 1)]), Point(2, 2)], crs="EPSG:4326")
    frame.to_file(tmp_path / "m.geojson", driver="GeoJSON")
    points, report = read_points(tmp_path / "m.geojson")
    assert len(points) == 2 and report.bad == {"have a geometry that is not a point": [2]}


def test_polygons_count_at_a_point_inside_and_invalid_ones_are_repaired(tmp_path):
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # self-intersecting: invalid
    square = Polygon([(10, 10), (12, 10), (12, 12), (10, 12)])
    assert not bowtie.is_valid
    frame = gpd.GeoDataFrame(geometry=[Point(5, 5), bowtie, square], crs="EPSG:4326")
    frame.to_file(tmp_path / "a.geojson", driver="GeoJSON")
    points, report = read_points(tmp_path / "a.geojson")
    assert len(points) == 3 and not report.bad
    assert 0 <= points["lon"].iloc[1] <= 2 and 0 <= points["lat"].iloc[1] <= 2  # inside the repaired bow tie
    assert 10 < points["lon"].iloc[2] < 12 and 10 < points["lat"].iloc[2] < 12
    assert "1 invalid polygons repaired with make_valid" in report.describe()
    assert "2 polygons counted at a point inside each" in report.describe()


@pytest.mark.parametrize("text", ['"', 'lat,lon\n1,2\n"3,4\n'], ids=["header", "body"])
def test_a_csv_with_an_unclosed_quote_is_our_error(tmp_path, text):
    with pytest.raises(ImportError_, match="not readable as CSV.*EOF inside string"):
        read_points(write(tmp_path, "q.csv", text))


def test_truncated_geojson(tmp_path):
    path = write(
        tmp_path, "t.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Poi'
    )
    with pytest.raises(ImportError_, match="cannot be read as geojson"):
        read_points(path)


def test_a_geopackage_that_is_not_a_database(tmp_path):
    with pytest.raises(ImportError_, match="x.gpkg: not a GeoPackage: file is not a database"):
        read_points(write(tmp_path, "x.gpkg", "this is not sqlite"))


def test_files_past_the_size_limit_are_refused(tmp_path, monkeypatch):
    import tipmap.routes.readers as readers

    monkeypatch.setattr(readers, "MAX_WHOLE_BYTES", 100)
    path = write(tmp_path, "big.geojson", '{"type":"FeatureCollection","features":[' + ",".join(["[0,0]"] * 100) + "]}")
    with pytest.raises(ImportError_, match="over the 0 MB limit"):
        read_points(path)


def test_unknown_format(tmp_path):
    with pytest.raises(ImportError_, match="unknown input format '.docx'"):
        read_points(write(tmp_path, "p.docx", "x"))


def test_an_xlsx_that_is_not_a_workbook(tmp_path):
    with pytest.raises(ImportError_, match="p.xlsx: cannot be read as Excel .xlsx: File is not a zip file"):
        read_points(write(tmp_path, "p.xlsx", "x"))


def test_chunks_cover_every_row_once(tmp_path):
    rows = ["lat,lon"] + [f"{10 + i / 1000},{100 + i / 1000}" for i in range(2500)]
    report = ImportReport("p")
    points, _ = read_points(write(tmp_path, "p.csv", "\n".join(rows) + "\n"), chunk_rows=1000, report=report)
    assert len(points) == 2500 and report.rows == 2500 and np.all(np.diff(points["row"]) == 1)


# ---------------------------------------------------------------- the reader registry (issue #11 item 5)

ROWS = "lat,lon,victims\n21.0,105.8,3\n13.7,100.5,\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf16_and_bom_text_is_read(tmp_path, encoding):
    path = tmp_path / "p.csv"
    path.write_bytes(ROWS.replace("\n", "\r\n").encode(encoding))  # utf-16 writes a BOM; utf-16-le does not
    points, report = read_points(path, columns=PointColumns(weight="victims"))
    assert points[["lon", "lat"]].to_numpy().tolist() == [[105.8, 21.0], [100.5, 13.7]] and report.used == 2


def test_semicolon_and_tab_separated_text(tmp_path):
    semi = write(tmp_path, "p.csv", "lat;lon\n21.0;105.8\n")
    tab = write(tmp_path, "p.tsv", "lat\tlon\n21.0\t105.8\n")
    assert read_points(semi)[0]["lon"].tolist() == read_points(tab)[0]["lon"].tolist() == [105.8]


def test_excel_first_sheet(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Latitude", "Longitude", "type"])
    sheet.append([21.0, 105.8, "forced_labour"])
    sheet.append(["13.7", "100.5", None])  # numbers typed as text, as exports often have them
    sheet.append([None, None, "x"])
    book.save(tmp_path / "p.xlsx")
    points, report = read_points(tmp_path / "p.xlsx", columns=PointColumns(by="type"))
    assert points[["lon", "lat"]].to_numpy().tolist() == [[105.8, 21.0], [100.5, 13.7]]
    assert points["type"].tolist() == ["forced_labour", "(blank)"]
    assert report.bad == {"have no coordinates (empty, NaN or infinite)": [3]}


@pytest.mark.parametrize("suffix", ["parquet", "feather"])
def test_plain_parquet_and_feather_are_tables_with_coordinate_columns(tmp_path, suffix):
    import pandas as pd

    frame = pd.DataFrame({"lat": [21.0, 13.7, 13.7], "lon": [105.8, 100.5, 200.0], "n": ["a", "b", "c"]})
    path = tmp_path / f"p.{suffix}"
    frame.to_parquet(path) if suffix == "parquet" else frame.to_feather(path)
    points, report = read_points(path)
    assert points[["lon", "lat"]].to_numpy().tolist() == [[105.8, 21.0], [100.5, 13.7]]
    assert report.bad == {"have a longitude outside ±180": [3]}


def test_gpx_waypoints(tmp_path):
    path = write(
        tmp_path,
        "w.gpx",
        '<?xml version="1.0"?><gpx version="1.1" creator="hand" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="21.0" lon="105.8"><name>a</name></wpt><wpt lat="13.7" lon="100.5"><name>b</name></wpt></gpx>',
    )
    points, report = read_points(path)
    assert points[["lon", "lat"]].to_numpy().tolist() == [[105.8, 21.0], [100.5, 13.7]]
    assert "read layer 'waypoints'" in report.describe()


def test_content_decides_over_the_suffix(tmp_path):
    import pandas as pd

    pd.DataFrame({"lat": [21.0], "lon": [105.8]}).to_parquet(tmp_path / "export.csv")  # Parquet named .csv
    assert read_points(tmp_path / "export.csv")[0]["lon"].tolist() == [105.8]


def test_a_string_latitude_column_keeps_its_good_rows(tmp_path):
    path = write(tmp_path, "p.csv", "lat,lon\n21.0,105.8\nN 13.7,100.5\n,100\n")
    points, report = read_points(path)
    assert points["lat"].tolist() == [21.0]
    assert report.bad == {"have a latitude that is not a number": [2], "have no coordinates (empty, NaN or infinite)": [3]}


def test_missing_weights_are_counted_not_zero(tmp_path):
    points, report = read_points(write(tmp_path, "p.csv", ROWS), columns=PointColumns(weight="victims"))
    assert np.isnan(points["victims"][1]) and report.used == 2
    assert "1 rows have no weight (blank or not a number)" in report.describe()


# ---------------------------------------------------------------- bounded reading (issue #12 F/6, H)


def test_a_million_column_csv_is_refused_quickly(tmp_path):
    import time

    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + ",".join("1" * 1_000_000) + "\n")
    start = time.monotonic()
    with pytest.raises(ImportError_, match="header line is over 1,024 KB"):
        read_points(path)
    assert time.monotonic() - start < 2


def test_too_many_columns_in_a_short_header(tmp_path):
    path = write(tmp_path, "wide.csv", ",".join("c" for _ in range(20_000)) + "\n")
    with pytest.raises(ImportError_, match="20,000 columns is over the limit of 10,000"):
        read_points(path)


def recursive_view_geopackage(path):
    """A one-layer GeoPackage whose layer is a view that never ends (the attack of issue #12 F)."""
    import sqlite3

    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(1, 1)], crs="EPSG:4326").to_file(path, driver="GPKG", layer="seed")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIEW loop AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
        "SELECT i AS fid, (SELECT geom FROM seed) AS geom FROM r"
    )
    db.execute("UPDATE gpkg_contents SET table_name = 'loop' WHERE table_name = 'seed'")
    db.execute("UPDATE gpkg_geometry_columns SET table_name = 'loop' WHERE table_name = 'seed'")
    db.commit()
    db.close()


def test_a_recursive_view_geopackage_fails_within_seconds(tmp_path):
    import time

    path = tmp_path / "loop.gpkg"
    recursive_view_geopackage(path)
    start = time.monotonic()
    with pytest.raises(ImportError_, match=r"layer 'loop' could not be counted within 3 s \(a recursive or runaway view\?\)"):
        read_points(path)
    assert time.monotonic() - start < 6


def test_a_geojson_with_an_unknown_crs_is_an_error_not_wgs84(tmp_path):
    path = write(
        tmp_path,
        "u.geojson",
        '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},'
        '"features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
    )
    with pytest.raises(ImportError_, match="u.geojson: declares a CRS tipmap does not know"):
        read_points(path)


def test_a_geojson_with_a_known_crs_is_reprojected(tmp_path):
    path = write(
        tmp_path,
        "m.geojson",
        '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}},'
        '"features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [500000, 2322000]}}]}',
    )
    points, _ = read_points(path)
    assert (points["lon"][0], points["lat"][0]) == pytest.approx((105.0, 21.0), abs=0.01)


# ---------------------------------------------------------------- --place you can trust (issue #14 item 5)


def test_countries_and_regions_are_not_towns(tmp_path):
    path = write(
        tmp_path,
        "p.csv",
        'place,n\nUS,1\nBelgium,1\nUkraine,1\nAustralia,1\nPH,1\nGulf States,1\nQQ,1\nLao Cai,1\n"Lagos, Nigeria",1\n,1\n',
    )
    points, report = read_points(path)
    # capitals: Washington -77.04, Brussels 4.35, Kyiv 30.52, Canberra 149.13, Manila 120.98; the Gulf at 49.6
    assert [round(x) for x in points["lon"]] == [-77, 4, 31, 149, 121, 50, 104, 3]
    assert report.bad == {"have a country code tipmap does not know": [7], "have no place name": [10]}
    assert "6 rows name a country or region, not a place" in report.describe()


def test_an_ambiguous_town_lists_its_candidates(tmp_path):
    points, report = read_points(write(tmp_path, "p.csv", "town\nSpringfield\n"))
    (reason,) = report.bad
    assert reason.startswith("have an ambiguous place name ('Springfield' is ambiguous: Springfield (US)") and not len(points)


def test_coordinates_far_outside_the_named_country_or_region(tmp_path):
    # Doha is in the Gulf; "Gulf States" in Florida and "Western Europe" in Cape Town are not;
    # Hanoi is in Vietnam; Paris is not in Viet Nam; a town name is not checked.
    text = (
        "lat,lon,region\n25.29,51.53,Gulf States\n27.9,-82.5,Gulf States\n-33.92,18.42,Western Europe\n"
        "21.03,105.85,Viet Nam\n48.85,2.35,Viet Nam\n48.85,2.35,Lao Cai\n"
    )
    points, report = read_points(write(tmp_path, "p.csv", text))
    assert points["row"].tolist() == [1, 4, 6]
    assert report.bad == {"have coordinates over 100 km outside the country or region the row names": [2, 3, 5]}
    with pytest.raises(ImportError_, match="row 2 has coordinates over 100 km outside .* \\(--strict\\)"):
        read_points(write(tmp_path, "p.csv", text), strict=True)


def test_hotspots_on_a_recursive_view_is_one_line_within_seconds(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "loop.gpkg"
    recursive_view_geopackage(path)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tipmap", "hotspots", str(path), "-o", str(tmp_path / "m.html")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - start < 20  # 3 s of counting plus the interpreter's start on a busy machine
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "loop.gpkg: layer 'loop' could not be counted within 3 s" in done.stderr
    assert not (tmp_path / "m.html").exists()


def test_encoding_checked_past_plain_ascii_blocks(tmp_path):
    """The check skips 1 MB blocks of plain ASCII: a character split across a block's end is
    still whole UTF-8, and a bad byte after two megabytes of good lines names its line."""
    from tipmap.routes.textfile import check_encoding

    line = b"21.0285,105.8542,plain text\n"  # 28 bytes
    lines = (1 << 20) // len(line) + 1
    head = b"lat,lon,note\n" + line * lines
    pad = (1 << 20) - 1 - len(head) % (1 << 20)  # put the 2-byte 'é' across the first block's end
    good = tmp_path / "good.csv"
    good.write_bytes(head + b"x" * pad + "é\n".encode() + line * lines)
    check_encoding(good, "utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(head + line * lines + b"21.0,105.0,caf\xe9\n")
    expected = 1 + 2 * lines + 1
    with pytest.raises(ImportError_, match=rf"bad.csv: line {expected}: not UTF-8 \(byte 0xe9\)"):
        check_encoding(bad, "utf-8")


def test_a_character_cut_off_before_an_ascii_block_is_still_an_error(tmp_path):
    from tipmap.routes.textfile import check_encoding

    head = b"lat,lon\n" + b"21.0,105.0\n" * ((1 << 20) // 11)
    cut = tmp_path / "cut.csv"
    cut.write_bytes(head + b"x" * ((1 << 20) - 1 - len(head)) + b"\xc3" + b"21.0,105.0\n" * 200_000)
    with pytest.raises(ImportError_, match=r"cut.csv: line \d+: not UTF-8"):
        check_encoding(cut, "utf-8")


# A comma nobody quoted: Excel users type "1,200" and "Phnom Penh, Cambodia"; a CSV written by
# hand or by a script that forgot to quote keeps them bare. A reader that keeps only the named
# columns takes them by position and reads the row shifted.
RAGGED_POINTS = (
    "victims,lat,lon,note\n"
    "3,21.0285,105.8542,Hanoi\n"
    "1,200,13.7563,100.5018,Bangkok\n"  # "1,200" victims: read by position, latitude 200 (out of range)
    "1,20,11.5564,104.9282,Phnom Penh\n"  # read by position: latitude 20, longitude 11.5564, in Chad
    '2,11.5564,104.9282,"Phnom Penh, Cambodia"\n'  # quoted: one field, a good row
    "4,10.8231,106.6297,Ho Chi Minh City, Vietnam\n"  # the extra field is last: the values are right, but who knows
    '5,16.0544,108.2022,"Da Nang\nwaterfront"\n'  # a newline inside quotes: still one row
    "6,21.0285,105.8542,Hanoi\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_rows_with_more_fields_than_the_header_are_reported_not_read_shifted(tmp_path, encoding):
    path = tmp_path / "victims.csv"
    path.write_bytes(RAGGED_POINTS.replace("\n", "\r\n").encode(encoding))
    points, report = read_points(path)
    assert report.rows == 7 and report.used == 4
    why = "have more fields than the header (a separator inside a value that is not quoted?)"
    assert report.bad == {why: [2, 3, 5]}
    assert sorted(points["row"]) == [1, 4, 6, 7]
    assert not ((points["lat"] == 20.0) & (points["lon"] == 11.5564)).any()  # nothing placed in Chad
    assert "3 rows have more fields than the header" in report.describe()
    with pytest.raises(ImportError_, match=r"victims.csv: row 2 has more fields than the header .*\(--strict\)"):
        read_points(path, strict=True)


def test_a_ragged_row_is_reported_by_the_hotspots_command_on_either_road(tmp_path):
    """The fast road cannot read a ragged file, so the importer does, and says which rows."""
    from click.testing import CliRunner
    from tipmap.cli import main

    good = "".join(f"{i},21.0{i:02d},105.85\n" for i in range(30))
    path = tmp_path / "p.csv"
    path.write_text("victims,lat,lon\n" + good + "1,20,21.0,105.8\n", encoding="utf-8")
    out = tmp_path / "cells.geojson"
    result = CliRunner().invoke(main, ["hotspots", str(path), "-o", str(out), "--audience", "internal"])
    assert result.exit_code == 0, result.output
    assert "30 of 31 rows used" in result.output and "1 row has more fields than the header" in result.output
    assert "(row 31)" in result.output


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_ragged_rows_are_found_alike_with_and_without_quotes_anywhere(tmp_path, newline):
    """Files with no double quote are scanned line by line; files with one are parsed as CSV:
    both give the same rows, blank lines skipped as pandas skips them, a last line without a
    newline counted."""
    from tipmap.routes.textfile import ragged_rows

    lines = ["id;lat;lon", "1;21.0;105.8", "", "2;1;20;21.0", "3;13.7;100.5", "", "", "4;5;6;7;8", "5;13.7;100.5", "6;7;8;9"]
    plain = tmp_path / "plain.csv"
    plain.write_text(newline.join(lines), encoding="utf-8")  # no newline at the end
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(newline.join(lines[:-1] + ['"6";7;8;9']), encoding="utf-8")
    expected = {2: 4, 4: 5, 6: 4}
    assert ragged_rows(plain, "utf-8", ";") == expected
    assert ragged_rows(quoted, "utf-8", ";") == expected
    points, report = read_points(plain)
    assert sorted(points["row"]) == [1, 3, 5] and report.rows == 6


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("whitespace line", "victims,lat,lon\n1,13.01,100.01\n   \n2,13.02,100.02\n1,20,21.0,105.8\n4,13.04,100.04\n"),
        ("tab line, quoted", 'victims,lat,lon,note\n1,13.01,100.01,"a"\n\t \n2,13.02,100.02,b\n1,20,21.0,105.8,x\n4,13.04,100.04,c\n'),
        ("Excel for Mac (CR)", "victims,lat,lon\r1,13.01,100.01\r\r2,13.02,100.02\r1,20,21.0,105.8\r4,13.04,100.04\r"),
        ("trailing separator header", "victims,lat,lon,\n1,13.01,100.01\n2,13.02,100.02,\n1,20,21.0,105.8\n4,13.04,100.04, \n"),
    ],
)
def test_ragged_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path, name, text):
    """Found by an independent tester: a line of spaces (skipped by pandas, counted by the scan)
    moved every later row number by one, so the good row was dropped and the shifted one used;
    CR-only line ends hid the row; a header ending in a comma hid a value past its names."""
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode())
    points, report = read_points(path)
    assert list(report.bad) == ["have more fields than the header (a separator inside a value that is not quoted?)"], name
    assert report.bad[list(report.bad)[0]] == [3], name
    assert sorted(points["row"]) == [1, 2, 4], name
    assert not (points["lat"] == 20.0).any(), name


def test_ragged_rows_do_not_count_toward_the_swapped_columns_check(tmp_path):
    """'13,01' written with decimal commas in a comma file: rows 1-2 are ragged, not swapped."""
    path = tmp_path / "p.csv"
    path.write_text("victims,lat,lon\n1,13,01,100,01\n2,13,02,100,02\n3,13.03,100.03\n", encoding="utf-8")
    points, report = read_points(path)
    assert sorted(points["row"]) == [3] and report.bad[RAGGED_WHY] == [1, 2]


RAGGED_WHY = "have more fields than the header (a separator inside a value that is not quoted?)"


def test_a_decimal_comma_is_named_as_the_likely_cause(tmp_path):
    """A European export (semicolons, decimal commas): the rows are reported with the cause, not converted."""
    path = tmp_path / "p.csv"
    path.write_text("victims;lat;lon\n1;13,01;100,01\n2;13.02;100.02\n3;abc;100\n", encoding="utf-8")
    points, report = read_points(path)
    assert sorted(points["row"]) == [2]
    assert report.bad == {
        "have a latitude that is not a number (a decimal comma? write 13.01, not 13,01)": [1],
        "have a latitude that is not a number": [3],
    }
