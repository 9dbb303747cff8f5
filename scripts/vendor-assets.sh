#!/usr/bin/env bash
# Re-create rasad/web/static/vendor/ from the npm registry.
#
# Rasad must run with no network access, so every browser asset is kept in
# the repository. This script is for maintainers who want to upgrade one of
# them: change a version below, run the script, look at the diff, and test the
# pages. CI never runs it.
#
# Needs: bash, npm (and therefore node), tar.
# Usage: scripts/vendor-assets.sh            (from anywhere inside the repo)
set -euo pipefail

# ---- pinned versions -------------------------------------------------------
BOOTSTRAP_VERSION=5.3.9
HTMX_VERSION=2.0.11            # stay on htmx 2.x; htmx 4 is a different API
ECHARTS_VERSION=6.1.0
LEAFLET_VERSION=1.9.4
MARKERCLUSTER_VERSION=1.5.3     # Leaflet.markercluster: the command view's clusters of field posts
VAZIRMATN_VERSION=33.0.3
JALALIDATEPICKER_VERSION=0.9.12
BOOTSTRAP_ICONS_VERSION=1.13.2
# Vazirmatn weights to ship (file stem -> CSS font-weight)
VAZIRMATN_WEIGHTS=("Light:300" "Regular:400" "Medium:500" "Bold:700")
# -----------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/rasad/web/static/vendor"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rasad-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# fetch SPEC -> prints the directory holding the unpacked package
fetch() {
    local spec="$1" dir tgz
    dir="$WORK/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -n1)"
    tar -xzf "$dir/$tgz" -C "$dir"
    echo "$dir/package"
}

# strip_sourcemap FILE: drop "sourceMappingURL" comments (we do not ship the
# .map files, and browsers/Django's manifest storage would go looking for them)
strip_sourcemap() {
    sed -i -e '/^\/\/# sourceMappingURL=/d' \
           -e '/^\/\*# sourceMappingURL=.*\*\/$/d' "$1"
}

# check_license PKGDIR EXPECTED: stop if upstream changed its licence
check_license() {
    local got
    got="$(node -p "require('$1/package.json').license")"
    if [ "$got" != "$2" ]; then
        echo "ERROR: $1 now declares licence '$got' (expected '$2'); review before vendoring" >&2
        exit 1
    fi
}

rm -rf "$DEST"
mkdir -p "$DEST"

echo "bootstrap $BOOTSTRAP_VERSION"
P="$(fetch "bootstrap@$BOOTSTRAP_VERSION")"
check_license "$P" MIT
D="$DEST/bootstrap"; mkdir -p "$D/css" "$D/js"
cp "$P/dist/css/bootstrap.rtl.min.css" "$P/dist/css/bootstrap.min.css" "$D/css/"
cp "$P/dist/js/bootstrap.bundle.min.js" "$D/js/"
cp "$P/LICENSE" "$D/LICENSE"

echo "htmx.org $HTMX_VERSION"
P="$(fetch "htmx.org@$HTMX_VERSION")"
check_license "$P" 0BSD
D="$DEST/htmx"; mkdir -p "$D"
cp "$P/dist/htmx.min.js" "$P/LICENSE" "$D/"

echo "echarts $ECHARTS_VERSION"
P="$(fetch "echarts@$ECHARTS_VERSION")"
check_license "$P" Apache-2.0
D="$DEST/echarts"; mkdir -p "$D"
cp "$P/dist/echarts.min.js" "$P/LICENSE" "$D/"
if [ -f "$P/NOTICE" ]; then cp "$P/NOTICE" "$D/"; fi

echo "leaflet $LEAFLET_VERSION"
P="$(fetch "leaflet@$LEAFLET_VERSION")"
check_license "$P" BSD-2-Clause
D="$DEST/leaflet"; mkdir -p "$D/images"
cp "$P/dist/leaflet.js" "$P/dist/leaflet.css" "$P/LICENSE" "$D/"
cp "$P/dist/images/"* "$D/images/"

echo "leaflet.markercluster $MARKERCLUSTER_VERSION"
P="$(fetch "leaflet.markercluster@$MARKERCLUSTER_VERSION")"
check_license "$P" MIT
D="$DEST/leaflet.markercluster"; mkdir -p "$D"
# The plugin's own layout and animation rules only: the cluster icons are styled by the page
# (MarkerCluster.Default.css sets a Latin font and fixed colours; Rasad colours by status).
cp "$P/dist/leaflet.markercluster.js" "$P/dist/MarkerCluster.css" "$P/MIT-LICENCE.txt" "$D/"

