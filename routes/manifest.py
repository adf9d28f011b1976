"""The manifest every output carries: tool version, data hash, filters, audience, withheld.

With it, any map in circulation can be traced back to exactly what produced it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from tipmap.routes.atlas import Atlas
from tipmap.routes.digest import file_sha256, input_paths
from tipmap.routes.select import Selection
from tipmap.routes.sensitivity import published_hash


def tool_version() -> str:
    """The installed tipmap version."""
    try:
        return metadata.version("tipmap")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def manifest(atlas: Atlas, selection: Selection) -> dict[str, Any]:
    """What produced an output: tool, data hash, filters and what the audience withheld."""
    filters = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(selection).items() if v not in ((), None)}
    redaction = atlas.redaction
    return {
        "tool": "tipmap",
        "version": tool_version(),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "data_sha256": published_hash(atlas.data_hash, selection.audience),
        "filters": filters,
        "audience": selection.audience,
        "withheld": redaction.summary() if redaction else {},
        "stamp": "CONFIDENTIAL" if selection.audience == "confidential" else "",
    }


def manifest_json(atlas: Atlas, selection: Selection) -> str:
    """The manifest as one line of JSON."""
    return json.dumps(manifest(atlas, selection), ensure_ascii=False, sort_keys=True)


def data_manifest(
    source: str, selection: Selection, *, sensitivity: str, digest: str | None = None, **facts: Any
) -> dict[str, Any]:
    """The manifest of an output made from the user's own file(s): tool, version, the input's
    SHA-256 (``digest``, :func:`file_sha256` of :func:`input_paths`, when the caller has it
    already), filters, audience, the data's sensitivity and what the audience rule did."""
    from pathlib import Path

    more = list(facts.pop("more", []))
    digest = digest if digest is not None else file_sha256(input_paths(source, more))
    filters = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(selection).items() if v not in ((), None)}
    return {
        "tool": "tipmap",
        "version": tool_version(),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "input": Path(source).name,
        **({"more_inputs": [Path(p).name for p in more]} if more else {}),
        "data_sha256": published_hash(digest, selection.audience),  # keyed for the public (#12 B)
        "filters": filters,
        "audience": selection.audience,
        "data_sensitivity": sensitivity,
        **facts,
        "stamp": "CONFIDENTIAL" if selection.audience == "confidential" else "",
    }
