#!/usr/bin/env bash
# `make bench`: runs every Google Benchmark binary of the build (parse, load,
# eval), then the side-by-side comparison with Cedar (bench/peers/compare.sh)
# at small sizes. The comparison is skipped, with a note, when node/npm or the
# npm registry is unavailable.
#
#   scripts/bench.sh [BUILD]
#   BENCH_FILTER=regex       only the Google Benchmark cases matching it
#                            (default: everything up to 1,000 policies)
#   BENCH_MIN_TIME=seconds   per case (default 0.2)
#   BENCH_PEERS="gdrive:5 agents:100 ..."   workloads to compare with Cedar
#   BENCH_CPU=n              run everything pinned to CPU n (taskset): on a
#                            shared VM whose CPUs differ in speed, this keeps
#                            one run's figures comparable (docs/performance.md)
set -euo pipefail
if [ -n "${BENCH_CPU:-}" ] && [ -z "${LARCH_BENCH_PINNED:-}" ]; then
  command -v taskset >/dev/null || { echo "bench: BENCH_CPU needs taskset" >&2; exit 2; }
  LARCH_BENCH_PINNED=1 exec taskset -c "$BENCH_CPU" bash "$0" "$@"
fi
build=${1:-build}
filter=${BENCH_FILTER:-'^(BM_ParsePolicies/(100|1000)$|BM_Load[A-Za-z]*/(10|100|1000)$|BM_EvalPaper/|BM_EvalAgents[A-Za-z]*/(10|100|1000)/)'}
min_time=${BENCH_MIN_TIME:-0.2}
for b in "$build"/bench/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_counters_tabular=true --benchmark_filter="$filter" \
       --benchmark_min_time="$min_time"
done

echo "== peers: Larch and cedar-wasm on the same workloads"
read -r -a peers <<<"${BENCH_PEERS:-gdrive:5 github:5 tinytodo:5 agents:10 agents:100}"
set +e
bash "$(dirname "$0")/../bench/peers/compare.sh" --build "$build" --requests 500 "${peers[@]}"
rc=$?
set -e
if [ $rc -eq 3 ]; then
  echo "peers: skipped (cedar-wasm unavailable)"
  exit 0
fi
exit $rc
