#!/usr/bin/env bash
# Differential testing of strict validation against Cedar: installs
# cedar-wasm into the build tree (scripts/cedar-wasm.sh), then runs the
# harness (validate_difftest.mjs) on --cases seeds from --seed.
#
#   tests/diff/run_validate_difftest.sh --build DIR --larch LARCH
#                                       [--cases N] [--seed S] [--jobs J]
#
# Exit codes: 0 verdicts agree, 1 mismatch, 2 tool failure, 77 skipped
# because node, npm or the npm registry is unavailable.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build= larch= cases=120 seed=${DIFFTEST_SEED:-1} jobs=${DIFFTEST_JOBS:-2}
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --larch) larch=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "run_validate_difftest: unexpected argument \`$1\`" >&2; exit 2 ;;
  esac
done
if [ -z "$build" ] || [ -z "$larch" ]; then
  echo "run_validate_difftest: --build and --larch are required" >&2
  exit 2
fi

. "$here/cedar_wasm_or_skip.sh"
cedarWasmOrSkip "$build" "validation differential test against Cedar"

# --no-opt: as in run_difftest.sh (node 20's optimizing compiler can abort).
exec node --no-opt "$here/validate_difftest.mjs" --larch "$larch" \
  --cedar-wasm "$build/cedar-wasm" --work "$build/validate-difftest" \
  --seed "$seed" --cases "$cases" --jobs "$jobs"
