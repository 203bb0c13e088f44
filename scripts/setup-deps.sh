#!/usr/bin/env bash
# Installs the Debian packages Larch builds and tests with, only those missing.
# Idempotent and quiet: a machine that has everything runs no apt command at all.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  antlr4 libantlr4-runtime-dev
  llvm-14-dev zlib1g-dev clang-14 libclang-rt-14-dev
  nlohmann-json3-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# The ANTLR tool needs a Java runtime; any installed one will do.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# Node.js and npm are needed only by the differential tests against cedar-wasm; a
# machine that already has them (from any source) keeps its own.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
