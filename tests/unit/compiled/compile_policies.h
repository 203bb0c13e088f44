// Test support for the compiled runtime's tests: policy text compiled to a
// program in a line, with what it was compiled from.
#ifndef LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H
#define LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H

#include "compiler/codegen/compile_program.h"
#include "testlib/lower_policies.h"

#include <gtest/gtest.h>

#include <memory>

namespace larch::testing_compiled {

struct Compiled : testlib::LoweredPolicies {
  std::unique_ptr<rt::Program> program;
};

/// `text` loaded (ids by position), lowered and compiled into `c`; each step
/// is expected to succeed. Returns whether the text loaded and compiled
/// (`program` is null if it did not compile).
inline bool compileInto(llvm::StringRef text, Compiled &c) {
  bool loaded = testlib::lowerPolicies(text, c);
  if (c.module)
    c.program = codegen::compileProgram(*c.module, c.diags);
  EXPECT_TRUE(c.program);
  return loaded && c.program;
}

/// compileInto() a new Compiled.
inline std::unique_ptr<Compiled> compile(llvm::StringRef text) {
  auto c = std::make_unique<Compiled>();
  compileInto(text, *c);
  return c;
}

} // namespace larch::testing_compiled

#endif // LARCH_TESTS_UNIT_COMPILED_COMPILE_POLICIES_H
