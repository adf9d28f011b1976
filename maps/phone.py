"""Phone-first controls for a Leaflet page: header, collapsible legend, big targets, my position.

At a phone viewport (390 x 844, touch) the page shows a compact header (title wrapped, the
audience stamp), the map, a legend folded behind a 44 px button, the layer list folded
behind Leaflet's toggle (enlarged to 44 px), zoom buttons of 44 px, and a "show my
position" button. Position comes from the browser's geolocation (GPS works with no
network); the panel gives the distance and bearing to the next site on the plan (great
circle on a sphere of radius 6371 km: within 0.5 % of the geodesic), and buttons to step
to the previous or next site.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template
from tipmap.maps.escape import text

TARGET_PX = 44  # the smallest tap target (WCAG 2.5.5, Apple HIG)

STAMPS = {
    "public": ("PUBLIC", "#2E7D32"),
    "internal": ("INTERNAL: for the team, not for publication", "#8A4B00"),
    "confidential": ("CONFIDENTIAL: do not share", "#B00020"),
}

HEADER_CSS = """
#tipmap-header { position: fixed; z-index: 1001; top: 0; left: 0; right: 0; background: rgba(255,255,255,.96);
  border-bottom: 1px solid #999; font: 14px/1.3 sans-serif; padding: 4px 8px; box-sizing: border-box; }
#tipmap-header h1 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
#tipmap-stamp { display: inline-block; color: #fff; font: bold 12px/1.6 sans-serif; padding: 0 6px; border-radius: 3px; }
.folium-map { top: var(--tipmap-head, 64px) !important; height: auto !important; bottom: 0 !important;
  position: absolute !important; }
"""

CSS = f"""
html, body {{ margin: 0; padding: 0; }}
.leaflet-touch .leaflet-bar a, .leaflet-touch .leaflet-control-zoom a {{ width: {TARGET_PX}px; height: {TARGET_PX}px;
  line-height: {TARGET_PX}px; font-size: 22px; }}
.leaflet-touch .leaflet-control-layers-toggle {{ width: {TARGET_PX}px; height: {TARGET_PX}px; }}
.leaflet-control-layers label {{ min-height: {TARGET_PX}px; display: flex; align-items: center; font-size: 14px; }}
.leaflet-control-layers-selector {{ width: 22px; height: 22px; }}
#tipmap-legend {{ position: fixed; z-index: 1000; left: 8px; bottom: 52px; max-width: min(360px, 80vw);
  background: rgba(255,255,255,.96); border: 1px solid #888; border-radius: 6px; font: 13px/1.4 sans-serif; }}
#tipmap-legend summary {{ min-height: {TARGET_PX}px; min-width: {TARGET_PX}px; display: flex; align-items: center;
  padding: 0 12px; cursor: pointer; font-weight: bold; list-style: none; }}
#tipmap-legend summary::-webkit-details-marker {{ display: none; }}
#tipmap-legend summary::before {{ content: "\\25B8"; margin-right: 6px; }}
#tipmap-legend[open] summary::before {{ content: "\\25BE"; }}
.tipmap-key.tipmap-folded {{ max-height: {TARGET_PX}px !important; overflow: hidden !important; cursor: pointer; }}
#tipmap-legend .body {{ padding: 0 10px 8px; max-height: 45vh; overflow: auto; }}
.tipmap-locate a {{ width: {TARGET_PX}px !important; height: {TARGET_PX}px !important; line-height: {TARGET_PX}px !important;
  font-size: 24px !important; background: #fff; }}
#tipmap-position {{ position: fixed; z-index: 1002; left: 8px; right: 64px; top: calc(var(--tipmap-head, 0px) + 8px);
  background: rgba(255,255,255,.97); border: 1px solid #888; border-radius: 6px; font: 14px/1.35 sans-serif;
  padding: 6px 8px; display: none; }}
