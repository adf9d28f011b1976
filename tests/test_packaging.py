"""The installed packages are tipmap's own, and the data ships inside them.

``routes``, ``maps`` and ``geodata`` are also names of unrelated PyPI packages (Routes,
used by OpenStack, among them): these tests fail if one of those shadows ours.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from importlib.resources import files
from pathlib import Path

import pytest

import cli


@pytest.mark.parametrize("name", ["routes", "maps", "geodata"])
def test_package_is_tipmaps(name):
    module = importlib.import_module(name)
    assert module.TIPMAP_PACKAGE == f"tipmap.{name}"
    # it sits beside tipmap's own cli module, wherever it was installed
    assert Path(module.__file__).resolve().parent.parent == Path(cli.__file__).resolve().parent


def test_console_script_points_at_our_cli():
    scripts = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts.get("tipmap") == "cli:main"


@pytest.mark.parametrize(
    "name", ["places.csv", "corridors.csv", "hotspots.csv", "support.csv", "sources.csv", "countries.csv", "SOURCES.md"]
)
def test_data_files_are_package_resources(name):
    assert files("geodata").joinpath(name).is_file()
