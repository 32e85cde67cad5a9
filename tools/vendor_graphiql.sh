#!/usr/bin/env bash
# Re-vendor the GraphiQL browser assets into web/static/graphiql/ from the npm registry.
#
# Why vendored: the registry is used from closed office networks, so GET /graphql must not load
# anything from a CDN. We pin graphiql 3.x because it is the last major that ships a UMD build
# (global `GraphiQL`) usable from plain <script> tags; graphiql 4/5 are ESM-only and need a bundler.
# React 18 is the last React with UMD builds.
#
# Usage:
#   tools/vendor_graphiql.sh           # fetch pinned versions, overwrite the vendored files
#   tools/vendor_graphiql.sh --check   # fetch into a temp dir and diff against what is committed
#
# Needs: node + npm (any recent; tested with node 20 / npm 11) and access to the npm registry.
# Our own page script (registry-graphiql.js) lives in the same folder and is never touched here.
set -euo pipefail

GRAPHIQL_VERSION="3.9.0"
REACT_VERSION="18.3.1"
# graphiql's UMD bundle has graphql-js compiled in (it externalises only react/react-dom); 16.9.0 is
# the version string inside graphiql@3.9.0's bundle. Installed only to copy its license text.
GRAPHQL_VERSION="16.9.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/web/static/graphiql"
MODE="${1:-write}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Installing graphiql@$GRAPHIQL_VERSION react@$REACT_VERSION react-dom@$REACT_VERSION into $WORK" >&2
(
    cd "$WORK"
    echo '{"private": true}' > package.json
    npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
        "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" \
        "graphql@$GRAPHQL_VERSION" >&2
)

NM="$WORK/node_modules"
OUT="$WORK/out"
mkdir -p "$OUT"

# The only files the page loads. Copied byte-for-byte from the npm tarballs.
cp "$NM/graphiql/graphiql.min.js" "$OUT/graphiql.min.js"
cp "$NM/graphiql/graphiql.min.css" "$OUT/graphiql.min.css"
cp "$NM/react/umd/react.production.min.js" "$OUT/react.production.min.js"
cp "$NM/react-dom/umd/react-dom.production.min.js" "$OUT/react-dom.production.min.js"

# Sanity: the installed versions are the pinned ones and the UMD global is there.
node -e '
const [nm, g, r] = process.argv.slice(1);
const v = (n) => require(nm + "/" + n + "/package.json").version;
if (v("graphiql") !== g || v("react") !== r || v("react-dom") !== r) {
  console.error("version mismatch", v("graphiql"), v("react"), v("react-dom")); process.exit(1);
}
' "$NM" "$GRAPHIQL_VERSION" "$REACT_VERSION"
grep -q '\.GraphiQL=' "$OUT/graphiql.min.js" || { echo "graphiql.min.js is not the UMD build" >&2; exit 1; }

{
    echo "Vendored by tools/vendor_graphiql.sh from the npm registry. Do not edit by hand."
    echo
    echo "graphiql   $GRAPHIQL_VERSION   graphiql/graphiql.min.js, graphiql/graphiql.min.css (UMD, global GraphiQL)"
    echo "react      $REACT_VERSION   react/umd/react.production.min.js (global React)"
    echo "react-dom  $REACT_VERSION   react-dom/umd/react-dom.production.min.js (global ReactDOM)"
    echo "graphql    $GRAPHQL_VERSION   compiled into graphiql.min.js by the graphiql build (not a separate file)"
    echo
    echo "sha256:"
    (cd "$OUT" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js)
} > "$OUT/VERSIONS.txt"

# License texts: graphiql, react, react-dom, and every package of the installed tree (graphiql's
# bundle compiles in @graphiql/react, @graphiql/toolkit, codemirror, graphql, markdown-it, ... ; the
# tree is a superset of what is bundled).
node - "$NM" > "$OUT/LICENSES.txt" <<'EOF'
const fs = require("fs");
const path = require("path");
const nm = process.argv[2];
const pkgs = [];
function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (name.startsWith("@")) { walk(full); continue; }
    const pj = path.join(full, "package.json");
    if (!fs.existsSync(pj)) continue;
    pkgs.push(full);
    walk(path.join(full, "node_modules"));
  }
}
walk(nm);
const first = ["graphiql", "react", "react-dom", "graphql"];
const info = pkgs.map((dir) => {
  const j = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  return { dir, name: j.name, version: j.version, license: j.license || "UNKNOWN" };
});
const seen = new Set();
const rank = (p) => (first.includes(p.name) ? first.indexOf(p.name) : first.length);
info.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
const out = [];
out.push("Third-party licenses for the files in this folder (except registry-graphiql.js, which is ours).");
out.push("graphiql.min.js is a bundle; the packages below are graphiql's installed dependency tree, a");
out.push("superset of what the bundle contains.");
out.push("");
for (const p of info) {
  const key = p.name + "@" + p.version;
  if (seen.has(key)) continue;
  seen.add(key);
  out.push("=".repeat(78));
  out.push(key + "  (" + p.license + ")");
  out.push("=".repeat(78));
  const files = fs.readdirSync(p.dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort();
  if (files.length === 0) {
    out.push("License: " + p.license + " (declared in package.json; the package ships no license file).");
  }
  for (const f of files) out.push(fs.readFileSync(path.join(p.dir, f), "utf8").trimEnd());
  out.push("");
}
process.stdout.write(out.join("\n"));
EOF

FILES=(graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js VERSIONS.txt LICENSES.txt)
if [ "$MODE" = "--check" ]; then
    status=0
    for f in "${FILES[@]}"; do
        if ! cmp -s "$OUT/$f" "$DEST/$f"; then
            echo "differs: web/static/graphiql/$f" >&2
            status=1
        fi
    done
    [ $status -eq 0 ] && echo "vendored GraphiQL assets are up to date" >&2
    exit $status
fi

mkdir -p "$DEST"
for f in "${FILES[@]}"; do
    cp "$OUT/$f" "$DEST/$f"
done
echo "Wrote ${FILES[*]} to $DEST" >&2
