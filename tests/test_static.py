"""Static maps (maps.static, routes.cartography): size, content, text, scale, fonts, errors."""

from __future__ import annotations

import itertools
import re
import warnings

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner
from conftest import render_static
from matplotlib.image import imread
from matplotlib.text import Annotation, Text
from pyproj import Geod, Transformer
from tipmap.cli import main
from tipmap.maps import style
from tipmap.maps.fonts import family_for, label_for
from tipmap.maps.static import FONT, SIZES, plot_atlas
from tipmap.routes import cartography as carto
from tipmap.routes.atlas import load_atlas
from tipmap.routes.errors import UsageProblem
from tipmap.routes.select import Selection, select

warnings.filterwarnings("ignore", category=UserWarning)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0


@pytest.mark.parametrize(
    ("size", "dpi", "pixels"),
    [("slide", 150, (1920, 1080)), ("a4", 100, (1169, 827)), ("square", 150, (1080, 1080)), ("1600x900", 120, (1600, 900))],
)
def test_png_has_exactly_the_asked_pixel_size(tmp_path, tiny_dir, size, dpi, pixels):
    out = tmp_path / "map.png"
    render_static(out, size=size, dpi=dpi, data_dir=tiny_dir)
    height, width = imread(out).shape[:2]
    assert (width, height) == pixels


def test_png_shows_the_basemap_and_the_corridors(tmp_path):
    out = tmp_path / "map.png"
    render_static(out, selection=Selection(corridors=("vn-cn-foreign", "kh-vn")), size="1200x700", dpi=100)
    pixels = imread(out)[:, :, :3].reshape(-1, 3)

    def share(colour: str) -> float:
        return float(np.mean(np.all(np.abs(pixels - _rgb(colour)) < 0.02, axis=1)))

    assert share("#DDE8F0") > 0.02  # sea
    assert share("#E6E2D6") > 0.10  # land of the countries the routes touch
    assert share(style.EXPLOITATION["sexual_exploitation"].colour) > 0.0005  # Vietnam to China (country-level line)


def test_svg_keeps_title_and_legend_as_text(tmp_path, tiny_dir):
    out = tmp_path / "map.svg"
    render_static(out, title="Tiny & <routes>", data_dir=tiny_dir)
    svg = out.read_text(encoding="utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Tiny &amp; &lt;routes&gt;" in texts
    for label in ("Forced marriage", "Forced labour", "Casino (hotspot)", "Support organisation", "Legend"):
        assert label in texts, label
    assert "<script" not in svg


def test_pdf_is_vector_with_extractable_text(tmp_path, tiny_dir):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "map.pdf"
    render_static(out, title="Tiny PDF map", data_dir=tiny_dir)
    page = pypdf.PdfReader(out).pages[0]
    text = page.extract_text()
    assert "Tiny PDF map" in text and "Forced marriage" in text
    assert len(page.images) == 0  # drawn as paths and text, not as a picture


def test_scale_bar_matches_an_independent_geodesic_distance(tiny_atlas):
    fig, report = plot_atlas(select(tiny_atlas), title="t")
    back = Transformer.from_crs(report.crs, "EPSG:4326", always_xy=True)
    forward = Transformer.from_crs("EPSG:4326", report.crs, always_xy=True)
    cx, cy = forward.transform(*report.centre)
    lon1, lat1 = back.transform(cx - report.scale_units / 2, cy)
    lon2, lat2 = back.transform(cx + report.scale_units / 2, cy)
    km = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000
    assert km == pytest.approx(report.scale_km, rel=0.02)


def test_the_curated_atlas_scale_bar_is_true_too():
    fig, report = plot_atlas(select(load_atlas(), Selection(countries=("MN",))), title="t")
    back = Transformer.from_crs(report.crs, "EPSG:4326", always_xy=True)
    cx, cy = Transformer.from_crs("EPSG:4326", report.crs, always_xy=True).transform(*report.centre)
    km = Geod(ellps="WGS84").inv(*back.transform(cx, cy), *back.transform(cx + report.scale_units, cy))[2] / 1000
    assert km == pytest.approx(report.scale_km, rel=0.02)


def test_projection_is_equal_area_and_centred_on_the_data(tiny_atlas):
    _, report = plot_atlas(select(tiny_atlas, Selection(audience="internal")), title="t")
    assert "+proj=laea" in report.crs
    assert report.centre[0] == pytest.approx(1.0, abs=0.01) and report.centre[1] == pytest.approx(0.5, abs=0.01)


def test_a_world_view_uses_equal_earth_with_its_seam_in_the_widest_gap():
    # points in London, Beijing and Washington: the widest gap is the Pacific...
    view = carto.view_of([(-0.1, 51.5), (116.4, 39.9), (-77.0, 38.9)])
    assert view.is_world and "+proj=eqearth" in carto.projection_for(view).srs
    assert view.west < -77.0 and view.east > 116.4


def test_a_view_across_the_antimeridian_is_one_piece():
    view = carto.view_of([(170.0, 0.0), (-170.0, 5.0)])
    assert (
        view.east - view.west < 40.0
        and view.centre[0] == pytest.approx(180.0, abs=0.01)
        or view.centre[0] == pytest.approx(-180.0, abs=0.01)
    )


def test_labels_do_not_overlap_and_no_text_is_below_9_pt():
    atlas = select(load_atlas(), Selection(countries=("VN", "MM")))
    fig, report = plot_atlas(atlas, title="t", subtitle="s", label_lang="both")
    renderer = fig.canvas.get_renderer()
    labels = [a for a in fig.axes[0].texts if isinstance(a, Annotation) and a.get_text()]
    boxes = [a.get_window_extent(renderer) for a in labels]
    assert len(boxes) >= 8
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert min(sizes) >= 9
    assert FONT["small"] == 9


def test_legend_lists_only_what_is_drawn(tmp_path, tiny_dir):
    out = tmp_path / "map.svg"
    render_static(out, selection=Selection(corridors=("c-labour",)), data_dir=tiny_dir)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text(encoding="utf-8"))
    assert "Forced labour" in texts and "Forced marriage" not in texts and "Casino (hotspot)" not in texts


