"""Label placement (maps.labels): the fast placer picks what trying every position picks."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox
from tipmap.maps.labels import POSITIONS, Placer
from tipmap.maps.static import plot_atlas
from tipmap.routes.atlas import load_atlas
from tipmap.routes.select import Selection, select

warnings.filterwarnings("ignore", category=UserWarning)

STYLE = {"fontsize": 10, "zorder": 9, "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75}}


def _brute_force(ax, placed: list[Bbox], text: str, x: float, y: float) -> tuple | None:
    """The plain algorithm: an annotation at each position in turn, measured, kept if free."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for dx, dy, ha, va in POSITIONS:
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **STYLE)
        box = label.get_window_extent(renderer).expanded(1.04, 1.08)
        label.remove()
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if inside and not any(box.overlaps(other) for other in placed):
            return (dx, dy, ha, va), box
    return None


def _axes():
    fig = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    return ax


def test_a_crowded_axes_gets_the_same_labels_in_the_same_places_as_trying_every_position():
    ax = _axes()
    reference_ax = _axes()
    centres = [(10 + 7 * (i % 12), 12 + 9 * (i // 12)) for i in range(96)]  # a grid denser than the labels
    names = ["Ruili", "Mae Sot", "Shwe Kokko", "Tachileik", "Myawaddy", "Hpa-An", "Lashio", "Muse"]
    placer, reference = Placer.on(ax), []
    outcomes = []
    for i, (x, y) in enumerate(centres):
        name = names[i % len(names)]
        label = placer.place(name, x, y, **STYLE)
        expected = _brute_force(reference_ax, reference, name, x, y)
        if expected is not None:
            reference.append(expected[1])
        got = None if label is None else (label.xyann, label.get_horizontalalignment(), label.get_verticalalignment())
        want = None if expected is None else (expected[0][:2], expected[0][2], expected[0][3])
        outcomes.append((got, want))
    assert all(got == want for got, want in outcomes)
    assert sum(got is None for got, _ in outcomes) > 10  # crowded: many left out ...
    assert sum(got is not None for got, _ in outcomes) > 10  # ... and many placed
    assert sum(1 for t in ax.texts if isinstance(t, Annotation)) == sum(got is not None for got, _ in outcomes)


def test_an_obstacle_pushes_the_label_to_the_next_position():
    ax = _axes()
    renderer = ax.figure.canvas.get_renderer()
    px, py = ax.transData.transform((50, 50))
    above_right = Bbox.from_extents(px + 1, py + 1, px + 200, py + 40)  # where the first choice would go
    label = Placer.on(ax, [above_right]).place("Mae Sot", 50, 50, **STYLE)
    assert label is not None and label.xyann == (6, -5) and label.get_verticalalignment() == "top"
    assert not label.get_window_extent(renderer).overlaps(above_right)


def test_a_point_outside_the_axes_gets_no_label():
    ax = _axes()
    assert Placer.on(ax).place("Far away", 500, 500, **STYLE) is None
    assert not ax.texts


@pytest.mark.parametrize("countries", [("MM", "TH"), ("CN",), ()])
def test_curated_slides_place_labels_clear_of_each_other_and_inside_the_map(countries):
    fig, report = plot_atlas(select(load_atlas(), Selection(countries=countries)), title="t", label_lang="both")
    fig.canvas.draw()  # measured as drawn, not as placed
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    boxes = [a.get_window_extent(renderer) for a in ax.texts if isinstance(a, Annotation) and a.get_text()]
    assert len(boxes) >= len(report.labels) > 0
    for i, a in enumerate(boxes):
        assert frame.contains(a.x0, a.y0) and frame.contains(a.x1, a.y1)
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])
