// The `larch` CLI: one function per subcommand, each taking the arguments
// after its name and returning the process exit code.
#ifndef LARCH_TOOLS_COMMANDS_H
#define LARCH_TOOLS_COMMANDS_H

#include <string>
#include <vector>

namespace larch::cli {

/// Exit codes shared by every subcommand.
enum ExitCode { ExitOk = 0, ExitFindings = 1, ExitUsage = 2 };

int runCheck(const std::vector<std::string> &args);
int runCompile(const std::vector<std::string> &args);
int runEval(const std::vector<std::string> &args);
int runBench(const std::vector<std::string> &args);
int runAudit(const std::vector<std::string> &args);
int runMaterialize(const std::vector<std::string> &args);

} // namespace larch::cli

#endif
