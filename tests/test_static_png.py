"""A slide's PNG (maps.static_png), its land simplified to the pixel (maps.static_basemap),
and its corridors as line collections (maps.static_arrows)."""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import shapely
from conftest import render_static
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import MultiPolygon, Polygon
from tipmap.maps.static import plot_atlas
from tipmap.maps.static_arrows import draw_strokes
from tipmap.maps.static_basemap import polygon_paths
from tipmap.maps.static_png import write_png
from tipmap.routes.select import select

warnings.filterwarnings("ignore", category=UserWarning)


def _matplotlibs_png(fig: Figure, dpi: float) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return np.asarray(Image.open(buffer))


def test_a_slide_is_written_as_rgb_with_the_pixels_matplotlib_writes(tmp_path, tiny_atlas):
    fig, _ = plot_atlas(select(tiny_atlas), title="Tiny", inches=(8.0, 4.5), dpi=100)
    out = tmp_path / "slide.png"
    write_png(fig, out, dpi=100, metadata={"Title": "Tiny", "Software": "tipmap"})
    theirs = _matplotlibs_png(fig, 100)
    with Image.open(out) as ours:
        assert ours.mode == "RGB" and ours.size == (800, 450)
        assert round(ours.info["dpi"][0]) == 100 and ours.info["Title"] == "Tiny"
        pixels = np.asarray(ours)
    assert theirs.shape == (450, 800, 4) and (theirs[..., 3] == 255).all()  # matplotlib's alpha says nothing
    assert np.array_equal(pixels, theirs[..., :3])


def test_a_figure_with_transparent_pixels_keeps_its_alpha(tmp_path):
    fig = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasAgg(fig)
    fig.patch.set_alpha(0.0)
    fig.text(0.1, 0.5, "Ruili", fontsize=12)
    out = tmp_path / "clear.png"
    write_png(fig, out, dpi=50, metadata={})
    with Image.open(out) as ours:
        assert ours.mode == "RGBA"
        assert np.array_equal(np.asarray(ours), _matplotlibs_png(fig, 50))


def test_the_manifest_rides_in_the_png_even_when_it_is_not_latin_1(tmp_path, tiny_dir):
    out = tmp_path / "map.png"
    render_static(out, title="Hà Nội → 河内", data_dir=tiny_dir)
    with Image.open(out) as image:
        assert image.info["Title"] == "Hà Nội → 河内" and image.info["Software"] == "tipmap"
        manifest = json.loads(image.info["Comment"])
    assert manifest["audience"] == "public" and "data_sha256" in manifest


def test_land_simplified_to_a_tolerance_moves_no_edge_further_and_keeps_islets():
    angles = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    disc = Polygon(np.column_stack([10 * np.cos(angles), 10 * np.sin(angles)]))  # 2,000 vertices
    islet = Polygon([(20, 0), (20.01, 0), (20.01, 0.01)])  # far smaller than the tolerance
    land = MultiPolygon([disc, islet])
    (full,), (thin,) = polygon_paths([land]), polygon_paths([land], 0.05)
    assert len(full.vertices) == 2001 + 4
    assert len(thin.vertices) < 200  # the disc is drawn with far fewer points ...
    rings = [Polygon(p) for p in thin.to_polygons(closed_only=True)]
    assert len(rings) == 2  # ... and the islet is still there
    drawn_disc = max(rings, key=lambda r: r.area)
    assert shapely.hausdorff_distance(drawn_disc.exterior, disc.exterior) <= 0.05 + 1e-9


def test_land_whose_edges_are_already_long_is_not_simplified():
    square = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]).segmentize(1.0)  # edges of 1 unit: nothing to gain
    (full,), (same,) = polygon_paths([square]), polygon_paths([square], 0.3)
    assert len(full.vertices) == 41 and (same.vertices == full.vertices).all()


def test_strokes_keep_their_order_and_caps_in_collections():
    fig = Figure(figsize=(3, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    solid, dashed = "solid", (0, (4, 3))
    strokes = [([(0, 0), (1, 1)], "#FF0000", 2.0, solid), ([(0, 1), (1, 0)], "#00FF00", 1.0, solid),
               ([(0, 0.5), (1, 0.5)], "#0000FF", 1.5, dashed), ([(0.5, 0), (0.5, 1)], "#000000", 3.0, solid)]  # fmt: skip
    draw_strokes(ax, strokes, zorder=3)
    runs = ax.collections
    assert [len(c.get_segments()) for c in runs] == [2, 1, 1]  # solid, dashed, solid: the order kept
    assert [c.get_capstyle() for c in runs] == ["round", "butt", "round"]  # as a line's solid and dash caps
    assert [list(c.get_linewidths()) for c in runs] == [[2.0, 1.0], [1.5], [3.0]]
    assert all(c.get_zorder() == 3 for c in runs)
