// Test support: CLI subprocess runner (see run_cli.h).
#include "testlib/run_cli.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace larch::testlib {

CliRun runLarch(const std::string &args, const std::string &stdinText) {
  static int counter = 0;
  std::string in = std::filesystem::temp_directory_path().string() + "/larch_cli_test_" +
                   std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".in";
  std::ofstream(in) << stdinText;
  std::string cmd = std::string(LARCH_CLI_PATH) + " " + args + " < " + in + " 2>&1";
  CliRun r;
  if (FILE *p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      r.out.append(buf, n);
    int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::remove(in.c_str());
  return r;
}

} // namespace larch::testlib
