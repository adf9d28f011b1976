"""Everything installs under ``tipmap``: nothing lands in site-packages beside PyPI's
unrelated ``routes``, ``maps`` or ``geodata``, and the data ships inside the package."""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest
import tipmap
from tipmap import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["routes", "maps", "geodata"])
def test_subpackages_are_tipmaps(name):
    module = importlib.import_module(f"tipmap.{name}")
    assert module.TIPMAP_PACKAGE == f"tipmap.{name}"
    assert Path(module.__file__).resolve().parent.parent == Path(cli.__file__).resolve().parent


def test_import_tipmap_and_version():
    assert tipmap.__version__ == importlib.metadata.version("tipmap")


def test_console_script_points_at_our_cli():
    scripts = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts.get("tipmap") == "tipmap.cli:main"


def test_python_dash_m_tipmap(tmp_path):
    run = subprocess.run([sys.executable, "-m", "tipmap", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "Usage: python -m tipmap" in run.stdout


@pytest.mark.parametrize(
    "name", ["places.csv", "corridors.csv", "hotspots.csv", "support.csv", "sources.csv", "countries.csv", "SOURCES.md"]
)
def test_data_files_are_package_resources(name):
    assert files("tipmap.geodata").joinpath(name).is_file()


def test_declared_extras():
    """The benchmark extra is an extra (it once sat under package-data and installed nothing)."""
    requires = importlib.metadata.requires("tipmap") or []
    assert any(r.startswith("lonboard") and 'extra == "benchmark"' in r for r in requires)
    for lib in ("pyogrio", "pandas", "numpy", "jinja2", "branca", "openpyxl"):
        assert any(r.split(">")[0].split("=")[0].strip() == lib and "extra" not in r for r in requires), lib


@pytest.mark.slow
def test_wheel_holds_only_tipmap(tmp_path):
    """Build the wheel offline (no build isolation) and read its file list: every file lies
    under tipmap/ or the dist-info, so it cannot overwrite PyPI's routes/maps/geodata."""
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    (wheel,) = tmp_path.glob("tipmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    outside = [n for n in names if not n.startswith(("tipmap/", "tipmap-"))]
    assert outside == []
    for needed in ("tipmap/cli.py", "tipmap/__main__.py", "tipmap/routes/atlas.py", "tipmap/maps/interactive.py",
                   "tipmap/geodata/places.csv", "tipmap/geodata/ne_admin0.geojson", "tipmap/maps/assets/leaflet-heat.js"):
        assert needed in names
    top = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("top_level.txt"))).decode().split()
    assert top == ["tipmap"]
    assert not any(n.startswith(("tipmap/tests/", "tipmap/benchmarks/", "tipmap/scripts/")) for n in names)
