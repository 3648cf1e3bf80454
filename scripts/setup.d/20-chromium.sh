#!/usr/bin/env bash
# Installs Debian's chromium for esdlab's browser tests (test/browser*.test.ts, bench/refit).
# Idempotent: does nothing when a chromium binary is already on the machine. Never downloads a
# browser build of its own (playwright-core drives this system chromium via executablePath).
set -euo pipefail
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$b" ]; then echo "[20-chromium] found $b" >&2; exit 0; fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[20-chromium] no apt-get; install chromium yourself (browser tests will be skipped)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "[20-chromium] installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)" >&2
