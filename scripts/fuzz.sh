#!/usr/bin/env bash
# `make fuzz`: builds the parser fuzz target with clang, libFuzzer, ASan and
# UBSan, then fuzzes for a bounded time (first argument, seconds). Seeds come
# from the bundled policies and the golden tests; findings land in build-fuzz/.
set -euo pipefail
seconds=${1:-180}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLARCH_BUILD_FUZZ=ON \
  -DLARCH_BUILD_TESTS=OFF -DLARCH_BUILD_BENCH=OFF >"$build.log" 2>&1 || {
  cat "$build.log"; exit 1; }
cmake --build "$build" --target fuzz_parse -j "$(nproc)"

corpus="$build/corpus-parse"
mkdir -p "$corpus" "$build/artifacts"
find "$root/stdlib-policies" "$root/tests/golden" "$root/docs/examples" \
  -name '*.cedar' -exec cp -f {} "$corpus/" \; 2>/dev/null || true

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$build/tests/fuzz/fuzz_parse" "$corpus" \
  -dict="$root/tests/fuzz/cedar.dict" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/"
echo "fuzz: no crash, leak or hang in ${seconds}s"