#tipmap-position button {{ min-width: {TARGET_PX}px; min-height: {TARGET_PX}px; font-size: 18px; margin-right: 6px; }}
#tipmap-position .next {{ font-weight: bold; }}
.leaflet-control-attribution {{ font-size: 9px !important; max-width: 55vw; }}
"""

SCRIPT = """
(function (map, sites, fit) {
  var head = document.getElementById('tipmap-header');
  function fitHead() {
    document.documentElement.style.setProperty('--tipmap-head', head.offsetHeight + 'px');
    map.invalidateSize();
  }
  if (head) { fitHead(); window.addEventListener('resize', fitHead); }
  var legend = document.getElementById('tipmap-legend');
  if (legend && legend.tagName !== 'DETAILS') {  // a legend box of another page: fold it the same way
    var folded = document.createElement('details'), summary = document.createElement('summary'),
        inner = document.createElement('div');
    folded.id = 'tipmap-legend'; folded.open = true; summary.textContent = 'Legend'; inner.className = 'body';
    while (legend.firstChild) inner.appendChild(legend.firstChild);
    folded.appendChild(summary); folded.appendChild(inner); legend.replaceWith(folded); legend = folded;
  }
  if (legend && window.innerWidth < 700) legend.removeAttribute('open');
  document.querySelectorAll('.tipmap-key').forEach(function (key) {  // the keys of --data layers: a tap unfolds
    if (window.innerWidth < 700) key.classList.add('tipmap-folded');
    key.addEventListener('click', function () { key.classList.toggle('tipmap-folded'); });
  });
  if (fit && window.innerWidth < 700) map.fitBounds(fit, {padding: [16, 16]});  // no room kept for a folded legend
  var list = document.querySelector('.leaflet-control-layers-expanded');
  if (list && window.innerWidth < 700) {  // an always-open layer list: fold it behind its toggle on phones
    list.classList.remove('leaflet-control-layers-expanded');
    list.querySelector('.leaflet-control-layers-toggle').addEventListener('click', function (e) {
      e.preventDefault(); list.classList.add('leaflet-control-layers-expanded');
    });
    map.on('click', function () { list.classList.remove('leaflet-control-layers-expanded'); });
  }
  var panel = document.getElementById('tipmap-position'), line = panel.querySelector('.where'),
      next = panel.querySelector('.next'), target = 0, here = null, dot = null, ring = null;
  var R = 6371.0088, rad = Math.PI / 180, names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  function toSite(lat, lon, s) {
    var p1 = lat * rad, p2 = s[2] * rad, dl = (s[3] - lon) * rad;
    var a = Math.sin((p2 - p1) / 2) * Math.sin((p2 - p1) / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    var km = 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
    var y = Math.sin(dl) * Math.cos(p2), x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
    var deg = (Math.atan2(y, x) / rad + 360) % 360;
    return {km: km, deg: deg, name: names[Math.floor((deg + 22.5) / 45) % 8]};
  }
  function show() {
    if (!sites.length) { next.textContent = ''; return; }
    var s = sites[target];
    if (!here) { next.textContent = 'Next: ' + s[0] + '. ' + s[1] + ' (waiting for your position)'; return; }
    var t = toSite(here.lat, here.lng, s);
    var dist = t.km < 1 ? Math.round(t.km * 1000) + ' m' : t.km.toFixed(1) + ' km';
    next.textContent = 'Next: ' + s[0] + '. ' + s[1] + ': ' + dist + ', bearing ' + Math.round(t.deg) + '\\u00B0 ' + t.name;
    next.setAttribute('data-km', t.km.toFixed(3)); next.setAttribute('data-bearing', t.deg.toFixed(1));
  }
  panel.querySelector('.prev-site').addEventListener('click', function () {
    target = (target + sites.length - 1) % Math.max(sites.length, 1); show();
  });
  panel.querySelector('.next-site').addEventListener('click', function () {
    target = (target + 1) % Math.max(sites.length, 1); show();
  });
  panel.querySelector('.close-panel').addEventListener('click', function () { panel.style.display = 'none'; });
  function located(pos) {
    here = L.latLng(pos.coords.latitude, pos.coords.longitude);
    var acc = Math.round(pos.coords.accuracy || 0);
    line.textContent = 'You are at ' + here.lat.toFixed(5) + ', ' + here.lng.toFixed(5) + ' (\\u00B1' + acc + ' m)';
    if (!dot) {
      ring = L.circle(here, {radius: acc, color: '#1565C0', weight: 1, fillOpacity: 0.1, interactive: false}).addTo(map);
      dot = L.circleMarker(here, {radius: 8, color: '#fff', weight: 3, fillColor: '#1565C0', fillOpacity: 1}).addTo(map);
      map.setView(here, Math.max(map.getZoom(), 12));
    } else { dot.setLatLng(here); ring.setLatLng(here).setRadius(acc); }
    show();
  }
  function failed(err) { line.textContent = 'No position: ' + err.message; }
  var Locate = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = L.DomUtil.create('div', 'leaflet-bar tipmap-locate'), a = L.DomUtil.create('a', '', box);
      a.href = '#'; a.id = 'tipmap-locate'; a.title = 'Show my position'; a.setAttribute('role', 'button');
      a.setAttribute('aria-label', 'Show my position'); a.innerHTML = '&#9678;';
      L.DomEvent.on(a, 'click', function (e) {
        L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
        panel.style.display = 'block'; show();
        if (!navigator.geolocation) { line.textContent = 'This browser gives no position.'; return; }
        line.textContent = 'Finding your position\\u2026';
        navigator.geolocation.watchPosition(located, failed, {enableHighAccuracy: true, maximumAge: 10000});
      });
      return box;
    }
  });
  map.addControl(new Locate());
})(__MAP__, __SITES__, __FIT__);
"""


def header_html(title: str, audience: str, detail: str = "") -> str:
    """The page's header: the title (wraps, never runs off) and the audience stamp."""
    label, colour = STAMPS.get(audience, STAMPS["internal"])
    more = f" <span style='color:#444'>{text(detail)}</span>" if detail else ""
    return (
        f'<div id="tipmap-header"><h1>{text(title)}</h1>'
        f'<span id="tipmap-stamp" style="background:{colour}">{text(label)}</span>{more}</div>'
    )


