"""The audience gate: the one place where the audience policy is applied.

Every job passes its records through here before anything downstream (filters, framing,
counts, renderers, writers) sees them:

- :func:`gate` takes a whole atlas and returns what the audience may see: confidential
  records removed (unless the audience is confidential), restricted records generalised
  for the public, and a :class:`~tipmap.routes.sensitivity.Redaction` summary counted on
  the whole input, so no filter can be used to learn what was withheld where;
- :func:`data_policy` is the same rule for the user's own files (``--data``, the points of
  ``tipmap hotspots``), which carry one sensitivity for the whole file.
"""

from __future__ import annotations

from dataclasses import replace

from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import SelectionError
from tipmap.routes.policy import (  # noqa: F401  (re-exported: the gate is where callers find the policy)
    COUNT_BASE,
    MIN_COUNT,
    SENSITIVITIES,
    DataPolicy,
    data_policy,
)
from tipmap.routes.sensitivity import AUDIENCES, VISIBLE, Redaction, generalise_points, public_view

LAYERS = ("corridors", "hotspots", "support")


def gate(atlas: Atlas, audience: str) -> Atlas:
    """``atlas`` as ``audience`` may see it, carrying its redaction summary.

    The counts in the summary cover the whole input: they do not change with the filters
    applied afterwards.
    """
    if audience not in AUDIENCES:
        raise SelectionError(f"unknown audience '{audience}'; known: {', '.join(AUDIENCES)}")
    if atlas.redaction is not None:
        if atlas.redaction.audience != audience:
            raise SelectionError(f"records gated for {atlas.redaction.audience} cannot be shown to {audience}")
        return atlas
    kept = {layer: atlas.layer(layer)[atlas.layer(layer)["sensitivity"].isin(VISIBLE[audience])] for layer in LAYERS}
    removed = {layer: len(atlas.layer(layer)) - len(kept[layer]) for layer in LAYERS}
    kept["places"] = atlas.places[atlas.places["sensitivity"].isin(VISIBLE[audience])]
    if audience != "public":
        return replace(atlas, **kept, redaction=Redaction(audience, removed, dict.fromkeys(LAYERS, 0)))
    view = public_view(kept, atlas.sources)  # restricted records generalised (#12 B, D)
    redaction = Redaction(audience, removed, view.generalised, view.widened, view.withheld, view.k_min)
    return replace(atlas, **view.layers, sources=view.sources, redaction=redaction)


def gate_points(frame, audience: str):
    """A frame of point records with a ``sensitivity`` column (the team's own sites) as
    ``audience`` may see it: the same rule as :func:`gate` for hotspots."""
    kept = frame[frame["sensitivity"].isin(VISIBLE[audience])]
    if audience == "public":
        kept, _ = generalise_points(kept)
    return kept


def suppress_counts(frame, policy: DataPolicy, *, count: str = "count", also: tuple[str, ...] = ()):
    """Rows of ``frame`` (cells, flows, breakdowns) as a public output may show them: rows whose
    ``count`` is below the policy's minimum removed, and ``count`` (and the ``also`` columns,
    e.g. summed weights) rounded down to the policy's base. Returns the frame and a note for
    legends and manifests ("" when nothing was done)."""
    if policy.min_count <= 1 and policy.count_base <= 1:
        return frame, ""
    small = frame[count] < policy.min_count
    kept = frame[~small].copy()
    base = policy.count_base
    for column in (count, *also):
        kept[column] = (kept[column] // base) * base
    # how many rows were withheld is not said: under filters the public may choose, that number
    # would tell where the small counts are
    note = f"counts below {policy.min_count} not shown; counts rounded down to a multiple of {base}"
    return kept, note


def gate_cells(binning, policy: DataPolicy, *, box: tuple[float, float, float, float] | None = None):
    """Cells of the user's points as the audience may see them, and the note for the key.

    A public output keeps whole cells by their centres in ``box`` (the caller bins all the
    points, at a resolution the box decides, never filtering points by it: moving the box's
    edge then tells nothing about where inside a cell a point lies), withholds and rounds
    small counts (:func:`suppress_counts`), and gives as total the sum of what it shows (an
    exact total would tell how many were withheld). The extent is the cells' outline, never
    the points'."""
    from tipmap.routes.hexbin import cell_bounds, cells_in_box

    if box is not None and policy.published:
        binning = cells_in_box(binning, box)
    cells, note = suppress_counts(binning.cells, policy, also=("weight",))
    binning = replace(binning, cells=cells)
    if policy.published:
        binning = replace(binning, points=int(cells["count"].sum()))
    return replace(binning, bounds=cell_bounds(binning)), note
