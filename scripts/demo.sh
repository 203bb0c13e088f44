#!/usr/bin/env bash
# `make demo`: runs larch on the bundled example policies.
set -euo pipefail
build=${1:-build}
larch="$build/tools/larch/larch"

echo "== larch check stdlib-policies/"
"$larch" check stdlib-policies/

echo
echo "== larch check docs/examples/typos.cedar (a file with mistakes, on purpose)"
"$larch" check --color=never docs/examples/typos.cedar || true