def legend_html(body_html: str, *, summary: str = "Legend") -> str:
    """A collapsible legend (open on wide screens, folded on phones); ``body_html`` is escaped already."""
    return f'<details id="tipmap-legend" open><summary>{text(summary)}</summary><div class="body">{body_html}</div></details>'


POSITION_PANEL = (
    '<div id="tipmap-position" role="status"><div class="where">Position not asked yet</div>'
    '<div class="next"></div><div><button class="prev-site" aria-label="Previous site">&#9664;</button>'
    '<button class="next-site" aria-label="Next site">&#9654;</button>'
    '<button class="close-panel" aria-label="Close">&#10005;</button></div></div>'
)


class PhoneControls(MacroElement):
    """Header, stamp, collapsible legend, 44 px targets and the position control of a map.

    ``sites`` are (visit, name, lat, lon) in visiting order; ``fit`` (W, S, E, N) is the box
    a phone opens on (desktop padding for an open legend would leave no map). With no ``title`` the page keeps
    its own title box; with no ``legend_body`` the page's own ``#tipmap-legend`` is folded.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=5.0">
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}{{ this.body }}{% endmacro %}
        {% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        title: str | None,
        audience: str,
        legend_body: str | None = None,
        sites: list[tuple] = (),
        detail: str = "",
        fit: tuple[float, float, float, float] | None = None,
    ) -> None:
        super().__init__()
        self._name = "PhoneControls"
        self.css = CSS + (HEADER_CSS if title is not None else "")
        head = header_html(title, audience, detail) if title is not None else ""
        self.body = head + (legend_html(legend_body) if legend_body is not None else "") + POSITION_PANEL
        self.sites = json.dumps([list(s) for s in sites], ensure_ascii=False).replace("</", "<\\/")
        self.fit = json.dumps([[fit[1], fit[0]], [fit[3], fit[2]]] if fit else None)

    def render(self, **kwargs):
        """Add the header and legend to the page body and the script to the map's script."""
        from branca.element import Element

        root = self.get_root()
        root.header.add_child(Element(self._template.module.header(self, kwargs)), name="tipmap_phone_head")
        root.html.add_child(Element(self.body), name="tipmap_phone_body")
        code = SCRIPT.replace("__MAP__", self._parent.get_name()).replace("__SITES__", self.sites).replace("__FIT__", self.fit)
        root.script.add_child(Element(code), name="tipmap_phone_script")
