// Public API implementation of larch/check.h: loads policies, sorts and
// renders diagnostics, and converts internal types to std types.
#include "larch/check.h"

#include "compiler/policy_loader.h"

namespace larch {

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

  CheckResult result;
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
