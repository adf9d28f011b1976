"""The shape the design asks for, checked: layering, one option registry, one audience
gate, every command taking the same filters and --data, and clean failures (issue #11)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tipmap.cli import main

ROOT = Path(__file__).resolve().parents[1]
RECORD_COMMANDS = ("render", "plot", "export", "outreach", "hotspots")
SHARED = ("--corridor", "--country", "--exploitation", "--since", "--until", "--bbox", "--audience", "--atlas", "--data")


def test_import_linter_contracts_are_kept():
    """cli -> maps -> routes, routes never imports maps, no cycles (contracts in pyproject.toml)."""
    run = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "4 kept, 0 broken" in run.stdout


@pytest.mark.parametrize("command", RECORD_COMMANDS)
def test_every_command_that_draws_or_writes_takes_the_shared_options(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    missing = [option for option in SHARED if option not in result.output]
    assert missing == []


def test_generalisation_is_called_only_by_the_gate():
    """No job, renderer or writer generalises or removes records on its own: one gate."""
    callers = set()
    for path in list((ROOT / "routes").glob("*.py")) + list((ROOT / "maps").glob("*.py")) + [ROOT / "cli.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id in ("generalise_points", "generalise_corridors"):
                callers.add(path.name)
            if isinstance(node, ast.Attribute) and node.attr in ("generalise_points", "generalise_corridors"):
                callers.add(path.name)
    assert callers <= {"gate.py", "sensitivity.py"}


def test_a_renderer_cannot_get_records_gated_for_another_audience(tiny_atlas):
    from tipmap.routes.errors import SelectionError
    from tipmap.routes.gate import gate
    from tipmap.routes.select import Selection, select

    public = gate(tiny_atlas, "public")
    with pytest.raises(SelectionError, match="gated for public cannot be shown to internal"):
        select(public, Selection(audience="internal"))


def _points_csv(path: Path) -> Path:
    rows = ["lat,lon,name,kind,priority"] + [f"{24.0 + i * 0.001:.3f},{97.85 + i * 0.001:.3f},Venue {i},bar,{1 + i % 3}" for i in range(8)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_plot_draws_data_beside_the_atlas(tmp_path):
    points = _points_csv(tmp_path / "points.csv")
    plain, with_data = tmp_path / "a.svg", tmp_path / "b.svg"
    assert CliRunner().invoke(main, ["plot", "-o", str(plain), "--country", "MM"]).exit_code == 0
    result = CliRunner().invoke(main, ["plot", "-o", str(with_data), "--country", "MM", "--data", str(points)])
    assert result.exit_code == 0, result.output
    assert with_data.read_text(encoding="utf-8").count("<path") > plain.read_text(encoding="utf-8").count("<path")


def test_export_writes_data_layers_as_features(tmp_path):
    points = _points_csv(tmp_path / "points.csv")
    out = tmp_path / "x.geojson"
    result = CliRunner().invoke(main, ["export", "-f", "geojson", "-o", str(out), "--data", str(points)])
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    cells = [f for f in features if str(f["properties"].get("layer", "")).startswith("Points (hexagons)")]
    assert cells and sum(f["properties"]["count"] for f in cells) == 5  # 8 points in one cell, shown rounded down to 5
    # restricted points for the public: nothing finer than H3 resolution 5
    assert {f["properties"]["resolution"] for f in cells} <= {0, 1, 2, 3, 4, 5}


def test_outreach_plans_on_the_teams_own_sites(tmp_path):
    points = _points_csv(tmp_path / "sites.csv")
    args = ["outreach", "--near", "24.0,97.85", "--radius", "30km", "-o", str(tmp_path / "plan"), "--data", str(points)]
    result = CliRunner().invoke(main, [*args, "--audience", "internal"])
    assert result.exit_code == 0, result.output
    csv = (tmp_path / "plan" / "outreach.csv").read_text(encoding="utf-8")
    assert all(f"Venue {i}" in csv for i in range(8))
    # priority 1 before priority 3
    order = [line for line in csv.splitlines() if "Venue" in line]
    assert order.index(next(line for line in order if "Venue 0," in line)) < order.index(next(line for line in order if "Venue 2," in line))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "-o", "{tmp}/out.png"], "tipmap render writes .htm, .html, not '.png'; for .png files use tipmap plot"),
        (["render", "-o", "{tmp}/fifo.html", "--force"], "is not a regular file"),
        (["render", "-o", "{tmp}"], "is a directory"),
        (["render", "-o", "{tmp}/missing/x.html"], "does not exist"),
        (["outreach", "--along", "vn-cn-mong-cai-dongxing", "--radius", "10km", "-o", "{tmp}/p"], "--radius goes with --near"),
        (["outreach", "--near", "Ruili", "--along", "vn-cn-mong-cai-dongxing", "-o", "{tmp}/p"], "not both"),
        (["hotspots", "x.csv", "-o", "{tmp}/x.png"], "tipmap hotspots writes"),
    ],
)
def test_bad_output_and_conflicting_options_are_one_line_exit_2(tmp_path, args, message):
    import os

    os.mkfifo(tmp_path / "fifo.html")  # a special file a writer would block on
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_os_errors_at_write_time_are_one_line_not_a_bug_report(tmp_path):
    """/sys passes the access check as root but refuses the write: one line, exit 2."""
    run = subprocess.run([sys.executable, "-m", "tipmap", "render", "-o", "/sys/x.html"], capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "a tipmap bug" not in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_broken_pipe_on_stdout_exits_quietly():
    """`tipmap export -f geojson -o - | head -c 100`: the reader stops early; no error text."""
    export = subprocess.Popen(
        [sys.executable, "-m", "tipmap", "export", "-f", "geojson", "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    head = export.stdout.read(100)
    export.stdout.close()
    stderr = export.stderr.read().decode()
    export.wait(timeout=60)
    assert head.startswith(b"{")
    assert "BrokenPipe" not in stderr and "bug" not in stderr and "Traceback" not in stderr
    assert export.returncode == 0
