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

# run ALLOWED CMD...: runs a training step, its output to the log; an exit
# code other than 0 or ALLOWED stops the build (a request file may hold a
# request that cannot be read on purpose: `larch eval` then exits 1).
run() {
  local allowed=$1 rc=0
  shift
  "$@" >>"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != "$allowed" ]; then
    echo "pgo-train.sh: a training step failed (exit $rc; see $log): $*" >&2
    exit 1
  fi
}
# The bundled examples: schemas, agent envelopes, revocations, records.
dir=$root/stdlib-policies/agent-tools
run 1 sh -c '"$0" eval --policies "$1/policies.cedar" --schema "$1/schema.cedarschema" \
  --entities "$1/entities.json" < "$1/requests.jsonl" >/dev/null' "$larch" "$dir"
fleet=$root/examples/coding-agent-fleet
run 1 sh -c '"$0" eval --policies "$1/stdlib-policies/agents" --policies "$2/policies" \
  --schema "$2/schema.cedarschema" --entities "$2/entities.json" \
  --revocations "$2/revocations.json" < "$2/requests.jsonl" >/dev/null' "$larch" "$root" "$fleet"
# Generated workloads: library calls (`larch bench`) and request lines
# decoded, decided and printed (`larch eval`).
if [ -n "$generator" ]; then
  for spec in agents:30 agents:300 agents:3000 gdrive github tinytodo; do
    scenario=${spec%%:*}
    w=$train/${spec/:/-}
    args=(--scenario "$scenario" --seed 20261130 --requests 2000 --out "$w")
    if [ "$scenario" = agents ]; then args+=(--policies "${spec#*:}"); else args+=(--entities 20); fi
    run 0 "$generator" "${args[@]}"
    run 0 "$larch" bench --policies "$w/policies.cedar" --entities "$w/entities.json" \
      --requests "$w/requests.jsonl" --passes 2
    run 0 sh -c '"$0" eval --format decision --policies "$1/policies.cedar" \
      --entities "$1/entities.json" < "$1/requests.jsonl" >/dev/null' "$larch" "$w"
  done
fi

cmake -S "$root" -B "$build" -DLARCH_PGO=USE >>"$log" 2>&1 || { cat "$log"; exit 1; }
touch "$profile/trained"
echo "pgo-train.sh: profile of $(ls "$profile" | grep -c '\.gcda$') sources in $profile"
