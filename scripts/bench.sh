#!/usr/bin/env bash
# `make bench`: runs every Google Benchmark binary of the build.
set -euo pipefail
build=${1:-build}
for b in "$build"/bench/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_counters_tabular=true
done
