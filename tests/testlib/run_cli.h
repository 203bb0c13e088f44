// Test support: runs the built `larch` CLI as a subprocess and captures its
// combined output and exit code.
#ifndef LARCH_TESTS_TESTLIB_RUN_CLI_H
#define LARCH_TESTS_TESTLIB_RUN_CLI_H

#include <string>

namespace larch::testlib {

struct CliRun {
  int exitCode = -1;
  std::string out; // stdout and stderr together
};

/// Runs `larch ARGS` (ARGS as shell words) with `stdinText` on standard input.
CliRun runLarch(const std::string &args, const std::string &stdinText = "");

} // namespace larch::testlib

#endif
