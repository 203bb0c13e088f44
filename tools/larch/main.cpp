// The `larch` CLI entry point: dispatches to a subcommand (commands.h).
#include "commands.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

const char *kUsage = R"(larch: an authorization engine for AI agents, speaking Cedar

usage: larch <command> [options] [args]

commands:
  check PATH...     parse Cedar policy files (or directories of .cedar files)
                    and report every error, compiler-style
  compile --dump PATH...
                    print the policies' intermediate representation
  eval --policies PATH [--entities FILE] [--schema FILE]
                    decide JSON requests read from stdin, one JSON decision
                    per request per line
  bench --policies PATH --requests FILE [--entities FILE] [--schema FILE]
                    measure load time, memory, decision latency, throughput
                    and allocations per decision
  materialize [--schema FILE]
                    print JSON requests read from stdin as plain Cedar JSON,
                    the agent envelope as `context.agent`
  audit verify FILE | audit trace FILE [--instance ID ...]
                    check a decision log's hash chain; report the decisions
                    of an agent instance, owner, approval or originator

options:
  -h, --help        show this help; `larch <command> --help` shows a command's
  --version         print the version

exit codes: 0 success, 1 the input has errors, 2 bad usage
)";

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return larch::cli::ExitUsage;
  }
  const std::string command = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return larch::cli::ExitOk;
  }
  if (command == "--version") {
    std::cout << "larch 0.1.0\n";
    return larch::cli::ExitOk;
  }
  if (command == "check")
    return larch::cli::runCheck(rest);
  if (command == "compile")
    return larch::cli::runCompile(rest);
  if (command == "eval")
    return larch::cli::runEval(rest);
  if (command == "bench")
    return larch::cli::runBench(rest);
  if (command == "audit")
    return larch::cli::runAudit(rest);
  if (command == "materialize")
    return larch::cli::runMaterialize(rest);
  std::cerr << "larch: unknown command `" << command
            << "` (try `larch --help`)\n";
  return larch::cli::ExitUsage;
}
