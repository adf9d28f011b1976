"""Every command and error path through click's CliRunner (cli.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import HEADERS, write_atlas
from tipmap.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_render_writes_one_html_map(runner, tmp_path, tiny_dir):
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["render", "-o", str(out), "--atlas", str(tiny_dir), "--title", "T"])
    assert result.exit_code == 0, result.output
    assert "2 corridors, 1 hotspots, 1 support points" in result.stderr
    assert (
        "audience: public; withheld (confidential): 1 support; generalised (restricted): none; "
        "withheld (spatial k < 5): 1 hotspots"
    ) in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_filters(runner, tmp_path, tiny_dir):
    out = tmp_path / "map.html"
    args = ["render", "-o", str(out), "--atlas", str(tiny_dir), "--country", "vn", "--until", "1999"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Labour route" in html and "Bride route" not in html


def test_render_the_curated_atlas(runner, tmp_path):
    out = tmp_path / "atlas.html"
    result = runner.invoke(main, ["render", "-o", str(out), "--corridor", "cn-mo"])
    assert result.exit_code == 0, result.output
    assert "Brothels and hotel rooms near Macau" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--corridor", "nope"], "Error: unknown corridor id 'nope'"),
        (["--country", "XX"], "Error: Invalid value for '--country': 'XX' is not an ISO 3166-1 alpha-2 country code"),
        (["--exploitation", "slavery"], "Error: Invalid value for '--exploitation'"),
        (["--since", "2020", "--until", "2010"], "Error: --since 2020 is after --until 2010"),
        (["--bbox", "1,2,3"], "Error: Invalid value for '--bbox'"),
        (["--country", "TH"], "Error: the filters select nothing to draw"),
    ],
)
def test_render_usage_errors_are_one_line_exit_2_and_leave_no_file(runner, tmp_path, tiny_dir, args, message):
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["render", "-o", str(out), "--atlas", str(tiny_dir), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [tiny_dir]


def test_render_into_a_missing_directory(runner, tmp_path):
    result = runner.invoke(main, ["render", "-o", str(tmp_path / "no" / "map.html")])
    assert result.exit_code == 2
    assert "directory" in result.stderr and "does not exist" in result.stderr


def test_render_into_a_read_only_directory(runner, tmp_path, monkeypatch):
    # tests run as root in CI, where chmod cannot deny writing: deny it at os.access
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    result = runner.invoke(main, ["render", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 2 and "is not writable" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_render_onto_a_directory(runner, tmp_path):
    result = runner.invoke(main, ["render", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_render_with_invalid_data_exits_1_and_keeps_the_old_file(runner, tmp_path, tiny_tables):
    tiny_tables["places.csv"][0][HEADERS["places.csv"].index("lat")] = "95"
    bad = write_atlas(tmp_path / "bad", tiny_tables)
    out = tmp_path / "map.html"
    out.write_text("previous map")
    result = runner.invoke(main, ["render", "-o", str(out), "--atlas", str(bad), "--force"])
    assert result.exit_code == 1
    assert result.stderr == "Error: places.csv, row 2, field 'lat': 95.0 is outside [-90, 90]\n"
    assert out.read_text() == "previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "map.html"]  # no temporary file left


def test_list_table_is_the_default(runner, tiny_dir):
    result = runner.invoke(main, ["list", "--atlas", str(tiny_dir)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["id", "countries"]
    assert lines[1].startswith("c-bride") and "MM;CN" in lines[1]


def test_list_csv_carries_points_as_lon_lat_and_lines_as_wkt(runner, tiny_dir):
    places = list(
        csv.DictReader(io.StringIO(runner.invoke(main, ["list", "places", "--format", "csv", "--atlas", str(tiny_dir)]).stdout))
    )
    assert {(p["id"], p["lon"], p["lat"]) for p in places} >= {("b-src", "0.0", "1.0")}
    corridors = list(
        csv.DictReader(io.StringIO(runner.invoke(main, ["list", "--format", "csv", "--atlas", str(tiny_dir)]).stdout))
    )
    assert corridors[0]["geometry"].startswith("LINESTRING (0 0, ")
    assert corridors[0]["exploitation"] == "forced_marriage;sexual_exploitation"


def test_list_json_carries_geojson_lines(runner, tiny_dir):
    records = json.loads(runner.invoke(main, ["list", "corridors", "--format", "json", "--atlas", str(tiny_dir)]).stdout)
    labour = next(r for r in records if r["id"] == "c-labour")
    assert labour["geometry"]["type"] == "LineString"
    assert labour["geometry"]["coordinates"][0] == [0.0, 1.0]  # longitude first
    assert (labour["period_start"], labour["volume"]) == (1990, 120.0)


def test_list_sources_and_support_respect_the_audience(runner, tiny_dir):
    public = runner.invoke(main, ["list", "support", "--format", "json", "--atlas", str(tiny_dir)]).stdout
    everything = runner.invoke(
        main, ["list", "support", "--format", "json", "--atlas", str(tiny_dir), "--audience", "confidential"]
    ).stdout
    assert "Secret Shelter" not in public and "Secret Shelter" in everything
    sources = json.loads(runner.invoke(main, ["list", "sources", "--format", "json", "--atlas", str(tiny_dir)]).stdout)
    assert sources[0]["quote"] == "Women are sold across the border."


def test_validate_a_good_directory(runner, tiny_dir):
    result = runner.invoke(main, ["validate", str(tiny_dir)])
    assert result.exit_code == 0
    assert "valid (2 corridors, 2 hotspots, 6 places, 2 support points, 2 sources)" in result.stdout


def test_validate_prints_every_problem_on_its_own_line(runner, tmp_path, tiny_tables):
    tiny_tables["places.csv"][0][HEADERS["places.csv"].index("lon")] = "west"
    tiny_tables["corridors.csv"][0][HEADERS["corridors.csv"].index("waypoints")] = "a-src ghost"
    bad = write_atlas(tmp_path / "bad", tiny_tables)
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}/places.csv, row 2, field 'lon': 'west' is not a number",
        f"{bad}/corridors.csv, row 2, field 'waypoints': unknown place id 'ghost'",
        f"Error: {bad}: 2 problems",
    ]


@pytest.mark.parametrize("command", ["render", "list", "validate"])
def test_every_command_help_shows_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output and f"tipmap {command}" in result.output


def test_help_does_not_import_the_heavy_libraries():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom tipmap import cli\n"
        "r = CliRunner().invoke(cli.main, ['--help'])\nassert r.exit_code == 0\n"
        "print(sorted(m for m in ('geopandas', 'folium', 'matplotlib', 'pandas', 'shapely') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
