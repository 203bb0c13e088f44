#!/usr/bin/env bash
# Differential testing against Cedar: installs cedar-wasm into the build tree
# (scripts/cedar-wasm.sh), then runs the harness (difftest.mjs) on --cases
# seeds from --seed. Used by CTest (bounded) and `make difftest` (long run).
#
#   tests/diff/run_difftest.sh --build DIR --gen GEN --larch LARCH
#                              [--cases N] [--seed S] [--jobs J] [--keep]
#                              [--policies MIN-MAX]
#
# --policies is passed to the generator (policies per case, default 2-7).
#
# Exit codes: 0 engines agree, 1 mismatch, 2 tool failure, 77 skipped because
# node, npm or the npm registry is unavailable.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build= gen= larch= cases=300 seed=${DIFFTEST_SEED:-1} jobs=${DIFFTEST_JOBS:-2} keep= policies=()
workName=difftest # failing cases are kept in <build>/<workName>/failures
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --gen) gen=$2; shift 2 ;;
    --larch) larch=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --keep) keep=--keep; shift ;;
    --policies) policies=(--policies "$2"); workName=difftest-policies-$2; shift 2 ;;
    *) echo "run_difftest: unexpected argument \`$1\`" >&2; exit 2 ;;
  esac
done
if [ -z "$build" ] || [ -z "$gen" ] || [ -z "$larch" ]; then
  echo "run_difftest: --build, --gen and --larch are required" >&2
  exit 2
fi

. "$here/cedar_wasm_or_skip.sh"
cedarWasmOrSkip "$build" "differential test against Cedar"

# --no-opt: node 20's optimizing compiler intermittently aborts in its
# deoptimizer on this workload (a V8 fatal error, not a test failure); the
# time goes into WebAssembly and Larch, so the interpreter costs nothing.
exec node --no-opt "$here/difftest.mjs" --gen "$gen" --larch "$larch" \
  --cedar-wasm "$build/cedar-wasm" --work "$build/$workName" \
  --seed "$seed" --cases "$cases" --jobs "$jobs" "${policies[@]}" $keep
