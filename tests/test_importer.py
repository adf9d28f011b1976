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
    assert "rows have a latitude outside ±90 (rows 6)" in report.describe()


def test_only_the_first_ten_rows_are_listed(tmp_path):
    rows = ["lat,lon"] + ["21,105"] * 30 + ["-95,105"] * 12
    _, report = read_points(write(tmp_path, "p.csv", "\n".join(rows) + "\n"))
    assert "12 rows have a latitude outside ±90 (rows 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, ...)" in report.describe()


def test_strict_turns_a_bad_row_into_an_error(tmp_path):
    path = write(tmp_path, "p.csv", "lat,lon\n21,105\n95,105\n")
    with pytest.raises(ImportError_, match=r"row 2 have a latitude outside ±90 \(--strict\)"):
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
    assert "1 invalid polygons repaired with make_valid (rows 2)" in report.describe()
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
    with pytest.raises(ImportError_, match="cannot be read as gpkg"):
        read_points(write(tmp_path, "x.gpkg", "this is not sqlite"))


def test_files_past_the_size_limit_are_refused(tmp_path, monkeypatch):
    import tipmap.routes.importer as importer

    monkeypatch.setattr(importer, "MAX_VECTOR_BYTES", 100)
    path = write(tmp_path, "big.geojson", '{"type":"FeatureCollection","features":[' + ",".join(["[0,0]"] * 100) + "]}")
    with pytest.raises(ImportError_, match="over the 0 MB limit"):
        read_points(path)


def test_unknown_format(tmp_path):
    with pytest.raises(ImportError_, match="unknown input format '.xlsx'"):
        read_points(write(tmp_path, "p.xlsx", "x"))


def test_chunks_cover_every_row_once(tmp_path):
    rows = ["lat,lon"] + [f"{10 + i / 1000},{100 + i / 1000}" for i in range(2500)]
    report = ImportReport("p")
    points, _ = read_points(write(tmp_path, "p.csv", "\n".join(rows) + "\n"), chunk_rows=1000, report=report)
    assert len(points) == 2500 and report.rows == 2500 and np.all(np.diff(points["row"]) == 1)
