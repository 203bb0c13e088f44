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

echo
echo "== larch eval: agent tool calls (stdlib-policies/agent-tools/requests.jsonl)"
echo "   (the last request has a bad IP address on purpose: it is reported, exit code 1)"
dir=stdlib-policies/agent-tools
"$larch" eval --format decision --policies "$dir/policies.cedar" --schema "$dir/schema.cedarschema" \
  --entities "$dir/entities.json" < "$dir/requests.jsonl" || true
