#!/usr/bin/env bash
# The training run of the profile-guided build (docs/performance.md, "The
# profile-guided build"). Usage: pgo-train.sh BUILD
#
# Configures BUILD (already configured by `make`) instrumented, builds larch
# and the workload generator, runs them on a training workload into
# BUILD/pgo-profile, and configures BUILD to build from that profile. The
# training workloads use other seeds and sizes than the benchmarked ones
# (seed 1; N = 10, 100, 1,000, 10,000), so that the profile records the kind
# of work a decision does, not the requests that are measured.
set -euo pipefail
build=${1:?usage: pgo-train.sh BUILD}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
jobs=${JOBS:-$(nproc)}
profile=$build/pgo-profile
train=$build/pgo-train
log=$build/pgo-train.log

cmake -S "$root" -B "$build" -DLARCH_PGO=GENERATE >"$log" 2>&1 || { cat "$log"; exit 1; }
targets=(larch)
generator=$build/bench/larch_workload
if grep -q '^LARCH_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt"; then
  targets+=(larch_workload)
else
  generator=
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
rm -rf "$profile" "$train"
mkdir -p "$profile" "$train"
larch=$build/tools/larch/larch

{
  # The bundled examples: schemas, agent envelopes, revocations, records.
  dir=$root/stdlib-policies/agent-tools
  "$larch" eval --policies "$dir/policies.cedar" --schema "$dir/schema.cedarschema" \
    --entities "$dir/entities.json" < "$dir/requests.jsonl" >/dev/null || true
  fleet=$root/examples/coding-agent-fleet
  "$larch" eval --policies "$root/stdlib-policies/agents" --policies "$fleet/policies" \
    --schema "$fleet/schema.cedarschema" --entities "$fleet/entities.json" \
    --revocations "$fleet/revocations.json" < "$fleet/requests.jsonl" >/dev/null || true
  # Generated workloads: library calls (`larch bench`) and request lines
  # decoded, decided and printed (`larch eval`).
  if [ -n "$generator" ]; then
    for spec in agents:30 agents:300 agents:3000 gdrive github tinytodo; do
      scenario=${spec%%:*}
      args=(--scenario "$scenario" --seed 20261130 --requests 2000 --out "$train/${spec/:/-}")
      [ "$scenario" = agents ] && args+=(--policies "${spec#*:}") || args+=(--entities 20)
      "$generator" "${args[@]}"
      w=$train/${spec/:/-}
      "$larch" bench --policies "$w/policies.cedar" --entities "$w/entities.json" \
        --requests "$w/requests.jsonl" --passes 2
      "$larch" eval --format decision --policies "$w/policies.cedar" \
        --entities "$w/entities.json" < "$w/requests.jsonl" >/dev/null
    done
  fi
} >>"$log" 2>&1 || { echo "pgo-train.sh: the training run failed (see $log)" >&2; exit 1; }

cmake -S "$root" -B "$build" -DLARCH_PGO=USE >>"$log" 2>&1 || { cat "$log"; exit 1; }
touch "$profile/trained"
echo "pgo-train.sh: profile of $(ls "$profile" | grep -c '\.gcda$') sources in $profile"
