#!/usr/bin/env bash
# `make build`: builds BUILD (configured by `make`), profile-guided unless
# PGO=0 (docs/performance.md, "The profile-guided build"). The training run
# (scripts/pgo-train.sh) is repeated when a profiled source is newer than
# the last one. Usage: build.sh BUILD [JOBS]
set -euo pipefail
build=${1:?usage: build.sh BUILD [JOBS]}
jobs=${2:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
stamp=$build/pgo-profile/trained
mode() { sed -n 's/^LARCH_PGO:STRING=//p' "$build/CMakeCache.txt"; }
reconfigure() { cmake -S "$root" -B "$build" -DLARCH_PGO="$1" >"$build/pgo.configure.log" 2>&1 ||
  { cat "$build/pgo.configure.log"; exit 1; }; }

if [ "${PGO:-1}" = 0 ]; then
  [ "$(mode)" = OFF ] || reconfigure OFF
elif ! grep -qs 'CMAKE_CXX_COMPILER_ID "GNU"' "$build"/CMakeFiles/*/CMakeCXXCompiler.cmake; then
  [ "$(mode)" = OFF ] || reconfigure OFF # the profile options are GCC's
else
  # The sources the profile covers (CMakeLists: larch_profile_guided).
  stale=
  if [ ! -f "$stamp" ]; then
    stale=yes
  elif [ -n "$(cd "$root" && find runtime compiler/json compiler/agent include \
        compiler/engine_* tools/larch/eval_command.cpp \
        scripts/pgo-train.sh -newer "$stamp" -type f | head -1)" ]; then
    stale=yes
  fi
  if [ -n "$stale" ]; then
    JOBS=$jobs bash "$root/scripts/pgo-train.sh" "$build"
  elif [ "$(mode)" != USE ]; then
    reconfigure USE
  fi
fi
cmake --build "$build" -j "$jobs"
