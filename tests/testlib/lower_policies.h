// Test support: policy text loaded (ids by position) and lowered to IR in a
// line, with what it was lowered from. Shared by the lowering tests and,
// through unit/compiled/compile_policies.h, the code generator and VM tests.
#ifndef LARCH_TESTS_TESTLIB_LOWER_POLICIES_H
#define LARCH_TESTS_TESTLIB_LOWER_POLICIES_H

#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"

#include <gtest/gtest.h>

#include <optional>

namespace larch::testlib {

/// Filled in place (the policies refer to `sm`), so neither copied nor moved.
struct LoweredPolicies {
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  std::optional<ir::Module> module;
};

/// Loads `text` into `out` and lowers it; each step is expected to succeed.
/// Returns whether the text loaded.
inline bool lowerPolicies(llvm::StringRef text, LoweredPolicies &out) {
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  bool ok = loadPolicyText("test.cedar", text, out.sm, out.loaded, out.diags, options);
  EXPECT_TRUE(ok) << formatDiagnostics(out.diags.getDiagnostics(), out.sm);
  out.module = ir::lower(out.loaded.set, out.diags);
  EXPECT_TRUE(out.module.has_value());
  return ok;
}

} // namespace larch::testlib

#endif // LARCH_TESTS_TESTLIB_LOWER_POLICIES_H