echo "vazirmatn $VAZIRMATN_VERSION"
P="$(fetch "vazirmatn@$VAZIRMATN_VERSION")"
check_license "$P" OFL
D="$DEST/vazirmatn"; mkdir -p "$D/fonts"
cp "$P/OFL.txt" "$D/OFL.txt"
{
    echo "/* Vazirmatn $VAZIRMATN_VERSION (SIL Open Font License 1.1, see OFL.txt)."
    echo "   Subset of upstream Vazirmatn-font-face.css: only the weights vendored"
    echo "   by scripts/vendor-assets.sh, with paths relative to this file. */"
    for entry in "${VAZIRMATN_WEIGHTS[@]}"; do
        stem="${entry%%:*}"; weight="${entry##*:}"
        cp "$P/fonts/webfonts/Vazirmatn-$stem.woff2" "$D/fonts/"
        cat <<EOF
@font-face {
  font-family: Vazirmatn;
  src: url('fonts/Vazirmatn-$stem.woff2') format('woff2');
  font-weight: $weight;
  font-style: normal;
  font-display: swap;
}
EOF
    done
} > "$D/vazirmatn.css"

echo "@majidh1/jalalidatepicker $JALALIDATEPICKER_VERSION"
P="$(fetch "@majidh1/jalalidatepicker@$JALALIDATEPICKER_VERSION")"
check_license "$P" MIT
D="$DEST/jalalidatepicker"; mkdir -p "$D"
cp "$P/dist/jalalidatepicker.min.js" "$P/dist/jalalidatepicker.min.css" "$D/"
if [ -f "$P/LICENSE" ]; then
    cp "$P/LICENSE" "$D/LICENSE"
else
    lic="$(node -p "require('$P/package.json').license")"
    printf 'The @majidh1/jalalidatepicker package ships no LICENSE file.\nIts package.json declares the licence: %s\n' "$lic" > "$D/LICENSE.txt"
fi

echo "bootstrap-icons $BOOTSTRAP_ICONS_VERSION"
P="$(fetch "bootstrap-icons@$BOOTSTRAP_ICONS_VERSION")"
check_license "$P" MIT
D="$DEST/bootstrap-icons"; mkdir -p "$D/fonts"
# The CSS refers to "fonts/bootstrap-icons.woff2?..." relative to itself, so
# keeping fonts/ next to the CSS means no path rewriting is needed.
cp "$P/font/bootstrap-icons.min.css" "$D/"
cp "$P/font/fonts/bootstrap-icons.woff2" "$P/font/fonts/bootstrap-icons.woff" "$D/fonts/"
cp "$P/LICENSE" "$D/LICENSE"

# Drop source-map references everywhere.
find "$DEST" -type f \( -name '*.js' -o -name '*.css' \) -print0 |
    while IFS= read -r -d '' f; do strip_sourcemap "$f"; done

# Offline check: no stylesheet may load anything from the network.
# (xmlns='http://www.w3.org/2000/svg' inside data: URIs is only a namespace.)
bad="$(grep -noE "url\(['\"]?(https?:)?//[^)]*\)|@import" -r "$DEST" --include='*.css' || true)"
if [ -n "$bad" ]; then
    echo "ERROR: vendored CSS references external resources:" >&2
    echo "$bad" >&2
    exit 1
fi

# VERSIONS.json: name -> {version, license, files}
export DEST BOOTSTRAP_VERSION HTMX_VERSION ECHARTS_VERSION LEAFLET_VERSION MARKERCLUSTER_VERSION \
    VAZIRMATN_VERSION JALALIDATEPICKER_VERSION BOOTSTRAP_ICONS_VERSION
node - <<'EOF'
const fs = require('fs');
const path = require('path');
const dest = process.env.DEST;
const pkgs = [
  ['bootstrap', 'bootstrap', process.env.BOOTSTRAP_VERSION, 'MIT'],
  ['htmx', 'htmx.org', process.env.HTMX_VERSION, '0BSD'],
  ['echarts', 'echarts', process.env.ECHARTS_VERSION, 'Apache-2.0'],
  ['leaflet', 'leaflet', process.env.LEAFLET_VERSION, 'BSD-2-Clause'],
  ['leaflet.markercluster', 'leaflet.markercluster', process.env.MARKERCLUSTER_VERSION, 'MIT'],
  ['vazirmatn', 'vazirmatn', process.env.VAZIRMATN_VERSION, 'OFL-1.1'],
  ['jalalidatepicker', '@majidh1/jalalidatepicker', process.env.JALALIDATEPICKER_VERSION, 'MIT'],
  ['bootstrap-icons', 'bootstrap-icons', process.env.BOOTSTRAP_ICONS_VERSION, 'MIT'],
];
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
const out = {};
for (const [dir, npmName, version, license] of pkgs) {
  out[dir] = {
    npm: npmName,
    version,
    license,
    files: walk(path.join(dest, dir)).map((f) => path.relative(dest, f)).sort(),
  };
}
fs.writeFileSync(path.join(dest, 'VERSIONS.json'), JSON.stringify(out, null, 2) + '\n');
EOF

echo "done: $(du -sh "$DEST" | cut -f1) in $DEST"
