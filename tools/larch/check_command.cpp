// `larch check [--schema FILE] PATH...`: parses policies, optionally validates
// them against a schema, and prints diagnostics plus a summary.
#include "commands.h"

#include "larch/check.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace larch::cli {

static const char *kCheckUsage = R"(usage: larch check [options] PATH...

Parses Cedar policy files, or directories searched recursively for .cedar files
(loaded in sorted path order), and reports every error with its location, the
source line and a caret. Prints a summary line at the end.

With --schema, the policies are also validated against the schema the way
Cedar's strict validator does: unknown entity types, actions and attributes,
optional attributes read without a `has` guard, operands of the wrong type,
scopes no action applies to (see docs/validation.md).

Policy ids come from an `@id("...")` annotation, else `policyN` by position in
load order; duplicate ids are errors.

options:
  --schema FILE        validate against this schema (.json: JSON format,
                       anything else: Cedar schema syntax)
  --positional-ids     ignore `@id` annotations: every policy is `policyN`
  --max-errors N       errors reported per file before giving up on it (50)
  --color=WHEN         colour diagnostics: auto (default), always, never
  -q, --quiet          print only diagnostics, no summary line
  -h, --help           show this help

exit codes: 0 no errors, 1 errors found, 2 bad usage
)";

int runCheck(const std::vector<std::string> &args) {
  CheckOptions options;
  std::vector<std::string> paths;
  std::string color = "auto";
  bool quiet = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kCheckUsage;
      return ExitOk;
    } else if (a == "--schema") {
      if (i + 1 >= args.size()) {
        std::cerr << "larch check: `--schema` needs a file\n";
        return ExitUsage;
      }
      options.schemaPath = args[++i];
    } else if (a == "--positional-ids") {
      options.positionalIds = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "--max-errors" && i + 1 < args.size()) {
      char *end = nullptr;
      long n = std::strtol(args[++i].c_str(), &end, 10);
      if (*end != '\0' || n <= 0) {
        std::cerr << "larch check: `--max-errors` needs a positive number\n";
        return ExitUsage;
      }
      options.maxErrorsPerFile = static_cast<unsigned>(n);
    } else if (a.rfind("--color=", 0) == 0) {
      color = a.substr(8);
      if (color != "auto" && color != "always" && color != "never") {
        std::cerr << "larch check: `--color` is auto, always or never\n";
        return ExitUsage;
      }
    } else if (a == "--") {
      paths.insert(paths.end(), args.begin() + i + 1, args.end());
      break;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "larch check: unknown option `" << a
                << "` (try `larch check --help`)\n";
      return ExitUsage;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    std::cerr << "larch check: no policy paths given\n" << kCheckUsage;
    return ExitUsage;
  }
  options.color = color == "always" || (color == "auto" && isatty(STDERR_FILENO));

  CheckResult result = checkPolicyPaths(paths, options);
  std::cerr << result.rendered;
  if (!quiet) {
    size_t errors = 0, warnings = 0;
    for (const Diagnostic &d : result.diagnostics) {
      errors += d.severity == Severity::Error;
      warnings += d.severity == Severity::Warning;
    }
    auto plural = [](size_t n, const char *one, const char *many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::ostream &out = result.ok ? std::cout : std::cerr;
    out << "checked " << plural(result.numPolicies, "policy", "policies")
        << " (" << plural(result.numTemplates, "template", "templates") << ") in "
        << plural(result.numFiles, "file", "files")
        << (result.validated ? " against the schema" : "") << ": "
        << (result.ok ? "no errors" : plural(errors, "error", "errors"));
    if (warnings)
      out << ", " << plural(warnings, "warning", "warnings");
    out << "\n";
  }
  return result.ok ? ExitOk : ExitFindings;
}

} // namespace larch::cli
