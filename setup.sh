#!/usr/bin/env bash
# esdlab setup. `bash setup.sh` installs the package (npm ci + build). `bash setup.sh --test` also
# installs what the test suite needs (project-local Python virtualenv .venv with Jupyter, Debian's
# chromium for browser tests). Idempotent: re-running skips what is already there.
set -euo pipefail
cd "$(dirname "$0")"
want_test=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

echo "[setup] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
# Notebooks under the repo (e.g. notebooks/) resolve `import ... from 'esdlab'` through this link, at
# run time and in tslab's type check. npm install/ci removes it; every setup run recreates it.
ln -sfn .. node_modules/esdlab

if [ "$want_test" = 1 ]; then
  for step in scripts/setup.d/*.sh; do
    [ -e "$step" ] || continue
    echo "[setup] $step" >&2
    bash "$step"
  done
fi
echo "[setup] done" >&2
