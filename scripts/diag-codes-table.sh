#!/usr/bin/env bash
# Prints the Markdown table of diagnostic codes from support/diagnostic_codes.def,
# for docs/diagnostics.md (a unit test checks that every code is listed there).
set -euo pipefail
def="$(dirname "$0")/../support/diagnostic_codes.def"
echo "| code | name | meaning |"
echo "| --- | --- | --- |"
sed -n 's/^DIAG_CODE(\([A-Za-z]*\), "\([A-Z0-9]*\)", "\(.*\)")$/| `\2` | \1 | \3 |/p' "$def"
