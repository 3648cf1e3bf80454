#!/usr/bin/env bash
# Builds the spectrum kernels (native/spectrum.c) into assets/*.wasm with Debian's clang/lld.
# Needs clang-19 and lld-19 (`apt-get install -y clang-19 lld-19`; CLANG=/path/to/clang overrides).
# Only maintainers run this: the built .wasm files are committed, so `npm install` compiles nothing.
#   assets/esdlab-spectrum-simd.wasm   SIMD128 + threads (Node >= 20)
#   assets/esdlab-spectrum-fma.wasm    + relaxed SIMD (f64x2.relaxed_madd → FMA): Node >= 22, or
#                                      Node 20 with --experimental-wasm-relaxed-simd
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG="${CLANG:-clang-19}"
LD_DIR="$(dirname "$(command -v wasm-ld-19 || command -v wasm-ld)")"
common=(--target=wasm32 -O3 -nostdlib -ffreestanding -msimd128 -matomics -mbulk-memory
  -fno-builtin -Wall -Wextra -Wno-unused-parameter
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296
  -Wl,-z,stack-size=65536 -Wl,--export=__heap_base -Wl,--strip-all)
mkdir -p assets
# Every thread runs its own instance on one shared memory, and all instances start with the same
# stack pointer: the kernels must never use the linear-memory stack (no arrays or address-taken
# locals). Refuse to build if the compiler needed it.
if "$CLANG" "${common[@]/-Wl,*/}" -mrelaxed-simd -DUSE_FMA -S -o - native/spectrum.c 2>/dev/null | grep -q __stack_pointer; then
  echo "build-wasm: native/spectrum.c uses the linear-memory stack (unsafe with shared-memory threads)" >&2
  exit 1
fi
PATH="$LD_DIR:$PATH" "$CLANG" "${common[@]}" -o assets/esdlab-spectrum-simd.wasm native/spectrum.c
PATH="$LD_DIR:$PATH" "$CLANG" "${common[@]}" -mrelaxed-simd -DUSE_FMA -o assets/esdlab-spectrum-fma.wasm native/spectrum.c
ls -l assets/esdlab-spectrum-*.wasm
