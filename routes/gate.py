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

from dataclasses import dataclass, replace

from tipmap.routes.atlas import Atlas
from tipmap.routes.errors import SelectionError, UsageProblem
from tipmap.routes.hexbin import PUBLIC_MAX_RES
from tipmap.routes.sensitivity import AUDIENCES, VISIBLE, Redaction, generalise_points, public_view

SENSITIVITIES = ("public", "restricted", "confidential")
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


@dataclass(frozen=True)
class DataPolicy:
    """How one of the user's files may be shown to an audience.

    ``max_resolution`` caps the H3 resolution of its cells (None: no cap); ``generalised``
    says the output shows the file's points only in coarse cells.
    """

    audience: str
    sensitivity: str
    max_resolution: int | None
    min_count: int = 1
    count_base: int = 1

    @property
    def generalised(self) -> bool:
        """Whether the points are shown only in coarse cells."""
        return self.max_resolution is not None

    def describe(self) -> str:
        """One line for stderr and legends."""
        if self.generalised:
            cap = self.max_resolution
            return f"{self.sensitivity} data for a {self.audience} audience: shown in H3 cells of resolution {cap} or coarser"
        return f"{self.sensitivity} data for a {self.audience} audience: shown as computed"


#: Public outputs show no count below this (UNODC's rule for flows; CTDC uses 11) ...
MIN_COUNT = 5
#: ... and round the counts they show down to a multiple of this.
COUNT_BASE = 5


def data_policy(sensitivity: str, audience: str, *, min_count: int = MIN_COUNT, count_base: int = COUNT_BASE) -> DataPolicy:
    """The audience rule for a user's file of the given sensitivity (imported data is
    ``restricted`` unless the user says otherwise).

    Raises
    ------
    UsageProblem
        When confidential data would be shown to an audience that may not see it.
    """
    if sensitivity not in SENSITIVITIES:
        raise UsageProblem(f"unknown sensitivity '{sensitivity}'; known: {', '.join(SENSITIVITIES)}")
    if audience not in AUDIENCES:
        raise UsageProblem(f"unknown audience '{audience}'; known: {', '.join(AUDIENCES)}")
    if sensitivity == "confidential" and audience != "confidential":
        raise UsageProblem("this data is marked confidential: only --audience confidential may show it")
    if min_count < 1 or count_base < 1:
        raise UsageProblem("--min-count and --count-base must be 1 or more")
    cap = PUBLIC_MAX_RES if (audience == "public" and sensitivity == "restricted") else None
    if audience != "public":
        return DataPolicy(audience, sensitivity, cap)
    return DataPolicy(audience, sensitivity, cap, min_count, count_base)


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
    note = (
        f"counts below {policy.min_count} not shown ({int(small.sum()):,} of {len(frame):,} withheld); "
        f"counts rounded down to a multiple of {base}"
    )
    return kept, note
