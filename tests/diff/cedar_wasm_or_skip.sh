# Sourced by the differential-test runners: installs cedar-wasm into the
# build tree (scripts/cedar-wasm.sh) or ends the calling script, with exit 77
# (CTest's skip) when node, npm or the npm registry is unavailable and 2 on
# any other failure.
#
#   cedarWasmOrSkip BUILD_DIR "what is skipped"
cedarWasmOrSkip() {
  bash "$root/scripts/cedar-wasm.sh" "$1/cedar-wasm"
  local rc=$?
  if [ $rc -eq 3 ]; then
    echo "SKIP: $2: cedar-wasm cannot be installed (node, npm or the npm registry unavailable)"
    exit 77
  elif [ $rc -ne 0 ]; then
    exit 2
  fi
}
