// `larch compile --dump PATH...`: loads policies, compiles them and prints
// every stage readably, for debugging and golden tests: the IR (symbols,
// shared expression nodes, policies with their scopes), the decision index
// (the scope trie and its leaves) and the flat program (constants and code).
#include "commands.h"

#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"

#include <iostream>
#include <unistd.h>

namespace larch::cli {

static const char *kCompileUsage = R"(usage: larch compile --dump [options] PATH...

Loads Cedar policy files or directories (as `larch check` does), compiles them
and prints each stage under a `== stage ==` heading:

  ir       interned symbols, the expression nodes shared by all policies
           (`%N = op args`) and each policy's normalised scope and condition
  index    the decision index: a trie testing the action, then the principal,
           then the resource, with the candidate policies at its leaves
  program  the constant pool and each policy's code (scope entry, body entry)

Templates are listed only through their links, so an unlinked template prints
no condition.

options:
  --dump               print the stages (required)
  --only STAGE         print only `ir`, `index` or `program`
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  -h, --help           show this help

exit codes: 0 printed, 1 the policies have errors, 2 bad usage
)";

int runCompile(const std::vector<std::string> &args) {
  std::vector<std::string> paths;
  LoadOptions options;
  bool dump = false;
  std::string only;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kCompileUsage;
      return ExitOk;
    }
    if (a == "--only") {
      if (i + 1 >= args.size() ||
          (args[i + 1] != "ir" && args[i + 1] != "index" && args[i + 1] != "program")) {
        std::cerr << "larch compile: `--only` needs `ir`, `index` or `program`\n";
        return ExitUsage;
      }
      only = args[++i];
      continue;
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
  std::unique_ptr<rt::Program> program;
  if (ok)
    module = ir::lower(loaded.set, diags);
  if (module)
    program = codegen::compileProgram(*module, diags);
  diags.sortByLocation();
  std::cerr << formatDiagnostics(diags.getDiagnostics(), sm, isatty(STDERR_FILENO));
  if (!ok || !program)
    return ExitFindings;
  auto section = [&](const char *name, const std::string &text) {
    if (!only.empty() && only != name)
      return;
    if (only.empty())
      std::cout << "== " << name << " ==\n";
    std::cout << text;
  };
  section("ir", ir::dump(*module));
  section("index", program->getIndex().dump(program->getPolicies(), program->getSymbols()));
  section("program", program->dump());
  return ExitOk;
}

} // namespace larch::cli
