#!/usr/bin/env bash
# Builds the optional native Gram accelerator (native/gram_native.c) into
# assets/esdlab-gram-linux-x64-avx512.node with Debian's gcc and Node's own N-API headers.
# Only maintainers run this: the built file is committed, so `npm install` compiles nothing. The
# engine loads it only on Linux x86-64 when /proc/cpuinfo lists avx512f (and falls back to its
# WebAssembly Gram if loading fails, e.g. on an older glibc).
set -euo pipefail
cd "$(dirname "$0")/.."
CC="${CC:-gcc}"
NODE_INCLUDE="${NODE_INCLUDE:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node}"
mkdir -p assets
"$CC" -O3 -mavx512f -mfma -shared -fPIC -Wall -Wextra -Wno-unused-parameter \
  -I"$NODE_INCLUDE" -DNODE_GYP_MODULE_NAME=esdlab_gram \
  -Wl,--as-needed -Wl,-s -o assets/esdlab-gram-linux-x64-avx512.node native/gram_native.c -lpthread -lm
ls -l assets/esdlab-gram-linux-x64-avx512.node
