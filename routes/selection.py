"""What a command keeps of the atlas (and of the user's points): the filters and the
audience, in a module of its own so a command can state them before the heavy imports of
:mod:`routes.select` finish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """What to keep. Empty tuples and ``None`` mean "no filter"."""

    corridors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    exploitation: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    audience: str = "public"