def test_source_line_and_attribution(tiny_atlas):
    fig, report = plot_atlas(select(tiny_atlas), title="t")
    texts = " ".join(t.get_text() for t in fig.texts)
    assert (
        "Sources: Publisher A, 2020; Report Two" in texts
        and "one.txt" not in texts
        and "Natural Earth" in texts
        and "Audience: public" in texts
    )


def test_basemap_has_the_units_the_atlas_needs():
    units = set(carto.basemap()["iso_a2"])
    assert {"CN", "MM", "VN", "MN", "KP", "MO", "HK"} <= units


def _has_cjk_font() -> bool:
    from matplotlib import font_manager

    return any("CJK" in f.name for f in font_manager.fontManager.ttflist)


@pytest.mark.skipif(not _has_cjk_font(), reason="no Noto CJK font installed (Debian: fonts-noto-cjk)")
def test_local_labels_use_a_font_that_has_every_glyph():
    assert family_for("昆明") is not None and "CJK" in family_for("昆明")
    assert family_for("Улаанбаатар") is not None
    assert family_for("신의주") is not None
    assert label_for("Kunming", "昆明", "both").text == "Kunming\n昆明"


def test_burmese_falls_back_to_english_instead_of_broken_glyphs():
    label = label_for("Myitkyina", "မြစ်ကြီးနား", "local")
    assert (label.text, label.fell_back) == ("Myitkyina", True)


