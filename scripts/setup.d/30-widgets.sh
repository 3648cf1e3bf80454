#!/usr/bin/env bash
# Builds esdlab's JupyterLab 4 widget extension (widgets/, npm only: esbuild + @jupyterlab/builder)
# and installs it as a prebuilt extension into the project venv's share/jupyter/labextensions
# (the venv is created by 10-venv.sh). Idempotent: rebuilds only when widgets/ or the esdlab sources
# it bundles changed since the last build.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
venv="$repo/.venv"
w="$repo/widgets"

if [ ! -d "$w/node_modules/@jupyterlab/builder" ] || [ "$w/package-lock.json" -nt "$w/node_modules/.package-lock.json" ]; then
  echo "[widgets] npm ci in widgets/" >&2
  (cd "$w" && npm ci --no-audit --no-fund --loglevel=error)
fi

stamp="$w/labextension/.esdlab-build-stamp"
newest_src="$(find "$w/src" "$w/package.json" "$w/build-lib.js" "$w/build-labextension.js" "$repo/src/core" "$repo/src/viz" -type f -newer "$stamp" 2>/dev/null | head -n 1 || true)"
if [ ! -f "$stamp" ] || [ -n "$newest_src" ]; then
  (cd "$w" && node build-lib.js && node build-labextension.js)
  touch "$stamp"
else
  echo "[widgets] labextension is up to date" >&2
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "[widgets] no $venv (run 10-venv.sh): built widgets/labextension but did not install it" >&2
  exit 0
fi
dest="$venv/share/jupyter/labextensions/esdlab-widgets"
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$w/labextension/." "$dest/"
rm -f "$dest/.esdlab-build-stamp"
cp "$repo/install.json" "$dest/install.json"
echo "[widgets] installed into $dest" >&2
