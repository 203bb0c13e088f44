// Test support for the compiled runtime's tests: policy text compiled to a
// program in a line, with what it was compiled from.
#ifndef LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H
#define LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H

#include "compiler/codegen/compile_program.h"
#include "compiler/ir/lower.h"
#include "compiler/policy_loader.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

namespace larch::testing_compiled {

struct Compiled {
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedPolicies loaded;
  std::optional<ir::Module> module;
  std::unique_ptr<rt::Program> program;
};

/// `text` loaded (ids by position), lowered and compiled; each step is
/// expected to succeed. `program` is null if one did not.
inline std::unique_ptr<Compiled> compile(llvm::StringRef text) {
  auto c = std::make_unique<Compiled>();
  LoadOptions options;
  options.idMode = PolicyIdMode::Positional;
  bool ok = loadPolicyText("test.cedar", text, c->sm, c->loaded, c->diags, options);
  EXPECT_TRUE(ok) << formatDiagnostics(c->diags.getDiagnostics(), c->sm);
  c->module = ir::lower(c->loaded.set, c->diags);
  EXPECT_TRUE(c->module);
  if (c->module)
    c->program = codegen::compileProgram(*c->module, c->diags);
  EXPECT_TRUE(c->program);
  return c;
}

} // namespace larch::testing_compiled

#endif // LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H
