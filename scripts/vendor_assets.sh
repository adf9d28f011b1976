#!/usr/bin/env bash
# Refresh maps/assets/ from the npm registry (run by hand; nothing is fetched at run time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
(cd "$tmp" && npm install --silent --no-audit --no-fund leaflet-textpath@1.2.3 leaflet.heat@0.2.0)
cp "$tmp/node_modules/leaflet-textpath/leaflet.textpath.js" "$here/maps/assets/"
cp "$tmp/node_modules/leaflet.heat/dist/leaflet-heat.js" "$here/maps/assets/"
cp "$tmp/node_modules/leaflet.heat/LICENSE" "$here/maps/assets/LICENSE.leaflet-heat"
rm -rf "$tmp"
