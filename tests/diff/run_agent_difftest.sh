#!/usr/bin/env bash
# Differential test of the agent envelope against Cedar: installs cedar-wasm
# into the build tree (scripts/cedar-wasm.sh), then runs agent_difftest.mjs.
#
#   tests/diff/run_agent_difftest.sh --build DIR --larch LARCH [--cases N] [--seed S]
#
# Exit codes: 0 engines agree, 1 mismatch, 2 tool failure, 77 skipped because
# node, npm or the npm registry is unavailable.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build= larch= cases=100 seed=${DIFFTEST_SEED:-1}
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --larch) larch=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "run_agent_difftest: unexpected argument \`$1\`" >&2; exit 2 ;;
  esac
done
if [ -z "$build" ] || [ -z "$larch" ]; then
  echo "run_agent_difftest: --build and --larch are required" >&2
  exit 2
fi
. "$here/cedar_wasm_or_skip.sh"
cedarWasmOrSkip "$build" "agent envelope differential test"
exec node --no-opt "$here/agent_difftest.mjs" --larch "$larch" --cedar-wasm "$build/cedar-wasm" \
  --work "$build/agent-difftest" --seed "$seed" --cases "$cases"
