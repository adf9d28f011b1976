"""Permanent labels of the HTML map: by zoom and importance, never overlapping."""

from __future__ import annotations

from tipmap.maps.weblabels import ZOOMS, _box, _overlap, label_zooms


def test_the_more_important_of_two_close_places_is_labelled_first():
    places = [("a", "Muse", (97.9, 23.99), 1.0), ("b", "Ruili", (97.85, 24.01), 5.0)]
    labels = {label["id"]: label for label in label_zooms(places)}
    assert labels["b"]["m"] & 2  # the more important one shows from the first zoom
    assert not labels["a"]["m"] & 2 and labels["a"]["m"] & (1 << 12)  # the other one when zoomed in
    assert labels["b"]["ll"] == [24.01, 97.85]  # folium order inside the page


def test_no_two_labels_overlap_at_any_zoom():
    places = [(f"p{i}", f"Place {i}", (100 + 0.3 * i, 20 + 0.2 * (i % 3)), float(i % 4)) for i in range(25)]
    labels = label_zooms(places)
    for zoom in ZOOMS:
        shown = [_box((lab["ll"][1], lab["ll"][0]), lab["t"], zoom) for lab in labels if lab["m"] >> zoom & 1]
        assert not any(_overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :])
    assert sum(lab["m"] >> 1 & 1 for lab in labels) < len(labels)  # the crowd cannot all show at world zoom


def test_labels_do_not_cover_other_symbols():
    places = [("a", "Hekou", (103.95, 22.5), 3.0)]
    hotspot = (104.1, 22.5)  # ~15 km east: right where the label would go at zoom 8
    mask = label_zooms(places, markers=[hotspot])[0]["m"]
    assert mask & 2 and not mask & (1 << 8)  # at world zoom the two symbols are one; at zoom 8 the label would cover it
    assert label_zooms(places)[0]["m"] & (1 << 8)
