#!/usr/bin/env bash
# Side-by-side benchmark: Larch and Cedar (npm @cedar-policy/cedar-wasm, the
# exact version pinned in scripts/cedar-wasm.sh) decide the same generated
# workloads; every decision must agree (decision, determining and erroring
# policies). Prints, per workload, Larch's library call (p50/p99, from
# `larch bench`), `larch eval` throughput (JSON lines in and out, CPU time),
# Cedar's time per decision, and the ratio.
#
#   bench/peers/compare.sh [--build DIR] [--out DIR] [--requests R] [--passes K]
#                          [WORKLOAD...]
#
# WORKLOAD is SCENARIO:SIZE (gdrive:5, github:50, tinytodo:20 = entities per
# type; agents:1000 = policies); default: every paper scenario at 5 and 50
# entities per type and agents at 10, 100, 1000.
# Exit codes: 0 all agree; 1 a disagreement or a failure; 3 Cedar could not be
# installed (no node/npm or no registry access: nothing compared).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=build
out=""
requests=1000
passes=3
workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --passes) passes=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) workloads+=("$1"); shift ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=(gdrive:5 gdrive:50 github:5 github:50 tinytodo:5 tinytodo:50 agents:10 agents:100 agents:1000)
build=$(cd "$build" && pwd)
out=${out:-$build/bench-peers}
larch=$build/tools/larch/larch
gen=$build/bench/larch_workload
for b in "$larch" "$gen"; do
  [ -x "$b" ] || { echo "compare: \`$b\` is not built" >&2; exit 1; }
done

set +e
bash "$root/scripts/cedar-wasm.sh" "$build/cedar-wasm"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "compare: cedar-wasm is not available (exit $rc); nothing compared" >&2
  exit $rc
fi
cedar_version=$(bash "$root/scripts/cedar-wasm.sh" --installed-version "$build/cedar-wasm")

# CPU seconds (user + system) of a command reading INPUT, best of 3.
cpu_best_of_3() {
  local input=$1 best="" t
  shift
  for _ in 1 2 3; do
    t=$( { TIMEFORMAT='%U %S'; time "$@" <"$input" >/dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
  done
  echo "$best"
}

status=0
printf 'Cedar: @cedar-policy/cedar-wasm %s (node %s); %s requests, %s passes; times per decision\n' \
  "$cedar_version" "$(node --version)" "$requests" "$passes"
printf '%-14s %9s %12s %12s %8s %14s %12s %12s %12s %10s %s\n' workload policies larch_p50 larch_p99 \
  timer eval_dec/s cedar_p50 cedar_p99 cedar_noent p50_ratio agreement
for w in "${workloads[@]}"; do
  scenario=${w%%:*}
  size=${w#*:}
  dir="$out/$scenario-$size"
  if [ "$scenario" = agents ]; then
    "$gen" --scenario agents --policies "$size" --requests "$requests" --seed 1 --out "$dir"
  else
    "$gen" --scenario "$scenario" --entities "$size" --requests "$requests" --seed 1 --out "$dir"
  fi
  args=(--policies "$dir/policies.cedar" --entities "$dir/entities.json")
  # The compact decision lines (not records): what cedar_bench.mjs compares.
  eval_args=(--format decision "${args[@]}")
  "$larch" eval "${eval_args[@]}" <"$dir/requests.jsonl" >"$dir/larch-decisions.jsonl"
  # Deciding time only: minus a run on no input (start-up and loading).
  # The requests repeated to about 200,000 lines, so the deciding time
  # (about 0.4 s) stands well above the CPU clock's granularity and above
  # the variation of the loading time it is taken from (0.7 s at 10,000
  # policies); 20,000 lines left +-25% on the rate.
  reps=$(( (200000 + requests - 1) / requests ))
  for _ in $(seq "$reps"); do cat "$dir/requests.jsonl"; done >"$dir/requests-repeated.jsonl"
  eval_lines=$(wc -l <"$dir/requests-repeated.jsonl")
  eval_full=$(cpu_best_of_3 "$dir/requests-repeated.jsonl" "$larch" eval "${eval_args[@]}")
  eval_empty=$(cpu_best_of_3 /dev/null "$larch" eval "${eval_args[@]}")
  eval_cpu=$(awk -v a="$eval_full" -v b="$eval_empty" 'BEGIN{d = a - b; print (d > 0 ? d : 0)}')
  "$larch" bench "${args[@]}" --requests "$dir/requests.jsonl" --passes "$passes" --json \
    >"$dir/larch-bench.json"
  set +e
  node "$root/bench/peers/cedar_bench.mjs" --cedar-wasm "$build/cedar-wasm" --workload "$dir" \
    --larch-decisions "$dir/larch-decisions.jsonl" --passes "$passes" --name "$w" \
    >"$dir/cedar-bench.json"
  rc=$?
  set -e
  [ $rc -eq 0 ] || status=1
  node -e '
    const fs = require("fs");
    const [lb, cb, evalCpu, requests, name] = process.argv.slice(1);
    const l = JSON.parse(fs.readFileSync(lb, "utf8"));
    const c = JSON.parse(fs.readFileSync(cb, "utf8"));
    const us = (ns) => (ns / 1000).toFixed(ns < 10000 ? 2 : 1) + " us";
    // Larch figures in whole nanoseconds: at 0.01 us they would hide
    // differences of up to 10%.
    const ns = (v) => (v < 10000 ? Math.round(v) + " ns" : us(v));
    const timer = l.timer_floor ? ns(l.timer_floor.p50_ns) : "-";
    if (c.failure) { console.log(name.padEnd(14), "cedar failed:", JSON.stringify(c.failure)); process.exit(0); }
    const evalRate = Number(evalCpu) > 0 ? Math.round(Number(requests) / Number(evalCpu)) : 0;
    const ratio = c.cedar.p50_ns / l.decide.p50_ns;
    const agreement = c.disagree === 0 ? `all ${c.agree} agree`
      : `${c.disagree} DISAGREE, first: ${JSON.stringify(c.first_mismatch)}`;
    console.log(name.padEnd(14), String(l.policies).padStart(9), ns(l.decide.p50_ns).padStart(12),
      ns(l.decide.p99_ns).padStart(12), timer.padStart(8), String(evalRate).padStart(14), us(c.cedar.p50_ns).padStart(12),
      us(c.cedar.p99_ns).padStart(12), us(c.cedar.no_entities_p50_ns).padStart(12), (ratio.toFixed(2) + "x").padStart(10), agreement);
  ' "$dir/larch-bench.json" "$dir/cedar-bench.json" "$eval_cpu" "$eval_lines" "$w"
done
echo "larch_p50/p99: Engine::decide (library call on a prepared request, compiled evaluator), timed one call"
echo "at a time: each sample includes the clock's own floor, the \`timer\` column (an empty interval); eval_dec/s: larch eval, JSON"
echo "lines in and out, one thread, by CPU time (best of 3, start-up and loading subtracted); cedar:"
echo "statefulIsAuthorized with a preparsed policy set; cedar_noent: the same call with no entities"
echo "(not a valid decision: the cost without handing entities to WebAssembly); p50_ratio = cedar p50"
echo "/ larch p50 (above 1: Larch is faster)"
exit $status
