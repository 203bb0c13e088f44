// Public API implementation of larch/check.h: loads policies, sorts and
// renders diagnostics, and converts internal types to std types.
#include "larch/check.h"

#include "compiler/agent/annotations.h"
#include "compiler/policy_loader.h"
#include "compiler/schema/cedar_schema_parser.h"
#include "compiler/schema/json_schema_parser.h"
#include "compiler/validate/validate.h"

#include <fstream>
#include <sstream>

namespace larch {

/// Reads and resolves the schema file; problems go to `diags`.
static std::optional<schema::Schema> loadSchemaForCheck(const std::string &path,
                                                        SourceManager &sm,
                                                        DiagnosticEngine &diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(DiagCode::DataFileNotReadable, SourceRange{},
                "cannot read schema file `" + escapeForMessage(path) + "`");
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  llvm::StringRef name(path);
  if (name.endswith(".json"))
    return schema::loadJsonSchema(sm, path, buf.str(), diags);
  return schema::loadCedarSchema(sm, path, buf.str(), diags);
}

template <typename LoadFn>
static CheckResult runCheck(const CheckOptions &options, LoadFn load) {
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  LoadOptions loadOptions;
  loadOptions.idMode = options.positionalIds ? PolicyIdMode::Positional
                                             : PolicyIdMode::Annotation;
  loadOptions.parse.maxErrors = options.maxErrorsPerFile;
  load(sm, loaded, diags, loadOptions);
  // Misplaced or malformed agent annotations refuse a set at load time
  // (docs/agents.md); `check` reports them the same way.
  agent::checkAgentAnnotations(loaded.set, diags);

  CheckResult result;
  if (!options.schemaPath.empty()) {
    std::optional<schema::Schema> schema = loadSchemaForCheck(options.schemaPath, sm, diags);
    if (schema && !diags.hasErrors()) {
      validate::ValidateOptions vo;
      vo.warnImpossiblePolicies = options.warnImpossiblePolicies;
      validate::validatePolicies(*schema, loaded.set, diags, vo);
      result.validated = true;
    }
  }
  result.ok = !diags.hasErrors();
  result.numFiles = loaded.files.size();
  result.numPolicies = loaded.set.policies.size();
  for (const ast::Policy &p : loaded.set.policies) {
    result.policyIds.push_back(p.id);
    if (p.isTemplate())
      ++result.numTemplates;
  }
  diags.sortByLocation();
  result.rendered = formatDiagnostics(diags.getDiagnostics(), sm, options.color);
  result.diagnostics = diags.take();
  resolveLocations(result.diagnostics, sm);
  return result;
}

CheckResult checkPolicyPaths(const std::vector<std::string> &paths,
                             const CheckOptions &options) {
  return runCheck(options, [&](SourceManager &sm, LoadedPolicies &loaded,
                               DiagnosticEngine &diags, const LoadOptions &lo) {
    loadPolicyPaths(paths, sm, loaded, diags, lo);
  });
}

CheckResult checkPolicyText(const std::string &name, const std::string &text,
                            const CheckOptions &options) {
  return runCheck(options, [&](SourceManager &sm, LoadedPolicies &loaded,
                               DiagnosticEngine &diags, const LoadOptions &lo) {
    loadPolicyText(name, text, sm, loaded, diags, lo);
  });
}

} // namespace larch
