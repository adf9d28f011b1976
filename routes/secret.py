"""The installation's secret key, used to displace generalised points and make ids opaque.

The key never appears in any output. It is, in order of preference:

- the ``TIPMAP_KEY`` environment variable (at least 16 characters), so a team can share
  one key and publish consistent maps, and tests never touch the real home directory;
- the file ``tipmap/key`` in the user's configuration directory (``$XDG_CONFIG_HOME``,
  else ``~/.config`` on Linux, ``~/Library/Application Support`` on macOS, ``%APPDATA%``
  on Windows), created on first use with 32 random bytes and mode 0600.

Anyone who holds the key can undo the displacement down to the generalisation cell, so
the key file must be kept like a password and never shipped with the outputs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from tipmap.routes.errors import TipmapError

ENV_KEY = "TIPMAP_KEY"
MIN_KEY_CHARS = 16


def config_directory() -> Path:
    """The user's configuration directory for tipmap (not created)."""
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "tipmap"
    if sys.platform == "win32":  # pragma: no cover - not exercised on the CI platform
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "tipmap"
    if sys.platform == "darwin":  # pragma: no cover
        return Path.home() / "Library" / "Application Support" / "tipmap"
    return Path.home() / ".config" / "tipmap"


def installation_key() -> bytes:
    """The secret key: ``TIPMAP_KEY``, else the key file (created on first use, mode 0600).

    Raises
    ------
    TipmapError
        When ``TIPMAP_KEY`` is too short, or the key file cannot be read or created.
    """
    value = os.environ.get(ENV_KEY)
    if value is not None:
        if len(value) < MIN_KEY_CHARS:
            raise TipmapError(f"{ENV_KEY} must be at least {MIN_KEY_CHARS} characters long")
        return value.encode("utf-8")
    path = config_directory() / "key"
    try:
        return _read_or_create(path)
    except OSError as err:
        raise TipmapError(f"{path}: cannot read or create the tipmap key ({err.strerror}); set {ENV_KEY} instead") from None


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_KEY_CHARS:
        raise TipmapError(f"{path}: the tipmap key is too short; delete the file to make a new one")
    return text.encode("ascii")


def keyed_digest(message: str, key: bytes | None = None) -> bytes:
    """HMAC-SHA256 of ``message`` under the installation key (or ``key``)."""
    return hmac.new(key if key is not None else installation_key(), message.encode("utf-8"), hashlib.sha256).digest()


def opaque_id(layer: str, record_id: str, key: bytes | None = None) -> str:
    """An id for a restricted record in public outputs: stable per installation, and it
    cannot be turned back into the record's id without the key (``r-`` + 16 hex digits)."""
    return "r-" + keyed_digest(f"tipmap-id:{layer}:{record_id}", key).hex()[:16]
