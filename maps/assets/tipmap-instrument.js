/* tipmap instrument: year slider with play, in-page filters with live counts, flows
   clustered by zoom, labels by zoom, state in the URL fragment. Written for tipmap
   (MIT, same licence as tipmap). No network, no eval, no inline handlers: the page's
   Content-Security-Policy allows only hashed inline scripts.

   The period rule ("undated = UNDATED_FROM to the present") is applied in Python
   (tipmap.routes.period.span); every item arrives with its span [s, e] (null = open)
   and this file only compares intervals, exactly as tipmap.routes.period.overlaps. */
(function () {
  'use strict';

  /* leaflet.textpath measures its repeated pattern (an SVG text appended, measured, removed:
     a forced layout) for every line on every add, zoom and pan. The pattern is the same for
     every corridor: measure it once per text and attributes, then hand the plugin the text
     already repeated to the path's length (what it would have built). */
  if (L.Polyline.prototype.setText) {
    var textpath = L.Polyline.prototype.setText, patterns = {};
    L.Polyline.prototype.setText = function (text, options) {
      if (!text || !options || !options.repeat || !L.Browser.svg || !this._map) { return textpath.call(this, text, options); }
      var unit = text.replace(/ /g, '\u00A0'), attributes = options.attributes || {};
      var key = unit + JSON.stringify(attributes), svg = this._map._renderer._container;
      if (patterns[key] === undefined) {
        var probe = L.SVG.create('text');
        Object.keys(attributes).forEach(function (k) { probe.setAttribute(k, attributes[k]); });
        probe.appendChild(document.createTextNode(unit));
        svg.appendChild(probe);
        patterns[key] = probe.getComputedTextLength();
        svg.removeChild(probe);
      }
      var times = Math.ceil(this._path.getTotalLength() / patterns[key]);
      textpath.call(this, new Array(isNaN(times) ? 0 : times).join(unit), L.Util.extend({}, options, {repeat: false}));
      this._text = text;
      this._textOptions = options;
      return this;
    };
  }

  function overlaps(s, e, since, until) {
    if (since !== null && e !== null && e < since) { return false; }
    if (until !== null && s !== null && s > until) { return false; }
    return true;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var NUMBER = new Intl.NumberFormat('en');

  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }

  function readHash() {
    var state = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) { state[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1)); }
    });
    return state;
  }

  function Instrument(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.items = cfg.items.map(function (it) {
      return {it: it, layers: it.o.map(function (name) { return window[name]; }), group: window[cfg.groupVars[it.g]], shown: true};
    });
    this.groups = {};
    var self = this;
    Object.keys(cfg.groups).forEach(function (label) { self.groups[label] = window[cfg.groups[label]]; });
    this.state = {since: cfg.years[0], until: cfg.years[1], types: cfg.types.map(function (t) { return t[0]; }),
                  country: '', role: 'any', mode: 'gross', hidden: null};
    this.readState();
    this.buildPanel();
    this.buildFlows();
    this.buildLabels();
    map.on('overlayadd overlayremove', function () { self.apply(); });
    map.on('zoomend', function () { self.showBand(); self.showLabels(); });
    this.applyHidden();
    this.apply();
    performance.mark('tipmap-ready');
  }

  Instrument.prototype.readState = function () {
    var h = readHash(), s = this.state, y = this.cfg.years;
    if (h.since && !isNaN(+h.since)) { s.since = Math.max(y[0], Math.min(y[1], +h.since)); }
    if (h.until && !isNaN(+h.until)) { s.until = Math.max(s.since, Math.min(y[1], +h.until)); }
    if (h.types !== undefined) { s.types = h.types ? h.types.split(',') : []; }
    if (h.country) { s.country = h.country; }
    if (h.role) { s.role = h.role; }
    if (h.mode === 'net') { s.mode = 'net'; }
    if (h.hide !== undefined) { s.hidden = h.hide ? h.hide.split('|') : []; }
  };

  Instrument.prototype.writeState = function () {
    var s = this.state, y = this.cfg.years, parts = [];
    if (s.since !== y[0]) { parts.push('since=' + s.since); }
    if (s.until !== y[1]) { parts.push('until=' + s.until); }
    if (s.types.length !== this.cfg.types.length) { parts.push('types=' + s.types.join(',')); }
    if (s.country) { parts.push('country=' + s.country, 'role=' + s.role); }
    if (s.mode === 'net') { parts.push('mode=net'); }
    var hidden = Object.keys(this.groups).filter(function (g) { return !this.map.hasLayer(this.groups[g]); }, this);
    if (hidden.slice().sort().join('|') !== this.cfg.hiddenByDefault.slice().sort().join('|')) {
      parts.push('hide=' + encodeURIComponent(hidden.join('|')));
    }
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash !== location.hash && !(hash === '' && location.hash === '')) {
      history.replaceState(null, '', hash || location.pathname + location.search);
    }
  };

  Instrument.prototype.applyHidden = function () {
    var hidden = this.state.hidden || this.cfg.hiddenByDefault;
    Object.keys(this.groups).forEach(function (g) {
      if (hidden.indexOf(g) >= 0) { this.map.removeLayer(this.groups[g]); } else if (!this.map.hasLayer(this.groups[g])) { this.map.addLayer(this.groups[g]); }
    }, this);
  };

  Instrument.prototype.typeOk = function (types) {
    if (this.state.types.length === this.cfg.types.length) { return true; }
    return types.some(function (t) { return this.state.types.indexOf(t) >= 0; }, this);
  };

  Instrument.prototype.countryOk = function (roles) {
    var c = this.state.country;
    if (!c) { return true; }
    var r = roles[c];
    return r !== undefined && (this.state.role === 'any' || r.indexOf(this.state.role) >= 0);
  };

  /* One pass over the items, mirroring tipmap.routes.select: corridors by period, type
     and country; hotspots by period and type, and by country or lying on a kept corridor;
     support points by country or on a kept corridor; places when a kept corridor uses them. */
  Instrument.prototype.visibility = function (types) {
    var s = this.state, onRoute = {}, keep = [], counts = {}, self = this;
    var when = function (it) { return overlaps(it.s, it.e, s.since, s.until); };
    var saved = s.types;
    if (types) { s.types = types; }
    this.items.forEach(function (x, i) {
      var it = x.it;
      if (it.k === 'corridor') {
        keep[i] = when(it) && self.typeOk(it.x) && self.countryOk(it.c);
        if (keep[i]) { it.w.forEach(function (p) { onRoute[p] = true; }); }
      }
    });
    this.items.forEach(function (x, i) {
      var it = x.it, inCountry = !s.country || it.c === s.country;
      if (it.k === 'hotspot') {
        keep[i] = when(it) && self.typeOk(it.x) && (inCountry || (s.role === 'any' && !!onRoute[it.p]));
      } else if (it.k === 'support') {
        keep[i] = inCountry || (s.role === 'any' && !!onRoute[it.p]);
      } else if (it.k === 'place') {
        keep[i] = it.w.some(function (id) { return self.keptCorridor[id]; });
      } else if (it.k === 'flow') {
        keep[i] = when(it) && self.typeOk(it.x) && self.countryOk(it.c);
      }
    });
    s.types = saved;
    return keep;
  };

  Instrument.prototype.apply = function () {
    var t0 = performance.now(), self = this;
    this.keptCorridor = {};
    var keep = this.visibility();
    this.items.forEach(function (x, i) { if (x.it.k === 'corridor' && keep[i]) { self.keptCorridor[x.it.id] = true; } });
    keep = this.visibility();
    var perGroup = {}, heat = [];
    this.items.forEach(function (x, i) {
      var on = !!keep[i];
      if (on !== x.shown) {
        x.layers.forEach(function (layer) { if (on) { x.group.addLayer(layer); } else { x.group.removeLayer(layer); } });
        x.shown = on;
      }
      if (on) {
        perGroup[self.cfg.groupVars[x.it.g]] = (perGroup[self.cfg.groupVars[x.it.g]] || 0) + 1;
        if (x.it.h) { heat.push(x.it.h); }
      }
    });
    this.flowOn = {};
    this.items.forEach(function (x, i) { if (x.it.k === 'flow' && keep[i]) { self.flowOn[x.it.n] = true; } });
    var heatKey = heat.length + ':' + heat.map(function (h) { return h[0] + ',' + h[1]; }).join(';');
    if (this.cfg.heat && window[this.cfg.heat] && heatKey !== this.heatKey) {
      if (this.heatKey !== undefined) { window[this.cfg.heat].setLatLngs(heat); }  // first pass: all drawn already
      this.heatKey = heatKey;
    }
    this.updateCounts(perGroup);
    this.drawBands();
    this.visiblePlaces = {};
    this.items.forEach(function (x) { if (x.it.k === 'place' && x.shown) { self.visiblePlaces[x.it.id] = true; } });
    this.showLabels();
    this.writeState();
    this.lastApplyMs = performance.now() - t0;
    document.documentElement.setAttribute('data-tipmap-drawn', String(++this.draws));
  };
  Instrument.prototype.draws = 0;

  Instrument.prototype.updateCounts = function (perGroup) {
    var self = this;
    this.cfg.types.forEach(function (t) {
      var only = self.visibility([t[0]]), n = 0;
      self.items.forEach(function (x, i) { if (only[i] && x.it.x && x.it.x.indexOf(t[0]) >= 0 && x.it.k !== 'place') { n++; } });
      var span = document.getElementById('tipmap-count-' + t[0]);
      if (span) { setText(span, ' (' + n + ')'); }
    });
    document.querySelectorAll('.leaflet-control-layers-overlays label').forEach(function (label) {
      var name = label.querySelector('span > span, span').textContent.replace(/ \(\d+\)$/, '').trim();
      var group = self.cfg.groups[name], counter = label.querySelector('.tipmap-count');
      if (!group || self.cfg.uncounted.indexOf(name) >= 0) { return; }
      if (!counter) { counter = el('span', {'class': 'tipmap-count'}); label.querySelector('span').appendChild(counter); }
      setText(counter, ' (' + (perGroup[group] || 0) + ')');
    });
  };

  Instrument.prototype.buildPanel = function () {
    var cfg = this.cfg, s = this.state, self = this;
    var panel = el('div', {id: 'tipmap-instrument', 'class': 'tipmap-box'});
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var details = el('details', {});
    details.open = window.innerWidth >= 700;  // folded on phones: the map comes first
    details.appendChild(el('summary', {}, 'Filters'));
    var years = el('div', {'class': 'tipmap-years'});
    this.yearText = el('b', {id: 'tipmap-year-text'});
    this.since = el('input', {type: 'range', id: 'tipmap-since', min: cfg.years[0], max: cfg.years[1], step: 1, value: s.since, 'aria-label': 'From year'});
    this.until = el('input', {type: 'range', id: 'tipmap-until', min: cfg.years[0], max: cfg.years[1], step: 1, value: s.until, 'aria-label': 'To year'});
    this.play = el('button', {type: 'button', id: 'tipmap-play', title: 'Step through the years'}, '\u25B6 Play');
    years.append(el('span', {}, 'Years '), this.yearText, el('br'), this.since, el('br'), this.until, el('br'), this.play,
      el('small', {}, ' undated records count as ' + cfg.undatedFrom + '\u2013present'));
    details.appendChild(years);
    var types = el('div', {'class': 'tipmap-types'});
    cfg.types.forEach(function (t) {
      var box = el('input', {type: 'checkbox', value: t[0], id: 'tipmap-type-' + t[0]});
      box.checked = s.types.indexOf(t[0]) >= 0;
      var label = el('label', {'for': box.id});
      label.append(box, el('span', {'class': 'tipmap-swatch', style: 'background:' + t[2]}), ' ' + t[1], el('span', {id: 'tipmap-count-' + t[0]}));
      types.appendChild(label);
      box.addEventListener('change', function () {
        s.types = Array.prototype.filter.call(types.querySelectorAll('input'), function (b) { return b.checked; })
          .map(function (b) { return b.value; });
        self.apply();
      });
    });
    details.appendChild(types);
    var where = el('div', {});
    this.country = el('select', {id: 'tipmap-country', 'aria-label': 'Country'});
    this.country.appendChild(el('option', {value: ''}, 'All countries'));
    cfg.countries.forEach(function (c) { self.country.appendChild(el('option', {value: c[0]}, c[1] + ' (' + c[0] + ')')); });
    this.country.value = s.country;
    this.role = el('select', {id: 'tipmap-role', 'aria-label': 'Role'});
    ['any', 'source', 'transit', 'destination'].forEach(function (r) { self.role.appendChild(el('option', {value: r}, r === 'any' ? 'any role' : 'as ' + r)); });
    this.role.value = s.role;
    where.append(this.country, ' ', this.role);
    details.appendChild(where);
    if (cfg.flows) {
      var mode = el('label', {});
      this.net = el('input', {type: 'checkbox', id: 'tipmap-net'});
      this.net.checked = s.mode === 'net';
      mode.append(this.net, ' Net case flows (A\u2192B minus B\u2192A)');
      details.appendChild(mode);
      this.net.addEventListener('change', function () { s.mode = self.net.checked ? 'net' : 'gross'; self.apply(); });
    }
    if (cfg.full) {
      var all = el('button', {type: 'button', id: 'tipmap-show-all'}, 'Show all (' + cfg.outliers + ' far places)');
      all.addEventListener('click', function () { self.map.fitBounds(cfg.full); });
      details.appendChild(all);
    }
    panel.appendChild(details);
    this.map.getContainer().appendChild(panel);
    var onYears = function (which) {
      var a = +self.since.value, b = +self.until.value;
      if (a > b) { if (which === 'since') { self.until.value = b = a; } else { self.since.value = a = b; } }
      s.since = a; s.until = b; self.apply();
    };
    this.since.addEventListener('input', function () { onYears('since'); });
    this.until.addEventListener('input', function () { onYears('until'); });
    this.country.addEventListener('change', function () { s.country = self.country.value; self.apply(); });
    this.role.addEventListener('change', function () { s.role = self.role.value; self.apply(); });
    this.play.addEventListener('click', function () { self.togglePlay(); });
    var old = this.apply;
    this.apply = function () { setText(self.yearText, s.since === s.until ? String(s.since) : s.since + '\u2013' + s.until); old.call(self); };
  };

  /* Play: a window of the current width slides one year per step to the present. */
  Instrument.prototype.togglePlay = function () {
    var self = this, s = this.state, y = this.cfg.years;
    if (this.timer) { clearInterval(this.timer); this.timer = null; this.play.textContent = '\u25B6 Play'; return; }
    var width = Math.min(s.until - s.since, 4);
    s.since = s.until >= y[1] ? y[0] : s.since;
    s.until = s.since + width;
    this.play.textContent = '\u275A\u275A Pause';
    var step = function () {
      self.since.value = s.since; self.until.value = s.until; self.apply();
      if (s.until >= y[1]) { self.togglePlay(); return; }
      s.since += 1; s.until += 1;
    };
    step();
    this.timer = setInterval(step, 700);
  };

  Instrument.prototype.buildFlows = function () {
    var f = this.cfg.flows;
    if (!f) { return; }
    this.bandGroup = window[f.group];
    this.map.createPane('tipmapFlows').style.zIndex = 390;  // under the atlas's corridors and symbols
    this.bands = f.bands.map(function (band) {
      var layer = L.layerGroup();
      var markers = band.c.map(function (c) {
        return new L.CircleMarker(c.ll, {radius: 4, color: '#222', weight: 1, fillColor: '#fff', fillOpacity: 0.9, className: 'tipmap-cluster', pane: 'tipmapFlows'});
      });
      var lines = band.f.map(function (fl) {
        return new L.Polyline(fl[3], {color: fl[4], weight: 2, opacity: 0.6, className: 'tipmap-clusterflow', pane: 'tipmapFlows'});
      });
      return {z: band.z, c: band.c, f: band.f, layer: layer, markers: markers, lines: lines};
    });
    this.showBand();
  };

  Instrument.prototype.showBand = function () {
    if (!this.bands) { return; }
    var z = this.map.getZoom(), self = this;
    this.bands.forEach(function (b) {
      var on = z >= b.z[0] && z <= b.z[1];
      if (z < self.bands[0].z[0] && b === self.bands[0]) { on = true; }
      if (z > self.bands[self.bands.length - 1].z[1] && b === self.bands[self.bands.length - 1]) { on = true; }
      if (on && !self.bandGroup.hasLayer(b.layer)) { self.bandGroup.addLayer(b.layer); if (b.stale !== false) { self.drawBands(); } }
      if (!on && self.bandGroup.hasLayer(b.layer)) { self.bandGroup.removeLayer(b.layer); }
    });
    document.documentElement.setAttribute('data-tipmap-band', String(this.bands.filter(function (b) { return self.bandGroup.hasLayer(b.layer); }).length ? z : ''));
  };

  /* Re-sum each band's cluster flows over the case flows the filters keep. */
  Instrument.prototype.drawBands = function () {
    if (!this.bands || !this.flowOn) { return; }
    var on = this.flowOn, cases = this.cfg.flows.cases, net = this.state.mode === 'net';
    var label = this.cfg.flows.label, group = this.bandGroup;
    this.bands.forEach(function (b) {
      if (!group.hasLayer(b.layer)) { b.stale = true; return; }  // drawn when its zoom comes
      b.stale = false;
      var sums = b.f.map(function (fl) { return fl[2].reduce(function (t, i) { return t + (on[i] ? cases[i] : 0); }, 0); });
      var key = {}, totals = b.c.map(function () { return [0, 0]; });
      b.f.forEach(function (fl, i) { key[fl[0] + '>' + fl[1]] = i; totals[fl[0]][1] += sums[i]; totals[fl[1]][0] += sums[i]; });
      var values = sums.map(function (v, i) {
        if (!net) { return v; }
        var back = key[b.f[i][1] + '>' + b.f[i][0]];
        return Math.max(0, v - (back === undefined ? 0 : sums[back]));
      });
      var top = Math.max.apply(null, values.concat([1]));
      b.lines.forEach(function (line, i) {
        var from = b.c[b.f[i][0]].t, to = b.c[b.f[i][1]].t;
        var tip = from + ' \u2192 ' + to + ': ' + NUMBER.format(values[i]) + (net ? ' cases (net)' : ' cases') + ' \u00B7 ' + label;
        show(b.layer, line, values[i] > 0, {weight: 2 + 10 * Math.sqrt(values[i] / top), color: b.f[i][4]}, tip);
      });
      var topTotal = Math.max.apply(null, totals.map(function (t) { return t[0] + t[1]; }).concat([1]));
      b.markers.forEach(function (m, i) {
        var t = totals[i];
        var tip = b.c[i].t + ': ' + NUMBER.format(t[1]) + ' cases out, ' + NUMBER.format(t[0]) + ' in';
        show(b.layer, m, t[0] + t[1] > 0, {radius: 3 + 9 * Math.sqrt((t[0] + t[1]) / topTotal)}, tip);
      });
    });
  };

  /* Change a drawn flow or location only where its value changed (no DOM work otherwise). */
  function show(layer, feature, on, look, tip) {
    if (!on) { if (layer.hasLayer(feature)) { layer.removeLayer(feature); } return; }
    var key = JSON.stringify(look);
    if (feature.tipmapLook !== key) {
      if (look.radius !== undefined) { feature.setRadius(look.radius); } else { feature.setStyle(look); }
      feature.tipmapLook = key;
    }
    if (feature.tipmapTip !== tip) {
      if (feature.getTooltip()) { feature.setTooltipContent(tip); } else { feature.bindTooltip(tip); }
      feature.tipmapTip = tip;
    }
    if (!layer.hasLayer(feature)) { layer.addLayer(feature); }
  }

  Instrument.prototype.buildLabels = function () {
    var pane = this.map.createPane('tipmapLabels');
    pane.style.zIndex = 450;
    pane.style.pointerEvents = 'none';
    this.labels = this.cfg.labels.map(function (l) {
      return {l: l, marker: L.marker(l.ll, {pane: 'tipmapLabels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'tipmap-label', html: '', iconSize: null, iconAnchor: [-11, 8]})})};
    });
    this.labelLayer = L.layerGroup().addTo(this.map);
    this.labels.forEach(function (x) { x.marker.options.icon.options.html = ''; });
  };

  Instrument.prototype.showLabels = function () {
    if (!this.labels) { return; }
    var z = Math.min(Math.max(this.map.getZoom(), this.cfg.labelZooms[0]), this.cfg.labelZooms[1]), self = this;
    this.labels.forEach(function (x) {
      var on = ((x.l.m >> z) & 1) === 1 && !!(self.visiblePlaces || {})[x.l.id];
      var has = self.labelLayer.hasLayer(x.marker);
      if (on && !has) {
        self.labelLayer.addLayer(x.marker);
        x.marker.getElement().textContent = x.l.t;
      } else if (!on && has) { self.labelLayer.removeLayer(x.marker); }
    });
  };

  window.tipmapInstrument = function (map, cfg) { window.tipmapState = new Instrument(map, cfg); return window.tipmapState; };
}());
