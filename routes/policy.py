"""The audience rule for the user's own files, without the weight of the atlas gate: what
``tipmap hotspots`` must know before it reads a point (the finest resolution it may bin at).
:mod:`routes.gate` re-exports everything here; it stays the one place the rule is applied."""

from __future__ import annotations

from dataclasses import dataclass

from tipmap.routes.errors import UsageProblem
from tipmap.routes.hexbin import PUBLIC_MAX_RES

AUDIENCES: tuple[str, ...] = ("public", "internal", "confidential")
SENSITIVITIES = ("public", "restricted", "confidential")


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
    def published(self) -> bool:
        """Whether the output is public under small-count rules (counts withheld and rounded)."""
        return self.min_count > 1 or self.count_base > 1

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
