#!/usr/bin/env bash
# Installs Cedar's WebAssembly build (npm package @cedar-policy/cedar-wasm),
# pinned to one exact version, into a folder of the build tree, for the
# differential test (tests/diff/). Idempotent: does nothing when that version
# is already there.
#
#   scripts/cedar-wasm.sh DEST [VERSION]
#   scripts/cedar-wasm.sh --installed-version DEST   # prints what DEST holds
#
# Exit codes: 0 installed (or already there); 3 node or npm missing, or the
# npm registry unreachable (the differential test then skips); 1 anything else.
set -uo pipefail

version_default=4.13.0
query=
if [ "${1:-}" = "--installed-version" ]; then
  query=1
  shift
fi
dest=${1:?usage: scripts/cedar-wasm.sh DEST [VERSION]}
version=${2:-${CEDAR_WASM_VERSION:-$version_default}}
pkg="$dest/node_modules/@cedar-policy/cedar-wasm/package.json"

installed_version() {
  [ -f "$pkg" ] && node -e 'process.stdout.write(require(require("path").resolve(process.argv[1])).version)' "$pkg" 2>/dev/null
}

if [ -n "$query" ]; then
  installed_version
  exit
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "cedar-wasm: \`$tool\` is not installed (Debian: apt-get install nodejs npm); cannot install @cedar-policy/cedar-wasm@$version" >&2
    exit 3
  fi
done

if [ "$(installed_version)" = "$version" ]; then
  exit 0
fi

mkdir -p "$dest" || exit 1
cat >"$dest/package.json" <<JSON
{
  "name": "larch-cedar-wasm",
  "private": true,
  "description": "Cedar's WebAssembly build, for Larch's differential test",
  "dependencies": { "@cedar-policy/cedar-wasm": "$version" }
}
JSON

log="$dest/npm-install.log"
if ! npm install --prefix "$dest" --no-audit --no-fund --no-package-lock \
     --fetch-retries=1 --fetch-timeout=30000 >"$log" 2>&1; then
  if grep -qiE 'ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|network|socket|proxy' "$log"; then
    echo "cedar-wasm: the npm registry is unreachable; cannot install @cedar-policy/cedar-wasm@$version (details: $log)" >&2
    exit 3
  fi
  echo "cedar-wasm: npm install of @cedar-policy/cedar-wasm@$version failed:" >&2
  tail -20 "$log" >&2
  exit 1
fi

got=$(installed_version)
if [ "$got" != "$version" ]; then
  echo "cedar-wasm: expected version $version after install, found '${got:-nothing}'" >&2
  exit 1
fi
echo "cedar-wasm: installed @cedar-policy/cedar-wasm@$version in $dest"
