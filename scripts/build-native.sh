#!/usr/bin/env bash
# Builds the optional native accelerator (native/gram_native.c) twice, into
# assets/esdlab-gram-linux-x64-avx512.node (AVX-512F) and assets/esdlab-gram-linux-x64-avx2.node
# (AVX2 + FMA), with Debian's gcc and Node's own N-API headers.
# Only maintainers run this: the built file is committed, so `npm install` compiles nothing. The
# engine loads the AVX-512 build when /proc/cpuinfo lists avx512f, else the AVX2 build when it lists
# avx2 and fma (and runs everything in WebAssembly if loading fails, e.g. on an older glibc).
set -euo pipefail
cd "$(dirname "$0")/.."
CC="${CC:-gcc}"
NODE_INCLUDE="${NODE_INCLUDE:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node}"
mkdir -p assets
build() { # $1: file suffix, then the instruction-set flags
  local out="assets/esdlab-gram-linux-x64-$1.node"; shift
  "$CC" -O3 "$@" -shared -fPIC -Wall -Wextra -Wno-unused-parameter \
    -I"$NODE_INCLUDE" -DNODE_GYP_MODULE_NAME=esdlab_gram \
    -Wl,--as-needed -Wl,-s -o "$out" native/gram_native.c -lpthread -lm
  ls -l "$out"
}
build avx512 -mavx512f -mfma
build avx2 -mavx2 -mfma
