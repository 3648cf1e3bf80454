#!/usr/bin/env bash
# Creates the project-local Python virtualenv <repo>/.venv (ignored by git) with the Jupyter pieces the
# kernel tests and the notebooks need, all from PyPI with pinned versions, then registers esdlab's
# TypeScript kernel into it (`esdlab install-kernel --sys-prefix`). Idempotent: an existing venv whose
# pins already match is reused; re-running only re-registers the kernel.
#
# Override the interpreter with ESDLAB_PYTHON=/path/to/python3 (default: python3 on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
venv="$repo/.venv"
py="${ESDLAB_PYTHON:-python3}"

# Pinned top-level packages. jupyterlab 4 needs jupyter_server >= 2.4; jupyterlab_widgets 3 provides
# the @jupyter-widgets/jupyterlab-manager labextension (IJupyterWidgetRegistry) the widgets need.
pins=(
  "jupyterlab==4.6.6"
  "jupyter_server==2.21.1"
  "jupyterlab_widgets==3.0.17"
  "jupyter_client==8.10.0"
  "nbclient==0.11.0"
  "nbformat==5.11.1"
)
stamp="$venv/.esdlab-pins"
want="$(printf '%s\n' "${pins[@]}")"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "[venv] $venv is up to date" >&2
else
  if [ ! -x "$venv/bin/python" ]; then
    echo "[venv] creating $venv with $($py --version 2>&1)" >&2
    "$py" -m venv "$venv"
  fi
  echo "[venv] installing ${pins[*]}" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
  printf '%s\n' "${pins[@]}" > "$stamp"
fi

# Register the kernel into the venv (kernels/esdlab/kernel.json under <venv>/share/jupyter).
if [ ! -f "$repo/dist/kernel/main.js" ]; then
  echo "[venv] dist/kernel/main.js missing: run 'npm run build' first" >&2
  exit 1
fi
VIRTUAL_ENV="$venv" node "$repo/bin/esdlab.js" install-kernel --sys-prefix --name esdlab