def test_plot_warns_once_per_burmese_label(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "plot",
            "-o",
            str(tmp_path / "m.png"),
            "--corridor",
            "mm-cn-muse-ruili",
            "--label-lang",
            "local",
            "--size",
            "800x450",
            "--dpi",
            "100",
        ],
    )
    assert result.exit_code == 0, result.output
    warnings_ = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings_ and all("English name used" in w for w in warnings_)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/m.jpg"], "tipmap plot writes .pdf, .png, .svg, not '.jpg'"),
        (["-o", "{tmp}/m.png", "--size", "10x10"], "size 10x10 px is impossible"),
        (["-o", "{tmp}/m.png", "--size", "huge"], "--size 'huge' is not slide, a4, square"),
        (["-o", "{tmp}/m.png", "--dpi", "5"], "--dpi 5 is outside"),
        (["-o", "{tmp}/missing/m.png"], "does not exist"),
        (["-o", "{tmp}/m.png", "--country", "FR"], "the filters select nothing to draw"),
    ],
)
def test_plot_bad_input_is_one_line_exit_2_no_file(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, ["plot", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_size_presets_are_16_9_a4_and_square():
    assert SIZES["slide"][0] / SIZES["slide"][1] == pytest.approx(16 / 9)
    assert SIZES["a4"] == pytest.approx((297 / 25.4, 210 / 25.4), abs=0.01)
    with pytest.raises(UsageProblem):
        render_static("x.png", size="0x0")


def test_land_is_drawn_with_its_holes_whatever_the_rings_orientation():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from shapely.geometry import MultiPolygon, Polygon
    from tipmap.maps.static_basemap import draw_land, polygon_paths

    outer, hole = [(0, 0), (10, 0), (10, 10), (0, 10)], [(4, 4), (6, 4), (6, 6), (4, 6)]  # both anticlockwise
    ring = Polygon(outer, [hole])
    islands = MultiPolygon([Polygon([(12, 0), (14, 0), (14, 2)]), Polygon([(12, 8), (14, 8), (14, 10)])])
    assert len(polygon_paths([ring, islands])) == 2  # one path per row, as geopandas draws them
    fig = Figure(figsize=(2, 2), dpi=50)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-1, 15)
    ax.set_ylim(-1, 15)
    draw_land(ax, gpd.GeoDataFrame(geometry=[ring, islands]), fill="#FF0000", edge="#FF0000", width=0)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[:, :, :3] / 255.0

    def colour_at(x, y):
        col, row = ax.transData.transform((x, y))
        return pixels[int(pixels.shape[0] - row), int(col)]

    assert np.allclose(colour_at(2, 2), _rgb("#FF0000"), atol=0.05)  # land
    assert np.allclose(colour_at(5, 5), (1, 1, 1), atol=0.05)  # the hole stays open
    assert np.allclose(colour_at(13.5, 0.7), _rgb("#FF0000"), atol=0.05)  # an island of the second row


def test_arrowheads_look_like_matplotlibs_own_arrows_and_skip_tips_outside():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from tipmap.maps.static_arrows import Head, draw_heads

    segments = [((2, 2), (5, 3)), ((8, 8), (6, 5)), ((1, 9), (1, 6)), ((5, 5), (12, 5))]  # (tail, tip); the last tip is outside

    def image(with_matplotlib: bool) -> np.ndarray:
        fig = Figure(figsize=(3, 3), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        if with_matplotlib:
            for tail, tip in segments:
                ax.annotate("", xy=tip, xytext=tail, arrowprops={"arrowstyle": "-|>", "color": "#D55E00", "lw": 0,
                                                                   "mutation_scale": 16, "shrinkA": 0, "shrinkB": 0})  # fmt: skip
        else:
            draw_heads(ax, [Head(tip, tail, "#D55E00", 16) for tail, tip in segments], zorder=4)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int)

    ours, theirs = image(False), image(True)
    inked = np.any(theirs < 250, axis=2)
    assert inked.sum() > 150  # three heads of ~60 px each
    differ = np.abs(ours - theirs).sum(axis=2) > 60
    assert differ.sum() < 0.05 * inked.sum()  # the same pixels but for antialiasing at the edges
    assert not np.any(ours[:, -5:] < 250)  # nothing drawn for the tip beyond the frame


def test_scale_bar_numbers_are_clear_of_each_other_and_km_follows_the_last():
    for countries in ((), ("TH",), ("MN",)):
        fig, report = plot_atlas(select(load_atlas(), Selection(countries=countries)), title="t")
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        texts = [t for t in fig.axes[0].texts if t.get_gid() == "tipmap-scale-label"]
        boxes = {t.get_text(): t.get_window_extent(renderer) for t in texts}
        assert "0" in boxes and f"{report.scale_km:g}" in boxes and "km" in boxes
        ordered = sorted(boxes.values(), key=lambda b: b.x0)
        assert all(b.x0 - a.x1 >= 2 for a, b in zip(ordered, ordered[1:]))  # nothing touches
        assert ordered[-1] is boxes["km"]


def test_a_slide_without_the_atlas_does_not_claim_its_quotes(tmp_path):
    out = tmp_path / "flows.svg"
    args = ["plot", "-o", str(out), "--no-atlas", "--data", "tests/data/preaggregated.csv", "--from", "origin_iso3",
            "--to", "destination_iso3", "--count", "victims", "--size", "1200x700", "--dpi", "100"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text(encoding="utf-8")))
    assert "Sources: Case flows: preaggregated.csv (your data)" in texts
    assert "tipmap atlas" not in texts
    assert "Audience: public; the atlas is not drawn" in texts and "withheld" not in texts  # the footer too


def test_a_slide_with_the_atlas_and_data_reports_what_the_atlas_withheld(tmp_path):
    out = tmp_path / "both.svg"
    args = ["plot", "-o", str(out), "--data", "tests/data/preaggregated.csv", "--from", "origin_iso3",
            "--to", "destination_iso3", "--count", "victims", "--size", "1200x700", "--dpi", "100"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text(encoding="utf-8")))
    assert "Audience: public; withheld (confidential): 1" in texts and "not drawn" not in texts


def test_a_long_source_line_fits_the_slide_and_keeps_every_source():
    """The world slide's source line ran off the right edge. Now it wraps, at the same size (9
    pt is the least a slide shows); no source is cut."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tipmap.maps.static_text import _fitted

    fig = plt.figure(figsize=(19.2, 10.8), dpi=100)
    sources = [f"Country brief number {i} (unpublished copy)" for i in range(20)]
    line = "Sources: " + "; ".join(sources)
    _fitted(fig, line, x=0.012, y=0.045, width=0.976, fontsize=9)
    (text,) = fig.texts
    box = text.get_window_extent(fig.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y0 >= 0
    assert "\n" in text.get_text() and " ".join(text.get_text().split()) == line and text.get_fontsize() == 9
    short = plt.figure(figsize=(19.2, 10.8), dpi=100)
    _fitted(short, "Sources: one", x=0.012, y=0.045, width=0.976, fontsize=9)
    assert short.texts[0].get_fontsize() == 9 and short.texts[0].get_text() == "Sources: one"
    plt.close(fig)
    plt.close(short)
