// `larch compile --dump PATH...`: loads policies, lowers them to the IR and
// prints it readably (symbols, shared expression nodes, policies with their
// scopes), for debugging and golden tests. The decision index and the flat
// program will be printed here too once they exist.
#include "commands.h"

#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"

#include <iostream>
#include <unistd.h>

namespace larch::cli {

static const char *kCompileUsage = R"(usage: larch compile --dump [options] PATH...

Loads Cedar policy files or directories (as `larch check` does), lowers them to
Larch's intermediate representation and prints it: interned symbols, the
expression nodes shared by all policies (`%N = op args`) and each policy's
normalised scope and condition node. Templates are listed only through their
links, so an unlinked template prints no condition.

options:
  --dump               print the IR (the only output so far; required)
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  -h, --help           show this help

exit codes: 0 printed, 1 the policies have errors, 2 bad usage
)";

int runCompile(const std::vector<std::string> &args) {
  std::vector<std::string> paths;
  LoadOptions options;
  bool dump = false;
  for (const std::string &a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << kCompileUsage;
      return ExitOk;
    }
    if (a == "--dump")
      dump = true;
    else if (a == "--positional-ids")
      options.idMode = PolicyIdMode::Positional;
    else if (!a.empty() && a[0] == '-') {
      std::cerr << "larch compile: unknown option `" << a
                << "` (try `larch compile --help`)\n";
      return ExitUsage;
    } else {
      paths.push_back(a);
    }
  }
  if (!dump || paths.empty()) {
    std::cerr << "larch compile: `--dump` and at least one policy path are required\n"
              << kCompileUsage;
    return ExitUsage;
  }

  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  bool ok = loadPolicyPaths(paths, sm, loaded, diags, options);
  std::optional<ir::Module> module;
  if (ok)
    module = ir::lower(loaded.set, diags);
  diags.sortByLocation();
  std::cerr << formatDiagnostics(diags.getDiagnostics(), sm, isatty(STDERR_FILENO));
  if (!ok || !module)
    return ExitFindings;
  std::cout << ir::dump(*module);
  return ExitOk;
}

} // namespace larch::cli
