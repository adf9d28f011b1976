"""Data text drawn by matplotlib as plain text (issue #12 H).

matplotlib reads ``$...$`` in any text as TeX maths ("Fees of $5,000 to $10,000" loses its
dollars) and writes text into SVG as-is, so one ESC character in a name makes the SVG not
well-formed. :func:`plain_figure` fixes every text artist of a finished figure at once:
maths and TeX off, characters XML forbids removed.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.text import Text
from tipmap.routes.textsafety import xml_text


def plain_figure(fig: Figure) -> Figure:
    """``fig`` with every text (titles, labels, legend entries, annotations) plain: no
    mathtext, no TeX, no control characters. Returns the same figure."""
    for artist in fig.findobj(Text):
        artist.set_usetex(False)
        artist.set_parse_math(False)
        content = artist.get_text()
        if content != xml_text(content):
            artist.set_text(xml_text(content))
    return fig


def plain_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """File metadata values without the characters XML forbids (SVG and XMP are XML)."""
    return {key: xml_text(value) for key, value in metadata.items()}
