"""The installation key (routes.secret): created once, private, never the real home in tests."""

from __future__ import annotations

import stat

import pytest
from tipmap.routes.errors import TipmapError
from tipmap.routes.secret import config_directory, installation_key, opaque_id


def test_the_key_file_is_created_once_with_mode_0600(monkeypatch, tmp_path):
    monkeypatch.delenv("TIPMAP_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_directory() == tmp_path / "tipmap"
    first = installation_key()
    path = tmp_path / "tipmap" / "key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 64
    assert installation_key() == first  # read back, not made again
    assert opaque_id("hotspots", "h1") == opaque_id("hotspots", "h1", key=first)


def test_tipmap_key_wins_and_must_be_long_enough(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("TIPMAP_KEY", "a-team-key-shared-by-all-of-us")
    assert installation_key() == b"a-team-key-shared-by-all-of-us"
    assert not (tmp_path / "tipmap").exists()
    monkeypatch.setenv("TIPMAP_KEY", "short")
    with pytest.raises(TipmapError, match="TIPMAP_KEY must be at least 16 characters"):
        installation_key()


def test_a_truncated_key_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.delenv("TIPMAP_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "tipmap").mkdir()
    (tmp_path / "tipmap" / "key").write_text("abc\n", encoding="ascii")
    with pytest.raises(TipmapError, match="key is too short; delete the file"):
        installation_key()
